// chinese2.g2p / _g2p: segments -> jieba posseg -> ToneSandhi merges -> per word pinyin (pypinyin,
// or the g2pW hook) -> tone sandhi -> erhua -> opencpop-strict phones and word2ph.
#include <algorithm>

#include "core/error.h"
#include "text/zh.h"
#include "text/zh_data.h"
#include "text/zh_jieba.h"
#include "text/zh_pinyin.h"
#include "text/zh_tone_sandhi.h"
#include "text/zh_unicode.h"

namespace gsv::text {

namespace {

using u32 = std::u32string;
using zh::SegWord;

// g2p's re.split(r"(?<=[!?…,.-])\s*", text) followed by `if i.strip() != ""`.
std::vector<u32> split_segments(const u32& text) {
  std::vector<u32> pieces;
  size_t start = 0, p = 1;
  while (p <= text.size()) {
    if (!zh::is_zh_punct(text[p - 1])) {
      ++p;
      continue;
    }
    size_t q = p;
    while (q < text.size() && zh::py_isspace(text[q])) ++q;
    pieces.push_back(text.substr(start, p - start));
    start = q;
    p = q > p ? q : p + 1;  // the next match cannot be an empty one at the same place
  }
  pieces.push_back(text.substr(start));
  std::vector<u32> out;
  for (u32& piece : pieces)
    if (!zh::py_strip(piece).empty()) out.push_back(std::move(piece));
  return out;
}

// chinese2._merge_erhua
// (Erhua changes finals only: 儿 stays its own syllable.)
void merge_erhua(std::vector<std::string>& finals, const u32& word, const std::string& pos) {
  const zh::ZhData& d = zh::zh_data();
  if (finals.size() > word.size())  // word[len(finals) - 1] raises in upstream
    bad_input("the polyphone model returned more readings than \"", zh::u32_to_utf8(word), "\" has characters");
  // A word-final 儿 read er1 becomes er2.
  if (!finals.empty() && word[finals.size() - 1] == U'儿' && finals.back() == "er1")
    finals.back() = "er2";
  if (!d.must_erhua.count(word) && (d.not_erhua.count(word) || pos == "a" || pos == "j" || pos == "nr")) return;
  if (finals.size() != word.size()) return;  // e.g. "……"
  // A word-final 儿 (er2/er5) takes the tone of the syllable before it.
  u32 tail = word.substr(word.size() >= 2 ? word.size() - 2 : 0);
  for (size_t i = 0; i < finals.size(); ++i) {
    if (i == finals.size() - 1 && word[i] == U'儿' && (finals[i] == "er2" || finals[i] == "er5") && !d.not_erhua.count(tail) &&
        i > 0) {
      if (finals[i - 1].empty())
        bad_input("cannot read \"", zh::u32_to_utf8(word), "\": a syllable before 儿 has no final (upstream raises IndexError)");
      finals[i] = "er" + zh::u32_to_utf8(u32(1, zh::last_codepoint(finals[i - 1])));
    }
  }
}

bool is_python_alpha_start(const std::string& s) {
  // str.isalpha() of the first character: ASCII letters, and CJK/other letters a model might echo.
  if (s.empty()) return false;
  char32_t c = zh::utf8_to_u32(s)[0];
  return zh::is_ascii_alpha(c) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || c >= 0x20000 ||
         (c >= 0xC0 && c <= 0x24F);
}

// g2pw.correct_pronunciation
std::vector<std::string> correct_pronunciation(const u32& word, std::vector<std::string> pinyins) {
  const auto& pp = zh::zh_polyphonic_dict();
  auto it = pp.find(word);
  if (it != pp.end()) return it->second;
  for (size_t i = 0; i < word.size(); ++i) {
    auto c = pp.find(u32(1, word[i]));
    if (c == pp.end() || c->second.empty()) continue;
    if (i >= pinyins.size()) bad_input("the polyphone model returned fewer readings than characters");
    pinyins[i] = c->second[0];
  }
  return pinyins;
}

[[noreturn]] void no_reading(const std::string& c, const std::string& v) {
  bad_input("cannot map the syllable (initial \"", c, "\", final \"", v,
            "\") to a phone: the text has a character without a usable Mandarin reading "
            "(upstream's g2p fails on it as well); remove or replace it");
}

// The tail of chinese2._g2p: one (initial, final) pair to phones.
void append_phones(const std::string& c, const std::string& v, G2PResult& out) {
  const zh::ZhData& d = zh::zh_data();
  if (c == v) {
    // Punctuation keeps itself as its phone.
    std::u32string u = zh::utf8_to_u32(c);
    if (u.size() != 1 || !zh::is_zh_punct(u[0])) no_reading(c, v);
    out.phones.push_back(c);
    out.word2ph->push_back(1);
    return;
  }
  if (v.empty()) no_reading(c, v);
  const char tone = v.back();
  const std::string v0 = v.substr(0, v.size() - 1);
  if (tone < '1' || tone > '5') no_reading(c, v);
  std::string pinyin = c + v0;
  if (!c.empty()) {
    if (v0 == "uei") pinyin = c + "ui";
    else if (v0 == "iou") pinyin = c + "iu";
    else if (v0 == "uen") pinyin = c + "un";
  } else if (pinyin == "ing") {
    pinyin = "ying";
  } else if (pinyin == "i") {
    pinyin = "yi";
  } else if (pinyin == "in") {
    pinyin = "yin";
  } else if (pinyin == "u") {
    pinyin = "wu";
  } else {
    if (pinyin.empty()) no_reading(c, v);
    switch (pinyin[0]) {
      case 'v': pinyin = "yu" + pinyin.substr(1); break;
      case 'i': pinyin = "y" + pinyin.substr(1); break;
      case 'u': pinyin = "w" + pinyin.substr(1); break;
      default: break;  // "e" maps to itself
    }
  }
  auto it = d.opencpop.find(pinyin);
  if (it == d.opencpop.end()) no_reading(c, v);
  out.phones.push_back(it->second.first);
  out.phones.push_back(it->second.second + tone);
  out.word2ph->push_back(2);
}

}  // namespace

G2PResult zh_g2p(const std::string& norm_text) { return zh_g2p(norm_text, ZhPolyphoneModel()); }

G2PResult zh_g2p(const std::string& norm_text, const ZhPolyphoneModel& polyphones) {
  G2PResult out;
  out.norm_text = norm_text;
  out.word2ph.emplace();
  std::vector<u32> segments = split_segments(zh::utf8_to_u32(norm_text));
  for (u32& seg : segments)  // re.sub("[a-zA-Z]+", "", seg)
    seg.erase(std::remove_if(seg.begin(), seg.end(), [](char32_t c) { return zh::is_ascii_alpha(c); }), seg.end());

  std::vector<std::vector<std::string>> model_readings;
  size_t model_cursor = 0;
  if (polyphones) {
    std::vector<std::string> batch;
    for (const u32& seg : segments)
      if (!seg.empty()) batch.push_back(zh::u32_to_utf8(seg));
    if (!batch.empty()) model_readings = polyphones(batch);
    if (model_readings.size() != batch.size())
      fail(ErrorKind::Internal, "the polyphone model returned ", model_readings.size(), " results for ", batch.size(),
           " segments");
  }

  for (const u32& seg : segments) {
    std::vector<SegWord> words;
    for (auto& tw : zh::posseg_cut(seg)) words.push_back({std::move(tw.word), std::move(tw.tag)});
    words = zh::tone_sandhi_pre_merge(std::move(words));

    std::vector<std::string> initials, finals;
    const std::vector<std::string>* readings = nullptr;
    if (polyphones && !seg.empty()) readings = &model_readings[model_cursor++];
    size_t offset = 0;
    for (const SegWord& w : words) {
      const size_t begin = offset;
      offset += w.word.size();
      if (w.pos == "eng") continue;
      std::vector<std::string> ini, fin;
      if (!polyphones) {
        // _get_initials_finals: lazy_pinyin INITIALS and FINALS_TONE3, zipped.
        ini = zh::lazy_pinyin(w.word, zh::PinyinStyle::Initials);
        fin = zh::lazy_pinyin(w.word, zh::PinyinStyle::FinalsTone3);
        size_t n = std::min(ini.size(), fin.size());
        ini.resize(n);
        fin.resize(n);
      } else {
        std::vector<std::string> word_readings;
        for (size_t i = begin; i < offset && readings && i < readings->size(); ++i) word_readings.push_back((*readings)[i]);
        for (const std::string& p : correct_pronunciation(w.word, std::move(word_readings))) {
          if (is_python_alpha_start(p)) {
            ini.push_back(zh::pinyin_to_initials(p));
            fin.push_back(zh::pinyin_to_finals_tone3(p));
          } else {
            ini.push_back(p);
            fin.push_back(p);
          }
        }
      }
      fin = zh::tone_sandhi_modify(w.word, w.pos, std::move(fin));
      merge_erhua(fin, w.word, w.pos);
      initials.insert(initials.end(), ini.begin(), ini.end());
      finals.insert(finals.end(), fin.begin(), fin.end());
    }
    const size_t n = std::min(initials.size(), finals.size());
    for (size_t i = 0; i < n; ++i) append_phones(initials[i], finals[i], out);
  }
  return out;
}

}  // namespace gsv::text
