// A 256-PE accelerator in MAESTRO's hardware-file format (sizes and bandwidths in elements).
num_pes: 256
l1_size_cstr: 512
l2_size_cstr: 108000
noc_bw_cstr: 64
offchip_bw_cstr: 16
