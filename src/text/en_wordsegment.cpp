#include "text/en_wordsegment.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/fs.h"

namespace gsv::text::en {

namespace {

constexpr double kTotal = 1024908267229.0;  // wordsegment's corpus size
constexpr int kLimit = 24;                  // longest word tried
constexpr size_t kChunk = 250;              // isegment works on 250-character chunks

std::unordered_map<std::string, double> read_counts(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    fail(ErrorKind::MissingFile, "word segmentation data ", path.string(),
         " is missing; run ./setup.sh (it builds .deps/data) or point $GPT_SOVITS_DATA at that folder");
  const std::string data = read_file(path);
  std::unordered_map<std::string, double> out;
  out.reserve(400000);
  // "word<TAB>count" lines (wordsegment's parse: line.split("\t"), float(count)).
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    const size_t tab = data.find('\t', pos);
    if (tab < end) out[data.substr(pos, tab - pos)] = std::strtod(data.c_str() + tab + 1, nullptr);
    pos = end + 1;
  }
  return out;
}

// float(10 ** n) for n <= 24, correctly rounded as Python converts the int.
double pow10(int n) {
  static const double table[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                 1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24};
  return table[n];
}

double unigram_score(const WordSegmenter& ws, const std::string& word) {
  if (auto it = ws.unigrams.find(word); it != ws.unigrams.end()) return it->second / kTotal;
  return 10.0 / (kTotal * pow10(static_cast<int>(word.size())));
}

double score(const WordSegmenter& ws, const std::string& word, const std::string& previous) {
  auto b = ws.bigrams.find(previous + " " + word);
  if (b != ws.bigrams.end()) {
    auto u = ws.unigrams.find(previous);
    if (u != ws.unigrams.end()) return b->second / kTotal / (u->second / kTotal);
  }
  return unigram_score(ws, word);
}

// One search() over `text`: the best split of every suffix given the word before it. A state is
// (start, length of the previous word), length 0 standing for "<s>".
class Search {
 public:
  Search(const WordSegmenter& ws, const std::string& text)
      : ws_(ws), text_(text), n_(text.size()), memo_((n_ + 1) * (kLimit + 1)) {}

  std::vector<std::string> best() {
    std::vector<std::string> words;
    size_t start = 0, prev = 0;
    while (start < n_) {
      const Entry& e = solve(start, prev);
      words.push_back(text_.substr(start, e.len));
      prev = e.len;
      start += e.len;
    }
    return words;
  }

 private:
  struct Entry {
    bool done = false;
    double score = 0;
    size_t len = 0;  // the first word of the best split
  };

  std::string previous(size_t start, size_t prev_len) const {
    return prev_len == 0 ? std::string("<s>") : text_.substr(start - prev_len, prev_len);
  }

  std::vector<std::string> words_from(size_t start, size_t prev_len) {
    std::vector<std::string> w;
    while (start < n_) {
      const Entry& e = solve(start, prev_len);
      w.push_back(text_.substr(start, e.len));
      prev_len = e.len;
      start += e.len;
    }
    return w;
  }

  const Entry& solve(size_t start, size_t prev_len) {
    Entry& slot = memo_[start * (kLimit + 1) + prev_len];
    if (slot.done || start == n_) {
      slot.done = true;
      return slot;
    }
    const std::string prev = previous(start, prev_len);
    Entry best;
    std::vector<std::string> best_words;  // filled only to break exact score ties
    const size_t max_len = std::min<size_t>(n_ - start, kLimit);
    for (size_t len = 1; len <= max_len; ++len) {
      const std::string prefix = text_.substr(start, len);
      double s = std::log10(score(ws_, prefix, prev)) + solve(start + len, len).score;
      if (!best.done || s > best.score) {
        best = {true, s, len};
        best_words.clear();
      } else if (s == best.score) {
        // max() compares the (score, [prefix] + words) tuples: equal scores fall back to the lists.
        if (best_words.empty()) {
          best_words.push_back(text_.substr(start, best.len));
          auto rest = words_from(start + best.len, best.len);
          best_words.insert(best_words.end(), rest.begin(), rest.end());
        }
        std::vector<std::string> cand = {prefix};
        auto rest = words_from(start + len, len);
        cand.insert(cand.end(), rest.begin(), rest.end());
        if (cand > best_words) {
          best = {true, s, len};
          best_words = std::move(cand);
        }
      }
    }
    Entry& out = memo_[start * (kLimit + 1) + prev_len];  // solve() may have grown nothing; re-fetch
    out = best;
    return out;
  }

  const WordSegmenter& ws_;
  const std::string& text_;
  size_t n_;
  std::vector<Entry> memo_;
};

}  // namespace

WordSegmenter load_wordsegmenter(const std::filesystem::path& unigrams, const std::filesystem::path& bigrams) {
  WordSegmenter ws;
  ws.unigrams = read_counts(unigrams);
  ws.bigrams = read_counts(bigrams);
  return ws;
}

std::vector<std::string> segment(const WordSegmenter& ws, const std::string& text) {
  std::string clean;
  for (char c : text) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) clean.push_back(l);
  }
  std::vector<std::string> out;
  std::string prefix;
  for (size_t offset = 0; offset < clean.size(); offset += kChunk) {
    std::string chunk = prefix + clean.substr(offset, kChunk);
    std::vector<std::string> words = Search(ws, chunk).best();
    // The last five words are carried into the next chunk and searched again there.
    size_t keep = words.size() > 5 ? words.size() - 5 : 0;
    prefix.clear();
    for (size_t i = keep; i < words.size(); ++i) prefix += words[i];
    out.insert(out.end(), words.begin(), words.begin() + keep);
  }
  std::vector<std::string> tail = Search(ws, prefix).best();
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace gsv::text::en
