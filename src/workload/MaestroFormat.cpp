#include "workload/MaestroFormat.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Validate.h"

namespace mosaic::workload::maestro_format {

namespace {

// What a character is to the tokenizer: part of a token, a separator, a brace (a token by
// itself), a '-' (a sign before a digit at a token's start, else a separator) or a '/' (a comment
// when doubled).
enum CharClass : unsigned char { kWord, kSeparator, kBrace, kMinus, kNewline, kSlash };

constexpr std::array<unsigned char, 256> make_classes() {
  std::array<unsigned char, 256> c{};
  for (auto& x : c) x = kWord;
  for (unsigned char s : {' ', '\t', '\r', ',', '>', '(', ')', ':', ';'}) c[s] = kSeparator;
  c['{'] = kBrace;
  c['}'] = kBrace;
  c['-'] = kMinus;
  c['\n'] = kNewline;
  c['/'] = kSlash;
  return c;
}
constexpr std::array<unsigned char, 256> kClasses = make_classes();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

// Flattened: the token appends are inlined (out of line they were a quarter of its instructions).
[[gnu::flatten]] std::vector<Token> tokenize(std::string_view text) {
  text = strip_utf8_bom(text);
  std::vector<Token> tokens;
  // About one token per 5 characters in MAESTRO's mapping files: one allocation instead of a
  // dozen doublings, each a copy into fresh pages (start-up, bench/README.md).
  tokens.reserve(text.size() / 4 + 16);
  // One pass; a token is a view of the text (no copy).
  int line = 1;
  const char* p = text.data();
  const char* const e = p + text.size();
  auto comment_at = [&](const char* q) { return q + 1 < e && q[1] == '/'; };
  while (p < e) {
    // Separators and newlines first, by plain tests (a switch's jump table cost more per
    // character: most characters of a mapping file are white space).
    const unsigned char c = kClasses[static_cast<unsigned char>(*p)];
    if (c == kSeparator) {
      ++p;
      continue;
    }
    if (c == kNewline) {
      ++line;
      ++p;
      continue;
    }
    if (c == kBrace) {
      tokens.push_back({std::string_view(p, 1), line});
      ++p;
      continue;
    }
    if (c == kSlash && comment_at(p)) {  // a comment: the rest of the line
      while (p < e && *p != '\n') ++p;
      continue;
    }
    // A minus that starts a token and precedes a digit is a sign (`K: -8`, `SpatialMap(-1,1)`),
    // kept so that a negative value is refused where it is read; elsewhere `-` separates tokens
    // as in MAESTRO (`Conv2d-1`, `->`).
    if (c == kMinus && !(p + 1 < e && is_digit(p[1]))) {
      ++p;
      continue;
    }
    // A token: this character and every following word character, or '/' that does not start
    // a comment (a '-' ends a token). Each character's class is looked up once.
    const char* q = p + 1;
    while (q < e) {
      const unsigned char k = kClasses[static_cast<unsigned char>(*q)];
      if (k == kWord) {
        ++q;
        continue;
      }
      if (k != kSlash || comment_at(q)) break;
      ++q;
    }
    tokens.push_back({std::string_view(p, static_cast<std::size_t>(q - p)), line});
    // A '-' that ends a token is a separator, never a sign (`Conv2d-1` is "Conv2d", "1").
    p = q < e && *q == '-' ? q + 1 : q;
  }
  return tokens;
}

namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  // Digits only, at most 18 of them (cannot overflow): the common case, without from_chars.
  if (s.size() <= 18) {
    std::int64_t v = 0;
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
      const auto d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
      if (d > 9) break;
      v = v * 10 + static_cast<std::int64_t>(d);
    }
    if (i == s.size()) {
      out = v;
      return true;
    }
  }
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e;
}

// A token that was meant as a number: a digit, or a sign or point before one.
bool looks_numeric(std::string_view s) {
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c)))
      return c == s.front() || s.front() == '-' || s.front() == '+' || s.front() == '.';
  return false;
}

class Parser {
 public:
  Parser(std::string_view text, std::string file)
      : tokens_(tokenize(text)), file_(std::move(file)) {}

  NetworkSyntax parse_file() {
    NetworkSyntax net;
    net.file = file_;
    bool saw_network = false;
    while (!at_end()) {
      const Token& t = peek();
      if (t.text == "Constant") {
        next();
        parse_constant();
      } else if (t.text == "Network") {
        next();
        if (saw_network) fail(t, "Network", "a file holds one Network block");
        saw_network = true;
        parse_network(net);
      } else if (t.text == "Accelerator") {
        next();
        skip_block("Accelerator");
      } else {
        fail(t, t.text, "expected 'Constant', 'Network' or 'Accelerator'");
      }
    }
    if (!saw_network) fail_at(last_line(), "Network", "no Network block in the file");
    net.constants.insert(constants_.begin(), constants_.end());
    return net;
  }

  std::vector<DirectiveSyntax> parse_dataflow_only() {
    std::vector<DirectiveSyntax> out;
    while (!at_end() && peek().text == "Constant") {
      next();
      parse_constant();
    }
    bool braced = false;
    if (!at_end() && peek().text == "Dataflow") {
      next();
      expect("{", "Dataflow");
      braced = true;
    }
    while (!at_end()) {
      if (braced && peek().text == "}") {
        next();
        break;
      }
      parse_directive(nullptr, out.emplace_back());
    }
    if (!at_end()) fail(peek(), peek().text, "unexpected text after the Dataflow block");
    if (out.empty()) fail_at(last_line(), "Dataflow", "no directives");
    return out;
  }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::string file_;
  std::map<std::string, std::int64_t, std::less<>> constants_;

  bool at_end() const { return pos_ >= tokens_.size(); }
  const Token& peek() const { return tokens_[pos_]; }
  int last_line() const { return tokens_.empty() ? 1 : tokens_.back().line; }

  const Token& next(std::string_view field = "file") {
    if (at_end()) fail_at(last_line(), field, "unexpected end of file");
    return tokens_[pos_++];
  }

  [[noreturn]] void fail(const Token& t, std::string_view field, const std::string& msg) const {
    throw UserError(SourceLocation{file_, t.line, std::string(field)}, msg);
  }
  [[noreturn]] void fail_at(int line, std::string_view field, const std::string& msg) const {
    throw UserError(SourceLocation{file_, line, std::string(field)}, msg);
  }

  // "field sub" (or "field"): a message's field, built only when a message is.
  static std::string field_name(std::string_view field, std::string_view sub) {
    std::string f(field);
    if (!sub.empty()) f.append(" ").append(sub);
    return f;
  }

  void expect(const char* text, std::string_view field) {
    const Token& t = next(field);
    if (t.text != text) fail(t, field, fmt::format("expected '{}', found '{}'", text, t.text));
  }

  // A number (a literal or a Constant); `field` and `sub` name it in a message.
  std::int64_t parse_number(std::string_view field, std::string_view sub = {}) {
    if (at_end()) fail_at(last_line(), field_name(field, sub), "unexpected end of file");
    const Token& t = tokens_[pos_++];
    std::int64_t v = 0;
    if (parse_int(t.text, v)) return v;
    auto it = constants_.find(t.text);
    if (it != constants_.end()) return it->second;
    if (looks_numeric(t.text))  // "1.5", "1e30": say why it is not an integer
      return parse_integer(t.text, IntRule::any(),
                           SourceLocation{file_, t.line, field_name(field, sub)});
    fail(t, field_name(field, sub),
         fmt::format("expected an integer or a Constant, found '{}'", t.text));
  }

  void parse_constant() {
    const Token& name = next("Constant");
    if (name.text == "{" || name.text == "}") fail(name, "Constant", "expected a constant name");
    std::int64_t value = parse_number("Constant");
    const auto [it, fresh] = constants_.emplace(std::string(name.text), value);
    if (!fresh && it->second != value)
      fail(name, field_name("Constant", name.text),
           fmt::format("defined twice with different values ({} and {})", it->second, value));
  }

  void skip_block(std::string_view field) {
    expect("{", field);
    int depth = 1;
    while (depth > 0) {
      const Token& t = next(field);
      if (t.text == "{") ++depth;
      if (t.text == "}") --depth;
    }
  }

  void parse_network(NetworkSyntax& net) {
    // As MAESTRO does, the name is the last token before '{' (`Network a-b {` is named "b").
    while (true) {
      const Token& t = next("Network");
      if (t.text == "{") break;
      if (t.text == "}") fail(t, "Network", "expected '{'");
      net.name = t.text;
    }
    while (true) {
      const Token& tok = next("Network");
      if (tok.text == "}") break;
      if (tok.text != "Layer")
        fail(tok, "Network", fmt::format("expected 'Layer' or '}}', found '{}'", tok.text));
      parse_layer(tok.line, net.layers.emplace_back());
    }
  }

  // Syntax objects are filled in place in their containers (no moves of their strings).
  void parse_layer(int line, LayerSyntax& layer) {
    layer.line = line;
    // The name is the last token before '{': `Layer Conv2d-1 {` is named "1", as in MAESTRO's
    // own CSV output (`-` separates tokens). A layer without a name is called "Layer".
    layer.name = "Layer";
    while (true) {
      const Token& t = next("Layer");
      if (t.text == "{") break;
      if (t.text == "}") fail(t, "Layer", "expected '{'");
      layer.name = t.text;
    }
    bool have_type = false;
    bool have_dims = false;
    while (true) {
      const Token& tok = next("Layer");
      if (tok.text == "}") break;
      if (tok.text == "Type") {
        const Token& ty = next("Type");
        static const char* kTypes[] = {"CONV", "DSCONV", "NGCONV", "GEMM", "TRCONV"};
        bool known = false;
        for (const char* k : kTypes) known = known || ty.text == k;
        if (!known) {
          std::string hint;
          if (ty.text == "FC" || ty.text == "POOL" || ty.text == "LSTM" ||
              ty.text == "RESIDUAL_IDENTITY")
            hint =
                " (MAESTRO declares it but cannot analyse it; write FC as CONV with R=S=Y=X=1 or "
                "GEMM, a residual add as DSCONV with R=S=1)";
          fail(ty, "Type",
               fmt::format(
                   "unknown layer type '{}'; expected CONV, DSCONV, NGCONV, GEMM or TRCONV{}",
                   ty.text, hint));
        }
        layer.type = ty.text;
        have_type = true;
      } else if (tok.text == "Stride") {
        if (have_dims) fail(tok, "Stride", "the Stride block must precede the Dimensions block");
        parse_positive_block("Stride", layer.strides, "stride must be a positive integer");
      } else if (tok.text == "Dimensions") {
        if (have_dims) fail(tok, "Dimensions", "a layer has one Dimensions block");
        parse_positive_block("Dimensions", layer.dims, "dimension size must be positive");
        have_dims = true;
      } else if (tok.text == "Dataflow") {
        if (layer.has_dataflow) fail(tok, "Dataflow", "a layer has one Dataflow block");
        layer.has_dataflow = true;
        layer.dataflow_line = tok.line;
        expect("{", "Dataflow");
        // MAESTRO's mappings have 6-14 directives a layer: one allocation instead of moving every
        // directive's strings at each doubling (start-up, bench/README.md).
        layer.dataflow.reserve(16);
        while (true) {
          if (at_end()) fail_at(last_line(), "Dataflow", "unexpected end of file inside Dataflow");
          if (peek().text == "}") {
            next();
            break;
          }
          parse_directive(&layer, layer.dataflow.emplace_back());
        }
      } else {
        fail(tok, "Layer " + layer.name,
             fmt::format("expected Type, Stride, Dimensions, Dataflow or '}}', found '{}'",
                         tok.text));
      }
    }
    if (!have_type) fail_at(line, "Layer " + layer.name, "missing 'Type'");
    if (!have_dims) fail_at(line, "Layer " + layer.name, "missing 'Dimensions'");
  }

  // A block of `name: size` entries whose sizes must be at least 1 (`rule` says so when not).
  void parse_positive_block(const char* field, std::vector<DimSyntax>& out, const char* rule) {
    parse_dim_block(field, out);
    for (const auto& d : out)
      if (d.size < 1)
        fail_at(d.line, field_name(field, d.name), fmt::format("{}, got {}", rule, d.size));
  }

  void parse_dim_block(const char* field, std::vector<DimSyntax>& out) {
    expect("{", field);
    out.reserve(8);  // N G K C R S Y X: one allocation, no doubling (start-up)
    while (true) {
      const Token& name = next(field);
      if (name.text == "}") break;
      if (name.text == "{") fail(name, field, "unexpected '{'");
      DimSyntax d;
      // Fields of fresh syntax objects are constructed from the token and moved in (half the
      // instructions of assigning a view, which takes std::string's general replace path).
      d.name = std::string(name.text);
      d.line = name.line;
      d.size = parse_number(field, name.text);
      bool duplicate = false;
      for (const auto& prev : out) {
        if (prev.name != d.name) continue;
        // MAESTRO keeps the first of repeated entries (UNet_RS.m repeats `N: 1`); a repeat with
        // another value is surely a mistake.
        if (prev.size != d.size)
          fail(name, field_name(field, name.text),
               fmt::format("given twice with different values ({} and {})", prev.size, d.size));
        duplicate = true;
      }
      if (!duplicate) out.push_back(d);
    }
  }

  void parse_size(const LayerSyntax* layer, std::string_view field, SizeExpr& e) {
    const Token& t = next(field);
    if (t.text == "Sz") {
      const Token& d = next(field);
      e.dim = std::string(d.text);
      e.text.reserve(d.text.size() + 4);
      e.text.append("Sz(", 3).append(d.text).push_back(')');
      if (layer != nullptr && !layer->dim(d.text))
        fail(d, field, fmt::format("Sz({}) names a dimension the layer does not declare", d.text));
      return;
    }
    std::int64_t v = 0;
    if (parse_int(t.text, v)) {
      e.value = v;
    } else if (auto it = constants_.find(t.text); it != constants_.end()) {
      e.value = it->second;
    } else if (looks_numeric(t.text)) {
      e.value =
          parse_integer(t.text, IntRule::any(), SourceLocation{file_, t.line, std::string(field)});
    } else {
      fail(t, field, fmt::format("expected an integer, a Constant or Sz(DIM), found '{}'", t.text));
    }
    e.text = std::string(t.text);  // constructed and moved: cheaper than assign
    if (e.value <= 0) fail(t, field, fmt::format("size must be positive, got {}", e.value));
  }

  void parse_directive(const LayerSyntax* layer, DirectiveSyntax& d) {
    const Token& kw = next("Dataflow");
    d.line = kw.line;
    if (kw.text == "TemporalMap" || kw.text == "SpatialMap") {
      d.kind = kw.text == "TemporalMap" ? DirectiveKind::TemporalMap : DirectiveKind::SpatialMap;
      parse_size(layer, kw.text, d.size);
      parse_size(layer, kw.text, d.offset);
      const Token& dim = next(kw.text);
      if (dim.text == "{" || dim.text == "}")
        fail(dim, kw.text, "expected a dimension name after the map sizes");
      d.dim = std::string(dim.text);
    } else if (kw.text == "Cluster") {
      d.kind = DirectiveKind::Cluster;
      parse_size(layer, "Cluster", d.size);
      if (!at_end() && (peek().text == "P" || peek().text == "L")) d.cluster_type = next().text[0];
    } else {
      fail(kw, "Dataflow",
           fmt::format("expected TemporalMap, SpatialMap, Cluster or '}}', found '{}'", kw.text));
    }
  }
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path.string(), 0, ""}, "cannot open the file");
  // Read at the size of the file (one buffer, no copies); a stream ends where it ends.
  std::string text;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > 0 && size < (std::uintmax_t{1} << 32)) {
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.gcount() < static_cast<std::streamsize>(size)) return text;
  }
  if (in.peek() != std::ifstream::traits_type::eof()) {
    std::ostringstream ss;
    ss << in.rdbuf();
    text += ss.str();
  }
  return text;
}

}  // namespace

namespace {
// Dimension names are one or two characters: the length and the first character decide nearly
// every comparison without a call to memcmp (the parser looks a name up for every Sz(DIM)).
bool same_name(const std::string& a, std::string_view b) {
  return a.size() == b.size() && (b.empty() || (a[0] == b[0] && std::string_view(a) == b));
}
}  // namespace

std::optional<std::int64_t> LayerSyntax::dim(std::string_view name) const {
  for (const auto& d : dims)
    if (same_name(d.name, name)) return d.size;
  return std::nullopt;
}

std::int64_t LayerSyntax::stride(std::string_view name) const {
  for (const auto& s : strides)
    if (same_name(s.name, name)) return s.size;
  return 1;
}

NetworkSyntax parse_network_text(std::string_view text, const std::string& file_label) {
  return Parser(text, file_label).parse_file();
}

NetworkSyntax parse_network_file(const std::filesystem::path& path) {
  return parse_network_text(read_text(path), path.string());
}

std::vector<DirectiveSyntax> parse_dataflow_text(std::string_view text,
                                                 const std::string& file_label) {
  return Parser(text, file_label).parse_dataflow_only();
}

Layer to_layer(const LayerSyntax& ls, const std::string& file) {
  auto fail = [&](const std::string& field, const std::string& msg) -> void {
    throw UserError(SourceLocation{file, ls.line, "Layer " + ls.name + " " + field}, msg);
  };
  static const char* kConvDims[] = {"N", "G", "K", "C", "R", "S", "Y", "X", "Y'", "X'"};
  static const char* kGemmDims[] = {"M", "N", "K"};
  const bool gemm = ls.type == "GEMM";
  for (const auto& d : ls.dims) {
    bool ok = false;
    if (gemm) {
      for (const char* k : kGemmDims) ok = ok || d.name == k;
    } else {
      for (const char* k : kConvDims) ok = ok || d.name == k;
    }
    if (!ok)
      throw UserError(SourceLocation{file, d.line, "Dimensions " + d.name},
                      gemm ? "unknown GEMM dimension; expected M, N or K"
                           : "unknown dimension; expected N, G, K, C, R, S, Y, X, Y' or X'");
  }
  Layer l;
  l.name = ls.name;
  l.source_op = ls.type;
  auto get = [&](const char* n, std::int64_t dflt) { return ls.dim(n).value_or(dflt); };
  if (gemm) {
    l.op = OpKind::Gemm;
    l.N = get("M", 1);
    l.C = get("K", 1);
    l.K = get("N", 1);
    return l;
  }
  l.N = get("N", 1);
  l.R = get("R", 1);
  l.S = get("S", 1);
  l.stride_y = static_cast<int>(ls.stride("Y"));
  l.stride_x = static_cast<int>(ls.stride("X"));
  if (ls.type == "TRCONV") {
    l.op = OpKind::TransposedConv;
    if (l.stride_y == 1) l.stride_y = 2;
    if (l.stride_x == 1) l.stride_x = 2;
  }
  auto input_extent = [&](const char* in, const char* out, std::int64_t filt,
                          int stride) -> std::int64_t {
    if (auto v = ls.dim(in)) {
      if (ls.dim(out)) fail(in, fmt::format("both {} and {} are given; give one of them", in, out));
      return *v;
    }
    if (auto o = ls.dim(out)) return (*o - 1) * stride + filt;
    return 1;
  };
  const int sy = l.op == OpKind::TransposedConv ? 1 : l.stride_y;
  const int sx = l.op == OpKind::TransposedConv ? 1 : l.stride_x;
  l.Y = input_extent("Y", "Y'", l.R, sy);
  l.X = input_extent("X", "X'", l.S, sx);
  if (ls.type == "DSCONV") {
    l.op = OpKind::DepthwiseConv;
    l.G = get("C", 1);
    l.C = 1;
    l.K = 1;
  } else if (ls.type == "NGCONV") {
    l.op = OpKind::GroupedConv;
    l.G = get("G", 1);
    l.K = get("K", 1);
    l.C = get("C", 1);
  } else {
    if (l.op != OpKind::TransposedConv) l.op = OpKind::Conv;
    l.G = get("G", 1);
    l.K = get("K", 1);
    l.C = get("C", 1);
  }
  return l;
}

}  // namespace mosaic::workload::maestro_format
