#include "text/zh_regex.h"

// GCC 12 reports -Wstringop-overflow false positives on small std::u32string edits at -O2.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <algorithm>
#include <memory>

#include "core/error.h"
#include "text/zh_unicode.h"

namespace gsv::text::zh {

bool Regex::CharSet::contains(char32_t c) const {
  bool in = false;
  for (const auto& [lo, hi] : ranges) {
    if (c >= lo && c <= hi) {
      in = true;
      break;
    }
  }
  return in != negated;
}

namespace {

struct Node {
  enum Kind { Empty, Set, Group, Alt, Concat, Repeat, Assert, Backref } kind = Empty;
  int set = -1;        // Set, Assert
  int group = -1;      // Group (capture index, -1 = non-capturing), Backref
  int min = 0, max = 0;  // Repeat (max -1 = unbounded)
  bool behind = false, negative = false;  // Assert
  std::vector<std::unique_ptr<Node>> kids;
};

class Parser {
 public:
  Parser(std::u32string_view p, std::vector<Regex::CharSet>& sets) : p_(p), sets_(sets) {}

  std::unique_ptr<Node> parse() {
    auto n = alt();
    if (i_ != p_.size()) error("unbalanced ')'");
    return n;
  }
  int groups() const { return ngroups_; }
  bool has_backref() const { return has_backref_; }

 private:
  [[noreturn]] void error(const char* what) const {
    fail(ErrorKind::Internal, "zh regex: ", what, " at ", i_, " in pattern ", u32_to_utf8(p_));
  }
  bool at_end() const { return i_ >= p_.size(); }
  char32_t peek() const { return p_[i_]; }

  std::unique_ptr<Node> alt() {
    auto first = concat();
    if (at_end() || peek() != U'|') return first;
    auto n = std::make_unique<Node>();
    n->kind = Node::Alt;
    n->kids.push_back(std::move(first));
    while (!at_end() && peek() == U'|') {
      ++i_;
      n->kids.push_back(concat());
    }
    return n;
  }

  std::unique_ptr<Node> concat() {
    auto n = std::make_unique<Node>();
    n->kind = Node::Concat;
    while (!at_end() && peek() != U'|' && peek() != U')') n->kids.push_back(repeat());
    return n;
  }

  std::unique_ptr<Node> repeat() {
    auto atom_node = atom();
    while (!at_end()) {
      int mn, mx;
      char32_t c = peek();
      if (c == U'?') { mn = 0; mx = 1; ++i_; }
      else if (c == U'*') { mn = 0; mx = -1; ++i_; }
      else if (c == U'+') { mn = 1; mx = -1; ++i_; }
      else if (c == U'{') {
        ++i_;
        mn = number();
        mx = mn;
        if (!at_end() && peek() == U',') {
          ++i_;
          mx = (!at_end() && peek() == U'}') ? -1 : number();
        }
        if (at_end() || peek() != U'}') error("bad {n,m}");
        ++i_;
      } else {
        break;
      }
      if (!at_end() && (peek() == U'?' || peek() == U'+')) error("lazy/possessive quantifiers are not supported");
      if (atom_node->kind == Node::Assert) error("quantified lookaround");
      auto r = std::make_unique<Node>();
      r->kind = Node::Repeat;
      r->min = mn;
      r->max = mx;
      r->kids.push_back(std::move(atom_node));
      atom_node = std::move(r);
    }
    return atom_node;
  }

  int number() {
    int v = 0;
    bool any = false;
    while (!at_end() && is_ascii_digit(peek())) {
      v = v * 10 + int(peek() - U'0');
      ++i_;
      any = true;
    }
    if (!any) error("expected a number");
    return v;
  }

  int add_set(Regex::CharSet s) {
    sets_.push_back(std::move(s));
    return int(sets_.size()) - 1;
  }

  std::unique_ptr<Node> set_node(Regex::CharSet s) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Set;
    n->set = add_set(std::move(s));
    return n;
  }

  static Regex::CharSet digits() { return Regex::CharSet{{{U'0', U'9'}}, false}; }

  std::unique_ptr<Node> atom() {
    char32_t c = peek();
    if (c == U'(') {
      ++i_;
      std::unique_ptr<Node> n;
      if (!at_end() && peek() == U'?') {
        ++i_;
        if (at_end()) error("bad group");
        if (peek() == U':') {
          ++i_;
          n = std::make_unique<Node>();
          n->kind = Node::Group;
          n->kids.push_back(alt());
        } else {
          bool behind = false;
          if (peek() == U'<') { behind = true; ++i_; }
          if (at_end() || (peek() != U'!' && peek() != U'=')) error("unsupported group");
          bool negative = peek() == U'!';
          ++i_;
          auto inner = concat();
          if (inner->kids.size() != 1 || inner->kids[0]->kind != Node::Set)
            error("lookarounds must hold one character or class");
          n = std::make_unique<Node>();
          n->kind = Node::Assert;
          n->set = inner->kids[0]->set;
          n->behind = behind;
          n->negative = negative;
        }
      } else {
        n = std::make_unique<Node>();
        n->kind = Node::Group;
        n->group = ++ngroups_;
        n->kids.push_back(alt());
      }
      if (at_end() || peek() != U')') error("missing ')'");
      ++i_;
      return n;
    }
    if (c == U'[') return char_class();
    if (c == U'\\') {
      ++i_;
      if (at_end()) error("trailing backslash");
      char32_t e = peek();
      ++i_;
      if (e == U'd') return set_node(digits());
      if (e >= U'1' && e <= U'9') {
        auto n = std::make_unique<Node>();
        n->kind = Node::Backref;
        n->group = int(e - U'0');
        has_backref_ = true;
        return n;
      }
      if (is_ascii_alpha(e) || is_ascii_digit(e)) error("unsupported escape");
      return set_node(Regex::CharSet{{{e, e}}, false});
    }
    if (c == U'.' || c == U'^' || c == U'$') error("'.', '^' and '$' are not supported; escape them");
    if (c == U')' || c == U'|' || c == U'?' || c == U'*' || c == U'+' || c == U'{') error("unexpected metacharacter");
    ++i_;
    return set_node(Regex::CharSet{{{c, c}}, false});
  }

  std::unique_ptr<Node> char_class() {
    ++i_;  // '['
    Regex::CharSet s;
    if (!at_end() && peek() == U'^') {
      s.negated = true;
      ++i_;
    }
    bool first = true;
    while (true) {
      if (at_end()) error("missing ']'");
      char32_t c = peek();
      if (c == U']' && !first) {
        ++i_;
        break;
      }
      first = false;
      ++i_;
      char32_t lo = c;
      if (c == U'\\') {
        if (at_end()) error("trailing backslash");
        char32_t e = peek();
        ++i_;
        if (e == U'd') {
          s.ranges.push_back({U'0', U'9'});
          continue;
        }
        if (is_ascii_alpha(e) || is_ascii_digit(e)) error("unsupported escape in class");
        lo = e;
      }
      // A '-' between two members is a range; at either end it is a literal (Python's rule).
      if (i_ + 1 < p_.size() && peek() == U'-' && p_[i_ + 1] != U']') {
        ++i_;
        char32_t hi = peek();
        ++i_;
        if (hi == U'\\') {
          if (at_end()) error("trailing backslash");
          hi = peek();
          ++i_;
        }
        if (hi < lo) error("bad range");
        s.ranges.push_back({lo, hi});
      } else {
        s.ranges.push_back({lo, lo});
      }
    }
    return set_node(std::move(s));
  }

  std::u32string_view p_;
  size_t i_ = 0;
  std::vector<Regex::CharSet>& sets_;
  int ngroups_ = 0;
  bool has_backref_ = false;
};

class Compiler {
 public:
  explicit Compiler(std::vector<Regex::Inst>& prog) : prog_(prog) {}

  void emit(const Node& n) {
    using Op = Regex::Op;
    switch (n.kind) {
      case Node::Empty:
        break;
      case Node::Set:
        prog_.push_back({Op::Set, 0, 0, n.set});
        break;
      case Node::Assert: {
        Regex::Inst in{Op::Assert, 0, 0, n.set};
        in.behind = n.behind;
        in.negative = n.negative;
        prog_.push_back(in);
        break;
      }
      case Node::Backref:
        prog_.push_back({Op::Backref, n.group});
        break;
      case Node::Concat:
        for (const auto& k : n.kids) emit(*k);
        break;
      case Node::Group:
        if (n.group >= 0) prog_.push_back({Op::Save, 2 * n.group});
        emit(*n.kids[0]);
        if (n.group >= 0) prog_.push_back({Op::Save, 2 * n.group + 1});
        break;
      case Node::Alt: {
        // Split(a, next) a Jmp(end) next: Split(b, next2) b Jmp(end) ... last end:
        std::vector<size_t> jumps;
        for (size_t k = 0; k < n.kids.size(); ++k) {
          size_t split = 0;
          bool last = k + 1 == n.kids.size();
          if (!last) {
            split = prog_.size();
            prog_.push_back({Op::Split});
            prog_[split].x = int(prog_.size());
          }
          emit(*n.kids[k]);
          if (!last) {
            jumps.push_back(prog_.size());
            prog_.push_back({Op::Jmp});
            prog_[split].y = int(prog_.size());
          }
        }
        for (size_t j : jumps) prog_[j].x = int(prog_.size());
        break;
      }
      case Node::Repeat: {
        const Node& body = *n.kids[0];
        for (int k = 0; k < n.min; ++k) emit(body);
        if (n.max < 0) {
          size_t loop = prog_.size();
          prog_.push_back({Op::Split});
          prog_[loop].x = int(prog_.size());
          emit(body);
          prog_.push_back({Op::Jmp, int(loop)});
          prog_[loop].y = int(prog_.size());
        } else {
          std::vector<size_t> splits;
          for (int k = n.min; k < n.max; ++k) {
            splits.push_back(prog_.size());
            prog_.push_back({Op::Split});
            prog_.back().x = int(prog_.size());
            emit(body);
          }
          for (size_t s : splits) prog_[s].y = int(prog_.size());
        }
        break;
      }
    }
  }

 private:
  std::vector<Regex::Inst>& prog_;
};

}  // namespace

Regex::Regex(std::u32string_view pattern) {
  Parser parser(pattern, sets_);
  auto root = parser.parse();
  ngroups_ = parser.groups() + 1;
  has_backref_ = parser.has_backref();
  prog_.push_back({Op::Save, 0});
  Compiler(prog_).emit(*root);
  prog_.push_back({Op::Save, 1});
  prog_.push_back({Op::Match});

  // Prefilter: the union of the sets every path must consume first (when that is well defined).
  CharSet first;
  bool known = true;
  std::vector<char> seen(prog_.size(), 0);
  std::vector<int> work{0};
  while (!work.empty() && known) {
    int pc = work.back();
    work.pop_back();
    if (seen[pc]) continue;
    seen[pc] = 1;
    const Inst& in = prog_[pc];
    switch (in.op) {
      case Op::Set:
        if (sets_[in.set].negated) known = false;
        else first.ranges.insert(first.ranges.end(), sets_[in.set].ranges.begin(), sets_[in.set].ranges.end());
        break;
      case Op::Split: work.push_back(in.x); work.push_back(in.y); break;
      case Op::Jmp: work.push_back(in.x); break;
      case Op::Save: case Op::Assert: work.push_back(pc + 1); break;
      case Op::Backref: case Op::Match: known = false; break;
    }
  }
  if (known) {
    sets_.push_back(std::move(first));
    first_set_ = int(sets_.size()) - 1;
  }
}

bool Regex::run(std::u32string_view s, size_t start, std::vector<ptrdiff_t>& slots,
                std::vector<uint64_t>* visited) const {
  struct Frame {
    int pc;
    size_t pos;
    int slot;       // >= 0: a capture to restore when backtracking past its Save
    ptrdiff_t old;
  };
  const size_t n = s.size();
  const size_t width = prog_.size();
  std::vector<Frame> stack;
  stack.push_back({0, start, -1, 0});
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    if (f.slot >= 0) {
      slots[size_t(f.slot)] = f.old;
      continue;
    }
    int pc = f.pc;
    size_t pos = f.pos;
    while (true) {
      if (visited) {
        size_t bit = pos * width + size_t(pc);
        uint64_t mask = uint64_t(1) << (bit & 63);
        uint64_t& word = (*visited)[bit >> 6];
        if (word & mask) break;  // explored before and failed
        word |= mask;
      }
      const Inst& in = prog_[size_t(pc)];
      bool ok = true;
      switch (in.op) {
        case Op::Set:
          ok = pos < n && sets_[size_t(in.set)].contains(s[pos]);
          if (ok) { ++pos; ++pc; }
          break;
        case Op::Split:
          stack.push_back({in.y, pos, -1, 0});
          pc = in.x;
          break;
        case Op::Jmp:
          pc = in.x;
          break;
        case Op::Save:
          stack.push_back({0, 0, in.x, slots[size_t(in.x)]});
          slots[size_t(in.x)] = ptrdiff_t(pos);
          ++pc;
          break;
        case Op::Assert: {
          bool hit;
          if (in.behind) hit = pos > 0 && sets_[size_t(in.set)].contains(s[pos - 1]);
          else hit = pos < n && sets_[size_t(in.set)].contains(s[pos]);
          ok = hit != in.negative;
          if (ok) ++pc;
          break;
        }
        case Op::Backref: {
          ptrdiff_t b = slots[size_t(2 * in.x)], e = slots[size_t(2 * in.x + 1)];
          if (b < 0 || e < 0) { ok = false; break; }  // Python: a group that did not match fails
          size_t len = size_t(e - b);
          ok = pos + len <= n && s.substr(size_t(b), len) == s.substr(pos, len);
          if (ok) { pos += len; ++pc; }
          break;
        }
        case Op::Match:
          return true;
      }
      if (!ok) break;
    }
  }
  return false;
}

bool Regex::search(std::u32string_view s, size_t pos, Match& m) const {
  std::vector<uint64_t> visited;
  if (!has_backref_) visited.assign(((s.size() + 1) * prog_.size() + 63) / 64, 0);
  m.subject = s;
  m.slots.assign(size_t(2 * ngroups_), -1);
  for (size_t p = pos; p <= s.size(); ++p) {
    if (first_set_ >= 0 && (p == s.size() || !sets_[size_t(first_set_)].contains(s[p]))) continue;
    if (run(s, p, m.slots, has_backref_ ? nullptr : &visited)) return true;
    std::fill(m.slots.begin(), m.slots.end(), -1);
  }
  return false;
}

std::u32string Regex::sub(std::u32string_view s, const Replacer& repl) const {
  std::vector<uint64_t> visited;
  if (!has_backref_) visited.assign(((s.size() + 1) * prog_.size() + 63) / 64, 0);
  Match m;
  m.subject = s;
  m.slots.assign(size_t(2 * ngroups_), -1);
  std::u32string out;
  size_t copied = 0;
  size_t p = 0;
  while (p <= s.size()) {
    if (first_set_ >= 0 && (p == s.size() || !sets_[size_t(first_set_)].contains(s[p]))) {
      ++p;
      continue;
    }
    if (!run(s, p, m.slots, has_backref_ ? nullptr : &visited)) {
      std::fill(m.slots.begin(), m.slots.end(), -1);
      ++p;
      continue;
    }
    GSV_CHECK(m.end() > m.start(), "zh regex matched empty");
    out.append(s.substr(copied, m.start() - copied));
    out += repl(m);
    copied = p = m.end();
    // States on the successful path end at this position; forget them (failures past it stay).
    if (!has_backref_) {
      size_t width = prog_.size();
      for (size_t bit = p * width; bit < (p + 1) * width; ++bit) visited[bit >> 6] &= ~(uint64_t(1) << (bit & 63));
    }
    std::fill(m.slots.begin(), m.slots.end(), -1);
  }
  out.append(s.substr(copied));
  return out;
}

}  // namespace gsv::text::zh
