// Proves that cblas_sgemm binds to OpenBLAS and not to the reference BLAS the MLX wheel bundles
// (mlx-cpp.md §3.3): the library that defines the symbol in this process must be OpenBLAS.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include "core/blas_info.h"

namespace mx = mlx::core;

TEST(Blas, SgemmBindsToOpenBlas) {
  std::string lib = gsv::blas_sgemm_library();
  std::cout << "  cblas_sgemm is defined in " << lib << "\n";
#if defined(__linux__)
  EXPECT_NE(lib.find("openblas"), std::string::npos)
      << "cblas_sgemm resolves to " << lib << ", not OpenBLAS: check the link order in CMakeLists.txt";
  EXPECT_EQ(lib.find("mlx_cpu.libs"), std::string::npos);
#endif
}

TEST(Blas, MatmulIsCorrect) {
  // A matmul through whatever BLAS is bound still gives the right numbers.
  auto a = mx::reshape(mx::arange(6, mx::float32), {2, 3});
  auto b = mx::reshape(mx::arange(12, mx::float32), {3, 4});
  auto c = mx::matmul(a, b);
  mx::eval(c);
  const float want[8] = {20, 23, 26, 29, 56, 68, 80, 92};
  for (int i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(c.data<float>()[i], want[i]);
}
