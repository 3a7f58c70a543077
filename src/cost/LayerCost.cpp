#include "cost/LayerCost.h"

namespace mosaic::cost {

std::string_view operand_name(Operand o) {
  switch (o) {
    case Operand::Input:
      return "input";
    case Operand::Weight:
      return "weight";
    case Operand::Output:
      return "output";
  }
  return "?";
}

}  // namespace mosaic::cost
