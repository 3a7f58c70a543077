// Multi-core accelerators (Herald, HPCA 2021): sub-accelerators ("cores") of given dataflow
// styles sharing a global buffer, a global NoC whose bandwidth is hard-partitioned across the
// cores, and DRAM.
//
//   FDA     one core of one dataflow, all resources
//   SM-FDA  N equal cores of one dataflow (scaled-out multi-FDA)
//   RDA     one reconfigurable core (MAERI-style): per layer the best of its dataflows, paying a
//           reconfiguration latency/energy when the dataflow changes and an energy overhead for
//           its flexible interconnect
//   HDA     cores of different dataflows, with a PE and bandwidth partition (Definition 1)
//
// Units: bandwidths are given in GB/s and converted to elements per cycle with the clock and the
// bytes per element; buffers in bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "arch/Core.h"

namespace mosaic::arch {

// Herald Table IV.
struct AcceleratorClass {
  std::string name;
  std::int64_t total_pes = 0;
  double noc_gbps = 0;  // global NoC bandwidth (partitioned across cores)
  std::int64_t global_buffer_bytes = 0;
  double dram_gbps = 0;  // DRAM bandwidth (Table IV gives none: by default = noc_gbps)
};

// "edge" (1024 PEs, 16 GB/s, 4 MiB), "mobile" (4096, 64 GB/s, 8 MiB), "cloud" (16384, 256 GB/s,
// 16 MiB). Throws UserError for another name.
AcceleratorClass accelerator_class(const std::string& name);
std::vector<std::string> accelerator_class_names();
// Reads a class from YAML: name, total_pes, noc_gbps, global_buffer_bytes, dram_gbps (optional).
AcceleratorClass read_accelerator_class(const std::filesystem::path& path);

enum class StyleKind { FDA, SMFDA, RDA, HDA };
std::string_view style_kind_name(StyleKind k);  // "fda", "sm-fda", "rda", "hda"

// An accelerator style: its kind and the dataflow of every core (library names: kcp_ws, yxp_os,
// rs, ...). For an RDA, `dataflows` are the ones it can switch between.
struct AcceleratorStyle {
  StyleKind kind = StyleKind::HDA;
  std::vector<std::string> dataflows;
  std::string label() const;  // e.g. "HDA NVDLA+Shi", "FDA Eyeriss", "SM-FDA NVDLA x2"
  int num_cores() const;
};

// Parses a style: "nvdla,shi" (an HDA of those dataflows), "fda:nvdla", "smfda:nvdla" (two equal
// cores; "smfda:nvdla:3" for three), "rda" (NVDLA, Shi-diannao and Eyeriss dataflows) or
// "rda:nvdla,shi". Dataflow names are library names or aliases (nvdla, shi, eyeriss).
AcceleratorStyle parse_style(const std::string& text);

// The styles of Herald Table III: three FDAs, three SM-FDAs, the RDA and four HDAs.
std::vector<AcceleratorStyle> table3_styles();

// Parameters of the execution model, with documented defaults.
struct ExecutionParams {
  double clock_ghz = 1.0;
  int bytes_per_element = 1;           // 8-bit operands
  std::int64_t l1_bytes_per_pe = 512;  // a constraint, as in the directive model
  std::int64_t vector_width = 1;
  std::int64_t noc_latency_cycles = 1;
  // Layout rearrangement when consecutive layers of a model run on cores of different dataflows
  // (Herald assumes a rearrange buffer; 0 = free, the paper's evaluation setting).
  double rearrange_cycles_per_byte = 0;
  double rearrange_pj_per_byte = 0;
  // RDA (MAERI-style): reconfiguration when the dataflow changes, and the extra energy of its
  // flexible interconnect. Herald reports MAERI needing 11.7 % more energy than an NVDLA-style
  // FDA on average; mosaic charges it as a factor on the on-chip energy.
  double rda_reconfig_cycles = 1000;
  double rda_reconfig_pj_per_pe = 0.23;  // one MAC-energy per PE (switch) reconfigured
  double rda_energy_overhead = 0.117;
  // The sub-accelerator model (cost/SubAccelerator.h, default mode of `mosaic herald`): each
  // core's own buffer per PE (Eyeriss's 108 KiB over 168 PEs) and its local network in elements
  // per PE and cycle.
  double subacc_buffer_bytes_per_pe = 108.0 * 1024.0 / 168.0;
  double local_elements_per_pe_cycle = 1.0;
};

// The interconnect of an accelerator: a point-to-point link (two ends) or a bus (more ends)
// between cores (indices into Accelerator::cores) and the global buffer (kGlobalBufferEnd), with
// its bandwidth and its energy per byte moved (0 when the cost analysis charges it elsewhere, as
// the directive analysis charges Herald's NoC per element).
inline constexpr int kGlobalBufferEnd = -1;
// A multi-core (Stream) file's connection states how the bandwidth is shared: a point-to-point
// link has its full bandwidth in each direction, a bus (`shared_medium`) is one medium for all
// its ends and both directions; its energy is per active cycle at full bandwidth.
struct Link {
  std::string name;
  std::vector<int> ends;
  double bytes_per_cycle = 0;
  double pj_per_byte = 0;
  bool shared_medium = false;
  double pj_per_active_cycle = 0;
};

// A buffer shared by some cores (all of them when `cores` is empty), beyond the global buffer.
// In a multi-core (Stream) file: a top memory that the listed cores' files all declare under
// `name` and use as one instance (`core_memory_sharing`).
struct SharedBuffer {
  std::string name;
  std::int64_t bytes = 0;
  std::vector<int> cores;
};

// One accelerator type for every analysis: cores (each with its directive view and, when given,
// its loop-nest view), the interconnect (links and buses), shared buffers and the off-chip port.
// Herald's classes and styles (build_accelerator), Herald accelerator files (read_accelerator),
// ZigZag hardware files (loop_nest_accelerator) and Stream's multi-core files
// (arch/StreamAccelerator.h: read_stream_multicore) all build it.
struct Accelerator {
  std::string name;
  AcceleratorStyle style;
  std::vector<Core> cores;  // each with dataflow, num_pes, noc_bw (elements/cycle),
                            // offchip_bw (its share of DRAM, elements/cycle)
  std::vector<Link> links;  // Herald: one link per core from the global buffer (its NoC share)
  std::vector<SharedBuffer> buffers;     // shared buffers besides the global one
  std::int64_t global_buffer_bytes = 0;  // the buffer every core shares
  double dram_bw = 0;                    // the off-chip port: elements per cycle, total
  ExecutionParams params;
  // Multi-core (Stream) files: the core that stands for the off-chip memory (-1: none) and the
  // file read.
  int offchip_core = -1;
  std::string source_file;
};

// A one-core accelerator of a loop-nest hardware description (its DRAM is the top memory level
// of the core's hierarchy: no global buffer, no links).
Accelerator loop_nest_accelerator(LoopNestHardware hw);

// A partition of PEs and global bandwidth (GB/s) over the cores of a style (Definition 1:
// the PEs add up to the class total, and so does the bandwidth).
struct Partition {
  std::vector<std::int64_t> pes;
  std::vector<double> bw_gbps;
  // Optional per-core sub-accelerator buffer (bytes per PE) and local network (elements per PE
  // and cycle); empty or 0 = ExecutionParams'.
  std::vector<double> buffer_bytes_per_pe = {};
  std::vector<double> local_bw_per_pe = {};
  // Optional per-core loop-nest views (an accelerator file's `hw` and `mapping`): given to the
  // built cores as Core::loop_nest and Core::loop_nest_mappings; empty or unset = none.
  std::vector<std::optional<LoopNestHardware>> loop_nest = {};
  std::vector<std::optional<dataflow::LoopNestMappingSet>> loop_nest_mappings = {};
};

// Builds the accelerator for a class, a style and a partition (FDA and RDA: one core with
// everything; SM-FDA: equal shares when `partition` is empty). Checks the sums; throws UserError
// when a share is zero or the sums differ from the totals.
Accelerator build_accelerator(const AcceleratorClass& cls, const AcceleratorStyle& style,
                              const Partition& partition, const ExecutionParams& params = {});

// The even partition of a style (used for FDA, SM-FDA, RDA and as a starting point).
Partition even_partition(const AcceleratorClass& cls, const AcceleratorStyle& style);

// Reads an accelerator description (YAML):
//   name: my-hda
//   global_buffer_bytes: 4194304
//   dram_gbps: 16
//   clock_ghz: 1.0            # optional
//   bytes_per_element: 1      # optional
//   cores:
//     - {name: nvdla, dataflow: kcp_ws, pes: 128, noc_gbps: 4}
//     - {name: shi, dataflow: shi_os, pes: 896, noc_gbps: 12}
// A core may also give `buffer_bytes_per_pe` and `local_bw_per_pe` (its sub-accelerator buffer
// and local network; default ExecutionParams'), and a loop-nest view: `hw`, a ZigZag hardware
// file (its memory hierarchy and operational array; `pes` then defaults to the array's units and,
// when given, must equal them) and `mapping`, a ZigZag mapping file for it. Relative paths are
// relative to the accelerator file's directory.
Accelerator read_accelerator(const std::filesystem::path& path);

// The same file as a class (its totals), a style (its dataflows) and the partition the file
// gives, so that the file's design can be scheduled beside the baselines of its class.
struct AcceleratorSpec {
  std::string name;
  AcceleratorClass cls;
  AcceleratorStyle style;
  Partition partition;
  ExecutionParams params;
};
AcceleratorSpec read_accelerator_spec(const std::filesystem::path& path);

}  // namespace mosaic::arch
