// A flat weight map: name -> array, as read from a checkpoint. Model loaders take the names and
// shapes they expect; anything missing, misshapen or left over is an error that names the key.
#pragma once

#include <mlx/mlx.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gsv {

namespace mx = mlx::core;

class WeightMap {
 public:
  // `source` names the file in error messages.
  explicit WeightMap(std::string source = "<weights>") : source_(std::move(source)) {}

  void set(const std::string& name, mx::array value);
  bool has(const std::string& name) const { return arrays_.count(name) > 0; }
  size_t size() const { return arrays_.size(); }
  std::vector<std::string> names() const;
  const std::string& source() const { return source_; }

  // The tensor `name`, checked against its expected PyTorch shape, and marked as used. Floating
  // tensors come back in float32 (fp16/bf16 checkpoints are upcast: we compute in fp32 on CPU).
  mx::array take(const std::string& name, const mx::Shape& torch_shape);
  // Same, with any shape (the caller checks).
  mx::array take(const std::string& name);
  std::optional<mx::array> take_if_present(const std::string& name, const mx::Shape& torch_shape);
  // Raw access without marking or casting.
  const mx::array& peek(const std::string& name) const;

  // Keys under this prefix are not part of the model being loaded (e.g. "enc_q." in s2 files).
  void ignore_prefix(const std::string& prefix);
  // Marks a key as deliberately unused (training buffers and the like).
  void ignore(const std::string& name);
  // Throws BadInput listing every key that no loader took and no ignore covers.
  void check_all_used(const std::string& model) const;

  // Everything with `prefix`, prefix removed (used e.g. to strip a "model." Lightning prefix).
  WeightMap sub(const std::string& prefix) const;

 private:
  std::string source_;
  std::map<std::string, mx::array> arrays_;
  std::set<std::string> used_;
  std::vector<std::string> ignored_prefixes_;
};

std::string shape_string(const mx::Shape& shape);

}  // namespace gsv
