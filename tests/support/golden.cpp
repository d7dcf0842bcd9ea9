#include "support/golden.h"

#include <cstdlib>

#include <cmath>
#include <iostream>
#include <sstream>

namespace gsv::test {

std::filesystem::path fixtures_dir() { return GSV_FIXTURES_DIR; }
std::filesystem::path fixture(const std::string& relative) { return fixtures_dir() / relative; }
std::filesystem::path source_dir() { return GSV_SOURCE_DIR; }
std::filesystem::path large_fixture(const std::string& relative) {
  const char* env = std::getenv("GSV_LARGE_FIXTURES");
  return std::filesystem::path(env && *env ? env : "/work/fixtures-large") / relative;
}
std::string binary_path() {
#ifdef GSV_BIN_PATH
  return GSV_BIN_PATH;
#else
  return "gpt-sovits";
#endif
}

std::unordered_map<std::string, mx::array> load_fixture(const std::string& relative) {
  auto path = fixture(relative);
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << "missing fixture " << path << " (regenerate with tools/golden/)";
    return {};
  }
  return mx::load_safetensors(path.string()).first;
}

Diff diff(const mx::array& ours, const mx::array& reference) {
  auto a = mx::astype(ours, mx::float32);
  auto b = mx::astype(reference, mx::float32);
  auto d = mx::abs(mx::subtract(a, b));
  auto bmax = mx::max(mx::abs(b));
  auto floor = mx::maximum(mx::multiply(bmax, mx::array(1e-3f)), mx::array(1e-6f));
  auto rel = mx::where(mx::greater(mx::abs(b), floor), mx::divide(d, mx::abs(b)), mx::array(0.0f));
  auto sig = mx::sum(mx::square(b));
  auto err = mx::sum(mx::square(d));
  mx::eval({d, bmax, rel, sig, err});
  Diff r;
  r.max_abs = d.size() ? mx::max(d).item<float>() : 0.f;
  r.max_rel = rel.size() ? mx::max(rel).item<float>() : 0.f;
  r.ref_max = bmax.item<float>();
  double s = sig.item<float>(), e = err.item<float>();
  r.snr_db = e > 0 ? 10.0 * std::log10(s / e) : 999.0;
  return r;
}

namespace {
std::string shape_str(const mx::Shape& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << "]";
  return os.str();
}

std::string head(const mx::array& x, int n = 5) {
  auto f = mx::flatten(mx::astype(x, mx::float32));
  int k = std::min<int>(n, f.size());
  auto h = mx::slice(f, {0}, {k});
  mx::eval(h);
  std::ostringstream os;
  for (int i = 0; i < k; ++i) os << (i ? " " : "") << h.data<float>()[i];
  return os.str();
}
}  // namespace

::testing::AssertionResult close(const std::string& name, const mx::array& ours,
                                 const mx::array& reference, float atol, float rtol) {
  if (ours.shape() != reference.shape()) {
    return ::testing::AssertionFailure() << name << ": shape " << shape_str(ours.shape())
                                         << " but upstream has " << shape_str(reference.shape());
  }
  Diff d = diff(ours, reference);
  std::cout << "  " << name << " " << shape_str(ours.shape()) << ": max_abs " << d.max_abs
            << " max_rel " << d.max_rel << " (|ref| max " << d.ref_max << ", snr " << d.snr_db
            << " dB)\n    ours: " << head(ours) << "\n    ref:  " << head(reference) << "\n";
  bool ok = d.max_abs <= atol || (rtol > 0 && d.max_abs <= rtol * std::max(d.ref_max, 1.0f));
  if (!std::isfinite(d.max_abs)) ok = false;
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << ": max_abs " << d.max_abs << " > atol " << atol
                                       << (rtol > 0 ? " and > rtol*|ref|max" : "");
}

}  // namespace gsv::test
