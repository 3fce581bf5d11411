#include "cli/commands.h"

int main(int argc, char** argv) { return readygate::cli::run_cli(argc, argv); }
