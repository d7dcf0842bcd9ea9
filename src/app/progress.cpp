#include "app/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace gsv::app {

ProgressBar::ProgressBar(std::string label, double total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), tty_(::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (!finished_ && tty_) std::fputs("\n", stderr);
}

void ProgressBar::set_total(double total) { total_ = total; }

void ProgressBar::update(double done, const std::string& note) {
  done_ = done;
  if (!note.empty()) note_ = note;
  auto now = std::chrono::steady_clock::now();
  if (tty_ && now - last_draw_ > std::chrono::milliseconds(80)) {
    last_draw_ = now;
    draw(false);
  }
}

void ProgressBar::finish(const std::string& note) {
  if (finished_) return;
  if (!note.empty()) note_ = note;
  done_ = std::max(done_, total_);
  if (tty_) draw(true);
  finished_ = true;
}

void ProgressBar::draw(bool final) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total_ > 0 ? std::clamp(done_ / total_, 0.0, 1.0) : 0.0;
  const int width = 28, filled = int(frac * width + 0.5);
  std::string bar(filled, '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %3d%% %.1fs %s", label_.c_str(), bar.c_str(), int(frac * 100 + 0.5), secs,
               note_.c_str());
  if (final) std::fputs("\n", stderr);
  std::fflush(stderr);
}

}  // namespace gsv::app
