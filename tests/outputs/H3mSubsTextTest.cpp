// The one-line text of an H3M design's sub-accelerators, shared by `mosaic h3m`'s summary line and
// its report table (outputs/H3mReport.h).
#include <gtest/gtest.h>

#include "outputs/H3mReport.h"

namespace mosaic::test {
namespace {

search::H3mRun two_sub_run() {
  search::H3mRun run;
  search::H3mSub a;
  a.dataflow = 1;  // kcp_ws
  a.granularity = 0;
  a.cores = 6;
  a.fission = true;
  search::H3mSub b;
  b.dataflow = 0;  // yxp_os
  b.granularity = 0;
  b.cores = 2;
  b.gang = 4;
  run.best.design.subs = {a, b};
  return run;
}

TEST(H3mSubsText, CliAndReportSpellings) {
  const auto run = two_sub_run();
  const std::string g = run.space.granularities[0].name;
  EXPECT_EQ(outputs::h3m_subs_text(run, ", ", false),
            g + " x6 kcp_ws dynamic fission, " + g + " x2 yxp_os gang 4");
  EXPECT_EQ(outputs::h3m_subs_text(run, "; ", true),
            g + " x6 kcp_ws (dynamic fission); " + g + " x2 yxp_os (gang 4)");
  EXPECT_EQ(outputs::h3m_subs_text(search::H3mRun{}, ", ", false), "");
}

}  // namespace
}  // namespace mosaic::test
