#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli/Commands.h"
#include "cli/Front.h"
#include "common/Error.h"
#include "common/MemoryContext.h"

namespace mosaic::cli {

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const UserError& e) {
    std::cerr << "error: " << with_flag_name(e).what() << "\n";
    return 1;
  } catch (const InternalError& e) {
    std::cerr << "mosaic: " << e.what() << "\n";
    return 3;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory: " << allocation_context()
              << "; reduce the problem (fewer design points, samples or layers, a coarser "
                 "granularity) or run on a machine with more memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

int run_raw_command(int argc, char** argv) {
  const RawCommand* raw = argc >= 2 ? find_raw_command(argv[1]) : nullptr;
  if (raw == nullptr) return -1;
  return run_guarded([&] {
    const std::vector<std::string> args(argv + 2, argv + argc);
    return (*raw)(args);
  });
}

}  // namespace mosaic::cli
