// libFuzzer target for the unpickler alone (the checkpoint target reaches it only through a valid zip).
#include <cstdint>
#include <span>

#include "core/error.h"
#include "core/pickle.h"
#include "core/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto doc = gsv::pickle::load(std::span<const uint8_t>(data, size), "fuzz");
    (void)gsv::to_json(doc->root());
  } catch (const gsv::Error&) {
  }
  return 0;
}
