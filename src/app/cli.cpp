#include "app/cli.h"

#include <iostream>
#include <map>

#include "core/error.h"
#include "core/paths.h"

namespace gsv::app {

namespace {
std::map<const CLI::App*, VerbBody>& actions() {
  static std::map<const CLI::App*, VerbBody> a;
  return a;
}
}  // namespace

void set_action(CLI::App* sub, VerbBody body) { actions()[sub] = std::move(body); }

int run_cli(int argc, char** argv) {
  CLI::App app{
      "gpt-sovits: few-shot voice cloning (GPT-SoVITS v2/v2Pro) in C++ on MLX.\n"
      "Run `gpt-sovits <verb> --help` for a verb's options and an example."};
  app.set_version_flag("--version", std::string("gpt-sovits ") + version_string());
  app.require_subcommand(1);
  app.fallthrough(false);
  add_speak_verb(app);
  add_voice_verbs(app);
  add_interactive_verb(app);
  add_g2p_verb(app);
  add_info_verb(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0 through here; a usage error is bad input.
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  // The chosen verb is the deepest selected subcommand (`voice add` is two levels down).
  const CLI::App* chosen = &app;
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  auto it = actions().find(chosen);
  if (it != actions().end()) {
    try {
      return it->second();
    } catch (const Error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return e.kind() == ErrorKind::Internal ? kExitInternal : kExitBadInput;
    } catch (const std::exception& e) {
      std::cerr << "internal error: " << e.what() << "\n";
      return kExitInternal;
    }
  }
  return kExitOk;
}

}  // namespace gsv::app
