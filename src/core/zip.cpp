#include "core/zip.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace gsv {

namespace {

constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kLocalSig = 0x04034b50;

// Little-endian reads with a bounds check against the whole file.
struct Reader {
  std::span<const uint8_t> buf;
  const std::string& name;

  void need(uint64_t off, uint64_t n) const {
    if (off > buf.size() || n > buf.size() - off)
      bad_input(name, ": corrupt zip (a record at byte ", off, " runs past the end of the ",
                buf.size(), "-byte file); the file is truncated or not a PyTorch checkpoint");
  }
  uint16_t u16(uint64_t off) const {
    need(off, 2);
    return uint16_t(buf[off]) | uint16_t(buf[off + 1]) << 8;
  }
  uint32_t u32(uint64_t off) const {
    need(off, 4);
    return uint32_t(u16(off)) | uint32_t(u16(off + 2)) << 16;
  }
  uint64_t u64(uint64_t off) const { return uint64_t(u32(off)) | uint64_t(u32(off + 4)) << 32; }
};

}  // namespace

ZipArchive::ZipArchive(std::shared_ptr<const Bytes> bytes) : bytes_(std::move(bytes)) {
  const std::string& name = bytes_->name();
  Reader r{bytes_->span(), name};
  const uint64_t n = bytes_->size();
  if (n == 0) bad_input(name, ": the file is empty (0 bytes); re-download or re-export it");
  if (n < 22) bad_input(name, ": too small to be a zip archive (", n, " bytes)");
  magic_.assign(reinterpret_cast<const char*>(bytes_->data()), 2);
  static const char* known[] = {"PK", "03", "04", "05", "06"};
  if (std::none_of(std::begin(known), std::end(known), [&](const char* m) { return magic_ == m; }))
    bad_input(name, ": not a PyTorch checkpoint (expected a zip archive starting with \"PK\", or "
              "\"05\"/\"06\" for v2Pro/v2ProPlus, got bytes 0x", std::hex,
              int(bytes_->data()[0]), " 0x", int(bytes_->data()[1]), ")");

  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  uint64_t eocd = UINT64_MAX;
  uint64_t lowest = n >= 22 + 65535 ? n - 22 - 65535 : 0;
  for (uint64_t off = n - 22 + 1; off-- > lowest;) {
    if (r.u32(off) == kEocdSig) {
      eocd = off;
      break;
    }
  }
  if (eocd == UINT64_MAX)
    bad_input(name, ": corrupt zip (no central directory found); the file is truncated or damaged");

  uint64_t count = r.u16(eocd + 10);
  uint64_t cd_size = r.u32(eocd + 12);
  uint64_t cd_off = r.u32(eocd + 16);
  if (eocd >= 20 && r.u32(eocd - 20) == kZip64LocatorSig) {
    uint64_t z64 = r.u64(eocd - 20 + 8);
    if (r.u32(z64) != kZip64EocdSig) bad_input(name, ": corrupt zip64 directory record");
    count = r.u64(z64 + 32);
    cd_size = r.u64(z64 + 40);
    cd_off = r.u64(z64 + 48);
  }
  r.need(cd_off, cd_size);
  // Each central record is at least 46 bytes: a count the directory cannot hold is corrupt, and
  // refusing it here keeps a hostile count from reserving memory.
  if (count > cd_size / 46) bad_input(name, ": corrupt zip (", count, " entries cannot fit in a ", cd_size, "-byte directory)");
  entries_.reserve(count);

  uint64_t p = cd_off;
  for (uint64_t i = 0; i < count; ++i) {
    if (r.u32(p) != kCentralSig) bad_input(name, ": corrupt zip (bad central directory entry ", i, ")");
    uint16_t method = r.u16(p + 10);
    uint64_t csize = r.u32(p + 20);
    uint64_t usize = r.u32(p + 24);
    uint16_t name_len = r.u16(p + 28), extra_len = r.u16(p + 30), comment_len = r.u16(p + 32);
    uint64_t local = r.u32(p + 42);
    r.need(p + 46, uint64_t(name_len) + extra_len + comment_len);
    ZipEntry e;
    e.name.assign(reinterpret_cast<const char*>(bytes_->data() + p + 46), name_len);
    // zip64 extra field: the 64-bit values of whichever fields were saturated, in this order.
    uint64_t x = p + 46 + name_len, x_end = x + extra_len;
    while (x + 4 <= x_end) {
      uint16_t id = r.u16(x), len = r.u16(x + 2);
      uint64_t q = x + 4, q_end = std::min<uint64_t>(q + len, x_end);
      if (id == 0x0001) {
        if (usize == 0xFFFFFFFF && q + 8 <= q_end) usize = r.u64(q), q += 8;
        if (csize == 0xFFFFFFFF && q + 8 <= q_end) csize = r.u64(q), q += 8;
        if (local == 0xFFFFFFFF && q + 8 <= q_end) local = r.u64(q), q += 8;
      }
      x += 4 + uint64_t(len);
    }
    if (method != 0)
      fail(ErrorKind::Unsupported, name, ": zip entry '", e.name, "' is compressed (method ", method,
           "); PyTorch checkpoints store entries uncompressed");
    if (csize != usize) bad_input(name, ": corrupt zip (entry '", e.name, "' sizes disagree)");
    // The local header repeats the name; its own extra field (torch's alignment padding) decides
    // where the data starts. The first header's "PK" may be the v2Pro magic instead.
    uint32_t sig = r.u32(local);
    bool first_with_magic = local == 0 && bytes_->data()[2] == 0x03 && bytes_->data()[3] == 0x04;
    if (sig != kLocalSig && !first_with_magic)
      bad_input(name, ": corrupt zip (bad local header for '", e.name, "')");
    uint64_t data = local + 30 + uint64_t(r.u16(local + 26)) + r.u16(local + 28);
    r.need(data, usize);
    e.data_offset = data;
    e.size = usize;
    entries_.push_back(std::move(e));
    p += 46 + uint64_t(name_len) + extra_len + comment_len;
  }
}

const ZipEntry* ZipArchive::find(const std::string& entry_name) const {
  for (const auto& e : entries_)
    if (e.name == entry_name) return &e;
  return nullptr;
}

std::span<const uint8_t> ZipArchive::data(const ZipEntry& e) const {
  return bytes_->span().subspan(e.data_offset, e.size);
}

}  // namespace gsv
