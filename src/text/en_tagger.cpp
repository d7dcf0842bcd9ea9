#include "text/en_tagger.h"

#include <cstdlib>

#include "core/error.h"
#include "core/fs.h"
#include "text/lang_unicode.h"

namespace gsv::text::en {

namespace {

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

// Python word[-n:] and word[:1] on code points.
std::string last_chars(const std::string& w, size_t n) {
  std::u32string u = utf8_to_u32(w);
  return u32_to_utf8(u.size() <= n ? u : u.substr(u.size() - n));
}
std::string first_char(const std::string& w) {
  std::u32string u = utf8_to_u32(w);
  return u.empty() ? std::string() : to_utf8(u[0]);
}

// PerceptronTagger.normalize
std::string normalize_word(const std::string& word) {
  std::u32string u = utf8_to_u32(word);
  if (word.find('-') != std::string::npos && !u.empty() && u[0] != U'-') return "!HYPHEN";
  bool all_digits = !u.empty();
  for (char32_t c : u) all_digits = all_digits && uni::is_digit(c);
  if (all_digits && u.size() == 4) return "!YEAR";
  if (!u.empty() && uni::is_digit(u[0])) return "!DIGITS";
  return ascii_lower(word);
}

}  // namespace

PerceptronTagger load_tagger(const std::filesystem::path& tsv) {
  if (!std::filesystem::exists(tsv))
    fail(ErrorKind::MissingFile, "POS tagger data ", tsv.string(),
         " is missing; run ./setup.sh (it builds .deps/data) or point $GPT_SOVITS_DATA at that folder");
  const std::string data = read_file(tsv);
  PerceptronTagger t;
  t.weights.reserve(100000);
  t.tagdict.reserve(4000);
  std::unordered_map<std::string, int> class_index;
  auto class_of = [&](std::string_view name) {
    auto it = class_index.find(std::string(name));
    if (it == class_index.end()) fail(ErrorKind::BadInput, tsv.string(), ": unknown tag ", name, "; rebuild it with ./setup.sh");
    return it->second;
  };
  size_t pos = 0;
  std::vector<std::string_view> f;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    const std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    f.clear();
    for (size_t start = 0;;) {
      size_t tab = line.find('\t', start);
      f.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (f[0] == "C") {
      for (size_t i = 1; i < f.size(); ++i) {
        class_index[std::string(f[i])] = static_cast<int>(t.classes.size());
        t.classes.emplace_back(f[i]);
      }
    } else if (f[0] == "T" && f.size() == 3) {
      t.tagdict[std::string(f[1])] = class_of(f[2]);
    } else if (f[0] == "W" && f.size() % 2 == 0) {
      auto& row = t.weights[std::string(f[1])];
      row.reserve((f.size() - 2) / 2);
      for (size_t i = 2; i + 1 < f.size(); i += 2) row.emplace_back(class_of(f[i]), std::strtod(f[i + 1].data(), nullptr));
    } else {
      fail(ErrorKind::BadInput, tsv.string(), ": malformed line '", line.substr(0, 80), "'; rebuild it with ./setup.sh");
    }
  }
  if (t.classes.empty()) fail(ErrorKind::BadInput, tsv.string(), " has no tag classes; rebuild it with ./setup.sh");
  return t;
}

std::vector<std::string> pos_tag(const PerceptronTagger& tagger, const std::vector<std::string>& tokens) {
  // context = START + [normalize(w) ...] + END; prev/prev2 start at the START markers.
  std::vector<std::string> context = {"-START-", "-START2-"};
  for (const auto& w : tokens) context.push_back(normalize_word(w));
  context.push_back("-END-");
  context.push_back("-END2-");

  std::vector<std::string> tags;
  tags.reserve(tokens.size());
  std::string prev = "-START-", prev2 = "-START2-";
  std::vector<double> scores(tagger.classes.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& word = tokens[i];
    std::string tag;
    if (auto it = tagger.tagdict.find(word); it != tagger.tagdict.end()) {
      tag = tagger.classes[it->second];
    } else {
      const size_t c = i + 2;
      // _get_features, in its insertion order (the order the scores are summed in).
      const std::string features[] = {
          "bias",
          "i suffix " + last_chars(word, 3),
          "i pref1 " + first_char(word),
          "i-1 tag " + prev,
          "i-2 tag " + prev2,
          "i tag+i-2 tag " + prev + " " + prev2,
          "i word " + context[c],
          "i-1 tag+i word " + prev + " " + context[c],
          "i-1 word " + context[c - 1],
          "i-1 suffix " + last_chars(context[c - 1], 3),
          "i-2 word " + context[c - 2],
          "i+1 word " + context[c + 1],
          "i+1 suffix " + last_chars(context[c + 1], 3),
          "i+2 word " + context[c + 2],
      };
      std::fill(scores.begin(), scores.end(), 0.0);
      for (const auto& feat : features) {
        auto it = tagger.weights.find(feat);
        if (it == tagger.weights.end()) continue;
        for (const auto& [cls, w] : it->second) scores[cls] += w;
      }
      // max(classes, key=lambda label: (scores[label], label)): ties go to the larger tag name.
      int best = 0;
      for (int k = 1; k < static_cast<int>(scores.size()); ++k) {
        if (scores[k] > scores[best] || (scores[k] == scores[best] && tagger.classes[k] > tagger.classes[best]))
          best = k;
      }
      tag = tagger.classes[best];
    }
    tags.push_back(tag);
    prev2 = prev;
    prev = tag;
  }
  return tags;
}

}  // namespace gsv::text::en
