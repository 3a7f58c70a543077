// The distribution layer of chunked sweeps: where the chunks of a sweep are computed when the
// run spans several processes (mosaic-mpi). A verb whose work is a list of chunks with stable
// indices (the DSE's outer loops, Herald's design points) plugs in by giving two things: on the
// leader, the indices still to compute (those its result store lacks) and a decoder of a chunk's
// payload; on every other process, a function that computes one chunk index into a payload (the
// same bytes the verb stores). The transport moves indices one way and payloads the other; it
// knows nothing of the verb.
//
// A search whose candidates are chosen as it goes (H3M's CMA-ES generations, its random and
// exhaustive batches; map's layers) sends requests instead of bare indices: compute_requests()
// hands each worker the request bytes (e.g. an encoded design) with its position in the batch,
// and the worker's serve function receives them.
//
// The plain `mosaic` executable has no transport (chunk_transport() is null) and does not link
// MPI; `mosaic-mpi` installs one before running the same verb code.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mosaic::search {

class ChunkTransport {
 public:
  virtual ~ChunkTransport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool leader() const { return rank() == 0; }
  // Processes that compute chunks (every one but the leader).
  int workers() const { return size() - 1; }

  // Leader: computes the chunks `indices` on the workers, handing out small batches to whichever
  // worker asks (so fast and slow nodes balance). `done(index, payload)` is called on this
  // thread for every finished chunk, in any order. Returns when all are done, or soon after
  // `stop()` turns true (some then missing). Throws UserError when a worker reports an error.
  using Done = std::function<void(std::int64_t index, std::string&& payload)>;
  virtual void compute(const std::vector<std::int64_t>& indices, const Done& done,
                       const std::function<bool()>& stop) = 0;

  // Leader: the same with a request per chunk; `done(i, payload)` gets the position i in
  // `requests`. A transport keeps its workers between calls (a search calls it once a batch).
  virtual void compute_requests(const std::vector<std::string>& requests, const Done& done,
                                const std::function<bool()>& stop) = 0;

  // Worker: computes the chunks the leader sends, with `threads` threads (0 = all), until the
  // leader ends the run. `compute_one(index, request)` must be thread-safe; `request` is empty
  // for the chunks of compute().
  using ServeOne = std::function<std::string(std::int64_t index, const std::string& request)>;
  virtual void serve_requests(const ServeOne& compute_one, int threads) = 0;
  void serve(const std::function<std::string(std::int64_t index)>& compute_one, int threads) {
    serve_requests([&](std::int64_t index, const std::string&) { return compute_one(index); },
                   threads);
  }

  // Total worker threads (as the workers reported them; 0 before the first compute()).
  virtual int worker_threads() const = 0;
};

// The transport of this process; nullptr in the plain executable.
ChunkTransport* chunk_transport();
void set_chunk_transport(ChunkTransport* t);

}  // namespace mosaic::search
