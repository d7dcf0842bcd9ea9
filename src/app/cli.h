// The gpt-sovits command line: a thin client of pipeline/. Each verb lives in its own
// verb_*.cpp and registers itself on the CLI11 app through one add_*_verb function.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace gsv::app {

// Exit codes, deliberately few: 0 ok, 1 internal error, 2 bad input (of any kind the user can fix).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

// A verb's body runs inside run_cli's error handling; it returns an exit code.
using VerbBody = std::function<int()>;

// Registers `body` as the action of `sub`; run_cli calls the action of the verb that was chosen.
void set_action(CLI::App* sub, VerbBody body);

int run_cli(int argc, char** argv);

// Verbs (one file each).
void add_info_verb(CLI::App& app);
void add_g2p_verb(CLI::App& app);
void add_speak_verb(CLI::App& app);
void add_voice_verbs(CLI::App& app);  // voice add|rm|show, list
void add_interactive_verb(CLI::App& app);

}  // namespace gsv::app
