#include "app/cli.h"

int main(int argc, char** argv) { return gsv::app::run_cli(argc, argv); }
