// Infeasible designs are values of the exploration (search::Infeasible), not exceptions.
#include <gtest/gtest.h>

#include "search/DseWorkload.h"

namespace mosaic::search {
namespace {

dataflow::BoundDirective cluster(std::int64_t size) {
  dataflow::BoundDirective d;
  d.kind = dataflow::DirectiveKind::Cluster;
  d.size = size;
  return d;
}

TEST(DseInfeasible, ClustersLargerThanThePesAreAReasonNotAnError) {
  const std::vector<dataflow::BoundDirective> b = {cluster(8), cluster(4)};
  EXPECT_FALSE(check_cluster_capacity(b, 32).has_value());
  EXPECT_FALSE(check_cluster_capacity(b, 100).has_value());
  const auto why = check_cluster_capacity(b, 16);
  ASSERT_TRUE(why.has_value());
  // The directive analysis' own wording, so reports read as before.
  EXPECT_EQ(why->text(),
            "dataflow Cluster: the Cluster sizes multiply to 32 PEs but the hardware has 16 "
            "(MAESTRO divides by zero here)");
}

}  // namespace
}  // namespace mosaic::search
