// The .m tokenizer: hand-computed token lists, and the one-pass tokenizer against a plain
// reference of the lexical rules (MaestroFormat.h) on random text.
#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "workload/MaestroFormat.h"

namespace mosaic::workload::maestro_format {
namespace {

struct Plain {
  std::string text;
  int line;
  bool operator==(const Plain&) const = default;
};

std::vector<Plain> plain(const std::vector<Token>& tokens) {
  std::vector<Plain> out;
  for (const auto& t : tokens) out.push_back({std::string(t.text), t.line});
  return out;
}

// The rules, character by character: lines split at '\n', `//` starts a comment, a token ends
// at a separator (space, tab, CR, , > ( ) : ;), at '{' or '}' (tokens themselves) and at '-',
// except that a '-' starting a token before a digit is a sign.
std::vector<Plain> reference(const std::string& text) {
  std::vector<Plain> out;
  int line = 1;
  std::size_t pos = 0;
  while (true) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(pos, end - pos);
    if (auto c = row.find("//"); c != std::string::npos) row = row.substr(0, c);
    std::string cur;
    bool in_token = false;
    auto flush = [&] {
      if (in_token) out.push_back({cur, line});
      cur.clear();
      in_token = false;
    };
    for (std::size_t i = 0; i < row.size(); ++i) {
      const char ch = row[i];
      const bool sign = ch == '-' && !in_token && i + 1 < row.size() &&
                        std::isdigit(static_cast<unsigned char>(row[i + 1]));
      if (!sign && std::string(" \t\r,->():;").find(ch) != std::string::npos) {
        flush();
      } else if (ch == '{' || ch == '}') {
        flush();
        out.push_back({std::string(1, ch), line});
      } else {
        cur += ch;
        in_token = true;
      }
    }
    flush();
    ++line;
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out;
}

TEST(MaestroTokenizer, HandComputed) {
  const std::vector<Plain> want = {{"Layer", 1}, {"1", 1},  {"{", 1},  {"Type", 2}, {"CONV", 2},
                                   {"K", 3},     {"-8", 3}, {"Y'", 3}, {"7", 3},    {"a/b", 4},
                                   {"x", 5},     {"-1", 5}, {"2", 5},  {"}", 6},    {"c", 6},
                                   {"-3", 6},    {"Sz", 7}, {"R", 7}};
  const std::string text =
      "Layer Conv2d-1 {\n"  // '-' inside a name separates: the name is its last token
      "\tType: CONV // comment\r\n"
      "K: -8, Y' 7\n"
      "a/b\n"
      "x(-1,2)--\n"
      "}c--3//\n"
      "Sz(R)";
  auto got = plain(tokenize(text));
  // "Conv2d" is a token too; check it, then the rest.
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[1].text, "Conv2d");
  got.erase(got.begin() + 1);
  EXPECT_EQ(got, want);
  EXPECT_EQ(plain(tokenize(text)), reference(text));
}

TEST(MaestroTokenizer, ByteOrderMarkAndEmpty) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize("// only a comment\n\n").empty());
  const auto t = plain(tokenize("\xEF\xBB\xBFNetwork n {"));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "Network");
}

// Random text over the characters the rules treat specially: the same tokens and lines.
TEST(MaestroTokenizer, MatchesReferenceOnRandomText) {
  const std::string alphabet = "ab1-/ \t\r\n,>():;{}'9";
  std::mt19937 rng(13);
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 40, ' ');
    for (auto& c : text) c = alphabet[rng() % alphabet.size()];
    ASSERT_EQ(plain(tokenize(text)), reference(text)) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace mosaic::workload::maestro_format
