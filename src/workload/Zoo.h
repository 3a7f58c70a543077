// The built-in model zoo: published networks as mosaic layer tables (no files needed).
//
// Each model is built at its own published input size and batch (1 for the CNNs, 128 for the
// Interstellar LSTM/MLP benchmarks, whose batch is part of their definition). Padding follows the
// framework the network was published in (PyTorch / Caffe symmetric padding, TensorFlow "SAME"
// padding for the TensorFlow models), so MAC counts equal what the framework computes.
// docs/workloads.md lists every model with its source and MAC count; tests/workload/ZooTest.cpp
// checks every count against an independent one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "workload/Model.h"

namespace mosaic::workload {

struct ZooInfo {
  std::string name;    // e.g. "resnet50"
  std::string task;    // "classification", "detection", "segmentation", ...
  std::string input;   // e.g. "3x224x224"
  std::string source;  // the publication / reference implementation the table follows
  std::string notes;   // what is modelled and how (stand-ins say what they stand in for)
};

// Every zoo model, in a fixed order.
const std::vector<ZooInfo>& zoo_catalog();
bool is_zoo_model(std::string_view name);
// Builds a zoo model (names are case-insensitive; '-' and '_' are interchangeable). Throws
// UserError listing the known names.
Model zoo_model(std::string_view name);

}  // namespace mosaic::workload
