// The command line's own errors: an unknown verb or flag gets "did you mean", no verb gets the
// list of verbs, and every verb (the raw `maestro` drop-in too) is listed by --help.
#include <gtest/gtest.h>

#include <string>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

TEST(CliGrammar, UnknownVerbSuggestsTheNearest) {
  const auto r = run_mosaic("herld");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'herld' (did you mean 'herald'?)"), std::string::npos)
      << r.err;
  const auto far = run_mosaic("qqqqqqqq");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown command 'qqqqqqqq'; 'mosaic --help'"), std::string::npos)
      << far.err;
}

TEST(CliGrammar, NoVerbListsThem) {
  const auto r = run_mosaic("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("herald"), std::string::npos);
  EXPECT_NE(r.err.find("error: give a command"), std::string::npos) << r.err;
}

TEST(CliGrammar, HelpListsEveryVerbIncludingMaestro) {
  const auto r = run_mosaic("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* verb :
       {"dse", "eval", "explain", "h3m", "herald", "maestro", "map", "memsize", "workload"})
    EXPECT_NE(r.out.find(std::string("  ") + verb + " "), std::string::npos) << verb;
}

TEST(CliGrammar, UnknownFlagNamesTheVerbAndTheNearestFlag) {
  const auto r = run_mosaic("herald --stles nvdla,shi");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mosaic herald: unexpected argument '--stles' (did you mean '--styles'?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("run 'mosaic herald --help'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic::test
