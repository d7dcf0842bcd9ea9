#include "core/pickle.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"

namespace gsv::pickle {

using Kind = Value::Kind;

bool Value::is_dict_like() const {
  return kind == Kind::Dict || (kind == Kind::Object && state && state->kind == Kind::Dict);
}

const std::vector<std::pair<Value*, Value*>>& Value::dict_entries() const {
  static const std::vector<std::pair<Value*, Value*>> none;
  if (kind == Kind::Dict) return entries;
  if (kind == Kind::Object && state && state->kind == Kind::Dict) return state->entries;
  return none;
}

const Value* Value::get(std::string_view key) const {
  for (const auto& [k, v] : dict_entries())
    if (k->kind == Kind::String && k->text == key) return v;
  return nullptr;
}

std::string Value::kind_name() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    case Kind::Object: return "object " + text;
    case Kind::Tensor: return "tensor";
    case Kind::Storage: return "storage";
    case Kind::Global: return "global " + text;
  }
  return "?";
}

Value* Document::make(Value::Kind kind) {
  arena_.emplace_back();
  arena_.back().kind = kind;
  return &arena_.back();
}

namespace {

// The torch storage classes a checkpoint may name, and their element sizes.
const std::unordered_set<std::string>& storage_types() {
  static const std::unordered_set<std::string> s = {
      "HalfStorage", "FloatStorage", "BFloat16Storage", "DoubleStorage", "LongStorage", "IntStorage",
      "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage"};
  return s;
}

// Pure functions that build plain data; everything else is refused.
const std::unordered_set<std::string>& allowed_functions() {
  static const std::unordered_set<std::string> s = {
      "collections.OrderedDict",          // state_dict containers
      "torch._utils._rebuild_tensor_v2",  // every tensor
      "torch._utils._rebuild_parameter",  // nn.Parameter wrapping a tensor
      "torch._utils._rebuild_parameter_with_state",
      "_codecs.encode",                   // how protocol 2 pickles Python 3 bytes
      "torch.Size"};
  return s;
}

class Parser {
 public:
  Parser(std::span<const uint8_t> data, const std::string& source, const Options& options)
      : data_(data), source_(source), options_(options), doc_(std::make_shared<Document>()) {}

  std::shared_ptr<const Document> run() {
    while (true) {
      uint8_t op = u8();
      if (op == '.') break;  // STOP
      step(op);
    }
    if (stack_.size() != 1) corrupt("pickle ended with ", stack_.size(), " values on the stack");
    doc_->set_root(stack_.back());
    validate(stack_.back());
    return doc_;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  const std::string& source_;
  const Options& options_;
  std::shared_ptr<Document> doc_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
  // String key -> entry index per dict, so that SETITEM(S) is not quadratic in the dict size.
  std::unordered_map<const Value*, std::unordered_map<std::string, size_t>> dict_keys_;

  template <typename... Args>
  [[noreturn]] void corrupt(Args&&... args) {
    bad_input(source_, ": malformed pickle at byte ", pos_, ": ", std::forward<Args>(args)...);
  }

  void need(size_t n) {
    if (n > data_.size() - pos_) corrupt("unexpected end of data (the file is truncated)");
  }
  uint8_t u8() {
    need(1);
    return data_[pos_++];
  }
  uint64_t le(int n) {
    need(n);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(data_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  std::string bytes(uint64_t n) {
    if (n > data_.size() - pos_) corrupt("a ", n, "-byte string runs past the end of the data");
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::string line() {
    auto begin = data_.begin() + pos_;
    auto nl = std::find(begin, data_.end(), uint8_t('\n'));
    if (nl == data_.end()) corrupt("unterminated text argument");
    std::string s(begin, nl);
    pos_ += s.size() + 1;
    return s;
  }

  Value* pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) corrupt("stack underflow");
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Value* top() {
    if (stack_.empty()) corrupt("stack underflow");
    return stack_.back();
  }
  std::vector<Value*> pop_to_mark() {
    if (marks_.empty()) corrupt("no MARK on the stack");
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return items;
  }
  void push(Value* v) {
    if (stack_.size() > (1u << 22)) corrupt("stack too deep");
    stack_.push_back(v);
  }

  Value* make(Kind k) { return doc_->make(k); }
  Value* make_int(int64_t i) {
    Value* v = make(Kind::Int);
    v->integer = i;
    return v;
  }
  Value* make_string(std::string s, Kind k = Kind::String) {
    Value* v = make(k);
    v->text = std::move(s);
    return v;
  }

  void memo_put(uint64_t idx) { memo_[idx] = top(); }
  void memo_get(uint64_t idx) {
    auto it = memo_.find(idx);
    if (it == memo_.end()) corrupt("memo index ", idx, " was never stored");
    push(it->second);
  }

  bool is_plain_class(const std::string& name) const {
    return std::find(options_.plain_classes.begin(), options_.plain_classes.end(), name) !=
           options_.plain_classes.end();
  }

  // GLOBAL / STACK_GLOBAL: the only place a pickle can name code. Refuse anything not allowed.
  Value* global(const std::string& module, const std::string& name) {
    std::string full = module + "." + name;
    bool ok = allowed_functions().count(full) || is_plain_class(full) ||
              (module == "torch" && storage_types().count(name));
    if (!ok)
      bad_input(source_, ": refusing to load: the pickle references the global '", full,
                "', which is not on the allow-list of plain-data types (tensors, storages, "
                "OrderedDict, config objects). The file may be hostile or not a GPT-SoVITS checkpoint.");
    return make_string(full, Kind::Global);
  }

  static int64_t as_int(const Value* v, const char* what, Parser* p) {
    if (v->kind != Kind::Int) p->corrupt(what, " must be an int, got ", v->kind_name());
    return v->integer;
  }

  std::vector<int64_t> int_tuple(const Value* v, const char* what) {
    if (v->kind != Kind::Tuple && v->kind != Kind::List) corrupt(what, " must be a tuple");
    std::vector<int64_t> out;
    for (const Value* i : v->items) out.push_back(as_int(i, what, this));
    return out;
  }

  Value* reduce(Value* callable, Value* args) {
    if (callable->kind != Kind::Global) corrupt("REDUCE on a ", callable->kind_name(), ", which is not callable");
    if (args->kind != Kind::Tuple) corrupt("REDUCE arguments must be a tuple");
    const std::string& f = callable->text;
    const auto& a = args->items;
    if (f == "collections.OrderedDict") {
      Value* d = make(Kind::Dict);
      if (!a.empty()) {  // OrderedDict([(k, v), ...])
        if (a[0]->kind != Kind::List && a[0]->kind != Kind::Tuple) corrupt("OrderedDict argument");
        for (Value* pair : a[0]->items) {
          if (pair->kind != Kind::Tuple || pair->items.size() != 2) corrupt("OrderedDict item");
          d->entries.emplace_back(pair->items[0], pair->items[1]);
        }
      }
      return d;
    }
    if (f == "torch._utils._rebuild_tensor_v2") {
      if (a.size() < 4 || a[0]->kind != Kind::Storage) corrupt("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
      Value* t = make(Kind::Tensor);
      t->tensor = std::make_shared<TensorRef>(*a[0]->tensor);
      t->tensor->offset = as_int(a[1], "storage offset", this);
      t->tensor->shape = int_tuple(a[2], "tensor size");
      t->tensor->stride = int_tuple(a[3], "tensor stride");
      if (t->tensor->shape.size() != t->tensor->stride.size()) corrupt("tensor size and stride differ in length");
      return t;
    }
    if (f == "torch._utils._rebuild_parameter" || f == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty() || a[0]->kind != Kind::Tensor) corrupt(f, " needs a tensor");
      return a[0];
    }
    if (f == "torch.Size") {
      Value* t = make(Kind::Tuple);
      if (!a.empty()) t->items = a[0]->items;
      return t;
    }
    if (f == "_codecs.encode") {
      if (a.empty() || a[0]->kind != Kind::String) corrupt("_codecs.encode needs a str");
      // latin-1: each code point < 256 becomes one byte. The str is UTF-8 here.
      std::string out;
      const std::string& s = a[0]->text;
      for (size_t i = 0; i < s.size(); ++i) {
        uint8_t c = s[i];
        if (c < 0x80) out.push_back(char(c));
        else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) out.push_back(char(((c & 0x1F) << 6) | (s[++i] & 0x3F)));
        else corrupt("_codecs.encode of a non-latin-1 string");
      }
      return make_string(out, Kind::Bytes);
    }
    if (is_plain_class(f)) {
      Value* o = make(Kind::Object);
      o->text = f;
      return o;
    }
    corrupt("REDUCE of '", f, "' is not supported");
  }

  Value* persistent_load(Value* pid) {
    // torch: ('storage', <torch.XStorage>, key, location, numel)
    if (pid->kind != Kind::Tuple || pid->items.size() < 5) corrupt("persistent id must be a 5-tuple");
    const auto& a = pid->items;
    if (a[0]->kind != Kind::String || a[0]->text != "storage") corrupt("persistent id is not a storage");
    if (a[1]->kind != Kind::Global || a[1]->text.rfind("torch.", 0) != 0) corrupt("storage type must be a torch storage class");
    if (a[2]->kind != Kind::String) corrupt("storage key must be a str");
    Value* s = make(Kind::Storage);
    s->tensor = std::make_shared<TensorRef>();
    s->tensor->storage_type = a[1]->text.substr(6);
    s->tensor->storage_key = a[2]->text;
    s->tensor->storage_numel = as_int(a[4], "storage size", this);
    if (s->tensor->storage_numel < 0) corrupt("negative storage size");
    return s;
  }

  void set_item(Value* d, Value* k, Value* v) {
    if (d->kind != Kind::Dict) corrupt("SETITEM on a ", d->kind_name());
    if (k->kind == Kind::String) {
      auto found = dict_keys_.find(d);
      if (found == dict_keys_.end()) {  // index what the dict was created with (OrderedDict items)
        found = dict_keys_.emplace(d, std::unordered_map<std::string, size_t>{}).first;
        for (size_t i = 0; i < d->entries.size(); ++i)
          if (d->entries[i].first->kind == Kind::String) found->second.emplace(d->entries[i].first->text, i);
      }
      auto [it, inserted] = found->second.emplace(k->text, d->entries.size());
      if (!inserted) {
        d->entries[it->second].second = v;
        return;
      }
    }
    d->entries.emplace_back(k, v);
  }

  void step(uint8_t op) {
    switch (op) {
      case 0x80: u8(); break;                   // PROTO
      case 0x95: le(8); break;                  // FRAME
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case '0': pop(); break;                   // POP
      case '1': pop_to_mark(); break;           // POP_MARK
      case '2': push(top()); break;             // DUP
      case 'N': push(make(Kind::None)); break;
      case 0x88: case 0x89: {                   // NEWTRUE / NEWFALSE
        Value* v = make(Kind::Bool);
        v->boolean = op == 0x88;
        push(v);
        break;
      }
      case 'J': push(make_int(int32_t(le(4)))); break;   // BININT
      case 'K': push(make_int(le(1))); break;            // BININT1
      case 'M': push(make_int(le(2))); break;            // BININT2
      case 0x8a: case 0x8b: {                            // LONG1 / LONG4
        uint64_t n = op == 0x8a ? le(1) : le(4);
        if (n > 8) corrupt("integer of ", n, " bytes is too large");
        uint64_t raw = le(int(n));
        int64_t v = int64_t(raw);
        if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) v = int64_t(raw | (~uint64_t(0) << (8 * n)));
        push(make_int(v));
        break;
      }
      case 'I': {                                        // INT (text), also True/False as 01/00
        std::string s = line();
        try {
          push(make_int(std::stoll(s)));
        } catch (...) {
          corrupt("bad INT literal");
        }
        break;
      }
      case 'G': {                                        // BINFLOAT, big-endian double
        need(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | data_[pos_ + i];
        pos_ += 8;
        Value* v = make(Kind::Float);
        std::memcpy(&v->real, &bits, 8);
        push(v);
        break;
      }
      case 'X': push(make_string(bytes(le(4)))); break;  // BINUNICODE
      case 0x8c: push(make_string(bytes(le(1)))); break; // SHORT_BINUNICODE
      case 0x8d: push(make_string(bytes(le(8)))); break; // BINUNICODE8
      case 'T': push(make_string(bytes(le(4)))); break;  // BINSTRING (py2 str)
      case 'U': push(make_string(bytes(le(1)))); break;  // SHORT_BINSTRING
      case 'B': push(make_string(bytes(le(4)), Kind::Bytes)); break;
      case 'C': push(make_string(bytes(le(1)), Kind::Bytes)); break;
      case 0x8e: push(make_string(bytes(le(8)), Kind::Bytes)); break;
      case ')': push(make(Kind::Tuple)); break;          // EMPTY_TUPLE
      case 't': {                                        // TUPLE
        Value* t = make(Kind::Tuple);
        t->items = pop_to_mark();
        push(t);
        break;
      }
      case 0x85: case 0x86: case 0x87: {                 // TUPLE1/2/3
        int n = op - 0x84;
        Value* t = make(Kind::Tuple);
        t->items.resize(n);
        for (int i = n - 1; i >= 0; --i) t->items[i] = pop();
        push(t);
        break;
      }
      case ']': push(make(Kind::List)); break;           // EMPTY_LIST
      case 'l': {                                        // LIST
        Value* l = make(Kind::List);
        l->items = pop_to_mark();
        push(l);
        break;
      }
      case 'a': {                                        // APPEND
        Value* v = pop();
        Value* l = top();
        if (l->kind != Kind::List) corrupt("APPEND to a ", l->kind_name());
        l->items.push_back(v);
        break;
      }
      case 'e': {                                        // APPENDS
        auto items = pop_to_mark();
        Value* l = top();
        if (l->kind != Kind::List) corrupt("APPENDS to a ", l->kind_name());
        l->items.insert(l->items.end(), items.begin(), items.end());
        break;
      }
      case 0x8f: push(make(Kind::List)); break;          // EMPTY_SET (read as a list)
      case 0x90: {                                       // ADDITEMS
        auto items = pop_to_mark();
        Value* l = top();
        if (l->kind != Kind::List) corrupt("ADDITEMS to a ", l->kind_name());
        l->items.insert(l->items.end(), items.begin(), items.end());
        break;
      }
      case 0x91: {                                       // FROZENSET
        Value* l = make(Kind::List);
        l->items = pop_to_mark();
        push(l);
        break;
      }
      case '}': push(make(Kind::Dict)); break;           // EMPTY_DICT
      case 'd': {                                        // DICT
        auto items = pop_to_mark();
        if (items.size() % 2) corrupt("DICT with an odd number of items");
        Value* d = make(Kind::Dict);
        for (size_t i = 0; i < items.size(); i += 2) set_item(d, items[i], items[i + 1]);
        push(d);
        break;
      }
      case 's': {                                        // SETITEM
        Value* v = pop();
        Value* k = pop();
        set_item(top(), k, v);
        break;
      }
      case 'u': {                                        // SETITEMS
        auto items = pop_to_mark();
        if (items.size() % 2) corrupt("SETITEMS with an odd number of items");
        Value* d = top();
        for (size_t i = 0; i < items.size(); i += 2) set_item(d, items[i], items[i + 1]);
        break;
      }
      case 'c': {                                        // GLOBAL "module\nname\n"
        std::string module = line();
        std::string name = line();
        push(global(module, name));
        break;
      }
      case 0x93: {                                       // STACK_GLOBAL
        Value* name = pop();
        Value* module = pop();
        if (module->kind != Kind::String || name->kind != Kind::String) corrupt("STACK_GLOBAL needs two str");
        push(global(module->text, name->text));
        break;
      }
      case 'R': {                                        // REDUCE
        Value* args = pop();
        Value* callable = pop();
        push(reduce(callable, args));
        break;
      }
      case 0x81: case 0x92: {                            // NEWOBJ / NEWOBJ_EX
        if (op == 0x92) pop();                           // kwargs
        pop();                                           // args (ignored: plain objects only)
        Value* cls = pop();
        if (cls->kind != Kind::Global || !is_plain_class(cls->text))
          corrupt("NEWOBJ of ", cls->kind_name(), " is not allowed");
        Value* o = make(Kind::Object);
        o->text = cls->text;
        push(o);
        break;
      }
      case 'b': {                                        // BUILD
        Value* state = pop();
        Value* obj = top();
        if (obj->kind == Kind::Object) {
          obj->state = state;
        } else if (obj->kind != Kind::Dict && obj->kind != Kind::Tensor) {
          // OrderedDict carries `_metadata` this way; tensors may carry hooks. Anything else is odd.
          corrupt("BUILD on a ", obj->kind_name());
        }
        break;
      }
      case 'Q': push(persistent_load(pop())); break;     // BINPERSID
      case 'q': memo_put(le(1)); break;                  // BINPUT
      case 'r': memo_put(le(4)); break;                  // LONG_BINPUT
      case 0x94: memo_put(memo_.size()); break;          // MEMOIZE
      case 'h': memo_get(le(1)); break;                  // BINGET
      case 'j': memo_get(le(4)); break;                  // LONG_BINGET
      case 'p': case 'g': {                              // PUT / GET (text)
        std::string s = line();
        uint64_t idx = 0;
        try {
          idx = std::stoull(s);
        } catch (...) {
          corrupt("bad memo index");
        }
        op == 'p' ? memo_put(idx) : memo_get(idx);
        break;
      }
      default:
        bad_input(source_, ": unsupported or invalid pickle opcode 0x", std::hex, int(op), std::dec,
                  " at byte ", pos_ - 1, "; only plain-data pickles are read");
    }
  }

  // Rejects cycles and nesting deeper than kMaxDepth, iteratively, so later recursive walks are
  // safe. Shared subtrees are walked once; their height is remembered so that reaching one again
  // from deeper down still counts its full depth.
  void validate(const Value* root) {
    struct Frame {
      const Value* v;
      size_t next;
      int height;  // 1 + tallest child seen so far
    };
    std::unordered_map<const Value*, int> height;  // finished nodes
    std::unordered_set<const Value*> on_path;
    std::vector<Frame> path{{root, 0, 1}};
    on_path.insert(root);
    auto child = [](const Value* v, size_t i) -> const Value* {
      size_t n = v->items.size();
      if (i < n) return v->items[i];
      i -= n;
      if (i < 2 * v->entries.size()) return i % 2 ? v->entries[i / 2].second : v->entries[i / 2].first;
      i -= 2 * v->entries.size();
      if (i == 0 && v->state) return v->state;
      return nullptr;
    };
    while (!path.empty()) {
      Frame& f = path.back();
      const Value* c = child(f.v, f.next++);
      if (!c) {
        int h = f.height;
        const Value* v = f.v;
        on_path.erase(v);
        height[v] = h;
        path.pop_back();
        if (!path.empty()) path.back().height = std::max(path.back().height, h + 1);
        continue;
      }
      if (auto it = height.find(c); it != height.end()) {
        if (path.size() + it->second > size_t(kMaxDepth)) corrupt("nesting deeper than ", kMaxDepth, " levels");
        f.height = std::max(f.height, it->second + 1);
        continue;
      }
      if (on_path.count(c)) corrupt("the pickle contains a reference cycle");
      if (path.size() >= size_t(kMaxDepth)) corrupt("nesting deeper than ", kMaxDepth, " levels");
      on_path.insert(c);
      path.push_back({c, 0, 1});
    }
  }
};

}  // namespace

std::shared_ptr<const Document> load(std::span<const uint8_t> data, const std::string& source,
                                     const Options& options) {
  return Parser(data, source, options).run();
}

}  // namespace gsv::pickle
