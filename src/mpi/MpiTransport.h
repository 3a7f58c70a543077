// The MPI implementation of search::ChunkTransport (mosaic-mpi only; the plain mosaic does not
// link MPI). Rank 0 is the leader: it hands out batches of chunk indices to the ranks that ask
// and receives their payloads; it alone writes outputs and the result store. Every other rank
// is a worker that computes chunks with its own oneTBB threads.
//
// Messages (MPI_COMM_WORLD, point to point):
//   worker -> leader  READY   int32 threads              once, when the worker starts serving
//   leader -> worker  WORK    int64 indices[] (as bytes)   a batch of chunks
//   leader -> worker  TASK    [int64 index, uint64 n, n bytes]...   a batch of requests
//   worker -> leader  RESULT  [int64 index, uint64 n, n bytes]...   the batch's payloads
//   worker -> leader  ERROR   text                       the worker failed (UserError text)
//   leader -> worker  STOP    empty                      the run is over
// Both sides poll (MPI_Iprobe and a short sleep) instead of blocking, so that an idle rank does
// not spin a core (the ranks share cores with the workers' threads) and the leader notices
// Ctrl-C between messages.
#pragma once

#include <mpi.h>

#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "search/ChunkTransport.h"

namespace mosaic::mpi {

class MpiTransport final : public search::ChunkTransport {
 public:
  MpiTransport();  // after MPI_Init
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void compute(const std::vector<std::int64_t>& indices, const Done& done,
               const std::function<bool()>& stop) override;
  void compute_requests(const std::vector<std::string>& requests, const Done& done,
                        const std::function<bool()>& stop) override;
  void serve_requests(const ServeOne& compute_one, int threads) override;
  int worker_threads() const override;

  // Leader: tells every worker that the run is over.
  void stop_workers();
  // Leader: whether any chunk was handed out (then an early exit must abort the workers).
  bool dispatched() const { return dispatched_; }

 private:
  // Hands out batches of chunks 0..n-1 (send(worker, first, count) sends one) and receives the
  // payloads; what compute() and compute_requests() share.
  using SendBatch = std::function<void(int worker, std::int64_t first, std::int64_t count)>;
  void dispatch(std::int64_t n, const SendBatch& send, const Done& done,
                const std::function<bool()>& stop);

  int rank_ = 0, size_ = 1;
  std::vector<int> threads_;  // per rank, 0 = not ready yet
  std::deque<int> idle_;      // ranks ready for a batch (twice: one computing, one queued)
  bool stopped_ = false;
  bool dispatched_ = false;
  // Leader: batches sent without blocking (a blocking send of a large batch to a busy worker
  // spins in Open MPI's progress loop until the worker receives it, taking the core the worker
  // needs), with their buffers, until MPI completes them.
  std::deque<std::pair<MPI_Request, std::string>> sending_;
  void send_batch(std::string&& bytes, int worker, int tag);
  void reap_sends();
};

}  // namespace mosaic::mpi
