#include "mpi/MpiTransport.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/Error.h"
#include "search/Progress.h"

namespace mosaic::mpi {

namespace {

enum Tag : int { kReady = 1, kWork = 2, kResult = 3, kError = 4, kStop = 5, kTask = 6 };

// Polls for a message from `source` (MPI_ANY_SOURCE allowed); false when `stop()` turned true.
bool wait_message(int source, MPI_Status& st, const std::function<bool()>& stop) {
  int flag = 0;
  auto pause = std::chrono::microseconds(20);
  for (;;) {
    MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag != 0) return true;
    if (stop && stop()) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

// Sends without spinning: MPI_Isend, then MPI_Test with the same sleeps as wait_message (a
// blocking MPI_Send of a message above the eager limit busy-waits until the receiver takes it).
void send_polling(const void* data, int bytes, int dest, int tag) {
  MPI_Request req;
  MPI_Isend(data, bytes, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req);
  int flag = 0;
  auto pause = std::chrono::microseconds(20);
  for (;;) {
    MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
    if (flag != 0) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

std::string receive_bytes(const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::string buf(static_cast<std::size_t>(n), '\0');
  MPI_Recv(buf.data(), n, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return buf;
}

template <class T>
void append(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
T take(const std::string& in, std::size_t& pos) {
  if (pos + sizeof(T) > in.size()) throw InternalError("mosaic-mpi: truncated result message");
  T v;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

}  // namespace

MpiTransport::MpiTransport() {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  threads_.assign(static_cast<std::size_t>(size_), 0);
}

int MpiTransport::worker_threads() const {
  int n = 0;
  for (int t : threads_) n += t;
  return n;
}

void MpiTransport::compute(const std::vector<std::int64_t>& indices, const Done& done,
                           const std::function<bool()>& stop) {
  dispatch(
      static_cast<std::int64_t>(indices.size()),
      [&](int w, std::int64_t first, std::int64_t count) {
        send_batch(std::string(reinterpret_cast<const char*>(indices.data() + first),
                               static_cast<std::size_t>(count) * sizeof(std::int64_t)),
                   w, kWork);
      },
      done, stop);
}

void MpiTransport::compute_requests(const std::vector<std::string>& requests, const Done& done,
                                    const std::function<bool()>& stop) {
  dispatch(
      static_cast<std::int64_t>(requests.size()),
      [&](int w, std::int64_t first, std::int64_t count) {
        std::string msg;
        for (std::int64_t i = first; i < first + count; ++i) {
          const auto& r = requests[static_cast<std::size_t>(i)];
          append(msg, i);
          append(msg, static_cast<std::uint64_t>(r.size()));
          msg += r;
        }
        send_batch(std::move(msg), w, kTask);
      },
      done, stop);
}

void MpiTransport::send_batch(std::string&& bytes, int worker, int tag) {
  sending_.emplace_back(MPI_REQUEST_NULL, std::move(bytes));
  auto& [req, buf] = sending_.back();  // a deque keeps the buffer in place
  MPI_Isend(buf.data(), static_cast<int>(buf.size()), MPI_BYTE, worker, tag, MPI_COMM_WORLD, &req);
}

void MpiTransport::reap_sends() {
  while (!sending_.empty()) {
    int flag = 0;
    MPI_Test(&sending_.front().first, &flag, MPI_STATUS_IGNORE);
    if (flag == 0) return;
    sending_.pop_front();
  }
}

void MpiTransport::dispatch(std::int64_t n, const SendBatch& send, const Done& done,
                            const std::function<bool()>& stop) {
  std::int64_t next = 0;
  int outstanding = 0;
  MPI_Status st;
  while (next < n || outstanding > 0) {
    // Hand out batches: about a quarter of each worker's fair share of what is left, at most
    // eight chunks per thread, so that the end of the list spreads over every rank. A worker
    // holds up to two batches (it is in idle_ twice after READY): the next one is queued while
    // it computes, which hides the round trip (long on a loaded node, where a rank that sleeps
    // waits for a core to wake up).
    while (!idle_.empty() && next < n) {
      const int w = idle_.front();
      idle_.pop_front();
      const std::int64_t fair = (n - next) / (4 * std::max(1, workers()));
      const std::int64_t batch =
          std::clamp<std::int64_t>(fair, 1, 8 * std::max(1, threads_[static_cast<std::size_t>(w)]));
      send(w, next, batch);
      next += batch;
      ++outstanding;
      dispatched_ = true;
    }
    reap_sends();
    if (!wait_message(MPI_ANY_SOURCE, st, stop)) return;
    const int src = st.MPI_SOURCE;
    const std::string msg = receive_bytes(st);
    if (st.MPI_TAG == kReady) {
      std::int32_t t = 1;
      std::memcpy(&t, msg.data(), std::min(msg.size(), sizeof t));
      threads_[static_cast<std::size_t>(src)] = std::max(1, t);
      idle_.push_back(src);
      idle_.push_back(src);
    } else if (st.MPI_TAG == kResult) {
      std::size_t pos = 0;
      const auto count = take<std::uint64_t>(msg, pos);
      for (std::uint64_t i = 0; i < count; ++i) {
        const auto index = take<std::int64_t>(msg, pos);
        const auto len = take<std::uint64_t>(msg, pos);
        if (pos + len > msg.size()) throw InternalError("mosaic-mpi: truncated chunk payload");
        done(index, msg.substr(pos, len));
        pos += len;
      }
      --outstanding;
      idle_.push_back(src);
    } else if (st.MPI_TAG == kError) {
      throw UserError(SourceLocation{}, fmt::format("rank {}: {}", src, msg));
    }
  }
  reap_sends();
}

namespace {

// A batch the leader sent: WORK (bare indices) or TASK (indices with requests).
void receive_batch(const MPI_Status& st, std::vector<std::int64_t>& batch,
                   std::vector<std::string>& requests) {
  batch.clear();
  requests.clear();
  if (st.MPI_TAG == kWork) {
    const std::string msg = receive_bytes(st);  // native int64 indices
    batch.resize(msg.size() / sizeof(std::int64_t));
    std::memcpy(batch.data(), msg.data(), batch.size() * sizeof(std::int64_t));
    requests.resize(batch.size());
    return;
  }
  const std::string msg = receive_bytes(st);
  std::size_t pos = 0;
  while (pos < msg.size()) {
    batch.push_back(take<std::int64_t>(msg, pos));
    const auto len = take<std::uint64_t>(msg, pos);
    if (pos + len > msg.size()) throw InternalError("mosaic-mpi: truncated request");
    requests.push_back(msg.substr(pos, len));
    pos += len;
  }
}

}  // namespace

void MpiTransport::serve_requests(const ServeOne& compute_one, int threads) {
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  const std::int32_t t = arena.max_concurrency();
  MPI_Send(&t, 1, MPI_INT32_T, 0, kReady, MPI_COMM_WORLD);
  MPI_Status st;
  std::vector<std::int64_t> batch;
  std::vector<std::string> requests;
  for (;;) {
    if (!wait_message(0, st, [] { return search::InterruptGuard::interrupted(); })) return;
    if (st.MPI_TAG == kStop) {
      MPI_Recv(nullptr, 0, MPI_BYTE, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    receive_batch(st, batch, requests);
    std::vector<std::string> out(batch.size());
    try {
      arena.execute([&] {
        tbb::parallel_for(std::size_t{0}, batch.size(),
                          [&](std::size_t i) { out[i] = compute_one(batch[i], requests[i]); });
      });
    } catch (const std::exception& e) {  // reported by the leader, which ends the run
      const std::string text = e.what();
      send_polling(text.data(), static_cast<int>(text.size()), 0, kError);
      continue;
    }
    std::string msg;
    append(msg, static_cast<std::uint64_t>(batch.size()));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      append(msg, batch[i]);
      append(msg, static_cast<std::uint64_t>(out[i].size()));
      msg += out[i];
    }
    send_polling(msg.data(), static_cast<int>(msg.size()), 0, kResult);
  }
}

void MpiTransport::stop_workers() {
  if (stopped_ || rank_ != 0) return;
  stopped_ = true;
  for (int w = 1; w < size_; ++w) MPI_Send(nullptr, 0, MPI_BYTE, w, kStop, MPI_COMM_WORLD);
}

}  // namespace mosaic::mpi
