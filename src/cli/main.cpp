// mosaic: design heterogeneous dataflow DNN accelerators and schedule multi-DNN workloads on them.
// This is the start-up front (cli/Front.h): --version and maestro here, the rest in mosaic-full.
#include "cli/Front.h"

int main(int argc, char** argv) {
  return mosaic::cli::run_front(argc, argv);
}
