#include "text/zh_jieba.h"

#include <array>
#include <climits>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "text/zh_data.h"
#include "text/zh_unicode.h"

namespace gsv::text::zh {

namespace {

constexpr double kMinFloat = -3.14e100;

// ---- character classes of jieba's regexes -----------------------------------------------------

// posseg re_han_internal: [\u4E00-\u9FD5a-zA-Z0-9+#&\._]
bool in_han_internal(char32_t c) {
  return is_jieba_han(c) || is_ascii_alpha(c) || is_ascii_digit(c) || c == U'+' || c == U'#' || c == U'&' ||
         c == U'.' || c == U'_';
}
// jieba_fast re_han_default: [\u4E00-\u9FD5a-zA-Z0-9+#&\._%] (no "-", unlike jieba 0.42)
bool in_han_default(char32_t c) { return in_han_internal(c) || c == U'%'; }
bool is_num_char(char32_t c) { return is_ascii_digit(c) || c == U'.'; }       // re_num [\.0-9]
bool is_eng_char(char32_t c) { return is_ascii_alpha(c) || is_ascii_digit(c); }  // re_eng [a-zA-Z0-9]

// Splits `text` into maximal runs that are / are not in the class, in order.
template <typename Pred>
std::vector<std::pair<std::u32string_view, bool>> runs(std::u32string_view text, Pred in_class) {
  std::vector<std::pair<std::u32string_view, bool>> out;
  size_t i = 0;
  while (i < text.size()) {
    bool in = in_class(text[i]);
    size_t j = i + 1;
    while (j < text.size() && in_class(text[j]) == in) ++j;
    out.emplace_back(text.substr(i, j - i), in);
    i = j;
  }
  return out;
}

// re_skip_internal / re_skip_default = (\r\n|\s), used with re.split: yields the pieces between
// separators and the separators themselves ("\r\n" as one).
template <typename Fn>
void split_skip(std::u32string_view blk, Fn&& fn) {
  size_t piece = 0, i = 0;
  while (i < blk.size()) {
    size_t len = 0;
    if (blk[i] == U'\r' && i + 1 < blk.size() && blk[i + 1] == U'\n') len = 2;
    else if (py_isspace(blk[i])) len = 1;
    if (len == 0) {
      ++i;
      continue;
    }
    fn(blk.substr(piece, i - piece), false);
    fn(blk.substr(i, len), true);
    i += len;
    piece = i;
  }
  fn(blk.substr(piece), false);
}

std::string tag_of(const JiebaDict& d, std::u32string_view word) {
  uint32_t node = d.trie.find(word);
  if (node == CharTrie::kNone || d.tag[node] < 0) return "x";
  return d.tags[size_t(d.tag[node])];
}

int64_t freq_of(const JiebaDict& d, std::u32string_view word) {  // FREQ.get(word) or 0
  uint32_t node = d.trie.find(word);
  return node == CharTrie::kNone ? 0 : d.freq[node];
}

// ---- posseg HMM (posseg/viterbi.py) -------------------------------------------------------------

std::vector<int> posseg_viterbi(std::u32string_view obs, const PossegModel& m) {
  const size_t S = m.states.size(), T = obs.size();
  std::vector<double> V(T * S, 0.0);
  std::vector<int> back(T * S, -1);
  std::vector<char> live(T * S, 0);  // mem_path[t] has key y
  std::vector<int> all(S);
  for (size_t s = 0; s < S; ++s) all[s] = int(s);
  auto states_for = [&](char32_t c) -> const std::vector<int>& {
    auto it = m.char_states.find(c);
    return it == m.char_states.end() ? all : it->second;
  };

  for (int y : states_for(obs[0])) {
    V[size_t(y)] = m.start[size_t(y)] + m.emit_prob(y, obs[0], kMinFloat);
    live[size_t(y)] = 1;
  }
  std::vector<int> prev;
  std::vector<char> expect(S), in_obs(S);
  std::vector<int> cand;
  for (size_t t = 1; t < T; ++t) {
    prev.clear();
    std::fill(expect.begin(), expect.end(), 0);
    for (size_t y0 = 0; y0 < S; ++y0) {
      if (!live[(t - 1) * S + y0] || m.next[y0].empty()) continue;
      prev.push_back(int(y0));
      for (int y : m.next[y0]) expect[size_t(y)] = 1;
    }
    // obs_states = set(states.get(obs[t], all_states)) & prev_states_expect_next, with fallbacks.
    cand.clear();
    for (int y : states_for(obs[t]))
      if (expect[size_t(y)] && !in_obs[size_t(y)]) {
        in_obs[size_t(y)] = 1;
        cand.push_back(y);
      }
    for (int y : cand) in_obs[size_t(y)] = 0;
    if (cand.empty()) {
      for (size_t y = 0; y < S; ++y)
        if (expect[y]) cand.push_back(int(y));
      if (cand.empty()) cand = all;
    }
    if (prev.empty())
      bad_input("jieba's POS tagger cannot tag \"", u32_to_utf8(obs),
                "\" (upstream's posseg Viterbi raises here too); rephrase the text");
    for (int y : cand) {
      const double em = m.emit_prob(y, obs[t], kMinFloat);
      double best = 0;
      int best_prev = -1;
      for (int y0 : prev) {
        // Python: V[t-1][y0] + trans_p[y0].get(y, MIN_INF) + emit_p[y].get(obs[t], MIN_FLOAT);
        // max() over (prob, state) tuples, so ties go to the larger state.
        double p = V[(t - 1) * S + size_t(y0)] + m.trans[size_t(y0) * S + size_t(y)] + em;
        if (best_prev < 0 || p > best || (p == best && y0 > best_prev)) {
          best = p;
          best_prev = y0;
        }
      }
      V[t * S + size_t(y)] = best;
      back[t * S + size_t(y)] = best_prev;
      live[t * S + size_t(y)] = 1;
    }
  }
  int state = -1;
  double best = 0;
  for (size_t y = 0; y < S; ++y) {
    if (!live[(T - 1) * S + y]) continue;
    double p = V[(T - 1) * S + y];
    if (state < 0 || p > best || (p == best && int(y) > state)) {
      best = p;
      state = int(y);
    }
  }
  std::vector<int> route(T);
  for (size_t i = T; i-- > 0;) {
    route[i] = state;
    state = back[i * S + size_t(state)];
  }
  return route;
}

// POSTokenizer.__cut: words from the HMM's B/M/E/S labels.
void posseg_hmm_cut(std::u32string_view s, std::vector<TaggedWord>& out) {
  const PossegModel& m = zh_data().posseg;
  std::vector<int> route = posseg_viterbi(s, m);
  size_t begin = 0, nexti = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto& [pos, tag] = m.states[size_t(route[i])];
    if (pos == 'B') {
      begin = i;
    } else if (pos == 'E') {
      out.push_back({std::u32string(s.substr(begin, i + 1 - begin)), tag});
      nexti = i + 1;
    } else if (pos == 'S') {
      out.push_back({std::u32string(1, s[i]), tag});
      nexti = i + 1;
    }
  }
  if (nexti < s.size()) out.push_back({std::u32string(s.substr(nexti)), m.states[size_t(route[nexti])].second});
}

// POSTokenizer.__cut_detail: HMM for han runs; digits/letters/other runs tagged m/eng/x.
void posseg_cut_detail(std::u32string_view s, std::vector<TaggedWord>& out) {
  for (const auto& [blk, han] : runs(s, is_jieba_han)) {
    if (han) {
      posseg_hmm_cut(blk, out);
      continue;
    }
    // re_skip_detail.split: ([\.0-9]+|[a-zA-Z0-9]+) pieces and the text between them.
    size_t i = 0, piece = 0;
    auto emit_piece = [&](std::u32string_view x) {
      if (x.empty()) return;
      const char* tag = is_num_char(x[0]) ? "m" : is_eng_char(x[0]) ? "eng" : "x";
      out.push_back({std::u32string(x), tag});
    };
    while (i < blk.size()) {
      size_t j = i;
      if (is_num_char(blk[i])) {
        while (j < blk.size() && is_num_char(blk[j])) ++j;
      } else if (is_eng_char(blk[i])) {
        while (j < blk.size() && is_eng_char(blk[j])) ++j;
      }
      if (j == i) {
        ++i;
        continue;
      }
      emit_piece(blk.substr(piece, i - piece));
      emit_piece(blk.substr(i, j - i));
      i = piece = j;
    }
    emit_piece(blk.substr(piece));
  }
}

// Tokenizer.get_DAG + Tokenizer.calc (pure Python versions, used by posseg).
std::vector<size_t> python_route(std::u32string_view s, const JiebaDict& d) {
  const size_t N = s.size();
  std::vector<std::vector<size_t>> dag(N);
  for (size_t k = 0; k < N; ++k) {
    uint32_t node = d.trie.child(0, s[k]);
    size_t i = k;
    while (i < N && node != CharTrie::kNone) {
      if (d.freq[node]) dag[k].push_back(i);
      ++i;
      if (i < N) node = d.trie.child(node, s[i]);
    }
    if (dag[k].empty()) dag[k].push_back(k);
  }
  const double logtotal = std::log(d.total);
  std::vector<double> score(N + 1, 0.0);
  std::vector<size_t> route(N + 1, 0);
  for (size_t idx = N; idx-- > 0;) {
    bool first = true;
    double best = 0;
    size_t best_x = 0;
    for (size_t x : dag[idx]) {
      int64_t f = freq_of(d, s.substr(idx, x + 1 - idx));
      double p = std::log(double(f ? f : 1)) - logtotal + score[x + 1];
      // max() over (prob, x) tuples: a tie goes to the larger x.
      if (first || p > best || (p == best && x > best_x)) {
        best = p;
        best_x = x;
        first = false;
      }
    }
    score[idx] = best;
    route[idx] = best_x;
  }
  return route;
}

void posseg_flush(std::u32string_view buf, const JiebaDict& d, std::vector<TaggedWord>& out) {
  if (buf.empty()) return;
  if (buf.size() == 1) {
    out.push_back({std::u32string(buf), tag_of(d, buf)});
  } else if (!freq_of(d, buf)) {
    posseg_cut_detail(buf, out);
  } else {
    for (size_t i = 0; i < buf.size(); ++i) out.push_back({std::u32string(1, buf[i]), tag_of(d, buf.substr(i, 1))});
  }
}

// POSTokenizer.__cut_DAG
void posseg_cut_dag(std::u32string_view s, std::vector<TaggedWord>& out) {
  const JiebaDict& d = zh_data().jieba;
  std::vector<size_t> route = python_route(s, d);
  size_t x = 0, buf_start = 0, buf_len = 0;
  while (x < s.size()) {
    size_t y = route[x] + 1;
    if (y - x == 1) {
      if (buf_len == 0) buf_start = x;
      ++buf_len;
    } else {
      posseg_flush(s.substr(buf_start, buf_len), d, out);
      buf_len = 0;
      std::u32string_view word = s.substr(x, y - x);
      out.push_back({std::u32string(word), tag_of(d, word)});
    }
    x = y;
  }
  posseg_flush(s.substr(buf_start, buf_len), d, out);
}

// ---- jieba_fast Tokenizer.cut (C helpers) -------------------------------------------------------

// _jieba_fast_functions._get_DAG_and_calc: returns route[x] = end index of the word starting at x.
std::vector<size_t> c_route(std::u32string_view s, const JiebaDict& d) {
  const size_t N = s.size();
  constexpr size_t kMaxEnds = 12;  // DAG[k] is a fixed 20-slot array filled up to 12 entries
  std::vector<std::vector<size_t>> dag(N);
  for (size_t k = 0; k < N; ++k) {
    uint32_t node = d.trie.child(0, s[k]);
    size_t i = k;
    while (i < N && node != CharTrie::kNone && dag[k].size() < kMaxEnds) {
      if (d.freq[node]) dag[k].push_back(i);
      ++i;
      if (i < N) node = d.trie.child(node, s[i]);
    }
    if (dag[k].empty()) dag[k].push_back(k);
  }
  const double logtotal = std::log(d.total);
  std::vector<double> score(N + 1, 0.0);
  std::vector<size_t> route(N + 1, 0);
  for (size_t idx = N; idx-- > 0;) {
    double best = double(INT_MIN);
    size_t best_x = 0;
    for (size_t x : dag[idx]) {
      int64_t f = freq_of(d, s.substr(idx, x + 1 - idx));
      double p = std::log(double(f ? f : 1)) - logtotal + score[x + 1];
      if (p > best) {  // strict: the first (shortest) of equal candidates wins
        best = p;
        best_x = x;
      }
    }
    score[idx] = best;
    route[idx] = best_x;
  }
  return route;
}

// _jieba_fast_functions._viterbi over states "BMES" (index B=0 M=1 E=2 S=3).
std::vector<int> finalseg_viterbi(std::u32string_view obs, const FinalsegModel& m) {
  static constexpr char kName[4] = {'B', 'M', 'E', 'S'};
  static constexpr int kPrev[4][2] = {{2, 3}, {1, 0}, {0, 1}, {3, 2}};  // B:"ES" M:"MB" E:"BM" S:"SE"
  const size_t T = obs.size();
  std::vector<std::array<double, 4>> V(T);
  std::vector<std::array<int, 4>> path(T);
  auto emit = [&](int y, char32_t c) {
    auto it = m.emit[y].find(c);
    return it == m.emit[y].end() ? kMinFloat : it->second;
  };
  for (int s = 0; s < 4; ++s) {
    V[0][size_t(s)] = emit(s, obs[0]) + m.start[s];
    path[0][size_t(s)] = s;
  }
  for (size_t i = 1; i < T; ++i) {
    for (int y = 0; y < 4; ++y) {
      const double em = emit(y, obs[i]);
      double max_prob = kMinFloat;
      int best = -1;
      for (int p = 0; p < 2; ++p) {
        int y0 = kPrev[y][p];
        double prob = em;
        prob += V[i - 1][size_t(y0)];
        prob += m.trans[y0][y];
        if (prob > max_prob) {
          max_prob = prob;
          best = y0;
        }
      }
      if (best < 0) {  // nothing beat MIN_FLOAT: the C code takes the larger state letter
        int a = kPrev[y][0], b = kPrev[y][1];
        best = kName[a] > kName[b] ? a : b;
      }
      V[i][size_t(y)] = max_prob;
      path[i][size_t(y)] = best;
    }
  }
  int state = 2;  // 'E'
  if (V[T - 1][3] > V[T - 1][2]) state = 3;
  std::vector<int> route(T);
  for (size_t i = T; i-- > 0;) {
    route[i] = state;
    state = path[i][size_t(state)];
  }
  return route;
}

// finalseg.cut
void finalseg_cut(std::u32string_view s, std::vector<std::u32string>& out) {
  const FinalsegModel& m = zh_data().finalseg;
  for (const auto& [blk, han] : runs(s, is_jieba_han)) {
    if (han) {
      std::vector<int> route = finalseg_viterbi(blk, m);
      size_t begin = 0, nexti = 0;
      for (size_t i = 0; i < blk.size(); ++i) {
        if (route[i] == 0) {
          begin = i;
        } else if (route[i] == 2) {
          out.emplace_back(blk.substr(begin, i + 1 - begin));
          nexti = i + 1;
        } else if (route[i] == 3) {
          out.emplace_back(1, blk[i]);
          nexti = i + 1;
        }
      }
      if (nexti < blk.size()) out.emplace_back(blk.substr(nexti));
      continue;
    }
    // re_skip.split: ([a-zA-Z0-9]+(?:\.\d+)?%?) pieces and the text between them, empties dropped.
    size_t i = 0, piece = 0;
    while (i < blk.size()) {
      if (!is_eng_char(blk[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < blk.size() && is_eng_char(blk[j])) ++j;
      if (j + 1 < blk.size() && blk[j] == U'.' && is_ascii_digit(blk[j + 1])) {
        j += 1;
        while (j < blk.size() && is_ascii_digit(blk[j])) ++j;
      }
      if (j < blk.size() && blk[j] == U'%') ++j;
      if (i > piece) out.emplace_back(blk.substr(piece, i - piece));
      out.emplace_back(blk.substr(i, j - i));
      i = piece = j;
    }
    if (blk.size() > piece) out.emplace_back(blk.substr(piece));
  }
}

void cut_flush(std::u32string_view buf, const JiebaDict& d, std::vector<std::u32string>& out) {
  if (buf.empty()) return;
  if (buf.size() == 1) out.emplace_back(buf);
  else if (!freq_of(d, buf)) finalseg_cut(buf, out);
  else
    for (char32_t c : buf) out.emplace_back(1, c);
}

// Tokenizer.__cut_DAG (HMM=True)
void cut_dag(std::u32string_view s, std::vector<std::u32string>& out) {
  const JiebaDict& d = zh_data().jieba;
  std::vector<size_t> route = c_route(s, d);
  size_t x = 0, buf_start = 0, buf_len = 0;
  while (x < s.size()) {
    size_t y = route[x] + 1;
    if (y <= x) bad_input("jieba's route failed on a very long block");  // INT_MIN floor; never in practice
    if (y - x == 1) {
      if (buf_len == 0) buf_start = x;
      ++buf_len;
    } else {
      cut_flush(s.substr(buf_start, buf_len), d, out);
      buf_len = 0;
      out.emplace_back(s.substr(x, y - x));
    }
    x = y;
  }
  cut_flush(s.substr(buf_start, buf_len), d, out);
}

}  // namespace

std::vector<TaggedWord> posseg_cut(std::u32string_view text) {
  std::vector<TaggedWord> out;
  for (const auto& [blk, han] : runs(text, in_han_internal)) {
    if (han) {
      posseg_cut_dag(blk, out);
      continue;
    }
    split_skip(blk, [&](std::u32string_view x, bool is_skip) {
      if (is_skip) {
        out.push_back({std::u32string(x), "x"});
        return;
      }
      // Quirk kept: the "eng" test looks at the whole piece x, not at the character.
      bool x_is_eng = !x.empty() && is_eng_char(x[0]);
      for (char32_t c : x) out.push_back({std::u32string(1, c), is_num_char(c) ? "m" : x_is_eng ? "eng" : "x"});
    });
  }
  return out;
}

std::vector<std::u32string> jieba_cut(std::u32string_view text) {
  std::vector<std::u32string> out;
  for (const auto& [blk, han] : runs(text, in_han_default)) {
    if (han) {
      cut_dag(blk, out);
      continue;
    }
    split_skip(blk, [&](std::u32string_view x, bool is_skip) {
      if (is_skip) out.emplace_back(x);
      else
        for (char32_t c : x) out.emplace_back(1, c);
    });
  }
  return out;
}

std::vector<std::u32string> jieba_cut_for_search(std::u32string_view text) {
  const JiebaDict& d = zh_data().jieba;
  std::vector<std::u32string> out;
  for (const std::u32string& w : jieba_cut(text)) {
    if (w.size() > 2)
      for (size_t i = 0; i + 1 < w.size(); ++i)
        if (freq_of(d, std::u32string_view(w).substr(i, 2))) out.push_back(w.substr(i, 2));
    if (w.size() > 3)
      for (size_t i = 0; i + 2 < w.size(); ++i)
        if (freq_of(d, std::u32string_view(w).substr(i, 3))) out.push_back(w.substr(i, 3));
    out.push_back(w);
  }
  return out;
}

}  // namespace gsv::text::zh
