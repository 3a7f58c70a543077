// Checksums of the result store's records (ResultStore.h): a byte flipped on disk inside a stored
// chunk is detected on read, the chunk is recomputed with a warning, and the final results equal
// an undamaged run's; version-1 stores (no checksum column) are upgraded in place.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "TestJson.h"
#include "TestSupport.h"
#include "search/ResultStore.h"

namespace mosaic::search {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_json;

// The payload of the record at position `nth` (in seq order) of the first run in the store file.
std::string stored_payload(const fs::path& db, int nth) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.string().c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h, "SELECT payload FROM records ORDER BY run, seq LIMIT 1 OFFSET ?1", -1, &s,
                     nullptr);
  sqlite3_bind_int(s, 1, nth);
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW)
    out.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)),
               static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// Flips one byte of `payload` where it lies in the file (a 24-byte window of it found exactly
// once, so the byte is certainly inside that record); false when no such window exists.
bool flip_byte_in_file(const fs::path& db, const std::string& payload) {
  EXPECT_FALSE(fs::exists(db.string() + "-wal") && fs::file_size(db.string() + "-wal") > 0)
      << "the WAL was not checkpointed";
  std::string bytes = test::read_file(db);
  constexpr std::size_t kWindow = 24;
  for (std::size_t at = payload.size() / 2; at + kWindow <= payload.size(); at += 8) {
    const std::string w = payload.substr(at, kWindow);
    const auto first = bytes.find(w);
    if (first == std::string::npos || bytes.find(w, first + 1) != std::string::npos) continue;
    bytes[first + kWindow / 2] = static_cast<char>(bytes[first + kWindow / 2] ^ 0x5a);
    std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes;
    return true;
  }
  return false;
}

TEST(StoreChecksum, AFlippedByteIsDetectedAndTheRecordRewritten) {
  test::TempDir d;
  const fs::path db = d.path() / "s.sqlite";
  std::string payload;
  for (int i = 0; i < 64; ++i) payload += "payload-" + std::to_string(i * 7919) + ";";
  {
    auto st = ResultStore::open(db);
    const auto run = st.open_run("dse", "cfg").id;
    st.put(run, {{"a", 0, payload}, {"b", 1, "another record"}});
  }
  ASSERT_TRUE(flip_byte_in_file(db, payload));
  auto st = ResultStore::open(db);
  const auto run = st.open_run("dse", "cfg").id;
  EXPECT_FALSE(st.get(run, "a").has_value());  // damaged: reported absent
  EXPECT_EQ(st.corrupt_records(), 1);
  EXPECT_EQ(st.get(run, "b")->payload, "another record");
  int seen = 0;
  st.for_each(run, [&](const ResultStore::Record&) { ++seen; });
  EXPECT_EQ(seen, 1);  // the damaged one skipped
  EXPECT_EQ(st.corrupt_records(), 2);
  st.put(run, {{"a", 0, payload}});  // recomputed and rewritten
  EXPECT_EQ(st.get(run, "a")->payload, payload);
  EXPECT_EQ(st.corrupt_records(), 2);
}

TEST(StoreChecksum, ChecksumCoversKeySeqAndPayload) {
  const auto base = ResultStore::record_checksum("k", 3, "payload");
  EXPECT_NE(base, ResultStore::record_checksum("j", 3, "payload"));
  EXPECT_NE(base, ResultStore::record_checksum("k", 4, "payload"));
  EXPECT_NE(base, ResultStore::record_checksum("k", 3, "paylaod"));
  EXPECT_NE(ResultStore::record_checksum("ab", 0, "c"), ResultStore::record_checksum("a", 0, "bc"));
  EXPECT_EQ(base, ResultStore::record_checksum("k", 3, "payload"));
}

TEST(StoreChecksum, VersionOneStoresAreUpgradedAndReadUnchecked) {
  test::TempDir d;
  const fs::path db = d.path() / "v1.sqlite";
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.string().c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(
                h,
                "CREATE TABLE store_info(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "INSERT INTO store_info VALUES('schema','1');"
                "CREATE TABLE runs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, hash TEXT NOT NULL, "
                "config TEXT NOT NULL, created TEXT NOT NULL DEFAULT '', UNIQUE(kind, hash));"
                "CREATE TABLE records(run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
                "key TEXT NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL, "
                "PRIMARY KEY(run, key)) WITHOUT ROWID;"
                "CREATE TABLE run_meta(run INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT "
                "NULL, PRIMARY KEY(run, name)) WITHOUT ROWID;",
                nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  auto st = ResultStore::open(db);
  const auto run = st.open_run("dse", "cfg");
  ASSERT_TRUE(run.created);
  // An old record (no checksum) is read as it is; a new one carries its checksum.
  ASSERT_EQ(sqlite3_open(db.string().c_str(), &h), SQLITE_OK);
  const std::string ins = "INSERT INTO records(run, key, seq, payload) VALUES(" +
                          std::to_string(run.id) + ", 'old', 0, 'legacy')";
  ASSERT_EQ(sqlite3_exec(h, ins.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
  EXPECT_EQ(st.get(run.id, "old")->payload, "legacy");
  st.put(run.id, {{"new", 1, "fresh"}});
  EXPECT_EQ(st.get(run.id, "new")->payload, "fresh");
  EXPECT_EQ(st.corrupt_records(), 0);
}

// A run, a byte flipped in its second stored chunk, the same command again: the chunk is
// recomputed with a warning and every output equals the undamaged run's.
void check_recomputed(const std::string& args, const std::string& verb, const std::string& store,
                      const std::vector<std::string>& timing_keys) {
  test::TempDir d;
  auto r = test::run_mosaic(args + " --out clean --no-store", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_mosaic(args + " --out damaged", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path db = d.path() / "damaged" / store;
  const std::string payload = stored_payload(db, 1);
  ASSERT_GT(payload.size(), 24u);
  ASSERT_TRUE(flip_byte_in_file(db, payload));
  r = test::run_mosaic(args + " --out damaged", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: " + verb +
                       ": 1 stored chunk(s) failed their checksum (damaged in damaged/" + store +
                       ") and were recomputed"),
            std::string::npos)
      << r.err;
  auto comparable = [&](json s) {
    for (const auto& k : timing_keys) s.erase(k);
    return s;
  };
  EXPECT_EQ(comparable(read_json(d.path() / "clean/summary.json")),
            comparable(read_json(d.path() / "damaged/summary.json")));
  for (const char* f : {"pareto.csv", "designs.csv", "schedule.json"}) {
    if (!fs::exists(d.path() / "clean" / f)) continue;
    EXPECT_EQ(test::read_file(d.path() / "clean" / f), test::read_file(d.path() / "damaged" / f))
        << f;
  }
  // The recomputed chunk was rewritten: a third run reads everything back without a warning.
  r = test::run_mosaic(args + " --out damaged", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("checksum"), std::string::npos) << r.err;
}

TEST(StoreChecksum, DseRecomputesADamagedChunk) {
  check_recomputed(
      "dse --mapping '" + (test::source_dir() / "examples/networks/vgg16.m").string() +
          "' --layer CONV11 --dataflow kcp_ws,rs --pes 16:256:16 --bw 4:128:4 --area-mm2 16 "
          "--power-mw 450 --threads 1 --quiet",
      "dse", "dse.sqlite", {"wall_seconds", "threads", "rates", "session"});
}

TEST(StoreChecksumSlow, HeraldRecomputesADamagedChunk) {
  check_recomputed(
      "herald --workload arvr-a --class edge --styles 'nvdla,shi' --granularity 8 "
      "--search exhaustive --threads 1 --quiet",
      "herald", "herald.sqlite", {"search"});
}

}  // namespace
}  // namespace mosaic::search
