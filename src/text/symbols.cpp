#include "text/symbols.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/error.h"

namespace gsv::text {

namespace {

// Mandarin initials, including the pseudo-initials AA EE OO that zero-initial syllables get.
const char* const kInitials[] = {"AA", "EE", "OO", "b", "c", "ch", "d", "f", "g", "h", "j", "k", "l",
                                 "m", "n", "p", "q", "r", "s", "sh", "t", "w", "x", "y", "z", "zh"};
// Mandarin finals; each one exists with tones 1-5.
const char* const kFinals[] = {"E",  "En",  "a",   "ai",   "an",   "ang", "ao",  "e",  "ei", "en",
                               "eng", "er", "i",   "i0",   "ia",   "ian", "iang", "iao", "ie", "in",
                               "ing", "iong", "ir", "iu",  "o",    "ong", "ou",  "u",  "ua", "uai",
                               "uan", "uang", "ui", "un",  "uo",   "v",   "van", "ve", "vn"};
// Japanese (pyopenjtalk) phones.
const char* const kJapanese[] = {"I",  "N",  "U",  "a",  "b", "by", "ch", "cl", "d",  "dy", "e", "f", "g",
                                 "gy", "h",  "hy", "i",  "j", "k",  "ky", "m",  "my", "n",  "ny", "o",
                                 "p",  "py", "r",  "ry", "s", "sh", "t",  "ts", "u",  "v",  "w",  "y", "z"};
// Punctuation phones, then the pause/unknown markers.
const char* const kPunctuation[] = {"!", "?", "…", ",", ".", "-", "SP", "SP2", "SP3", "UNK"};
// ARPAbet: vowels carry a stress digit 0/1/2; "ER" and "IH" also appear bare.
const char* const kArpaVowels[] = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER",
                                   "EY", "IH", "IY", "OW", "OY", "UH", "UW"};
const char* const kArpaOther[] = {"ER", "IH", "B", "CH", "D",  "DH", "F", "G", "HH", "JH", "K", "L", "M",
                                  "N",  "NG", "P", "R",  "S", "SH", "T", "TH", "V", "W",  "Y", "Z", "ZH"};
// Korean compatibility jamo, plus the word-gap and unknown markers of korean.py.
const char* const kKorean[] = {"ㄱ", "ㄴ", "ㄷ", "ㄹ", "ㅁ", "ㅂ", "ㅅ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ",
                               "ㅍ", "ㅎ", "ㄲ", "ㄸ", "ㅃ", "ㅆ", "ㅉ", "ㅏ", "ㅓ", "ㅗ", "ㅜ", "ㅡ",
                               "ㅣ", "ㅐ", "ㅔ", "空", "停"};
// Cantonese (cantonese.py) splits a Jyutping syllable into an untoned part and a toned rest; both
// get a "Y" prefix. Parts that occur with tones 1-6:
const char* const kYueToned[] = {"a",  "aa",  "aai", "aak", "aam", "aan", "aang", "aap", "aat", "aau",
                                 "ai", "ak",  "am",  "an",  "ang", "ap",  "at",   "au",  "e",   "ei",
                                 "ek", "eng", "eoi", "eon", "eot", "g",   "i",    "ik",  "im",  "in",
                                 "ing", "ip", "it",  "iu",  "k",   "m",   "n",    "o",   "oe",  "oek",
                                 "oeng", "oi", "ok", "on",  "ong", "ot",  "ou",   "p",   "t",   "u",
                                 "ui", "uk",  "un",  "ung", "ut",  "yu",  "yun",  "yut"};
// Parts that occur without a tone (initials, and prefixes of a bare-vowel syllable).
const char* const kYueBare[] = {"a", "aa", "ai", "ak", "au", "b",  "c",  "d",  "e",  "f",  "g",
                                "gw", "h", "j",  "k",  "kw", "l",  "m",  "n",  "ng", "o",  "oi",
                                "ok", "on", "ou", "p", "s",  "t",  "uk", "w",  "z"};

std::vector<std::string> build_symbols() {
  // symbols2.py: sorted(set([pad] + c + v + ja + pu + arpa)), then "[", "]", sorted(ko), sorted(yue).
  // Python sorts str by code point; std::string compares bytes as unsigned char, and UTF-8 byte
  // order equals code point order, so std::set gives the same order.
  std::set<std::string> base = {"_"};
  for (const char* s : kInitials) base.insert(s);
  for (int tone = 1; tone <= 5; ++tone)
    for (const char* f : kFinals) base.insert(std::string(f) + std::to_string(tone));
  for (const char* s : kJapanese) base.insert(s);
  for (const char* s : kPunctuation) base.insert(s);
  for (const char* v : kArpaVowels)
    for (int stress = 0; stress <= 2; ++stress) base.insert(std::string(v) + std::to_string(stress));
  for (const char* s : kArpaOther) base.insert(s);

  std::vector<std::string> out(base.begin(), base.end());
  out.push_back("[");  // Japanese pitch rise / fall, appended unsorted
  out.push_back("]");
  std::set<std::string> ko(std::begin(kKorean), std::end(kKorean));
  out.insert(out.end(), ko.begin(), ko.end());
  std::set<std::string> yue;
  for (const char* s : kYueBare) yue.insert(std::string("Y") + s);
  for (const char* s : kYueToned)
    for (int tone = 1; tone <= 6; ++tone) yue.insert(std::string("Y") + s + std::to_string(tone));
  out.insert(out.end(), yue.begin(), yue.end());
  GSV_CHECK(out.size() == kNumSymbolsV2, "symbol table has ", out.size(), " entries");
  return out;
}

const std::unordered_map<std::string, int>& symbol_index() {
  static const std::unordered_map<std::string, int> index = [] {
    std::unordered_map<std::string, int> m;
    const auto& s = symbols_v2();
    for (int i = 0; i < static_cast<int>(s.size()); ++i) m.emplace(s[i], i);
    return m;
  }();
  return index;
}

}  // namespace

const std::vector<std::string>& symbols_v2() {
  static const std::vector<std::string> symbols = build_symbols();
  return symbols;
}

bool is_symbol(std::string_view phone) { return symbol_index().count(std::string(phone)) > 0; }

int symbol_id(std::string_view phone) {
  const auto& index = symbol_index();
  auto it = index.find(std::string(phone));
  if (it == index.end())
    bad_input("phone '", phone, "' is not in the v2 symbol table (text/symbols2.py); "
              "phones must come from the text frontend");
  return it->second;
}

std::vector<int> phones_to_ids(const std::vector<std::string>& phones) {
  std::vector<int> ids;
  ids.reserve(phones.size());
  for (const auto& p : phones) ids.push_back(symbol_id(p));
  return ids;
}

}  // namespace gsv::text
