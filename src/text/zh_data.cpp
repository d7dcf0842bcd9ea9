#include "text/zh_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/paths.h"
#include "text/zh_unicode.h"

namespace gsv::text::zh {

namespace fs = std::filesystem;

// ---- CharTrie ------------------------------------------------------------------------------------

namespace {
constexpr uint64_t kEmpty = ~uint64_t(0);
}

CharTrie::CharTrie() : keys_(1024, kEmpty), vals_(1024, 0) {}

size_t CharTrie::slot(uint64_t k) const {
  uint64_t h = k * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  size_t mask = keys_.size() - 1;
  size_t i = size_t(h) & mask;
  while (keys_[i] != kEmpty && keys_[i] != k) i = (i + 1) & mask;
  return i;
}

void CharTrie::grow() {
  std::vector<uint64_t> old_keys(keys_.size() * 2, kEmpty);
  std::vector<uint32_t> old_vals(vals_.size() * 2, 0);
  old_keys.swap(keys_);
  old_vals.swap(vals_);
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == kEmpty) continue;
    size_t s = slot(old_keys[i]);
    keys_[s] = old_keys[i];
    vals_[s] = old_vals[i];
  }
}

void CharTrie::reserve(size_t edges) {
  while (edges * 10 > keys_.size() * 7) grow();
}

uint32_t CharTrie::child(uint32_t node, char32_t c) const {
  size_t s = slot(key(node, c));
  return keys_[s] == kEmpty ? kNone : vals_[s];
}

uint32_t CharTrie::find(std::u32string_view word) const {
  uint32_t node = 0;
  for (char32_t c : word) {
    node = child(node, c);
    if (node == kNone) return kNone;
  }
  return node;
}

uint32_t CharTrie::insert(std::u32string_view word, uint32_t from) {
  uint32_t node = from;
  for (char32_t c : word) {
    if ((used_ + 1) * 10 > keys_.size() * 7) grow();
    uint64_t k = key(node, c);
    size_t s = slot(k);
    if (keys_[s] == kEmpty) {
      keys_[s] = k;
      vals_[s] = nodes_++;
      ++used_;
    }
    node = vals_[s];
  }
  return node;
}

// ---- file reading --------------------------------------------------------------------------------

namespace {

fs::path zh_dir() { return data_dir() / "zh"; }

[[noreturn]] void missing(const fs::path& p) {
  fail(ErrorKind::MissingFile, "Chinese frontend data not found: ", p.string(),
       ". Run ./setup.sh to build it (or point GPT_SOVITS_DATA at a built data folder).");
}

std::string read_file(const std::string& name) {
  fs::path p = zh_dir() / name;
  std::ifstream f(p, std::ios::binary);
  if (!f) missing(p);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Calls fn(fields, line_number) for every non-empty line, fields split on tabs.
template <typename Fn>
void for_each_line(const std::string& name, Fn&& fn) {
  std::string text = read_file(name);
  std::vector<std::string_view> fields;
  size_t pos = 0, lineno = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    fields.clear();
    size_t b = 0;
    while (true) {
      size_t t = line.find('\t', b);
      if (t == std::string_view::npos) {
        fields.push_back(line.substr(b));
        break;
      }
      fields.push_back(line.substr(b, t - b));
      b = t + 1;
    }
    fn(fields, lineno);
  }
}

[[noreturn]] void malformed(const std::string& name, size_t lineno) {
  bad_input("malformed Chinese frontend data file ", (zh_dir() / name).string(), " at line ", lineno,
            "; re-run ./setup.sh to rebuild it");
}

double parse_double(std::string_view s, const std::string& name, size_t lineno) {
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) malformed(name, lineno);
  return v;
}

int64_t parse_int(std::string_view s, int base, const std::string& name, size_t lineno) {
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) malformed(name, lineno);
  return v;
}

char32_t single_char(std::string_view s, const std::string& name, size_t lineno) {
  std::u32string u = utf8_to_u32(s);
  if (u.size() != 1) malformed(name, lineno);
  return u[0];
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(' ', b);
    if (e == std::string_view::npos) e = s.size();
    if (e > b) out.emplace_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

void load_jieba(JiebaDict& d) {
  const std::string name = "jieba_dict.tsv";
  std::map<std::string, int16_t, std::less<>> tag_ids;
  d.trie.reserve(700000);  // jieba 0.42.1: ~600k words and prefixes
  std::u32string prev;
  std::vector<uint32_t> path{0};  // path[i] = node of prev[0:i]
  d.freq.reserve(700000);
  d.tag.reserve(700000);
  for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
    if (f[0] == "#total") {
      if (f.size() != 2) malformed(name, lineno);
      d.total = double(parse_int(f[1], 10, name, lineno));
      return;
    }
    if (f.size() != 3) malformed(name, lineno);
    // The file is sorted, so a word shares a prefix with the previous one: walk only the rest.
    std::u32string word = utf8_to_u32(f[0]);
    size_t common = 0;
    while (common < word.size() && common < prev.size() && word[common] == prev[common]) ++common;
    path.resize(common + 1);
    uint32_t node = path.back();
    for (size_t i = common; i < word.size(); ++i) path.push_back(node = d.trie.insert(std::u32string_view(&word[i], 1), node));
    prev = std::move(word);
    if (d.freq.size() < d.trie.nodes()) {
      d.freq.resize(d.trie.nodes(), 0);
      d.tag.resize(d.trie.nodes(), -1);
    }
    d.freq[node] = parse_int(f[1], 10, name, lineno);
    auto it = tag_ids.find(f[2]);
    if (it == tag_ids.end()) {
      it = tag_ids.emplace(std::string(f[2]), int16_t(d.tags.size())).first;
      d.tags.emplace_back(f[2]);
    }
    d.tag[node] = it->second;
  });
  d.freq.resize(d.trie.nodes(), 0);
  d.tag.resize(d.trie.nodes(), -1);
  if (d.total <= 0) malformed(name, 1);
}

int bmes_index(std::string_view s, const std::string& name, size_t lineno) {
  if (s == "B") return 0;
  if (s == "M") return 1;
  if (s == "E") return 2;
  if (s == "S") return 3;
  malformed(name, lineno);
}

void load_finalseg(FinalsegModel& m) {
  const std::string name = "finalseg.tsv";
  for (int i = 0; i < 4; ++i) {
    m.start[i] = FinalsegModel::kMinFloat;
    for (int j = 0; j < 4; ++j) m.trans[i][j] = FinalsegModel::kMinFloat;
  }
  for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
    if (f[0] == "start" && f.size() == 3) {
      m.start[bmes_index(f[1], name, lineno)] = parse_double(f[2], name, lineno);
    } else if (f[0] == "trans" && f.size() == 4) {
      m.trans[bmes_index(f[1], name, lineno)][bmes_index(f[2], name, lineno)] = parse_double(f[3], name, lineno);
    } else if (f[0] == "emit" && f.size() == 4) {
      m.emit[bmes_index(f[1], name, lineno)][single_char(f[2], name, lineno)] = parse_double(f[3], name, lineno);
    } else {
      malformed(name, lineno);
    }
  });
}

void load_posseg(PossegModel& m) {
  const std::string name = "posseg.tsv";
  // Two passes over the parsed lines: collect the states first so that ids follow tuple order.
  struct Line {
    std::string kind;
    std::vector<std::string> f;
    size_t lineno;
  };
  std::vector<Line> lines;
  std::map<std::pair<char, std::string>, int> ids;
  auto state_of = [&](std::string_view pos, std::string_view tag, size_t lineno) {
    if (pos.size() != 1 || tag.empty()) malformed(name, lineno);
    return std::pair<char, std::string>(pos[0], std::string(tag));
  };
  for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
    if (f[0] == "state") {
      if (f.size() != 3) malformed(name, lineno);
      ids.emplace(state_of(f[1], f[2], lineno), 0);
    }
    Line l{std::string(f[0]), {}, lineno};
    for (size_t i = 1; i < f.size(); ++i) l.f.emplace_back(f[i]);
    lines.push_back(std::move(l));
  });
  int next_id = 0;
  for (auto& [st, id] : ids) {  // std::map iterates in (char, string) order = Python tuple order
    id = next_id++;
    m.states.push_back(st);
  }
  const size_t n = m.states.size();
  if (n == 0) malformed(name, 1);
  auto id_of = [&](const std::string& pos, const std::string& tag, size_t lineno) {
    auto it = ids.find(state_of(pos, tag, lineno));
    if (it == ids.end()) malformed(name, lineno);
    return it->second;
  };
  const double neg_inf = -std::numeric_limits<double>::infinity();
  m.start.assign(n, std::numeric_limits<double>::quiet_NaN());
  m.trans.assign(n * n, neg_inf);
  m.next.assign(n, {});
  for (const Line& l : lines) {
    const auto& f = l.f;
    if (l.kind == "state") continue;
    if (l.kind == "start" && f.size() == 3) {
      m.start[size_t(id_of(f[0], f[1], l.lineno))] = parse_double(f[2], name, l.lineno);
    } else if (l.kind == "trans" && f.size() == 5) {
      int a = id_of(f[0], f[1], l.lineno), b = id_of(f[2], f[3], l.lineno);
      m.trans[size_t(a) * n + size_t(b)] = parse_double(f[4], name, l.lineno);
      m.next[size_t(a)].push_back(b);
    } else if (l.kind == "emit" && f.size() == 4) {
      int s = id_of(f[0], f[1], l.lineno);
      char32_t c = single_char(f[2], name, l.lineno);
      m.emit[(uint64_t(uint32_t(s)) << 32) | uint64_t(c)] = parse_double(f[3], name, l.lineno);
    } else if (l.kind == "chars" && f.size() == 2) {
      char32_t c = single_char(f[0], name, l.lineno);
      std::vector<int> states;
      for (const std::string& tok : split_spaces(f[1])) {
        size_t colon = tok.find(':');
        if (colon == std::string::npos) malformed(name, l.lineno);
        states.push_back(id_of(tok.substr(0, colon), tok.substr(colon + 1), l.lineno));
      }
      m.char_states[c] = std::move(states);
    } else {
      malformed(name, l.lineno);
    }
  }
  for (double v : m.start)
    if (std::isnan(v)) malformed(name, 1);  // upstream would raise KeyError on start_p[y]
}

void load_pinyin(PinyinDict& d) {
  {
    const std::string name = "pinyin_chars.tsv";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2 || f[1].empty()) malformed(name, lineno);
      // lazy_pinyin (heteronym=False) takes the first of the comma-separated readings.
      std::string_view first = f[1].substr(0, f[1].find(','));
      d.chars[single_char(f[0], name, lineno)] = std::string(first);
    });
  }
  const std::string name = "pinyin_phrases.tsv";
  d.phrase_trie.reserve(150000);
  d.phrase_of_node.reserve(150000);
  for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
    if (f.size() != 2) malformed(name, lineno);
    std::u32string phrase = utf8_to_u32(f[0]);
    std::vector<std::string> readings = split_spaces(f[1]);
    if (readings.size() != phrase.size()) malformed(name, lineno);
    uint32_t node = d.phrase_trie.insert(phrase);
    if (d.phrase_of_node.size() < d.phrase_trie.nodes()) d.phrase_of_node.resize(d.phrase_trie.nodes(), -1);
    d.phrase_of_node[node] = int32_t(d.phrases.size());
    d.phrases.push_back(std::move(readings));
  });
  d.phrase_of_node.resize(d.phrase_trie.nodes(), -1);
}

void load_misc(ZhData& d) {
  {
    const std::string name = "t2s.tsv";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2) malformed(name, lineno);
      d.t2s[single_char(f[0], name, lineno)] = single_char(f[1], name, lineno);
    });
  }
  {
    const std::string name = "numeric_chars.txt";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2) malformed(name, lineno);
      d.numeric_ranges.emplace_back(char32_t(parse_int(f[0], 16, name, lineno)),
                                    char32_t(parse_int(f[1], 16, name, lineno)));
    });
    std::sort(d.numeric_ranges.begin(), d.numeric_ranges.end());
  }
  {
    const std::string name = "sandhi_words.tsv";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2) malformed(name, lineno);
      std::u32string w = utf8_to_u32(f[1]);
      if (f[0] == "must_neural") d.must_neural.insert(w);
      else if (f[0] == "must_not_neural") d.must_not_neural.insert(w);
      else if (f[0] == "must_erhua") d.must_erhua.insert(w);
      else if (f[0] == "not_erhua") d.not_erhua.insert(w);
      else malformed(name, lineno);
    });
  }
  {
    const std::string name = "opencpop.tsv";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2) malformed(name, lineno);
      std::vector<std::string> parts = split_spaces(f[1]);
      if (parts.size() != 2) malformed(name, lineno);
      d.opencpop[std::string(f[0])] = {parts[0], parts[1]};
    });
  }
}

constexpr const char* kFormatVersion = "1";

std::unique_ptr<ZhData> load_all() {
  fs::path dir = zh_dir();
  if (!fs::is_directory(dir)) missing(dir);
  {
    std::string fmt = read_file("FORMAT");
    while (!fmt.empty() && (fmt.back() == '\n' || fmt.back() == '\r')) fmt.pop_back();
    if (fmt != kFormatVersion)
      fail(ErrorKind::MissingFile, "Chinese frontend data in ", dir.string(), " has format ", fmt, ", this build reads ",
           kFormatVersion, ". Re-run ./setup.sh to rebuild it.");
  }
  auto d = std::make_unique<ZhData>();
  load_jieba(d->jieba);
  load_finalseg(d->finalseg);
  load_posseg(d->posseg);
  load_pinyin(d->pinyin);
  load_misc(*d);
  return d;
}

}  // namespace

bool ZhData::is_numeric(char32_t c) const {
  auto it = std::upper_bound(numeric_ranges.begin(), numeric_ranges.end(), std::pair<char32_t, char32_t>(c, 0x10FFFF));
  if (it == numeric_ranges.begin()) return false;
  --it;
  return c >= it->first && c <= it->second;
}

const ZhData& zh_data() {
  // A function-local static initialises once even with concurrent callers; a failed load throws
  // and is retried on the next call.
  static const std::unique_ptr<ZhData> data = load_all();
  return *data;
}

const std::unordered_map<std::u32string, std::vector<std::string>>& zh_polyphonic_dict() {
  static const auto dict = [] {
    std::unordered_map<std::u32string, std::vector<std::string>> d;
    const std::string name = "polyphonic.tsv";
    for_each_line(name, [&](const std::vector<std::string_view>& f, size_t lineno) {
      if (f.size() != 2) malformed(name, lineno);
      d[utf8_to_u32(f[0])] = split_spaces(f[1]);
    });
    return d;
  }();
  return dict;
}

}  // namespace gsv::text::zh
