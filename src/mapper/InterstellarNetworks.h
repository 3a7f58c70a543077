// The benchmarks of Interstellar's studies as loop-nest layers (16-bit operands): AlexNet, VGG-16,
// GoogLeNet (Inception v1), MobileNet (v1, 224) and the LSTM / RHN / MLP workloads of Table VI.
// Only CONV and FC layers (the layers Interstellar maps); grouped AlexNet layers use their
// per-group channel counts (C = 48 for conv2), as Interstellar's own AlexNet does. Depthwise layers
// use a G (channel) loop instead of C and K. Recurrent cells are one GEMM per time step: LSTM with
// embedding E: C = 2E (input and hidden), K = 4E (four gates); RHN: C = 2E, K = 2E (two gates).
#pragma once

#include <string>
#include <vector>

#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {

// Names: alexnet, vgg16, googlenet, mobilenet, lstm-m, lstm-l, rhn, mlp-m, mlp-l, and single
// layers alexnet-conv3, mobilenet-conv14 (depthwise), mobilenet-conv15 (pointwise).
// batch <= 0 uses the paper's batch (16 for CNNs, 128 for LSTMs and MLPs).
std::vector<workload::EinsumLayer> interstellar_network(const std::string& name, int batch = 0);
std::vector<std::string> interstellar_network_names();

// Builders (16-bit, O_final = O = 16 bits).
workload::EinsumLayer conv_layer(const std::string& name, int batch, int k, int c, int out_y,
                                 int out_x, int fy, int fx, int stride, int in_y, int in_x);
workload::EinsumLayer depthwise_layer(const std::string& name, int batch, int g, int out_y,
                                      int out_x, int fy, int fx, int stride, int in_y, int in_x);
workload::EinsumLayer fc_layer(const std::string& name, int batch, int k, int c);

}  // namespace mosaic::mapper
