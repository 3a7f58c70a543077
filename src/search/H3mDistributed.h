// H3M under mosaic-mpi (docs/scale-out.md): the search stays on rank 0 (its memo, its best, its
// convergence curve, CMA-ES's state), and each batch of new designs it asks for (an exhaustive
// or random batch, a CMA-ES generation) is evaluated on the worker ranks instead of locally. A
// request is a run of up to 16 designs: the run they belong to (its space), a fingerprint of that
// space, and each design's slots; the reply is their figures. Rank 0 applies the replies in batch
// order, so the search is the one of a single process whatever the number of ranks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "search/H3m.h"

namespace mosaic::search {

class ChunkTransport;

// The space of the run `run` of the configuration: "h3m" (the searched space), "homogeneous",
// "fixed_granularity_hda". Throws InternalError for another name.
H3mSpace h3m_run_space(const H3mConfig& config, const std::string& run);

// Leader: evaluates `cs` (designs of the run `run`, whose space is `space`) on the transport's
// workers; the evaluations in order. Fewer (a prefix of `cs`) when `stop()` turned true first.
std::vector<H3mEvaluation> evaluate_h3m_remote(ChunkTransport& transport, const H3mConfig& config,
                                               const std::string& run, const H3mSpace& space,
                                               const std::vector<H3mChoice>& cs,
                                               const std::function<bool()>& stop);

// The request and reply of one design (exposed for tests).
std::string encode_h3m_request(const std::string& run, const H3mSpace& space, const H3mChoice& c);
std::string encode_h3m_reply(const H3mEvaluation& e);
H3mEvaluation decode_h3m_reply(const std::string& payload, const H3mSpace& space,
                               const arch::Platform& platform, const H3mChoice& c);

}  // namespace mosaic::search
