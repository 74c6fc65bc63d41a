// The kernel variant a node ran on the shadow device, read from its trace (the kernels it launched
// and the library calls it made, calibrate/node_record.h NodeRecord::trace), for the op families
// whose estimators name a variant the trace can tell apart. A shadow record then checks the choice
// as well as the bytes: the binary's dispatch is ground truth even where a library's size is not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calibrate/node_record.h"
#include "wsest/estimate.h"

namespace wsest::calibrate {

// "cpu_ep" when ORT placed the node on the CPU EP (any record that says where it ran); else, for a
// shadow record of an attention op, the variant as wsest's estimators name it ("cudnn_sdpa", "flash",
// "memory_efficient", "lean", "xqa", "decoder_masked", "trt_fused", "unfused"); nullopt when neither
// says (another op on the CUDA EP, or a trace that names no known kernel).
std::optional<std::string> ObservedVariant(const NodeRecord& record);

// The estimator's variant in the same vocabulary (TensorRT's causal and cross kernels count as
// "trt_fused": the trace tells TensorRT kernels from others, not from each other).
std::string ComparableVariant(const std::string& variant);

// Whether `estimate` allows `observed`: its own variant, or, for an upper bound over the kernels the
// EP may pick at run time, any feasible candidate. With nothing observed, an estimate that puts a
// node on the CPU EP must not contradict a record that ran it on the CUDA EP.
bool EstimateAllows(const Estimate& estimate, const std::optional<std::string>& observed, const NodeRecord& record);

}  // namespace wsest::calibrate
