#include "text/zh_tone_sandhi.h"

#include <algorithm>

#include "core/error.h"
#include "text/zh_data.h"
#include "text/zh_jieba.h"
#include "text/zh_pinyin.h"
#include "text/zh_unicode.h"

namespace gsv::text::zh {

namespace {

using u32 = std::u32string;
using Finals = std::vector<std::string>;

// Python's IndexError, raised by the helpers below where upstream's indexing would raise.
struct PyIndexError {};

std::string& at(Finals& f, ptrdiff_t i) {
  if (i < 0) i += ptrdiff_t(f.size());
  if (i < 0 || i >= ptrdiff_t(f.size())) throw PyIndexError{};
  return f[size_t(i)];
}

char32_t last(const std::string& s) {  // s[-1]
  if (s.empty()) throw PyIndexError{};
  return last_codepoint(s);
}

void set_tone(std::string& f, char tone) { f = drop_last_codepoint(f) + tone; }  // f[:-1] + tone

bool all_tone_three(const Finals& finals) {
  for (const std::string& x : finals)
    if (last(x) != U'3') return false;
  return true;
}

bool contains(std::u32string_view chars, char32_t c) { return chars.find(c) != std::u32string_view::npos; }

u32 tail2(std::u32string_view w) { return u32(w.substr(w.size() >= 2 ? w.size() - 2 : 0)); }  // word[-2:]

Finals slice(const Finals& f, size_t b, size_t e) {
  b = std::min(b, f.size());
  e = std::min(e, f.size());
  return b < e ? Finals(f.begin() + ptrdiff_t(b), f.begin() + ptrdiff_t(e)) : Finals();
}

bool in_set(const std::unordered_set<u32>& s, std::u32string_view w) { return s.count(u32(w)) > 0; }

// ---- modified_tone -------------------------------------------------------------------------------

void bu_sandhi(std::u32string_view word, Finals& finals) {
  if (word.size() == 3 && word[1] == U'不') {  // e.g. 看不懂
    set_tone(at(finals, 1), '5');
    return;
  }
  for (size_t i = 0; i < word.size(); ++i)  // 不 before tone 4 is bu2, e.g. 不怕
    if (word[i] == U'不' && i + 1 < word.size() && last(at(finals, ptrdiff_t(i) + 1)) == U'4')
      set_tone(at(finals, ptrdiff_t(i)), '2');
}

void yi_sandhi(std::u32string_view word, Finals& finals) {
  static constexpr std::u32string_view kPunc = U"：，；。？！“”‘’':,;.?!";  // ToneSandhi.punc
  const ZhData& d = zh_data();
  if (word.find(U'一') != std::u32string_view::npos &&
      std::all_of(word.begin(), word.end(), [&](char32_t c) { return c == U'一' || d.is_numeric(c); }))
    return;  // 一 inside a number, e.g. 一零零
  if (word.size() == 3 && word[1] == U'一' && word[0] == word[2]) {
    set_tone(at(finals, 1), '5');  // 看一看
  } else if (word.substr(0, 2) == U"第一") {
    set_tone(at(finals, 1), '1');  // ordinal
  } else {
    for (size_t i = 0; i < word.size(); ++i) {
      if (word[i] != U'一' || i + 1 >= word.size()) continue;
      if (last(at(finals, ptrdiff_t(i) + 1)) == U'4') set_tone(at(finals, ptrdiff_t(i)), '2');  // 一段
      else if (!contains(kPunc, word[i + 1])) set_tone(at(finals, ptrdiff_t(i)), '4');      // 一天
    }
  }
}

std::pair<u32, u32> split_word(std::u32string_view word) {
  std::vector<u32> pieces = jieba_cut_for_search(word);
  if (pieces.empty()) throw PyIndexError{};
  std::stable_sort(pieces.begin(), pieces.end(), [](const u32& a, const u32& b) { return a.size() < b.size(); });
  const u32& first = pieces[0];
  size_t begin = word.find(first);
  if (begin == 0) return {first, u32(word.substr(first.size()))};
  // word[:-len(first)]; Python slicing clamps, so an over-long piece gives "".
  size_t keep = word.size() >= first.size() ? word.size() - first.size() : 0;
  return {u32(word.substr(0, keep)), first};
}

Finals neural_sandhi(std::u32string_view word, const std::string& pos, Finals finals) {
  const ZhData& d = zh_data();
  // Reduplicated nouns / verbs / adjectives: 奶奶, 试试, 旺旺.
  for (size_t j = 1; j < word.size(); ++j) {
    if (word[j] != word[j - 1]) continue;
    if (pos.empty()) throw PyIndexError{};
    if ((pos[0] == 'n' || pos[0] == 'v' || pos[0] == 'a') && !in_set(d.must_not_neural, word))
      set_tone(at(finals, ptrdiff_t(j)), '5');
  }
  const size_t ge = word.find(U'个');
  const size_t n = word.size();
  auto pos_in = [&](std::initializer_list<const char*> tags) {
    return std::any_of(tags.begin(), tags.end(), [&](const char* t) { return pos == t; });
  };
  if (n >= 1 && contains(U"吧呢哈啊呐噻嘛吖嗨呐哦哒额滴哩哟喽啰耶喔诶", word[n - 1])) {
    set_tone(at(finals, -1), '5');
  } else if (n >= 1 && contains(U"的地得", word[n - 1])) {
    set_tone(at(finals, -1), '5');
  } else if (n == 1 && contains(U"了着过", word[0]) && pos_in({"ul", "uz", "ug"})) {  // 走了, 看着, 去过
    set_tone(at(finals, -1), '5');
  } else if (n > 1 && contains(U"们子", word[n - 1]) && pos_in({"r", "n"}) && !in_set(d.must_not_neural, word)) {
    set_tone(at(finals, -1), '5');
  } else if (n > 1 && contains(U"上下里", word[n - 1]) && pos_in({"s", "l", "f"})) {  // 桌上, 地下, 家里
    set_tone(at(finals, -1), '5');
  } else if (n > 1 && contains(U"来去", word[n - 1]) && contains(U"上下进出回过起开", word[n - 2])) {  // 上来, 下去
    set_tone(at(finals, -1), '5');
  } else if ((ge != std::u32string_view::npos && ge >= 1 &&
              (d.is_numeric(word[ge - 1]) || contains(U"几有两半多各整每做是", word[ge - 1]))) ||
             word == U"个") {  // 个 as a classifier
    set_tone(at(finals, ptrdiff_t(ge == std::u32string_view::npos ? -1 : ptrdiff_t(ge))), '5');
  } else if (in_set(d.must_neural, word) || in_set(d.must_neural, tail2(word))) {
    set_tone(at(finals, -1), '5');
  }

  auto [w0, w1] = split_word(word);
  Finals parts[2] = {slice(finals, 0, w0.size()), slice(finals, w0.size(), finals.size())};
  const u32* words[2] = {&w0, &w1};
  for (int i = 0; i < 2; ++i)
    if (in_set(d.must_neural, *words[i]) || in_set(d.must_neural, tail2(*words[i]))) set_tone(at(parts[i], -1), '5');
  Finals out = parts[0];
  out.insert(out.end(), parts[1].begin(), parts[1].end());
  return out;
}

Finals three_sandhi(std::u32string_view word, Finals finals) {
  if (word.size() == 2 && all_tone_three(finals)) {
    set_tone(at(finals, 0), '2');
  } else if (word.size() == 3) {
    auto [w0, w1] = split_word(word);
    if (all_tone_three(finals)) {
      if (w0.size() == 2) {  // disyllabic + monosyllabic, e.g. 蒙古/包
        set_tone(at(finals, 0), '2');
        set_tone(at(finals, 1), '2');
      } else if (w0.size() == 1) {  // monosyllabic + disyllabic, e.g. 纸/老虎
        set_tone(at(finals, 1), '2');
      }
    } else {
      Finals parts[2] = {slice(finals, 0, w0.size()), slice(finals, w0.size(), finals.size())};
      for (int i = 0; i < 2; ++i) {
        Finals& sub = parts[i];
        if (all_tone_three(sub) && sub.size() == 2) {  // 所有/人
          set_tone(at(sub, 0), '2');
        } else if (i == 1 && !all_tone_three(sub) && last(at(sub, 0)) == U'3' && last(at(parts[0], -1)) == U'3') {
          set_tone(at(parts[0], -1), '2');  // 好/喜欢
        }
        finals = parts[0];
        finals.insert(finals.end(), parts[1].begin(), parts[1].end());
      }
    }
  } else if (word.size() == 4) {  // an idiom as two 2-character words
    Finals parts[2] = {slice(finals, 0, 2), slice(finals, 2, finals.size())};
    finals.clear();
    for (Finals& sub : parts) {
      if (all_tone_three(sub)) set_tone(at(sub, 0), '2');
      finals.insert(finals.end(), sub.begin(), sub.end());
    }
  }
  return finals;
}

// ---- pre_merge_for_modify ------------------------------------------------------------------------

std::vector<SegWord> merge_bu(const std::vector<SegWord>& seg) {
  std::vector<SegWord> out;
  u32 last_word;
  for (const SegWord& w : seg) {
    u32 word = w.word;
    if (last_word == U"不") word = last_word + word;
    if (word != U"不") out.push_back({word, w.pos});
    last_word = word;
  }
  if (last_word == U"不") out.push_back({last_word, "d"});
  return out;
}

std::vector<SegWord> merge_yi(const std::vector<SegWord>& seg) {
  // 1: X 一 X with both X verbs -> one word (听一听).
  std::vector<SegWord> out;
  size_t i = 0;
  while (i < seg.size()) {
    bool merged = false;
    if (i >= 1 && seg[i].word == U"一" && i + 1 < seg.size()) {
      const SegWord last = out.empty() ? seg[i - 1] : out.back();
      if (last.word == seg[i + 1].word && last.pos == "v" && seg[i + 1].pos == "v") {
        if (out.empty()) throw PyIndexError{};  // new_seg[-1] = ... on an empty list
        out.back() = {last.word + U"一" + seg[i + 1].word, last.pos};
        i += 2;
        merged = true;
      }
    }
    if (!merged) {
      out.push_back(seg[i]);
      i += 1;
    }
  }
  // 2: a lone 一 is glued to the next word.
  std::vector<SegWord> out2;
  for (const SegWord& w : out) {
    if (!out2.empty() && out2.back().word == U"一") out2.back().word += w.word;
    else out2.push_back(w);
  }
  return out2;
}

std::vector<SegWord> merge_reduplication(const std::vector<SegWord>& seg) {
  std::vector<SegWord> out;
  for (const SegWord& w : seg) {
    if (!out.empty() && w.word == out.back().word) out.back().word += w.word;
    else out.push_back(w);
  }
  return out;
}

bool is_reduplication(const u32& w) { return w.size() == 2 && w[0] == w[1]; }

std::vector<std::vector<std::string>> finals_of(const std::vector<SegWord>& seg) {
  std::vector<std::vector<std::string>> out;
  out.reserve(seg.size());
  for (const SegWord& w : seg) out.push_back(lazy_pinyin(w.word, PinyinStyle::FinalsTone3));
  return out;
}

// _merge_continuous_three_tones (both_whole = true) and _merge_continuous_three_tones_2.
std::vector<SegWord> merge_three_tones(const std::vector<SegWord>& seg, bool whole_words) {
  auto sub = finals_of(seg);
  std::vector<char> merge_last(seg.size(), 0);
  std::vector<SegWord> out;
  for (size_t i = 0; i < seg.size(); ++i) {
    bool cond = false;
    if (i >= 1) {
      if (whole_words) {
        cond = all_tone_three(sub[i - 1]) && all_tone_three(sub[i]) && !merge_last[i - 1];
      } else {
        // sub[i-1][-1][-1] == "3" and sub[i][0][-1] == "3", evaluated left to right.
        if (sub[i - 1].empty()) throw PyIndexError{};
        cond = last(sub[i - 1].back()) == U'3';
        if (cond) {
          if (sub[i].empty()) throw PyIndexError{};
          cond = last(sub[i][0]) == U'3';
        }
        cond = cond && !merge_last[i - 1];
      }
    }
    // A reduplication before is left alone: it needs _neural_sandhi.
    if (cond && !is_reduplication(seg[i - 1].word) && seg[i - 1].word.size() + seg[i].word.size() <= 3) {
      out.back().word += seg[i].word;
      merge_last[i] = 1;
    } else {
      out.push_back(seg[i]);
    }
  }
  return out;
}

std::vector<SegWord> merge_er(const std::vector<SegWord>& seg) {
  std::vector<SegWord> out;
  for (size_t i = 0; i < seg.size(); ++i) {
    if (i >= 1 && seg[i].word == U"儿" && seg[i - 1].word != U"#") out.back().word += seg[i].word;
    else out.push_back(seg[i]);
  }
  return out;
}

}  // namespace

std::vector<SegWord> tone_sandhi_pre_merge(std::vector<SegWord> seg) {
  seg = merge_bu(seg);
  // Upstream wraps these three in try/except and keeps the input on an exception.
  try {
    seg = merge_yi(seg);
  } catch (const PyIndexError&) {
  }
  seg = merge_reduplication(seg);
  try {
    seg = merge_three_tones(seg, true);
  } catch (const PyIndexError&) {
  }
  try {
    seg = merge_three_tones(seg, false);
  } catch (const PyIndexError&) {
  }
  return merge_er(seg);
}

std::vector<std::string> tone_sandhi_modify(std::u32string_view word, const std::string& pos,
                                            std::vector<std::string> finals) {
  try {
    bu_sandhi(word, finals);
    yi_sandhi(word, finals);
    finals = neural_sandhi(word, pos, std::move(finals));
    return three_sandhi(word, std::move(finals));
  } catch (const PyIndexError&) {
    bad_input("cannot apply tone sandhi to \"", u32_to_utf8(word),
              "\": its pinyin does not line up with its characters (upstream raises IndexError here)");
  }
}

std::pair<std::u32string, std::u32string> tone_sandhi_split_word(std::u32string_view word) {
  try {
    return split_word(word);
  } catch (const PyIndexError&) {
    bad_input("cannot split an empty word");
  }
}

}  // namespace gsv::text::zh
