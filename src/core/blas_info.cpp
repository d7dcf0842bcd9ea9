#include "core/blas_info.h"

#include <dlfcn.h>

namespace gsv {

std::string blas_sgemm_library() {
  // RTLD_DEFAULT searches the global scope in load order: the same lookup libmlx's undefined
  // cblas_sgemm reference goes through.
  void* sym = dlsym(RTLD_DEFAULT, "cblas_sgemm");
  if (!sym) return "";
  Dl_info info{};
  if (dladdr(sym, &info) == 0 || !info.dli_fname) return "";
  return info.dli_fname;
}

}  // namespace gsv
