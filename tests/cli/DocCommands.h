// The shell commands of the README and docs/*.md, extracted from their code blocks so that a test
// can run each as written (DocCommandsTest.cpp). The convention (docs/README of the test in
// README.md, "Commands in the documentation"):
//
// * A code block is fenced (``` with no language, sh, bash, shell or console) or indented by four
//   spaces after a blank line. Fenced blocks in another language (yaml, python, cpp) are not
//   commands.
// * In a code block, a command is a line whose first word is `mosaic`, `mosaic-mpi`, `mpirun`,
//   `cmake`, `ctest`, `for`, a `./build/...` or `./scripts/...` path or a `VAR=value` prefix; a
//   `$ ` prompt is stripped (the lines after it are the command's output and are not run). A line
//   ending in `\` continues on the next; a `for` runs to its `done`. `#` starts a comment.
// * A block whose commands are not to be run as they stand is marked by an HTML comment on the
//   line before it (a blank line may separate them):
//     <!-- doc-test: synopsis -->            a usage synopsis ([optional] parts, A|B choices):
//                                            every --flag in it must be one of the verb's flags
//     <!-- doc-test: parse-only: REASON -->  too long for the test suite: the command line is
//                                            checked with `mosaic --parse-only` instead of run
//     <!-- doc-test: skip: REASON -->        not run at all (builds, installs, a cluster)
//   The reason is required and says why (e.g. "about 70 s").
#pragma once

#include <string>
#include <vector>

namespace mosaic::test {

enum class DocMode { kRun, kSynopsis, kParseOnly, kSkip };

struct DocCommand {
  int line = 0;      // 1-based line of the command's first line in the file
  std::string text;  // the command as the shell gets it (continuations and loops kept)
  DocMode mode = DocMode::kRun;
  std::string reason;  // the marker's reason (parse-only, skip)
};

struct DocExtraction {
  std::vector<DocCommand> commands;
  std::vector<std::string> problems;  // "LINE: message" for malformed markers
};

DocExtraction extract_doc_commands(const std::string& markdown);

}  // namespace mosaic::test
