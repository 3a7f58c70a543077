#include "outputs/MaestroCsv.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

#include <fmt/format.h>

namespace mosaic::outputs {

std::string format_g(double v) {
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  // std::to_chars with chars_format::general and precision 6 is printf's "%g" in the "C" locale
  // by the standard's definition, at a tenth of glibc's printf instructions (start-up,
  // bench/README.md).
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 6);
  return std::string(buf, res.ptr);
}

std::string format_g(long double v) {
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%Lg", v);
  return buf;
}

namespace {
// MAESTRO's NaNs come from 0/0 at run time on x86, which yields the negative default NaN.
std::string g_compat(double v) {
  return std::isnan(v) ? std::string("-nan") : format_g(v);
}
std::string g_compat(long double v) {
  return std::isnan(v) ? std::string("-nan") : format_g(v);
}
}  // namespace

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

std::string maestro_csv_row(const cost::MaestroLayerReport& r) {
  std::string s;
  s.reserve(512);
  auto add = [&](const std::string& v, const char* sep) {
    s += v;
    s += sep;
  };
  auto i = [](std::int64_t v) { return std::to_string(v); };
  add(r.network, ",");
  add(r.layer, ",");
  add(i(r.num_pes), ",");
  add(i(r.runtime_cycles), ",");
  add(g_compat(r.csv_energy_nj), ",");
  add(g_compat(r.throughput), ",");
  add(g_compat(r.throughput_per_energy), ",");
  add(g_compat(r.area_um2), ",");
  add(g_compat(r.power_mw), ",");
  add(i(r.peak_bw), ",");
  add(g_compat(r.avg_bw), ",");
  add(i(r.peak_bw), ",");
  add(i(r.vector_width), ",");
  add(i(r.offchip_bw_req), ",");
  add(i(r.l2_size_req), ",");
  add(i(r.l1_size_req), ",");
  add(g_compat(r.multicast_weight), ",");
  add(g_compat(r.multicast_input), ",");
  add(i(r.input_pixels), ",");
  add(i(r.weight_pixels), ",");
  add(g_compat(static_cast<double>(r.ops_per_joule)), ",");
  add(i(r.num_macs), ",");
  add(g_compat(r.pe_power), ",");
  add(g_compat(r.l1_power), ",");
  add(g_compat(r.l2_power), ",");
  add(g_compat(r.noc_power), ",");
  for (const auto& t : r.tensors) {
    add(i(t.l1_read), ", ");
    add(i(t.l1_write), ", ");
    add(i(t.l2_read), ", ");
    add(i(t.l2_write), ", ");
    add(g_compat(t.reuse), ", ");
  }
  for (int k = 0; k < 3; ++k)
    for (int v = 0; v < 3; ++v)
      add(i(r.delay[static_cast<std::size_t>(k)][static_cast<std::size_t>(v)]), ", ");
  add(g_compat(r.avg_utilized_pes), ", ");
  s += g_compat(r.arithmetic_intensity);
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
