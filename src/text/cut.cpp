#include "text/cut.h"

#include <algorithm>

#include "core/error.h"
#include "text/lang_unicode.h"

namespace gsv::text {

namespace {

using u32 = std::u32string;

// `punctuation` of text_segmentation_method.py (note the space).
bool is_cut_punct(char32_t c) {
  return c == U'!' || c == U'?' || c == U'…' || c == U',' || c == U'.' || c == U'-' || c == U' ';
}

// cut5's `punds`.
bool is_pund(char32_t c) {
  switch (c) {
    case U',': case U'.': case U';': case U'?': case U'!': case U'、': case U'，': case U'。': case U'？':
    case U'！': case U'：': case U'…':
      return true;
    default:
      return false;
  }
}

// set(item).issubset(...)  (true for an empty item)
template <class Pred>
bool only(const u32& s, Pred pred) {
  return std::all_of(s.begin(), s.end(), pred);
}

u32 strip_newlines(const u32& s) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == U'\n') ++b;
  while (e > b && s[e - 1] == U'\n') --e;
  return s.substr(b, e - b);
}

u32 strip_char(const u32& s, char32_t c) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == c) ++b;
  while (e > b && s[e - 1] == c) --e;
  return s.substr(b, e - b);
}

u32 replace_all(u32 s, const u32& from, const u32& to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != u32::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

u32 join_lines(const std::vector<u32>& parts) {
  u32 out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.push_back(U'\n');
    out += parts[i];
  }
  return out;
}

std::vector<u32> drop_punct_only(const std::vector<u32>& items) {
  std::vector<u32> out;
  for (const u32& s : items)
    if (!only(s, is_cut_punct)) out.push_back(s);
  return out;
}

// split(): clauses, each ending with its split character ("……" -> "。", "——" -> "，" first).
std::vector<u32> split_clauses(u32 text) {
  text = replace_all(text, U"……", U"。");
  text = replace_all(text, U"——", U"，");
  if (text.empty() || !is_split_char(text.back())) text.push_back(U'。');
  std::vector<u32> out;
  size_t tail = 0;
  for (size_t head = 0; head < text.size(); ++head) {
    if (is_split_char(text[head])) {
      out.push_back(text.substr(tail, head + 1 - tail));
      tail = head + 1;
    }
  }
  return out;
}

u32 cut0(const u32& inp) { return only(inp, is_cut_punct) ? u32(U"\n") : inp; }

u32 cut1(const u32& raw) {
  const u32 inp = strip_newlines(raw);
  const std::vector<u32> inps = split_clauses(inp);
  // split_idx = range(0, n, 4) with its last entry replaced by None: the last group takes the rest.
  std::vector<size_t> idx;
  for (size_t i = 0; i < inps.size(); i += 4) idx.push_back(i);
  std::vector<u32> opts;
  if (idx.size() > 1) {
    idx.back() = inps.size();
    for (size_t k = 0; k + 1 < idx.size(); ++k) {
      u32 group;
      for (size_t i = idx[k]; i < idx[k + 1]; ++i) group += inps[i];
      opts.push_back(group);
    }
  } else {
    opts.push_back(inp);
  }
  return join_lines(drop_punct_only(opts));
}

u32 cut2(const u32& raw) {
  const u32 inp = strip_newlines(raw);
  const std::vector<u32> inps = split_clauses(inp);
  if (inps.size() < 2) return inp;
  std::vector<u32> opts;
  size_t summ = 0;
  u32 tmp;
  for (const u32& s : inps) {
    summ += s.size();
    tmp += s;
    if (summ > 50) {
      summ = 0;
      opts.push_back(tmp);
      tmp.clear();
    }
  }
  if (!tmp.empty()) opts.push_back(tmp);
  if (opts.size() > 1 && opts.back().size() < 50) {  // a short last piece joins the one before
    opts[opts.size() - 2] += opts.back();
    opts.pop_back();
  }
  return join_lines(drop_punct_only(opts));
}

u32 cut3(const u32& raw) {
  const u32 inp = strip_char(strip_newlines(raw), U'。');
  std::vector<u32> opts;
  size_t start = 0;
  while (true) {
    size_t p = inp.find(U'。', start);
    opts.push_back(inp.substr(start, p == u32::npos ? u32::npos : p - start));
    if (p == u32::npos) break;
    start = p + 1;
  }
  return join_lines(drop_punct_only(opts));
}

u32 cut4(const u32& raw) {
  // re.split(r"(?<!\d)\.(?!\d)", inp.strip("."))
  const u32 inp = strip_char(strip_newlines(raw), U'.');
  std::vector<u32> opts;
  size_t start = 0;
  for (size_t i = 0; i < inp.size(); ++i) {
    if (inp[i] != U'.') continue;
    const bool digit_before = i > 0 && uni::is_decimal(inp[i - 1]);
    const bool digit_after = i + 1 < inp.size() && uni::is_decimal(inp[i + 1]);
    if (digit_before || digit_after) continue;
    opts.push_back(inp.substr(start, i - start));
    start = i + 1;
  }
  opts.push_back(inp.substr(start));
  return join_lines(drop_punct_only(opts));
}

u32 cut5(const u32& raw) {
  const u32 inp = strip_newlines(raw);
  std::vector<u32> merged;
  u32 items;
  for (size_t i = 0; i < inp.size(); ++i) {
    const char32_t c = inp[i];
    items.push_back(c);
    if (!is_pund(c)) continue;
    // A "." between two digits is a decimal point, not a cut.
    if (c == U'.' && i > 0 && i + 1 < inp.size() && uni::is_digit(inp[i - 1]) && uni::is_digit(inp[i + 1])) continue;
    merged.push_back(items);
    items.clear();
  }
  if (!items.empty()) merged.push_back(items);
  std::vector<u32> opts;
  for (const u32& s : merged)
    if (!only(s, is_pund)) opts.push_back(s);
  return join_lines(opts);
}

// TextPreprocessor's get_first(): the text before the first split character, stripped.
u32 first_clause(const u32& text) {
  size_t e = 0;
  while (e < text.size() && !is_split_char(text[e])) ++e;
  return uni::strip(text.substr(0, e));
}

bool has_word_char(const u32& s) {
  for (char32_t c : s)
    if (uni::is_word(c)) return true;
  return false;
}

}  // namespace

bool is_split_char(char32_t c) {
  switch (c) {
    case U'，': case U'。': case U'？': case U'！': case U',': case U'.': case U'?': case U'!': case U'~':
    case U':': case U'：': case U'—': case U'…':
      return true;
    default:
      return false;
  }
}

std::string finish_prompt_text(const std::string& text, const std::string& lang) {
  std::u32string t = utf8_to_u32(text);
  while (!t.empty() && t.front() == U'\n') t.erase(t.begin());
  while (!t.empty() && t.back() == U'\n') t.pop_back();
  if (t.empty()) return "";
  if (!is_split_char(t.back())) t += lang == "en" ? U"." : U"。";
  return u32_to_utf8(t);
}

const std::vector<std::string>& cut_method_names() {
  static const std::vector<std::string> names = {"cut0", "cut1", "cut2", "cut3", "cut4", "cut5"};
  return names;
}

bool is_cut_method(const std::string& name) {
  const auto& n = cut_method_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

u32 cut_text(const u32& text, const std::string& method) {
  if (method == "cut0") return cut0(text);
  if (method == "cut1") return cut1(text);
  if (method == "cut2") return cut2(text);
  if (method == "cut3") return cut3(text);
  if (method == "cut4") return cut4(text);
  if (method == "cut5") return cut5(text);
  bad_input("unknown cut method '", method, "'; use one of cut0 cut1 cut2 cut3 cut4 cut5");
}

std::vector<u32> split_big_text(const u32& text, size_t max_len) {
  // re.split("([splits])", text): pieces and the split characters between them.
  std::vector<u32> segments;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_split_char(text[i])) {
      segments.push_back(text.substr(start, i - start));
      segments.push_back(u32(1, text[i]));
      start = i + 1;
    }
  }
  segments.push_back(text.substr(start));
  std::vector<u32> result;
  u32 current;
  for (const u32& seg : segments) {
    if (current.size() + seg.size() > max_len) {
      result.push_back(current);
      current = seg;
    } else {
      current += seg;
    }
  }
  if (!current.empty()) result.push_back(current);
  return result;
}

std::vector<u32> merge_short_text_in_array(const std::vector<u32>& texts, size_t threshold) {
  if (texts.size() < 2) return texts;
  std::vector<u32> result;
  u32 text;
  for (const u32& ele : texts) {
    text += ele;
    if (text.size() >= threshold) {
      result.push_back(text);
      text.clear();
    }
  }
  if (!text.empty()) {
    if (result.empty()) {
      result.push_back(text);
    } else {
      result.back() += text;
    }
  }
  return result;
}

u32 collapse_repeated_punctuation(const u32& text) {
  auto p = [](char32_t c) {
    return c == U'!' || c == U'?' || c == U'…' || c == U',' || c == U'.' || c == U'-';
  };
  u32 out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (p(text[i])) {
      size_t j = i + 1;
      while (j < text.size() && p(text[j])) ++j;
      i = j - 1;
    }
  }
  return out;
}

std::vector<u32> pre_seg_text(const u32& input, const std::string& lang, const std::string& cut) {
  if (!is_cut_method(cut)) bad_input("unknown cut method '", cut, "'; use one of cut0 cut1 cut2 cut3 cut4 cut5");
  const char32_t stop = lang == "en" ? U'.' : U'。';
  u32 text = strip_newlines(input);
  if (text.empty()) return {};
  if (!is_split_char(text[0]) && first_clause(text).size() < 4) text.insert(text.begin(), stop);
  text = cut_text(text, cut);
  // while "\n\n" in text: replace by "\n"
  u32 collapsed;
  for (char32_t c : text)
    if (!(c == U'\n' && !collapsed.empty() && collapsed.back() == U'\n')) collapsed.push_back(c);
  std::vector<u32> lines;
  size_t start = 0;
  while (true) {
    size_t p = collapsed.find(U'\n', start);
    lines.push_back(collapsed.substr(start, p == u32::npos ? u32::npos : p - start));
    if (p == u32::npos) break;
    start = p + 1;
  }
  // filter_text
  const bool all_blank = std::all_of(lines.begin(), lines.end(), [](const u32& l) { return l.empty() || l == U" "; });
  if (all_blank) bad_input("there is no text to speak after cutting (only punctuation or blanks); enter some words");
  std::vector<u32> kept;
  for (const u32& l : lines)
    if (!(l.empty() || l == U" ")) kept.push_back(l);
  kept = merge_short_text_in_array(kept, 5);

  std::vector<u32> texts;
  for (u32 t : kept) {
    if (uni::strip(t).empty()) continue;
    if (!has_word_char(t)) continue;  // only symbols: nothing to say
    if (!is_split_char(t.back())) t.push_back(stop);
    if (t.size() > 510) {
      for (auto& piece : split_big_text(t)) texts.push_back(std::move(piece));
    } else {
      texts.push_back(std::move(t));
    }
  }
  return texts;
}

}  // namespace gsv::text
