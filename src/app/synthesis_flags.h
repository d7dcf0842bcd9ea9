// The synthesis flags that `speak` and `interactive` share, bound to a SynthesisOptions.
#pragma once

#include <CLI/CLI.hpp>

#include "pipeline/synthesize.h"

namespace gsv::app {

struct SynthesisFlags {
  pipeline::SynthesisOptions options;
  int sample_steps = 32;      // accepted for api_v2 compatibility; v2-family models ignore it
  bool super_sampling = false;
  std::string precision = "fp32";
};

void add_synthesis_flags(CLI::App* sub, SynthesisFlags& flags);

// Warns (on stderr) about flags that v2-family models ignore.
void warn_ignored_flags(const CLI::App* sub, const SynthesisFlags& flags);

}  // namespace gsv::app
