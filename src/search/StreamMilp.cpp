#include "search/StreamMilp.h"

#include <Cbc_C_Interface.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "common/Error.h"

namespace mosaic::search {

MilpAllocation solve_allocation_milp(const std::vector<std::vector<int>>& choices,
                                     const std::vector<std::vector<double>>& load,
                                     const std::vector<double>& fixed, double time_limit_s) {
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> m(Cbc_newModel(), Cbc_deleteModel);
  Cbc_setLogLevel(m.get(), 0);
  Cbc_setMaximumSeconds(m.get(), time_limit_s);
  Cbc_setParameter(m.get(), "threads", "1");  // deterministic
  const int t = 0;
  Cbc_addCol(m.get(), "T", 0, 1e30, 1.0, 0, 0, nullptr, nullptr);
  std::vector<std::vector<int>> col(choices.size());
  int next = 1;
  for (std::size_t g = 0; g < choices.size(); ++g)
    for (std::size_t i = 0; i < choices[g].size(); ++i) {
      const std::string name = "x" + std::to_string(g) + "_" + std::to_string(i);
      Cbc_addCol(m.get(), name.c_str(), 0, 1, 0, 1, 0, nullptr, nullptr);
      col[g].push_back(next++);
    }
  for (std::size_t g = 0; g < choices.size(); ++g) {
    std::vector<double> ones(col[g].size(), 1.0);
    const std::string name = "one" + std::to_string(g);
    Cbc_addRow(m.get(), name.c_str(), static_cast<int>(col[g].size()), col[g].data(), ones.data(),
               'E', 1.0);
  }
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    std::vector<int> cols{t};
    std::vector<double> coef{-1.0};
    for (std::size_t g = 0; g < choices.size(); ++g)
      for (std::size_t i = 0; i < choices[g].size(); ++i)
        if (choices[g][i] == static_cast<int>(k)) {
          cols.push_back(col[g][i]);
          coef.push_back(load[g][i]);
        }
    if (cols.size() == 1 && fixed[k] == 0) continue;
    const std::string name = "core" + std::to_string(k);
    Cbc_addRow(m.get(), name.c_str(), static_cast<int>(cols.size()), cols.data(), coef.data(), 'L',
               -fixed[k]);
  }
  Cbc_setObjSense(m.get(), 1.0);
  Cbc_solve(m.get());
  const double* x = Cbc_getColSolution(m.get());
  if (x == nullptr) throw InternalError("CBC returned no solution for the allocation MILP");
  MilpAllocation out;
  for (std::size_t g = 0; g < choices.size(); ++g) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < choices[g].size(); ++i)
      if (x[col[g][i]] > x[col[g][best]]) best = i;
    out.core.push_back(choices[g][best]);
  }
  out.objective = Cbc_getObjValue(m.get());
  out.bound = Cbc_getBestPossibleObjValue(m.get());
  out.optimal = Cbc_isProvenOptimal(m.get()) != 0;
  out.gap = out.objective > 0 ? std::max(0.0, (out.objective - out.bound) / out.objective) : 0;
  return out;
}

}  // namespace mosaic::search
