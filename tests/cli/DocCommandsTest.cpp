// Every command of README.md and docs/**/*.md, as written (the convention is in DocCommands.h and
// README.md "Commands in the documentation"). Each document's commands run in order in a fresh
// directory that holds the repository's files (symbolic links to the top-level entries; `build`
// is not among them), with `mosaic` on PATH and `./build/release/mosaic` both the binary under
// test. A failing command is reported with its file and line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "DocCommands.h"
#include "TestSupport.h"

namespace mosaic::test {
namespace {

namespace fs = std::filesystem;

// README.md, docs/*.md and docs/*/*.md, relative to the repository, sorted.
std::vector<std::string> doc_files() {
  std::vector<std::string> files{"README.md"};
  for (const auto& e : fs::recursive_directory_iterator(source_dir() / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md")
      files.push_back(fs::relative(e.path(), source_dir()).string());
  std::sort(files.begin() + 1, files.end());
  return files;
}

void write_script(const fs::path& p, const std::string& body) {
  write_file(p, "#!/bin/sh\n" + body + "\n");
  fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

// A fresh directory looking like a clone with `mosaic` built: the repository's top-level entries
// linked in, `build/release/mosaic`, and two directories for PATH: `run` (mosaic is the binary)
// and `parse` (mosaic, mosaic-mpi and mpirun check the command line with --parse-only).
class Workspace {
 public:
  Workspace() {
    for (const auto& e : fs::directory_iterator(source_dir())) {
      const std::string name = e.path().filename().string();
      if (name == "build" || name.starts_with(".")) continue;
      fs::create_directory_symlink(e.path(), dir_.path() / name);
    }
    const std::string bin = "'" + mosaic_binary().string() + "'";
    write_script(dir_.path() / "build/release/mosaic", "exec mosaic \"$@\"");
    write_script(bins_.path() / "run/mosaic", "exec " + bin + " \"$@\"");
    write_script(bins_.path() / "parse/mosaic", "exec " + bin + " --parse-only \"$@\"");
    write_script(bins_.path() / "parse/mosaic-mpi", "exec " + bin + " --parse-only \"$@\"");
    write_script(bins_.path() / "parse/mpirun",
                 "while [ $# -gt 0 ] && [ \"$1\" != mosaic-mpi ]; do shift; done\n"
                 "[ $# -gt 0 ] || { echo 'mpirun: no mosaic-mpi in the command' >&2; exit 2; }\n"
                 "shift\nexec " +
                     bin + " --parse-only \"$@\"");
  }

  // Runs `text` with bash (-e, pipefail) in the workspace; PATH starts with `run` or `parse`.
  RunResult run(const std::string& text, bool parse_only) {
    const fs::path script = bins_.path() / "command.sh";
    write_file(script, text + "\n");
    const fs::path out = bins_.path() / "stdout";
    const fs::path err = bins_.path() / "stderr";
    const std::string path_dir = (bins_.path() / (parse_only ? "parse" : "run")).string();
    const std::string cmd = "cd '" + dir_.path().string() + "' && PATH='" + path_dir +
                            "':\"$PATH\" timeout 900 bash -e -o pipefail '" + script.string() +
                            "' >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

 private:
  TempDir dir_;
  TempDir bins_;
};

std::string tail(const std::string& s, std::size_t n = 600) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

std::string where(const std::string& file, const DocCommand& c) {
  return file + ":" + std::to_string(c.line) + ": " + c.text;
}

DocExtraction extract(const std::string& file) {
  return extract_doc_commands(read_file(source_dir() / file));
}

TEST(DocCommands, ExtractorFollowsTheConvention) {
  const std::string md =
      "text\n"
      "\n"
      "    mosaic eval --mapping a.m \\\n"
      "               --hw b.yaml   # comment\n"
      "    Network X {\n"
      "\n"
      "<!-- doc-test: synopsis -->\n"
      "```\n"
      "mosaic herald [--out DIR]\n"
      "```\n"
      "<!-- doc-test: parse-only: about 70 s -->\n"
      "\n"
      "    for s in a b; do\n"
      "      mosaic dse --x $s\n"
      "    done\n"
      "    ./build/release/mosaic workload zoo\n"
      "```yaml\n"
      "mosaic: not a command\n"
      "```\n"
      "```console\n"
      "$ mosaic workload zoo\n"
      "mosaic output line\n"
      "```\n"
      "<!-- doc-test: skip -->\n"
      "\n"
      "    cmake --preset release\n";
  const DocExtraction x = extract_doc_commands(md);
  ASSERT_EQ(x.commands.size(), 6u);
  EXPECT_EQ(x.commands[0].line, 3);
  EXPECT_EQ(x.commands[0].text, "mosaic eval --mapping a.m \\\n--hw b.yaml   # comment");
  EXPECT_EQ(x.commands[0].mode, DocMode::kRun);
  EXPECT_EQ(x.commands[1].line, 9);
  EXPECT_EQ(x.commands[1].mode, DocMode::kSynopsis);
  EXPECT_EQ(x.commands[2].line, 13);
  EXPECT_EQ(x.commands[2].text, "for s in a b; do\nmosaic dse --x $s\ndone");
  EXPECT_EQ(x.commands[2].mode, DocMode::kParseOnly);
  EXPECT_EQ(x.commands[2].reason, "about 70 s");
  EXPECT_EQ(x.commands[3].line, 16);
  EXPECT_EQ(x.commands[3].mode, DocMode::kParseOnly);
  EXPECT_EQ(x.commands[4].line, 21);
  EXPECT_EQ(x.commands[4].text, "mosaic workload zoo");
  EXPECT_EQ(x.commands[4].mode, DocMode::kRun);
  EXPECT_EQ(x.commands[5].mode, DocMode::kSkip);
  ASSERT_EQ(x.problems.size(), 1u);  // the skip without a reason
  EXPECT_EQ(x.problems[0], "24: doc-test skip needs a reason");
}

// Builds, installs and cluster runs are never run by the test: they must carry a marker.
bool must_be_marked(const DocCommand& c) {
  return c.text.starts_with("./scripts/") || c.text.starts_with("cmake") ||
         c.text.starts_with("ctest") || c.text.starts_with("mpirun") ||
         c.text.starts_with("PYTHONPATH=");
}

TEST(DocCommands, MarkersAreWellFormed) {
  std::size_t commands = 0;
  for (const auto& file : doc_files()) {
    const DocExtraction x = extract(file);
    for (const auto& p : x.problems) ADD_FAILURE() << file << ":" << p;
    for (const auto& c : x.commands)
      if (c.mode == DocMode::kRun && must_be_marked(c))
        ADD_FAILURE() << where(file, c) << "\nbuilds, installs and MPI runs need a doc-test marker";
    commands += x.commands.size();
  }
  EXPECT_GE(commands, 40u) << "the extractor found too few commands";
}

// The verb of a synopsis line: the lower-case words after `mosaic`, e.g. "workload show".
std::string synopsis_verb(const std::string& text) {
  static const std::regex kWord("[a-z][a-z0-9-]*");
  std::istringstream in(text);
  std::string word, verb;
  in >> word;  // mosaic
  while (in >> word && std::regex_match(word, kWord)) verb += (verb.empty() ? "" : " ") + word;
  return verb;
}

// Every --flag named by a synopsis is one of its verb's flags (as `mosaic VERB --help` lists).
TEST(DocCommands, SynopsesNameExistingFlags) {
  static const std::regex kFlag("--[A-Za-z0-9][A-Za-z0-9_-]*");
  for (const auto& file : doc_files()) {
    for (const auto& c : extract(file).commands) {
      if (c.mode != DocMode::kSynopsis) continue;
      std::string text = std::regex_replace(c.text, std::regex("#[^\n]*"), "");
      const std::string verb = synopsis_verb(text);
      const RunResult help = run_mosaic(verb + " --help");
      ASSERT_EQ(help.exit_code, 0) << where(file, c) << "\n" << help.err;
      for (std::sregex_iterator it(text.begin(), text.end(), kFlag), end; it != end; ++it) {
        const std::string flag = it->str();
        const std::regex listed(flag + "([^A-Za-z0-9_-]|$)");
        EXPECT_TRUE(std::regex_search(help.out, listed))
            << where(file, c) << "\n"
            << flag << " is not a flag of 'mosaic " << verb << "'";
      }
    }
  }
}

// The commands marked too long for the suite are checked with --parse-only (a process per
// command: a few seconds under load, so a Slow suite).
TEST(DocCommandsParseSlow, LongCommandsParse) {
  for (const auto& file : doc_files()) {
    Workspace ws;
    for (const auto& c : extract(file).commands) {
      if (c.mode != DocMode::kParseOnly) continue;
      const RunResult r = ws.run(c.text, true);
      EXPECT_EQ(r.exit_code, 0) << where(file, c) << "\n" << tail(r.err);
    }
  }
}

TEST(DocCommands, ParseOnlyStopsBeforeRunning) {
  TempDir tmp;
  const RunResult ok = run_mosaic(
      "--parse-only dse --mapping nosuch.m --layer L --dataflow kcp_ws --pes 64 --bw 8 --out o",
      tmp.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "o"));
  const RunResult bad = run_mosaic(
      "--parse-only dse --mapping x.m --layer L --dataflow kcp_ws --pes 64 --bw 8 --out o --bogus "
      "1",
      tmp.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unexpected argument '--bogus'"), std::string::npos) << bad.err;
}

class DocCommandsSlow : public ::testing::TestWithParam<std::string> {};

// Each document's runnable commands, in order, in one fresh workspace; every one exits 0.
TEST_P(DocCommandsSlow, RunAsWritten) {
  const std::string file = GetParam();
  Workspace ws;
  for (const auto& c : extract(file).commands) {
    if (c.mode != DocMode::kRun || must_be_marked(c)) continue;
    const RunResult r = ws.run(c.text, false);
    EXPECT_EQ(r.exit_code, 0) << where(file, c) << "\n" << tail(r.err);
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Docs, DocCommandsSlow, ::testing::ValuesIn(doc_files()), test_name);

}  // namespace
}  // namespace mosaic::test
