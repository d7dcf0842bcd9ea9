// A minimal, bounds-checked reader for the uncompressed ("stored") zip archives that torch.save
// writes. It reads the central directory (zip64 included) and hands out spans of entry data
// without copying. Every offset and size is checked against the file before it is used.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace gsv {

struct ZipEntry {
  std::string name;
  uint64_t data_offset = 0;  // where the stored bytes start in the file
  uint64_t size = 0;
};

class ZipArchive {
 public:
  // Parses the archive. GPT-SoVITS v2Pro/v2ProPlus (and v3/v4 LoRA) files replace the leading "PK"
  // with "05"/"06" ("03"/"04"); those are accepted, and magic() reports what was there.
  explicit ZipArchive(std::shared_ptr<const Bytes> bytes);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;
  std::span<const uint8_t> data(const ZipEntry& entry) const;
  // The first two bytes of the file: "PK" for a plain zip, "05"/"06" for v2Pro/v2ProPlus.
  const std::string& magic() const { return magic_; }
  const std::string& source() const { return bytes_->name(); }

 private:
  std::shared_ptr<const Bytes> bytes_;
  std::vector<ZipEntry> entries_;
  std::string magic_;
};

}  // namespace gsv
