// Reads PyTorch zip checkpoints (torch.save: s1 .ckpt, s2 .pth, HF pytorch_model.bin, the ERes2NetV2
// sv ckpt) safely: the pickle is parsed by the allow-listing unpickler in pickle.h, and tensors are
// copied out of the zip only when asked for, after bounds checks on their storage.
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/pickle.h"
#include "core/weights.h"
#include "core/zip.h"

namespace gsv {

class TorchFile {
 public:
  // Opens and parses `path`. v2Pro/v2ProPlus files (first bytes "05"/"06") are accepted.
  static TorchFile open(const std::filesystem::path& path);
  static TorchFile from_bytes(std::shared_ptr<const Bytes> bytes);

  const pickle::Value& root() const { return doc_->root(); }
  // "PK" for a plain zip; "05"/"06" for v2Pro/v2ProPlus s2 files ("03"/"04" v3/v4 LoRA).
  const std::string& magic() const { return zip_->magic(); }
  const std::string& source() const { return zip_->source(); }

  // Copies one tensor out, in its stored dtype, honouring offset and strides.
  mx::array tensor(const pickle::TensorRef& ref) const;

  // Flattens a dict of tensors (a state_dict, or nested dicts of them, with dotted names) into a
  // WeightMap. Non-tensor values (e.g. `_metadata`) are skipped.
  WeightMap weights(const pickle::Value& dict) const;

 private:
  TorchFile() = default;
  std::shared_ptr<const Bytes> bytes_;
  std::shared_ptr<ZipArchive> zip_;
  std::shared_ptr<const pickle::Document> doc_;
  std::string prefix_;  // "<archive>/" as found from the data.pkl entry
};

// Plain pickle containers as JSON (objects become their state dict, tensors become a short
// description). Used to read the `config` of s1/s2 files.
nlohmann::json to_json(const pickle::Value& value);

// A plain pickle file (not a zip), such as upstream's namedict_cache.pickle.
std::shared_ptr<const pickle::Document> load_plain_pickle(const std::filesystem::path& path);

}  // namespace gsv
