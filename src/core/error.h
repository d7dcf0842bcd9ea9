// One error type for the whole project. Layers below app/ never print or exit: they throw
// gsv::Error with a kind and a message that says what to do next; the CLI maps the kind to an
// exit code (BadInput/MissingFile/Unsupported -> 2, Internal -> 1).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace gsv {

enum class ErrorKind {
  BadInput,     // the user's file, text or flag is wrong
  MissingFile,  // a file or folder we need is not there
  Unsupported,  // a valid input we do not handle (yet)
  Internal,     // a bug or an environment failure
};

const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Concatenates anything that streams: str("layer ", i, " has ", n, " heads").
template <typename... Args>
std::string str(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

template <typename... Args>
[[noreturn]] void fail(ErrorKind kind, Args&&... args) {
  throw Error(kind, str(std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void bad_input(Args&&... args) {
  throw Error(ErrorKind::BadInput, str(std::forward<Args>(args)...));
}

// Like assert, but always on and throwing an Internal error: for invariants of our own code.
#define GSV_CHECK(cond, ...)                                                             \
  do {                                                                                   \
    if (!(cond)) ::gsv::fail(::gsv::ErrorKind::Internal, "internal check failed: " #cond \
                             " (" __FILE__ ":", __LINE__, ") ", ##__VA_ARGS__);          \
  } while (0)

}  // namespace gsv
