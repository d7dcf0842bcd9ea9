// The Chinese frontend's dictionaries, converted at set-up by tools/setup/data_zh.py from the
// pinned PyPI packages (jieba, pypinyin, paddlespeech) and upstream's data files, and loaded once,
// lazily and thread-safely, from gsv::data_dir()/"zh".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace gsv::text::zh {

// A character trie whose edges live in one open-addressing hash table keyed by (node, code point).
// Node 0 is the root; nodes are numbered in creation order, so per-node payloads are plain vectors.
class CharTrie {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  CharTrie();
  uint32_t child(uint32_t node, char32_t c) const;
  uint32_t find(std::u32string_view word) const;  // kNone when `word` is not a path of the trie
  uint32_t insert(std::u32string_view word, uint32_t from = 0);  // creates missing nodes, returns the last
  void reserve(size_t edges);                     // avoids rehashing while a dictionary loads
  uint32_t nodes() const { return nodes_; }

 private:
  static uint64_t key(uint32_t node, char32_t c) { return (uint64_t(node) << 21) | uint64_t(c); }
  size_t slot(uint64_t k) const;
  void grow();
  std::vector<uint64_t> keys_;  // kEmpty where free
  std::vector<uint32_t> vals_;
  size_t used_ = 0;
  uint32_t nodes_ = 1;
};

// jieba's prefix dictionary (Tokenizer.FREQ: every dictionary word with its count, every proper
// prefix with 0) and posseg's word -> tag table.
struct JiebaDict {
  CharTrie trie;                  // every node is a key of FREQ
  std::vector<int64_t> freq;      // per node: the count, 0 for prefixes that are not words
  std::vector<int16_t> tag;       // per node: index into tags, -1 for non-words
  std::vector<std::string> tags;
  double total = 0;               // sum of all counts (Tokenizer.total)
};

// jieba.finalseg's 4-state (B, M, E, S) HMM. Index order B=0 M=1 E=2 S=3.
struct FinalsegModel {
  static constexpr double kMinFloat = -3.14e100;
  double start[4];
  double trans[4][4];            // kMinFloat where the table has no entry (trans_p[y0].get(y, MIN_FLOAT))
  std::unordered_map<char32_t, double> emit[4];
};

// jieba.posseg's (BMES, tag) HMM. States are sorted the way Python orders the tuples, so comparing
// state ids is comparing tuples (used for max() tie-breaks).
struct PossegModel {
  std::vector<std::pair<char, std::string>> states;
  std::vector<double> start;
  std::vector<double> trans;                // dense S*S, -inf where absent (trans_p[y0].get(y, MIN_INF))
  std::vector<std::vector<int>> next;       // trans_p[state].keys()
  std::unordered_map<uint64_t, double> emit;  // (state << 32 | char) -> log prob
  std::unordered_map<char32_t, std::vector<int>> char_states;  // char_state_tab
  double emit_prob(int state, char32_t c, double missing) const {
    auto it = emit.find((uint64_t(uint32_t(state)) << 32) | uint64_t(c));
    return it == emit.end() ? missing : it->second;
  }
};

// pypinyin's dictionaries: first reading (tone marks) of each character and of each phrase char.
struct PinyinDict {
  std::unordered_map<char32_t, std::string> chars;
  CharTrie phrase_trie;                     // every node is in mmseg's PrefixSet
  std::vector<int32_t> phrase_of_node;      // index into phrases, -1 = prefix only
  std::vector<std::vector<std::string>> phrases;
};

struct ZhData {
  JiebaDict jieba;
  FinalsegModel finalseg;
  PossegModel posseg;
  PinyinDict pinyin;
  std::unordered_map<char32_t, char32_t> t2s;                       // char_convert.t2s_dict
  std::vector<std::pair<char32_t, char32_t>> numeric_ranges;        // str.isnumeric() is true
  std::unordered_map<std::string, std::pair<std::string, std::string>> opencpop;  // pinyin -> (initial, final)
  // ToneSandhi.must_neural_tone_words / must_not_neural_tone_words, chinese2.must_erhua / not_erhua.
  std::unordered_set<std::u32string> must_neural, must_not_neural, must_erhua, not_erhua;

  bool is_numeric(char32_t c) const;
};

// Loads on first use; throws MissingFile (telling the user to run ./setup.sh) when the folder or a
// file is absent, BadInput when a file is malformed.
const ZhData& zh_data();

// g2pw/polyphonic.rep + polyphonic-fix.rep (word -> TONE3 readings); only the g2pW path reads it.
const std::unordered_map<std::u32string, std::vector<std::string>>& zh_polyphonic_dict();

}  // namespace gsv::text::zh
