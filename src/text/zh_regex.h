// A small backtracking regex engine with Python `re` semantics for the patterns the Chinese
// normaliser ports from upstream (zh_normalization/*.py): leftmost match, alternatives tried in
// order, greedy quantifiers, captures, one backreference, and one-character lookarounds.
//
// Why not std::regex: it has no lookbehind, works on char/wchar_t only and is slow. Why not
// hand-written scanners for every rule: upstream's patterns rely on backtracking order (e.g.
// `(\d{4}|\d{2})年`, `[0-1]?[0-9]|2[0-3]`), and transcribing each pattern keeps that order exact.
//
// Supported syntax: literals, `\d` (ASCII digits only: upstream's verbalisers index a dict of ASCII
// digits and raise KeyError on other Unicode digits), escapes of punctuation, `[...]` classes with
// ranges and negation, `(...)`, `(?:...)`, `(?<!x)` / `(?<=x)` / `(?!x)` / `(?=x)` where x is a
// single character or class, `|`, `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (all greedy), `\1`..`\9`.
//
// Matching is linear in practice: without backreferences, a (instruction, position) pair that
// failed once fails again (RE2's BitState argument), so it is never re-explored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gsv::text::zh {

class Regex {
 public:
  struct Match {
    std::u32string_view subject;
    std::vector<std::ptrdiff_t> slots;  // 2 per group (group 0 = whole match); -1 = did not take part
    size_t start() const { return size_t(slots[0]); }
    size_t end() const { return size_t(slots[1]); }
    bool has(int group) const { return slots[2 * group] >= 0; }
    // Python's m.group(i), with None as an empty string.
    std::u32string_view group(int g) const {
      if (!has(g)) return {};
      return subject.substr(size_t(slots[2 * g]), size_t(slots[2 * g + 1] - slots[2 * g]));
    }
  };
  using Replacer = std::function<std::u32string(const Match&)>;

  explicit Regex(std::u32string_view pattern);

  bool search(std::u32string_view s, size_t pos, Match& m) const;
  // re.sub(pattern, repl, s) with count=0 (none of the ported patterns can match empty).
  std::u32string sub(std::u32string_view s, const Replacer& repl) const;
  int groups() const { return ngroups_; }

  struct CharSet {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool negated = false;
    bool contains(char32_t c) const;
  };
  enum class Op : uint8_t { Set, Split, Jmp, Save, Assert, Backref, Match };
  struct Inst {
    Op op;
    int x = 0, y = 0;        // Split: preferred / other target; Jmp: target; Save: slot; Backref: group
    int set = -1;            // Set / Assert: index into sets_
    bool behind = false;     // Assert: look at s[pos-1] instead of s[pos]
    bool negative = false;   // Assert: (?<! / (?!
  };

 private:
  bool run(std::u32string_view s, size_t start, std::vector<std::ptrdiff_t>& slots,
           std::vector<uint64_t>* visited) const;

  std::vector<Inst> prog_;
  std::vector<CharSet> sets_;
  int ngroups_ = 0;  // including group 0
  bool has_backref_ = false;
  int first_set_ = -1;  // every match starts with a char of sets_[first_set_] (prefilter), -1 = unknown
};

}  // namespace gsv::text::zh
