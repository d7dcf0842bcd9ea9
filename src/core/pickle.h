// A safe unpickler: it reads Python pickles as plain data and executes nothing.
//
// Only an allow-list of globals may appear: the torch tensor-rebuild functions and storage types,
// collections.OrderedDict, and a few plain config classes (upstream's utils.HParams), which become
// objects holding their state as a dict. Any other GLOBAL is refused with an error that names it,
// before anything is built from it. Tensors are not materialised here: a tensor is a TensorRef (its
// storage key, dtype, offset, shape and strides) that torch_checkpoint.h resolves against the zip.
//
// All values of one pickle live in a Document's arena, so that hostile nesting or reference cycles
// can neither leak nor overflow the stack on destruction; load() rejects cycles and nesting deeper
// than kMaxDepth, so consumers may walk a Document recursively.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gsv::pickle {

inline constexpr int kMaxDepth = 200;

struct TensorRef {
  std::string storage_key;    // zip entry <archive>/data/<key>
  std::string storage_type;   // "HalfStorage", "FloatStorage", ...
  int64_t storage_numel = 0;  // elements in the storage, as the pickle claims
  int64_t offset = 0;         // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
};

struct Value {
  enum class Kind { None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Object, Tensor, Storage, Global };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;                 // String/Bytes contents; Object/Global: "module.Name"
  std::vector<Value*> items;        // List, Tuple
  std::vector<std::pair<Value*, Value*>> entries;  // Dict, in insertion order
  Value* state = nullptr;           // Object: what BUILD set (usually a Dict)
  std::shared_ptr<TensorRef> tensor;  // Tensor, Storage

  bool is_string() const { return kind == Kind::String; }
  bool is_dict_like() const;  // a Dict, or an Object whose state is a Dict
  // Dict-like lookup by string key (an Object looks in its state); nullptr when absent.
  const Value* get(std::string_view key) const;
  // The dict entries of a dict-like value (empty for anything else).
  const std::vector<std::pair<Value*, Value*>>& dict_entries() const;
  std::string kind_name() const;
};

struct Options {
  // Classes that may be instantiated as plain objects (their state becomes a dict).
  std::vector<std::string> plain_classes = {"utils.HParams", "GPT_SoVITS.utils.HParams",
                                            "__main__.HParams", "tools.my_utils.HParams"};
};

class Document {
 public:
  const Value& root() const { return *root_; }

  // Internal to the parser.
  Value* make(Value::Kind kind);
  void set_root(Value* v) { root_ = v; }

 private:
  std::deque<Value> arena_;
  Value* root_ = nullptr;
};

// Parses one pickle. `source` names it in error messages. Throws gsv::Error (BadInput for a
// malformed or hostile stream, naming the refused global where there is one).
std::shared_ptr<const Document> load(std::span<const uint8_t> data, const std::string& source,
                                     const Options& options = {});

}  // namespace gsv::pickle
