#include "core/bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace gsv {

std::shared_ptr<const Bytes> Bytes::map_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(ErrorKind::MissingFile, "no such file: ", path.string());
  if (std::filesystem::is_directory(path, ec)) bad_input(path.string(), " is a folder, not a file");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) bad_input("cannot open ", path.string(), ": ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    bad_input("cannot stat ", path.string(), ": ", std::strerror(errno));
  }
  auto b = std::shared_ptr<Bytes>(new Bytes());
  b->name_ = path.string();
  b->size_ = static_cast<size_t>(st.st_size);
  if (b->size_ > 0) {
    void* m = ::mmap(nullptr, b->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      ::close(fd);
      bad_input("cannot map ", path.string(), ": ", std::strerror(errno));
    }
    b->mapping_ = m;
    b->data_ = static_cast<const uint8_t*>(m);
  }
  ::close(fd);
  return b;
}

std::shared_ptr<const Bytes> Bytes::from_vector(std::vector<uint8_t> data, std::string name) {
  auto b = std::shared_ptr<Bytes>(new Bytes());
  b->owned_ = std::move(data);
  b->data_ = b->owned_.data();
  b->size_ = b->owned_.size();
  b->name_ = std::move(name);
  return b;
}

Bytes::~Bytes() {
  if (mapping_) ::munmap(mapping_, size_);
}

}  // namespace gsv
