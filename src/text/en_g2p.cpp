#include "text/en_g2p.h"

#include <fstream>
#include <mutex>
#include <unordered_map>

#include "core/error.h"
#include "core/fs.h"
#include "core/paths.h"
#include "core/torch_checkpoint.h"
#include "text/en_neural.h"
#include "text/en_tagger.h"
#include "text/en_tokenize.h"
#include "text/en_wordsegment.h"
#include "text/lang_unicode.h"
#include "text/symbols.h"

namespace gsv::text {

namespace {

using Phones = std::vector<std::string>;

struct Homograph {
  Phones pron1, pron2;
  std::string pos1;
};

std::filesystem::path en_dir() { return data_dir() / "en"; }
std::filesystem::path upstream_dir() { return data_dir() / "upstream"; }

[[noreturn]] void missing(const std::filesystem::path& p, const char* what) {
  fail(ErrorKind::MissingFile, what, " ", p.string(),
       " is missing; run ./setup.sh (it builds .deps/data) or point $GPT_SOVITS_DATA at that folder");
}

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

// Python str.strip() for the (ASCII-whitespace) dictionary lines.
std::string strip_line(const std::string& s) {
  auto ws = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); };
  size_t b = 0, e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split_on(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + sep.size();
  }
}

// str.split() with no argument: runs of whitespace, no empty pieces.
std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Calls fn(line) for every line of a file (without its "\n").
template <class Fn>
void for_each_line(const std::filesystem::path& path, const char* what, Fn&& fn) {
  if (!std::filesystem::exists(path)) missing(path, what);
  const std::string data = read_file(path);
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    fn(std::string(data, pos, end - pos));
    pos = end + 1;
  }
}

std::unordered_map<std::string, Phones> load_cmu() {
  std::unordered_map<std::string, Phones> cmu;
  cmu.reserve(140000);
  // read_dict_new: cmudict.rep from line 57, "WORD  PH ON ES" (two spaces), a later line wins.
  int index = 0;
  for_each_line(upstream_dir() / "cmudict.rep", "CMU dictionary", [&](const std::string& line) {
    if (++index < 57) return;
    std::vector<std::string> parts = split_on(strip_line(line), "  ");
    if (parts.size() < 2) return;
    cmu[ascii_lower(parts[0])] = split_on(parts[1], " ");
  });
  // then cmudict-fast.rep, "word p h o n e s" (one space), only for words not seen yet.
  for_each_line(upstream_dir() / "cmudict-fast.rep", "CMU dictionary", [&](const std::string& line) {
    std::vector<std::string> parts = split_on(strip_line(line), " ");
    std::string word = ascii_lower(parts[0]);
    if (!cmu.count(word)) cmu.emplace(std::move(word), Phones(parts.begin() + 1, parts.end()));
  });
  // hot_reload_hot: engdict-hot.rep overrides.
  for_each_line(upstream_dir() / "engdict-hot.rep", "English hot-word dictionary", [&](const std::string& line) {
    std::vector<std::string> parts = split_on(strip_line(line), " ");
    cmu[ascii_lower(parts[0])] = Phones(parts.begin() + 1, parts.end());
  });
  // en_G2p.__init__ deletes abbreviations the dictionary reads wrongly, so they get spelled out.
  for (const char* w : {"ae", "ai", "ar", "ios", "hud", "os"}) cmu.erase(w);
  return cmu;
}

std::unordered_map<std::string, Phones> load_names() {
  const auto path = upstream_dir() / "namedict_cache.pickle";
  if (!std::filesystem::exists(path)) missing(path, "English name dictionary");
  auto doc = load_plain_pickle(path);
  std::unordered_map<std::string, Phones> names;
  for (const auto& [k, v] : doc->root().dict_entries()) {
    if (!k->is_string() || v->items.empty()) continue;
    const pickle::Value* first = v->items[0];
    Phones phones;
    for (const pickle::Value* p : first->items)
      if (p->is_string()) phones.push_back(p->text);
    names.emplace(k->text, std::move(phones));
  }
  if (names.empty()) fail(ErrorKind::BadInput, path.string(), " holds no names; it is not upstream's file");
  return names;
}

std::unordered_map<std::string, Homograph> load_homographs() {
  const auto path = en_dir() / "homographs.en";
  std::ifstream in(path, std::ios::binary);
  if (!in) missing(path, "g2p_en homograph list");
  std::unordered_map<std::string, Homograph> h;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = split_on(strip_line(line), "|");
    if (f.size() != 4) fail(ErrorKind::BadInput, path.string(), ": malformed line '", line, "'");
    h[ascii_lower(f[0])] = {split_ws(f[1]), split_ws(f[2]), f[3]};
  }
  // en_G2p.__init__'s corrections.
  h["read"] = {{"R", "IY1", "D"}, {"R", "EH1", "D"}, "VBP"};
  h["complex"] = {{"K", "AH0", "M", "P", "L", "EH1", "K", "S"}, {"K", "AA1", "M", "P", "L", "EH0", "K", "S"}, "JJ"};
  return h;
}

// Every table, each loaded on first use.
struct EnglishData {
  template <class T>
  struct Lazy {
    std::once_flag once;
    T value;
    template <class F>
    const T& get(F&& load) {
      std::call_once(once, [&] { value = load(); });
      return value;
    }
  };
  Lazy<std::unordered_map<std::string, Phones>> cmu, names;
  Lazy<std::unordered_map<std::string, Homograph>> homographs;
  Lazy<en::PerceptronTagger> tagger;
  Lazy<en::WordSegmenter> segmenter;
  std::once_flag net_once;
  std::unique_ptr<en::G2pNet> net;

  const auto& cmu_dict() { return cmu.get(load_cmu); }
  const auto& name_dict() { return names.get(load_names); }
  const auto& homograph_dict() { return homographs.get(load_homographs); }
  const auto& pos_tagger() { return tagger.get([] { return en::load_tagger(en_dir() / "tagger.tsv"); }); }
  const auto& word_segmenter() {
    return segmenter.get([] {
      return en::load_wordsegmenter(en_dir() / "wordsegment_unigrams.txt", en_dir() / "wordsegment_bigrams.txt");
    });
  }
  const en::G2pNet& g2p_net() {
    std::call_once(net_once, [&] { net = std::make_unique<en::G2pNet>(en::load_g2p_net(en_dir() / "g2p_en.safetensors")); });
    return *net;
  }
};

EnglishData& data() {
  static EnglishData d;
  return d;
}

// Python str.istitle() on ASCII: cased letters, uppercase only after uncased characters,
// lowercase only after cased ones.
bool is_title(const std::string& s) {
  bool cased = false, prev_cased = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      if (prev_cased) return false;
      prev_cased = cased = true;
    } else if (c >= 'a' && c <= 'z') {
      if (!prev_cased) return false;
      prev_cased = cased = true;
    } else {
      prev_cased = false;
    }
  }
  return cased;
}

bool has_lower_ascii(const std::string& s) {
  for (char c : s)
    if (c >= 'a' && c <= 'z') return true;
  return false;
}

const Phones& letter_phones(const std::string& letter) {
  const auto& cmu = data().cmu_dict();
  auto it = cmu.find(letter);
  if (it == cmu.end())
    bad_input("no English pronunciation for the letter '", letter, "'; English text should be ASCII letters");
  return it->second;
}

Phones qryword(const std::string& o_word) {
  const std::string word = ascii_lower(o_word);
  const auto& cmu = data().cmu_dict();
  const size_t len = utf8_to_u32(word).size();
  if (len > 1) {
    if (auto it = cmu.find(word); it != cmu.end()) return it->second;
  }
  if (is_title(o_word)) {
    const auto& names = data().name_dict();
    if (auto it = names.find(word); it != names.end()) return it->second;
  }
  if (len <= 3) {
    // Short out-of-vocabulary words are spelled letter by letter.
    Phones phones;
    for (char32_t c : utf8_to_u32(word)) {
      if (c == U'a') {
        phones.push_back("EY1");
      } else if (!uni::is_alpha(c)) {
        phones.push_back(to_utf8(c));
      } else {
        const Phones& p = letter_phones(to_utf8(c));
        phones.insert(phones.end(), p.begin(), p.end());
      }
    }
    return phones;
  }
  // ^([a-z]+)('s)$: possessive of a known stem.
  if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0) {
    bool letters = true;
    for (size_t i = 0; i + 2 < word.size(); ++i) letters = letters && word[i] >= 'a' && word[i] <= 'z';
    if (letters) {
      Phones phones = qryword(word.substr(0, word.size() - 2));
      if (phones.empty()) bad_input("no pronunciation for the stem of '", o_word, "'");
      const std::string& last = phones.back();
      if (last == "P" || last == "T" || last == "K" || last == "F" || last == "TH" || last == "HH") {
        phones.push_back("S");
      } else if (last == "S" || last == "Z" || last == "SH" || last == "ZH" || last == "CH" || last == "JH") {
        phones.push_back("AH0");
        phones.push_back("Z");
      } else {
        phones.push_back("Z");
      }
      return phones;
    }
  }
  // Compounds: split with wordsegment; a word that does not split goes to the neural predictor.
  std::vector<std::string> comps = en::segment(data().word_segmenter(), word);
  if (comps.size() == 1) return en::predict_phones(data().g2p_net(), word);
  Phones phones;
  for (const auto& c : comps) {
    Phones p = qryword(c);
    phones.insert(phones.end(), p.begin(), p.end());
  }
  return phones;
}

}  // namespace

G2PResult en_g2p(const std::string& norm_text) {
  std::vector<std::string> tokens;
  for (const auto& t : en::tweet_tokenize(utf8_to_u32(norm_text))) tokens.push_back(u32_to_utf8(t));
  const std::vector<std::string> tags = en::pos_tag(data().pos_tagger(), tokens);

  Phones prons;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& o_word = tokens[i];
    const std::string& pos = tags[i];
    const std::string word = ascii_lower(o_word);
    Phones pron;
    const auto& homographs = data().homograph_dict();
    if (!has_lower_ascii(word)) {
      pron = {word};
    } else if (utf8_to_u32(word).size() == 1) {
      pron = (o_word == "A") ? Phones{"EY1"} : letter_phones(word);
    } else if (auto it = homographs.find(word); it != homographs.end()) {
      const Homograph& h = it->second;
      // pos.startswith(pos1), or pos is a proper prefix of pos1 (only "read"'s VBP: "VB").
      const bool first = pos.compare(0, h.pos1.size(), h.pos1) == 0 ||
                         (pos.size() < h.pos1.size() && h.pos1.compare(0, pos.size(), pos) == 0);
      pron = first ? h.pron1 : h.pron2;
    } else {
      pron = qryword(o_word);
    }
    if (i > 0) prons.push_back(" ");
    prons.insert(prons.end(), pron.begin(), pron.end());
  }

  // english.g2p: drop separators and g2p_en specials, <unk> -> UNK; replace_phs keeps table symbols
  // and turns "'" into "-".
  G2PResult result;
  result.norm_text = norm_text;
  for (const std::string& ph : prons) {
    if (ph == " " || ph == "<pad>" || ph == "UW" || ph == "</s>" || ph == "<s>") continue;
    const std::string p = ph == "<unk>" ? "UNK" : ph;
    if (is_symbol(p)) {
      result.phones.push_back(p);
    } else if (p == "'") {
      result.phones.push_back("-");
    }
  }
  return result;
}

void en_preload() {
  auto& d = data();
  d.cmu_dict();
  d.name_dict();
  d.homograph_dict();
  d.pos_tagger();
  d.word_segmenter();
  d.g2p_net();
}

}  // namespace gsv::text
