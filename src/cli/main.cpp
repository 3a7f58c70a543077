// mosaic: design heterogeneous dataflow DNN accelerators and schedule multi-DNN workloads on them.
#include "cli/Commands.h"

int main(int argc, char** argv) {
  return mosaic::cli::run_main(argc, argv);
}
