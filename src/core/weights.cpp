#include "core/weights.h"

#include <sstream>

#include "core/error.h"

namespace gsv {

std::string shape_string(const mx::Shape& shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

void WeightMap::set(const std::string& name, mx::array value) {
  arrays_.insert_or_assign(name, std::move(value));
}

std::vector<std::string> WeightMap::names() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : arrays_) out.push_back(k);
  return out;
}

const mx::array& WeightMap::peek(const std::string& name) const {
  auto it = arrays_.find(name);
  if (it == arrays_.end())
    bad_input(source_, ": missing weight '", name, "'; is this the right kind of checkpoint?");
  return it->second;
}

mx::array WeightMap::take(const std::string& name) {
  mx::array a = peek(name);
  used_.insert(name);
  if (mx::issubdtype(a.dtype(), mx::floating) && a.dtype() != mx::float32) a = mx::astype(a, mx::float32);
  return a;
}

mx::array WeightMap::take(const std::string& name, const mx::Shape& torch_shape) {
  auto it = arrays_.find(name);
  if (it == arrays_.end())
    bad_input(source_, ": missing weight '", name, "' (expected shape ", shape_string(torch_shape),
              "); is this the right kind of checkpoint?");
  if (it->second.shape() != torch_shape)
    bad_input(source_, ": weight '", name, "' has shape ", shape_string(it->second.shape()),
              " but the model expects ", shape_string(torch_shape),
              "; the checkpoint belongs to a different model version or config");
  return take(name);
}

std::optional<mx::array> WeightMap::take_if_present(const std::string& name, const mx::Shape& torch_shape) {
  if (!has(name)) return std::nullopt;
  return take(name, torch_shape);
}

void WeightMap::ignore_prefix(const std::string& prefix) { ignored_prefixes_.push_back(prefix); }
void WeightMap::ignore(const std::string& name) { used_.insert(name); }

void WeightMap::check_all_used(const std::string& model) const {
  std::vector<std::string> extra;
  for (const auto& [k, _] : arrays_) {
    if (used_.count(k)) continue;
    bool ignored = false;
    for (const auto& p : ignored_prefixes_) ignored |= k.rfind(p, 0) == 0;
    if (!ignored) extra.push_back(k);
  }
  if (extra.empty()) return;
  std::ostringstream os;
  for (size_t i = 0; i < extra.size() && i < 10; ++i) os << (i ? ", " : "") << "'" << extra[i] << "'";
  if (extra.size() > 10) os << " and " << extra.size() - 10 << " more";
  bad_input(source_, ": ", extra.size(), " unexpected weight(s) for ", model, ": ", os.str(),
            "; the checkpoint has a different architecture than its config says");
}

WeightMap WeightMap::sub(const std::string& prefix) const {
  WeightMap out(source_);
  for (const auto& [k, v] : arrays_)
    if (k.rfind(prefix, 0) == 0) out.set(k.substr(prefix.size()), v);
  return out;
}

}  // namespace gsv
