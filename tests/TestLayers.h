// Layers the unit tests build by hand (header-only: every test executable links the workload
// module).
#pragma once

#include <cstdint>

#include "workload/Layer.h"

namespace mosaic::test {

// A K x C x RxR convolution on an hw x hw input, stride 1, 'same' padding (r / 2 on each side).
inline workload::Layer conv(std::int64_t k, std::int64_t c, std::int64_t hw, std::int64_t r) {
  workload::Layer l;
  l.name = "c";
  l.K = k;
  l.C = c;
  l.Y = l.X = hw;
  l.R = l.S = r;
  l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = static_cast<int>(r / 2);
  return l;
}

}  // namespace mosaic::test
