#include "core/torch_checkpoint.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace gsv {

namespace {

struct StorageKind {
  mx::Dtype dtype;
  int itemsize;
};

StorageKind storage_kind(const std::string& type, const std::string& source) {
  if (type == "HalfStorage") return {mx::float16, 2};
  if (type == "FloatStorage") return {mx::float32, 4};
  if (type == "BFloat16Storage") return {mx::bfloat16, 2};
  if (type == "DoubleStorage") return {mx::float32, 8};  // narrowed on read
  if (type == "LongStorage") return {mx::int64, 8};
  if (type == "IntStorage") return {mx::int32, 4};
  if (type == "ShortStorage") return {mx::int16, 2};
  if (type == "CharStorage") return {mx::int8, 1};
  if (type == "ByteStorage") return {mx::uint8, 1};
  if (type == "BoolStorage") return {mx::bool_, 1};
  fail(ErrorKind::Unsupported, source, ": tensor storage type '", type, "' is not supported");
}

// Builds an array of `dtype` from raw little-endian element bytes (copied, so alignment of the
// mapped file does not matter).
template <typename T>
mx::array from_raw(const std::vector<uint8_t>& raw, const mx::Shape& shape, mx::Dtype dtype) {
  std::vector<T> v(raw.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), raw.data(), v.size() * sizeof(T));
  return mx::array(v.begin(), shape, dtype);
}

}  // namespace

TorchFile TorchFile::open(const std::filesystem::path& path) { return from_bytes(Bytes::map_file(path)); }

TorchFile TorchFile::from_bytes(std::shared_ptr<const Bytes> bytes) {
  TorchFile f;
  f.bytes_ = bytes;
  f.zip_ = std::make_shared<ZipArchive>(bytes);
  // torch names every record "<archive>/...", where <archive> is the stem the file was first
  // saved under (a timestamp for upstream's my_save, "archive" for BytesIO saves): find it from
  // data.pkl rather than assuming it.
  const ZipEntry* pkl = nullptr;
  for (const auto& e : f.zip_->entries()) {
    const std::string suffix = "data.pkl";
    if (e.name.size() >= suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        std::count(e.name.begin(), e.name.end(), '/') <= 1) {
      pkl = &e;
      break;
    }
  }
  if (!pkl)
    bad_input(bytes->name(), ": no data.pkl in the archive; not a PyTorch checkpoint (or saved "
              "with the legacy non-zip format, which is not supported: re-save with torch>=1.6)");
  f.prefix_ = pkl->name.substr(0, pkl->name.size() - 8);
  if (const ZipEntry* bo = f.zip_->find(f.prefix_ + "byteorder")) {
    auto d = f.zip_->data(*bo);
    if (std::string(d.begin(), d.end()) != "little")
      fail(ErrorKind::Unsupported, bytes->name(), ": big-endian checkpoints are not supported");
  }
  f.doc_ = pickle::load(f.zip_->data(*pkl), bytes->name());
  return f;
}

mx::array TorchFile::tensor(const pickle::TensorRef& ref) const {
  const std::string& src = source();
  StorageKind kind = storage_kind(ref.storage_type, src);
  const ZipEntry* e = zip_->find(prefix_ + "data/" + ref.storage_key);
  if (!e) bad_input(src, ": tensor storage '", ref.storage_key, "' is missing from the archive (truncated file?)");
  // The storage must hold what the pickle claims, and the view must stay inside the storage.
  const uint64_t numel = uint64_t(ref.storage_numel);
  if (numel > e->size / kind.itemsize)
    bad_input(src, ": tensor storage '", ref.storage_key, "' claims ", numel, " elements but holds ",
              e->size / kind.itemsize, "; the file is corrupt");
  if (ref.offset < 0) bad_input(src, ": negative tensor offset");
  uint64_t count = 1, extent = 0;  // elements in the view; highest element index reached + 1
  bool empty = false;
  for (size_t i = 0; i < ref.shape.size(); ++i) {
    int64_t n = ref.shape[i], s = ref.stride[i];
    if (n < 0 || s < 0 || n > std::numeric_limits<int32_t>::max())
      bad_input(src, ": invalid tensor shape or stride in storage '", ref.storage_key, "'");
    if (n == 0) empty = true;
    if (count > (uint64_t(1) << 34) / std::max<int64_t>(n, 1))
      bad_input(src, ": tensor in storage '", ref.storage_key, "' is implausibly large");
    count *= uint64_t(std::max<int64_t>(n, 1));
    extent += uint64_t(std::max<int64_t>(n - 1, 0)) * uint64_t(s);
    if (extent > numel) break;
  }
  if (empty) count = 0;
  if (!empty && uint64_t(ref.offset) + extent + 1 > numel)
    bad_input(src, ": tensor view (offset ", ref.offset, ") reaches past its storage '", ref.storage_key,
              "' of ", numel, " elements; the file is corrupt");

  mx::Shape shape(ref.shape.begin(), ref.shape.end());
  const uint8_t* base = zip_->data(*e).data() + uint64_t(ref.offset) * kind.itemsize;
  std::vector<uint8_t> raw(count * kind.itemsize);
  // Gather in row-major order of the view (contiguous views are one memcpy).
  bool contiguous = true;
  int64_t expect = 1;
  for (size_t i = ref.shape.size(); i-- > 0;) {
    if (ref.shape[i] != 1 && ref.stride[i] != expect) contiguous = false;
    expect *= ref.shape[i];
  }
  if (contiguous) {
    if (count) std::memcpy(raw.data(), base, raw.size());
  } else if (count) {
    const size_t nd = ref.shape.size();
    std::vector<int64_t> idx(nd, 0);
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t off = 0;
      for (size_t d = 0; d < nd; ++d) off += uint64_t(idx[d]) * ref.stride[d];
      std::memcpy(raw.data() + k * kind.itemsize, base + off * kind.itemsize, kind.itemsize);
      for (size_t d = nd; d-- > 0;) {
        if (++idx[d] < ref.shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  switch (kind.itemsize) {
    case 1:
      if (kind.dtype == mx::bool_) return mx::astype(from_raw<uint8_t>(raw, shape, mx::uint8), mx::bool_);
      if (kind.dtype == mx::int8) return from_raw<int8_t>(raw, shape, mx::int8);
      return from_raw<uint8_t>(raw, shape, mx::uint8);
    case 2:
      if (kind.dtype == mx::float16) return from_raw<mx::float16_t>(raw, shape, mx::float16);
      if (kind.dtype == mx::bfloat16) return from_raw<mx::bfloat16_t>(raw, shape, mx::bfloat16);
      return from_raw<int16_t>(raw, shape, mx::int16);
    case 4:
      if (kind.dtype == mx::float32) return from_raw<float>(raw, shape, mx::float32);
      return from_raw<int32_t>(raw, shape, mx::int32);
    case 8:
      if (kind.dtype == mx::int64) return from_raw<int64_t>(raw, shape, mx::int64);
      return mx::astype(from_raw<double>(raw, shape, mx::float32), mx::float32);
  }
  fail(ErrorKind::Internal, "unhandled storage item size");
}

WeightMap TorchFile::weights(const pickle::Value& dict) const {
  WeightMap out(source());
  struct Item {
    const pickle::Value* v;
    std::string prefix;
  };
  std::vector<Item> todo{{&dict, ""}};
  while (!todo.empty()) {
    Item it = todo.back();
    todo.pop_back();
    for (const auto& [k, v] : it.v->dict_entries()) {
      if (k->kind != pickle::Value::Kind::String) continue;
      std::string name = it.prefix + k->text;
      if (v->kind == pickle::Value::Kind::Tensor) out.set(name, tensor(*v->tensor));
      else if (v->is_dict_like()) todo.push_back({v, name + "."});
    }
  }
  return out;
}

nlohmann::json to_json(const pickle::Value& v) {
  using K = pickle::Value::Kind;
  switch (v.kind) {
    case K::None: return nullptr;
    case K::Bool: return v.boolean;
    case K::Int: return v.integer;
    case K::Float: return v.real;
    case K::String: return v.text;
    case K::Bytes: return "<bytes>";
    case K::List:
    case K::Tuple: {
      auto a = nlohmann::json::array();
      for (const auto* i : v.items) a.push_back(to_json(*i));
      return a;
    }
    case K::Dict:
    case K::Object: {
      auto o = nlohmann::json::object();
      for (const auto& [k, val] : v.dict_entries()) {
        std::string key = k->kind == K::String ? k->text : to_json(*k).dump();
        o[key] = to_json(*val);
      }
      return o;
    }
    case K::Tensor: return "<tensor>";
    case K::Storage: return "<storage>";
    case K::Global: return "<" + v.text + ">";
  }
  return nullptr;
}

std::shared_ptr<const pickle::Document> load_plain_pickle(const std::filesystem::path& path) {
  auto bytes = Bytes::map_file(path);
  if (bytes->size() == 0) bad_input(path.string(), ": the file is empty");
  auto doc = pickle::load(bytes->span(), path.string());
  return doc;
}

}  // namespace gsv
