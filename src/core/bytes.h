// Read-only bytes of a file (memory-mapped) or of a buffer, shared by everything parsed from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace gsv {

class Bytes {
 public:
  // Maps `path` read-only. Throws MissingFile / BadInput with the path in the message.
  static std::shared_ptr<const Bytes> map_file(const std::filesystem::path& path);
  static std::shared_ptr<const Bytes> from_vector(std::vector<uint8_t> data, std::string name = "<memory>");

  ~Bytes();
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;

  std::span<const uint8_t> span() const { return {data_, size_}; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& name() const { return name_; }

 private:
  Bytes() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;   // munmap on destruction when set
  std::vector<uint8_t> owned_;
  std::string name_;
};

}  // namespace gsv
