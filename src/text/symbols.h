// The v2 phone symbol table (upstream text/symbols2.py): 732 symbols whose position is the id the
// models embed. Built the way symbols2.py builds it, from its short ingredient lists, so the ids
// come out of the same sort: pad "_" is 95 and id 0 is "!" (T2S pads phones with 0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gsv::text {

inline constexpr int kNumSymbolsV2 = 732;
inline constexpr int kNumSymbolsV1 = 322;  // v1 (text/symbols.py) is the first 322 entries

// All v2 symbols in id order.
const std::vector<std::string>& symbols_v2();

// Whether `phone` is a v2 symbol.
bool is_symbol(std::string_view phone);

// Id of one phone; throws gsv::Error (BadInput) naming the phone when it is not a symbol.
int symbol_id(std::string_view phone);

// upstream cleaned_text_to_sequence(phones, "v2"): phones -> ids, failing on the first unknown one.
std::vector<int> phones_to_ids(const std::vector<std::string>& phones);

}  // namespace gsv::text
