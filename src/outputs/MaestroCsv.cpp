#include "outputs/MaestroCsv.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

namespace mosaic::outputs {

namespace {

constexpr std::array<double, 23> kPow10 = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The number writers below write into a caller's buffer and return the end of what they wrote:
// a CSV row is written in place, with no capacity check per character (start-up,
// bench/README.md). kNumberChars bounds what one number takes ("%Lg" of the largest long double
// is 14 characters, an int64 20).
constexpr std::size_t kNumberChars = 64;

char* put_text(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

// floor(log10(mag)) for a normal mag in [1e-17, 1e22), or one less near a power of ten below 1
// (10^-k is not exact in binary): fast_g rejects an exponent one off by its range check. From the
// binary exponent e2, floor(e2 * log10(2)) is the decimal exponent or one less (mag lies in
// [2^e2, 2^(e2+1))), and one comparison with the next power of ten decides (log10 of glibc took
// 75 instructions a number; start-up, bench/README.md).
int decimal_exponent(double mag) {
  const int e2 = static_cast<int>((std::bit_cast<std::uint64_t>(mag) >> 52) & 0x7ff) - 1023;
  int exp10 = (e2 * 1233) >> 12;  // floor(e2 * log10(2)) for |e2| < 681; here |e2| < 80
  const int next = exp10 + 1;
  if (next >= 0 ? mag >= kPow10[static_cast<std::size_t>(next)]
                : mag * kPow10[static_cast<std::size_t>(-next)] >= 1.0)
    exp10 = next;
  return exp10;
}

// "%g" (6 significant digits) of a finite nonzero double whose six digits are certain, or
// null. v's magnitude is scaled by an exact power of ten (10^22 at most) into [1e5, 1e6): one
// rounding, an error below 2e-10 there; the digits are the nearest integer, certain unless the
// scaled value lies within 1e-6 of a half (a tie or near one: to_chars decides those) or of the
// ends of the range (the estimated exponent may be one off).
char* fast_g(char* p, double v) {
  const double mag = std::fabs(v);
  if (!(mag >= 1e-17 && mag < 1e22)) return nullptr;
  const int exp10 = decimal_exponent(mag);
  const int k = 5 - exp10;
  if (k > 22 || k < -22) return nullptr;
  const double scaled = k >= 0 ? mag * kPow10[static_cast<std::size_t>(k)]
                               : mag / kPow10[static_cast<std::size_t>(-k)];
  if (!(scaled >= 100000.0 && scaled < 999999.0)) return nullptr;
  const double whole = std::floor(scaled);
  const double frac = scaled - whole;
  if (std::fabs(frac - 0.5) < 1e-6) return nullptr;
  const auto digits = static_cast<std::int64_t>(whole) + (frac > 0.5 ? 1 : 0);
  char d[6];
  auto n = digits;
  for (int i = 5; i >= 0; --i, n /= 10) d[i] = static_cast<char>('0' + n % 10);
  int last = 5;  // the last significant digit kept (trailing zeros dropped, as %g does)
  while (last > 0 && d[last] == '0') --last;
  if (v < 0) *p++ = '-';
  if (exp10 < -4 || exp10 >= 6) {
    *p++ = d[0];
    if (last > 0) {
      *p++ = '.';
      p = put_text(p, std::string_view(d + 1, static_cast<std::size_t>(last)));
    }
    *p++ = 'e';
    *p++ = exp10 < 0 ? '-' : '+';
    const int e = exp10 < 0 ? -exp10 : exp10;
    if (e < 10) *p++ = '0';
    return std::to_chars(p, p + 4, e).ptr;
  }
  if (exp10 >= 0) {
    p = put_text(p, std::string_view(d, static_cast<std::size_t>(exp10 + 1)));
    if (last > exp10) {
      *p++ = '.';
      p = put_text(p, std::string_view(d + exp10 + 1, static_cast<std::size_t>(last - exp10)));
    }
    return p;
  }
  *p++ = '0';
  *p++ = '.';
  for (int z = 0; z < -exp10 - 1; ++z) *p++ = '0';
  return put_text(p, std::string_view(d, static_cast<std::size_t>(last + 1)));
}

// Printf's "%g" of v (6 significant digits, "C" locale): fast_g when its digits are certain, else
// std::to_chars with chars_format::general and precision 6 (printf's "%g" by the standard's
// definition, at a tenth of glibc's printf instructions; start-up, bench/README.md).
char* put_g(char* p, double v) {
  if (std::isnan(v)) return put_text(p, std::signbit(v) ? "-nan" : "nan");
  // A nonzero integer of at most six digits is its own "%g" (most of a MAESTRO row's factors,
  // counts and delays are: 1, 14, 11881).
  if (v != 0 && v >= -999999.0 && v <= 999999.0 && v == static_cast<double>(static_cast<int>(v)))
    return std::to_chars(p, p + kNumberChars, static_cast<int>(v)).ptr;
  if (char* end = fast_g(p, v)) return end;
  return std::to_chars(p, p + kNumberChars, v, std::chars_format::general, 6).ptr;
}

// Whether "%.5e" of the double d (digits `text`) is also "%.5e" of the long double v, d being v
// rounded to double: v must lie strictly inside the rounding interval of those digits, with a
// margin far above the rounding errors of this check (a few units in the last place of a long
// double, about 1e-19 relative, against a margin of 1e-9 of the interval).
bool same_six_digits(long double v, std::string_view text) {
  std::size_t i = text[0] == '-' ? 1 : 0;
  long double digits = 0;
  for (; i < text.size() && text[i] != 'e'; ++i)
    if (text[i] != '.') digits = digits * 10 + (text[i] - '0');
  int exp10 = 0;
  if (i + 1 >= text.size() || std::from_chars(text.data() + i + 1 + (text[i + 1] == '+' ? 1 : 0),
                                              text.data() + text.size(), exp10)
                                      .ec != std::errc())
    return false;
  // The interval of 100000 reaches down to 99999.95; keep such borders to printf.
  if (digits <= 100000 || exp10 - 5 > 27 || exp10 - 5 < -27) return false;
  long double unit = 1;  // 10^|exp10 - 5|, exact in a long double up to 10^27
  for (int k = 0; k < (exp10 >= 5 ? exp10 - 5 : 5 - exp10); ++k) unit *= 10;
  const long double mag = v < 0 ? -v : v;
  const long double rounded = exp10 >= 5 ? digits * unit : digits / unit;
  const long double half = exp10 >= 5 ? unit / 2 : 0.5L / unit;
  const long double diff = mag > rounded ? mag - rounded : rounded - mag;
  return diff < half * (1 - 1e-9L);
}

// "%Lg". A long double prints as the double nearest to it does when both round to the same six
// digits (always for a long double a double holds exactly, such as a reuse factor of 49 or 2.5;
// otherwise checked); the rest goes through printf (libstdc++'s to_chars does the same for long
// double). No printf: the drop-in touches fewer pages.
char* put_g(char* p, long double v) {
  if (std::isnan(v)) return put_text(p, std::signbit(v) ? "-nan" : "nan");
  const auto d = static_cast<double>(v);
  if (static_cast<long double>(d) == v) return put_g(p, d);
  if (std::isfinite(d)) {
    char sci[kNumberChars];
    const auto r = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific, 5);
    if (same_six_digits(v, std::string_view(sci, static_cast<std::size_t>(r.ptr - sci))))
      return put_g(p, d);
  }
  const int n = std::snprintf(p, kNumberChars, "%Lg", v);
  return p + (n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), kNumberChars - 1) : 0);
}

// MAESTRO's NaNs come from 0/0 at run time on x86, which yields the negative default NaN.
template <typename T>
char* put_g_compat(char* p, T v) {
  return std::isnan(v) ? put_text(p, "-nan") : put_g(p, v);
}

}  // namespace

std::string format_g(double v) {
  char b[kNumberChars];
  return std::string(b, put_g(b, v));
}

std::string format_g(long double v) {
  char b[kNumberChars];
  return std::string(b, put_g(b, v));
}

std::string maestro_csv_header() {
  std::string h =
      "Neural Network Name, Layer Number, NumPEs, Runtime (Cycles), Activity count-based Energy "
      "(nJ), Throughput (MACs/Cycle), Throughput Per Energy (GMACs/s*J), Area, Power, NoC BW Req "
      "(Elements/cycle), Avg BW Req, Peak BW Req, Vector Width, Offchip BW Req (Elements/cycle),  "
      "L2 SRAM Size Req (Bytes), L1 SRAM Size Req (Bytes), Multicasting Factor (Weight), "
      "Multicasting Factor (Input), Num Total Input Pixels, Num Total Weight Pixels, Ops/J, Num "
      "MACs, PE power, L1 power, L2 power, NOC power, ";
  for (const char* t : {"input", "filter", "output"})
    h += fmt::format("{0} l1 read, {0} l1 write, {0} l2 read, {0} l2 write, {0} reuse factor,", t);
  h += "Ingress Delay (Min), Ingress Delay (Max), Ingress Delay (Avg), Egress Delay (Min), Egress "
       "Delay (Max),  Egress Delay (Avg),Compute Delay (Min), Compute Delay (Min), Compute Delay "
       "(Avg),Avg number of utilized PEs, Arithmetic Intensity";
  return h;
}

void append_maestro_csv_row(std::string& s, const cost::MaestroLayerReport& r) {
  s += r.network;
  s += ',';
  s += r.layer;
  s += ',';
  // The 50 numbers, each with its separator, written in place into room made for 64.
  constexpr std::size_t kRoom = 64 * (kNumberChars + 2);
  const std::size_t start = s.size();
  s.resize(start + kRoom);
  char* p = s.data() + start;
  auto i = [&](std::int64_t v, std::string_view sep) {
    p = put_text(std::to_chars(p, p + kNumberChars, v).ptr, sep);
  };
  auto g = [&](auto v, std::string_view sep) { p = put_text(put_g_compat(p, v), sep); };
  i(r.num_pes, ",");
  i(r.runtime_cycles, ",");
  g(r.csv_energy_nj, ",");
  g(r.throughput, ",");
  g(r.throughput_per_energy, ",");
  g(r.area_um2, ",");
  g(r.power_mw, ",");
  i(r.peak_bw, ",");
  g(r.avg_bw, ",");
  i(r.peak_bw, ",");
  i(r.vector_width, ",");
  i(r.offchip_bw_req, ",");
  i(r.l2_size_req, ",");
  i(r.l1_size_req, ",");
  g(r.multicast_weight, ",");
  g(r.multicast_input, ",");
  i(r.input_pixels, ",");
  i(r.weight_pixels, ",");
  g(static_cast<double>(r.ops_per_joule), ",");
  i(r.num_macs, ",");
  g(r.pe_power, ",");
  g(r.l1_power, ",");
  g(r.l2_power, ",");
  g(r.noc_power, ",");
  for (const auto& t : r.tensors) {
    i(t.l1_read, ", ");
    i(t.l1_write, ", ");
    i(t.l2_read, ", ");
    i(t.l2_write, ", ");
    g(t.reuse, ", ");
  }
  for (int k = 0; k < 3; ++k)
    for (int v = 0; v < 3; ++v)
      i(r.delay[static_cast<std::size_t>(k)][static_cast<std::size_t>(v)], ", ");
  g(r.avg_utilized_pes, ", ");
  p = put_g_compat(p, r.arithmetic_intensity);
  s.resize(static_cast<std::size_t>(p - s.data()));
}

std::string maestro_csv_row(const cost::MaestroLayerReport& r) {
  std::string s;
  s.reserve(512);
  append_maestro_csv_row(s, r);
  return s;
}

void write_maestro_console(std::ostream& out, const cost::MaestroNetworkReport& report,
                           const arch::Core& core, bool print_layers, bool with_bw_analysis) {
  if (print_layers) {
    for (const auto& r : report.layers) {
      const auto& top = r.analysis.top;
      const double thr = r.throughput;
      out << "\n\nNum MACs: " << r.num_macs << "\n\n[Performance Analysis]\n";
      out << "Runtime: " << r.runtime_cycles << " cycles\n";
      out << "Throughput: " << format_g(thr) << " MACs/cycle\n[Buffer Access Analysis]\n";
      std::int64_t tl1w = 0, tl1r = 0;
      for (int t = 0; t < 3; ++t) {
        const auto k = static_cast<std::size_t>(t);
        const auto& tr = r.tensors[k];
        out << "Tensor " << tr.name << "\n";
        out << "L2 size requirement: " << r.l2_size_per_tensor[k] << "\n";
        out << "L1 size requirement: " << r.l1_size_per_tensor[k] << "\n";
        out << "L2 buffer write: " << tr.l2_write << "\n";
        out << "L2 buffer read: " << tr.l2_read << "\n";
        out << "L1 buffer write: " << tr.l1_write << "\n";
        out << "L1 buffer read: " << tr.l1_read << "\n";
        out << "Data reuse factor: " << format_g(tr.reuse) << "\n";
        tl1w += tr.l1_write;
        tl1r += tr.l1_read;
      }
      out << "Overall data reuse factor: "
          << format_g(static_cast<double>(tl1r) / static_cast<double>(tl1w)) << "\n";
      out << "[Energy Analysis]\n-For each data class\n";
      const double l1 = 1.68, l2 = 18.61;
      double e2w = 0, e2r = 0, e1w = 0, e1r = 0;
      for (int t = 0; t < 3; ++t) {
        const auto& tr = r.tensors[static_cast<std::size_t>(t)];
        out << "Tensor " << tr.name << "\n";
        out << "L2 buffer write energy: " << format_g(tr.l2_write * l2) << " X MAC energy\n";
        out << "L2 buffer read energy: " << format_g(tr.l2_read * l2) << " X MAC energy\n";
        out << "L1 buffer write energy: " << format_g(tr.l1_write * l1) << " X MAC energy\n";
        out << "L1 buffer read energy: " << format_g(tr.l1_read * l1) << " X MAC energy\n";
        e2w += static_cast<double>(tr.l2_write) * l2;
        e2r += static_cast<double>(tr.l2_read) * l2;
        e1w += static_cast<double>(tr.l1_write) * l1;
        e1r += static_cast<double>(tr.l1_read) * l1;
      }
      out << "\n[Summary]\n";
      out << "Total L2 buffer requirement: " << r.l2_size_req << "\n";
      out << "Total L1 buffer requirement: " << r.l1_size_req << "\n";
      out << "Total L2 buffer write energy: " << format_g(e2w) << " X MAC energy\n";
      out << "Total L2 buffer read energy: " << format_g(e2r) << " X MAC energy\n";
      out << "Total L1 buffer write energy: " << format_g(e1w) << " X MAC energy\n";
      out << "Total L1 buffer read energy: " << format_g(e1r) << " X MAC energy\n";
      out << "Total MAC energy: " << top.num_computations << " X MAC energy\n";
      out << "Peak bandwidth requirement: " << r.peak_bw << "\n";
      out << "Avg bandwidth requirement: " << format_g(r.avg_bw) << "\n\n";
      const double total = e2w + e2r + e1w + e1r + static_cast<double>(top.num_computations);
      out << "Total energy consumption: " << format_g(total) << " X MAC energy\n";
      out << "Runtime: " << r.runtime_cycles << " cycles\n";
      out << "Throughput: " << format_g(thr) << " MACs/cycle\n";
      out << "Performance per MAC energy: " << format_g(thr / total)
          << " MACs/cycle/(MAC_energy)\n";
      const char* names[3] = {"Ingress Delay", "Egress Delay", "Computation Delay"};
      for (int k = 0; k < 3; ++k) {
        const auto& d = r.delay[static_cast<std::size_t>(k)];
        out << names[k] << "\nMin: " << d[0] << "\nMax: " << d[1] << "\nAvg: " << d[2] << "\n";
      }
      out << "Average number of utilized PEs: " << format_g(r.avg_utilized_pes) << "\n";
      out << "Arithmetic intensity: " << format_g(r.arithmetic_intensity) << "\n";
    }
    out << "Buffer Analysis:\n";
    bool pass = true;
    if (report.max_l1_req > core.l1_bytes) {
      out << "[WARNING:Buffer] Per-layer L1 size requirement [" << report.max_l1_req
          << "] is larger than the given L1 size [" << core.l1_bytes << "]\n";
      pass = false;
    }
    if (report.max_l2_req > core.l2_bytes) {
      out << "[WARNING:Buffer] Per-layer L2 size requirement [" << report.max_l2_req
          << "] is larger than the given L2 size [" << core.l2_bytes << "]\n";
      pass = false;
    }
    if (pass) out << "[PASS]\n";
    out << "[Model-wise Buffer Summary]\n";
    out << "Model-wise total L2 size usage: " << report.total_l2_req << "\n";
    out << "Model-wise total L1 size usage: " << report.total_l1_req << "\n";
  }
  if (with_bw_analysis) {
    out << "BW Analysis:\n";
    bool pass = true;
    if (report.max_noc_bw_req > core.noc_bw) {
      out << "[WARNING:BW] Per-layer NoC BW requirement [" << report.max_noc_bw_req
          << "] is larger than the given NoC BW [" << core.noc_bw << "]\n";
      pass = false;
    }
    if (report.max_offchip_bw_req > core.offchip_bw) {
      out << "[WARNING:BW] Per-layer OffChip BW requirement [" << report.max_offchip_bw_req
          << "] is larger than the given OffChip BW [" << core.offchip_bw << "]\n";
      pass = false;
    }
    if (pass) out << "[PASS]\n";
  }
}

}  // namespace mosaic::outputs
