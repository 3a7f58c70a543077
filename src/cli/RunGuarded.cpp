#include <exception>
#include <iostream>
#include <new>

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

}  // namespace mosaic::cli
