// Which shared library the process's cblas_sgemm binds to. MLX's Linux wheel bundles reference
// BLAS; we interpose OpenBLAS at link time (CMakeLists.txt) and this lets tests and `info` prove it.
#pragma once

#include <string>

namespace gsv {

// Path of the shared object that defines the cblas_sgemm the process uses ("" if none is found).
std::string blas_sgemm_library();

}  // namespace gsv
