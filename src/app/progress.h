// A progress bar on stderr for long work, drawn only when stderr is a terminal (logs and pipes get
// nothing but the final line). The layers below app/ report progress through callbacks; this is
// where it becomes pixels.
#pragma once

#include <chrono>
#include <string>

namespace gsv::app {

class ProgressBar {
 public:
  ProgressBar(std::string label, double total, std::string unit = "");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void set_total(double total);
  void update(double done, const std::string& note = "");
  void finish(const std::string& note = "");

 private:
  void draw(bool final);
  std::string label_, unit_, note_;
  double total_, done_ = 0;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace gsv::app
