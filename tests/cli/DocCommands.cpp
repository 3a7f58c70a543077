#include "DocCommands.h"

#include <optional>
#include <regex>
#include <sstream>

namespace mosaic::test {

namespace {

struct Marker {
  DocMode mode = DocMode::kRun;
  std::string reason;
  int line = 0;
};

struct Block {
  int first_line = 0;  // 1-based line of lines[0]
  std::vector<std::string> lines;
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  return lines;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool blank(const std::string& s) {
  return trim(s).empty();
}

bool is_command_start(const std::string& line) {
  const std::string t = trim(line);
  const std::string word = t.substr(0, t.find_first_of(" \t"));
  static const std::regex kAssignment("[A-Za-z_][A-Za-z0-9_]*=.*");
  return word == "mosaic" || word == "mosaic-mpi" || word == "mpirun" || word == "cmake" ||
         word == "ctest" || word == "for" || word.starts_with("./build/") ||
         word.starts_with("./scripts/") || std::regex_match(word, kAssignment);
}

bool looks_like_marker(const std::string& line) {
  const std::string t = trim(line);  // a marker is a line of its own
  return t.starts_with("<!--") && t.find("doc-test") != std::string::npos;
}

// `<!-- doc-test: KIND[: REASON] -->` or nothing.
std::optional<Marker> parse_marker(const std::string& line, int number,
                                   std::vector<std::string>& problems) {
  static const std::regex kMarker(R"(\s*<!--\s*doc-test:\s*([a-z-]+)\s*(?::\s*(.*?))?\s*-->\s*)");
  std::smatch m;
  if (!std::regex_match(line, m, kMarker)) {
    if (looks_like_marker(line))
      problems.push_back(std::to_string(number) + ": malformed doc-test marker");
    return std::nullopt;
  }
  Marker marker;
  marker.line = number;
  marker.reason = m[2].str();
  const std::string kind = m[1].str();
  if (kind == "synopsis") {
    marker.mode = DocMode::kSynopsis;
  } else if (kind == "parse-only") {
    marker.mode = DocMode::kParseOnly;
  } else if (kind == "skip") {
    marker.mode = DocMode::kSkip;
  } else {
    problems.push_back(std::to_string(number) + ": unknown doc-test marker '" + kind + "'");
    return std::nullopt;
  }
  if (marker.mode != DocMode::kSynopsis && marker.reason.empty())
    problems.push_back(std::to_string(number) + ": doc-test " + kind + " needs a reason");
  return marker;
}

// The commands of one shell code block.
void extract_block(const Block& block, const std::optional<Marker>& marker, DocExtraction& out) {
  bool prompts = false;
  for (const auto& l : block.lines)
    if (l.starts_with("$ ")) prompts = true;
  const std::size_t before = out.commands.size();
  for (std::size_t i = 0; i < block.lines.size(); ++i) {
    std::string first = block.lines[i];
    if (prompts) {
      if (!first.starts_with("$ ")) continue;
      first = first.substr(2);
    }
    if (!is_command_start(first)) continue;
    DocCommand c;
    c.line = block.first_line + static_cast<int>(i);
    c.text = trim(first);
    const bool loop = c.text.starts_with("for ");
    int depth = loop ? 1 : 0;
    auto continues = [&](const std::string& text) {
      return (!text.empty() && text.back() == '\\') || depth > 0;
    };
    while (continues(c.text) && i + 1 < block.lines.size()) {
      const std::string next = trim(block.lines[++i]);
      if (next.starts_with("for ")) ++depth;
      if (next == "done" || next.starts_with("done ") || next.starts_with("done;")) --depth;
      c.text += "\n" + next;
    }
    if (marker) {
      c.mode = marker->mode;
      c.reason = marker->reason;
    }
    out.commands.push_back(std::move(c));
  }
  if (marker && out.commands.size() == before)
    out.problems.push_back(std::to_string(marker->line) +
                           ": doc-test marker before a block without commands");
}

}  // namespace

DocExtraction extract_doc_commands(const std::string& markdown) {
  const auto lines = split_lines(markdown);
  DocExtraction out;
  std::optional<Marker> marker;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const int number = static_cast<int>(i) + 1;
    if (line.starts_with("```")) {
      const std::string lang = trim(line.substr(3));
      Block block{number + 1, {}};
      while (i + 1 < lines.size() && !lines[i + 1].starts_with("```"))
        block.lines.push_back(lines[++i]);
      ++i;  // the closing fence
      if (lang.empty() || lang == "sh" || lang == "bash" || lang == "shell" || lang == "console")
        extract_block(block, marker, out);
      else if (marker)
        out.problems.push_back(std::to_string(marker->line) + ": doc-test marker before a " + lang +
                               " block");
      marker.reset();
      continue;
    }
    const bool after_blank = i == 0 || blank(lines[i - 1]) || looks_like_marker(lines[i - 1]);
    if (line.starts_with("    ") && after_blank && !blank(line)) {
      Block block{number, {}};
      for (; i < lines.size(); ++i) {
        if (lines[i].starts_with("    ")) {
          block.lines.push_back(lines[i].substr(4));
          continue;
        }
        if (!blank(lines[i])) break;
        std::size_t j = i;
        while (j < lines.size() && blank(lines[j])) ++j;
        if (j == lines.size() || !lines[j].starts_with("    ")) break;
        block.lines.push_back("");
      }
      --i;
      extract_block(block, marker, out);
      marker.reset();
      continue;
    }
    if (auto m = parse_marker(line, number, out.problems)) {
      if (marker)
        out.problems.push_back(std::to_string(marker->line) +
                               ": doc-test marker not followed by a code block");
      marker = m;
      continue;
    }
    if (!blank(line) && marker) {
      out.problems.push_back(std::to_string(marker->line) +
                             ": doc-test marker not followed by a code block");
      marker.reset();
    }
  }
  if (marker)
    out.problems.push_back(std::to_string(marker->line) +
                           ": doc-test marker not followed by a code block");
  return out;
}

}  // namespace mosaic::test
