// libFuzzer target for the text frontend: any bytes, in any language mode and cut method, give
// segments or a gsv::Error, never a crash or a hang (-timeout catches the latter).
#include <cstdint>
#include <string>

#include "core/error.h"
#include "text/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* langs[] = {"auto", "zh", "en", "all_zh", "all_en"};
  static const char* cuts[] = {"cut0", "cut1", "cut2", "cut3", "cut4", "cut5"};
  // The first byte picks the mode; the rest is the text.
  const char* lang = langs[data[0] % 5];
  const char* cut = cuts[(data[0] / 5) % 6];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    auto r = gsv::text::preprocess(text, lang, cut);
    for (const auto& seg : r.segments) (void)seg.phone_ids();
  } catch (const gsv::Error&) {
  }
  return 0;
}
