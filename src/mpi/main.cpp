// mosaic-mpi: the verbs of mosaic with their sweeps (dse, herald, h3m, map, stream) spread over MPI
// ranks. Rank 0 runs the verb as `mosaic` would and hands the chunks to the other ranks; the other
// ranks run the same argument parsing and setup, then serve chunks. Verbs without a distributed
// sweep run on rank 0 alone (the other ranks exit at once).
#include <mpi.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/Commands.h"
#include "cli/Front.h"
#include "mpi/MpiTransport.h"
#include "search/ChunkTransport.h"

namespace {

// mpirun turns Ctrl-C into SIGCONT, then (after odls_base_sigkill_timeout, 1 s by default)
// SIGTERM for every rank, then SIGKILL after the same delay. On rank 0 it becomes the SIGINT the
// verbs handle (search::InterruptGuard): stop handing out work, commit the finished chunks or
// write the best so far, exit (MPI_Abort then ends the workers). Workers ignore SIGTERM: one
// that died of it would make Open MPI end the job at once, before rank 0 has written anything
// (measured: no h3m outputs), and one that left serving and called MPI_Finalize during the abort
// crashed mpirun's PMIx teardown. SIGKILL still ends them. Raising a signal is
// async-signal-safe.
void on_sigterm(int) {
  std::raise(SIGINT);
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  // Only the main thread calls MPI (the TBB threads compute chunks, never communicate).
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  mosaic::mpi::MpiTransport transport;
  mosaic::search::set_chunk_transport(&transport);
  const std::string verb = argc >= 2 ? argv[1] : "";
  const bool distributed =
      verb == "dse" || verb == "herald" || verb == "h3m" || verb == "map" || verb == "stream";
  std::signal(SIGTERM, transport.leader() ? on_sigterm : SIG_IGN);
  if (!transport.leader()) {
    if (!distributed) {
      MPI_Finalize();
      return 0;
    }
    // Workers print nothing: the leader reports for the run (a worker's error reaches it as a
    // message). MOSAIC_MPI_WORKER_LOG=1 keeps their output for debugging.
    if (std::getenv("MOSAIC_MPI_WORKER_LOG") == nullptr) {
      if (std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
      if (std::freopen("/dev/null", "w", stderr) == nullptr) return 1;
    }
  }
  const int rc = mosaic::cli::run_main(argc, argv);
  if (transport.leader()) {
    std::fflush(stdout);
    std::fflush(stderr);
    // Interrupted or failed with chunks still at the workers: end every rank now (the finished
    // chunks are in the store already).
    if (rc != 0 && transport.dispatched()) MPI_Abort(MPI_COMM_WORLD, rc);
    transport.stop_workers();
  }
  MPI_Finalize();
  return rc;
}
