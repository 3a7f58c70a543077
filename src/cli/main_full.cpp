// mosaic-full: every verb (`mosaic` runs --version and maestro itself and execs this for the
// rest; see cli/Front.h).
#include "cli/Front.h"

int main(int argc, char** argv) {
  return mosaic::cli::run_main(argc, argv);
}
