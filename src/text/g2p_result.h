// What a language's G2P gives back: upstream's clean_text() triple.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gsv::text {

struct G2PResult {
  std::vector<std::string> phones;        // upstream symbol strings (symbols2.py), e.g. "n", "i3", "AH0"
  std::optional<std::vector<int>> word2ph;  // zh: phones per character of norm_text; en: none (upstream None)
  std::string norm_text;                  // the normalised text the phones were made from
};

}  // namespace gsv::text
