#include "text/frontend.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "text/cut.h"
#include "text/en_g2p.h"
#include "text/en_normalize.h"
#include "text/lang_split.h"
#include "text/lang_unicode.h"
#include "text/symbols.h"
#include "text/zh.h"

namespace gsv::text {

namespace {

using u32 = std::u32string;

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F);
}

void add_warning(std::vector<std::string>* warnings, const std::string& w) {
  if (!warnings) return;
  if (std::find(warnings->begin(), warnings->end(), w) == warnings->end()) warnings->push_back(w);
}

// Letters the chunk's frontend will silently drop (upstream drops them too): kana or Cyrillic in a
// zh chunk, non-Latin scripts in an en chunk.
void warn_dropped_letters(const std::string& lang, const u32& text, std::vector<std::string>* warnings) {
  if (!warnings) return;
  u32 dropped;
  for (char32_t c : text) {
    if (!uni::is_alpha(c) || c < 0x80 || is_han(c)) continue;
    if (lang == "en" && uni::ascii_fold(c)) continue;  // accents are stripped, the letter stays
    if (dropped.find(c) == u32::npos) dropped.push_back(c);
  }
  if (dropped.empty()) return;
  add_warning(warnings, str("the ", lang == "zh" ? "Chinese" : "English", " frontend drops letters it cannot read: '",
                            u32_to_utf8(dropped.substr(0, 12)), dropped.size() > 12 ? "...'" : "'"));
}

std::string language_name(const std::string& lang) {
  if (lang == "ja") return "Japanese";
  if (lang == "ko") return "Korean";
  if (lang == "yue") return "Cantonese";
  return lang;
}

// The language as preprocess works with it: all_en is an alias of en.
std::string resolve_language(const std::string& lang) {
  if (lang == "all_en") return "en";
  if (lang == "auto" || lang == "zh" || lang == "en" || lang == "all_zh") return lang;
  if (lang == "ja" || lang == "ko" || lang == "yue" || lang == "auto_yue" || lang == "all_ja" || lang == "all_ko" ||
      lang == "all_yue")
    fail(ErrorKind::Unsupported, "language '", lang,
         "' needs the Japanese/Korean/Cantonese frontends, which are not ported; use auto, zh, en or all_zh");
  bad_input("unknown language '", lang, "'; use auto, zh, en, all_zh or all_en");
}

G2PResult clean_special(const std::string& text, const std::string& marker, const std::string& symbol) {
  // cleaner.clean_special: the marker becomes ",", and every "," phone becomes the pause symbol.
  std::string replaced;
  for (size_t pos = 0;;) {
    size_t p = text.find(marker, pos);
    replaced += text.substr(pos, p == std::string::npos ? std::string::npos : p - pos);
    if (p == std::string::npos) break;
    replaced += ",";
    pos = p + marker.size();
  }
  G2PResult out;
  out.norm_text = zh_normalize(replaced);
  G2PResult g = zh_g2p(out.norm_text);
  for (const std::string& ph : g.phones) {
    if (!is_symbol(ph)) bad_input("phone '", ph, "' is not a symbol (upstream asserts here too)");
    out.phones.push_back(ph == "," ? symbol : ph);
  }
  out.word2ph = g.word2ph;
  return out;
}

LangChunk make_chunk(const std::string& lang, const u32& text, std::vector<std::string>* warnings) {
  LangChunk chunk;
  chunk.lang = lang;
  chunk.text = u32_to_utf8(text);
  if (lang == "zh" || lang == "en") warn_dropped_letters(lang, text, warnings);
  G2PResult r = clean_text(chunk.text, lang);
  chunk.norm_text = r.norm_text;
  chunk.phones = r.phones;
  chunk.phone_ids = phones_to_ids(r.phones);
  if (r.word2ph) chunk.word2ph = *r.word2ph;
  return chunk;
}

Segment get_phones(u32 text, const std::string& language, bool final, std::vector<std::string>* warnings) {
  // re.sub(r' {2,}', ' ', text)
  u32 collapsed;
  for (char32_t c : text)
    if (!(c == U' ' && !collapsed.empty() && collapsed.back() == U' ')) collapsed.push_back(c);
  text = std::move(collapsed);

  std::vector<LangText> parts;
  if (language == "all_zh") {
    parts = lang_segment(text, "zh");
  } else if (language == "en") {
    parts = {{"en", text}};
  } else if (language == "auto") {
    parts = lang_segment(text);
  } else {  // "zh": Chinese-English mixed; every non-English chunk is read as zh
    for (const LangText& t : lang_segment(text)) {
      if (!parts.empty() && ((t.lang == "en") == (parts.back().lang == "en"))) {
        parts.back().text += t.text;
        continue;
      }
      parts.push_back({t.lang == "en" ? "en" : language, t.text});
    }
  }

  Segment seg;
  seg.text = u32_to_utf8(text);
  size_t n_phones = 0;
  for (const LangText& p : parts) {
    if (p.lang == "ja" || p.lang == "ko" || p.lang == "yue") {
      add_warning(warnings, str("dropped ", language_name(p.lang), " text '", u32_to_utf8(p.text),
                                "': the v2 ", language_name(p.lang), " frontend is not ported"));
      continue;
    }
    seg.chunks.push_back(make_chunk(p.lang, p.text, warnings));
    n_phones += seg.chunks.back().phone_ids.size();
  }
  if (!final && n_phones < 6) return get_phones(U"." + text, language, true, warnings);
  return seg;
}

}  // namespace

std::vector<int> Segment::phone_ids() const {
  std::vector<int> ids;
  for (const auto& c : chunks) ids.insert(ids.end(), c.phone_ids.begin(), c.phone_ids.end());
  return ids;
}

std::string Segment::norm_text() const {
  std::string s;
  for (const auto& c : chunks) s += c.norm_text;
  return s;
}

const std::vector<std::string>& frontend_languages() {
  static const std::vector<std::string> langs = {"auto", "zh", "en", "all_zh", "all_en"};
  return langs;
}

G2PResult clean_text(const std::string& input, const std::string& input_language) {
  std::string language = input_language, text = input;
  if (language == "ja" || language == "ko" || language == "yue")
    fail(ErrorKind::Unsupported, "the v2 ", language_name(language), " frontend is not ported");
  if (language != "zh" && language != "en") {
    // cleaner.clean_text: a language it has no module for is read as English " ".
    language = "en";
    text.assign(1, ' ');
  }
  G2PResult r;
  if (language == "zh") {
    if (text.find("￥") != std::string::npos) return clean_special(text, "￥", "SP2");
    if (text.find('^') != std::string::npos) return clean_special(text, "^", "SP3");
    std::string norm = zh_normalize(text);
    r = zh_g2p(norm);
    r.norm_text = norm;
    const std::vector<int> w2p = r.word2ph.value_or(std::vector<int>{});
    const size_t total = std::accumulate(w2p.begin(), w2p.end(), size_t{0});
    if (total != r.phones.size() || utf8_to_u32(norm).size() != w2p.size())
      bad_input("Chinese g2p produced ", r.phones.size(), " phones and ", w2p.size(), " word2ph entries for '", norm,
                "' (upstream asserts here too)");
  } else {
    r.norm_text = en_normalize(text);
    r = en_g2p(r.norm_text);
    if (r.phones.size() < 4) r.phones.insert(r.phones.begin(), ",");
    r.word2ph.reset();
  }
  for (auto& ph : r.phones)
    if (!is_symbol(ph)) ph = "UNK";
  return r;
}

Segment phones_for_line(const std::string& line, const std::string& lang, std::vector<std::string>* warnings) {
  return get_phones(utf8_to_u32(line), resolve_language(lang), false, warnings);
}

PreprocessResult preprocess(const std::string& text, const std::string& lang, const std::string& cut_method) {
  const std::string language = resolve_language(lang);
  if (!is_cut_method(cut_method))
    bad_input("unknown cut method '", cut_method, "'; use one of cut0 cut1 cut2 cut3 cut4 cut5");
  PreprocessResult result;
  const u32 collapsed = collapse_repeated_punctuation(utf8_to_u32(text));
  for (const u32& line : pre_seg_text(collapsed, language, cut_method)) {
    // split_big_text can yield an empty first piece; upstream fails on it, we skip it.
    if (line.empty()) continue;
    Segment seg = get_phones(line, language, false, &result.warnings);
    if (seg.norm_text().empty()) continue;
    result.segments.push_back(std::move(seg));
  }
  return result;
}

}  // namespace gsv::text
