// libFuzzer target: any bytes given to the checkpoint reader end in a result or a gsv::Error,
// never a crash, a hang or a huge allocation (ASan/UBSan and -rss_limit_mb watch for those).
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto bytes = gsv::Bytes::from_vector(std::vector<uint8_t>(data, data + size), "fuzz");
    auto file = gsv::TorchFile::from_bytes(bytes);
    const auto* weight = file.root().get("weight");
    auto map = file.weights(weight ? *weight : file.root());
    for (const auto& name : map.names()) mlx::core::eval(map.peek(name));
    if (const auto* config = file.root().get("config")) (void)gsv::to_json(*config);
  } catch (const gsv::Error&) {
  }
  return 0;
}
