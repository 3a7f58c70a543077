#include "search/ChunkTransport.h"

namespace mosaic::search {

namespace {
ChunkTransport* g_transport = nullptr;
}

ChunkTransport* chunk_transport() {
  return g_transport;
}

void set_chunk_transport(ChunkTransport* t) {
  g_transport = t;
}

}  // namespace mosaic::search
