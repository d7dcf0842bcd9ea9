// `gpt-sovits info`: what this build is and what it runs on (MLX version, device, BLAS).
#include <iostream>
#include <mlx/mlx.h>

#include "app/cli.h"
#include "core/blas_info.h"
#include "core/paths.h"

namespace gsv::app {

void add_info_verb(CLI::App& app) {
  auto* sub = app.add_subcommand("info", "Print the build, MLX device, BLAS and data folders.\n"
                                         "Example: gpt-sovits info");
  set_action(sub, [] {
    namespace mx = mlx::core;
    std::cout << "gpt-sovits " << version_string() << "\n"
              << "mlx        " << mx::version() << "\n"
              << "device     " << (mx::default_device() == mx::Device::gpu ? "gpu" : "cpu") << "\n"
              << "sgemm from " << blas_sgemm_library() << "\n"
              << "data dir   " << data_dir().string() << "\n"
              << "home dir   " << home_dir().string() << "\n";
    return kExitOk;
  });
}

}  // namespace gsv::app
