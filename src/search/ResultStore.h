// An embedded result store (SQLite, one file, no server) for searches that must survive a kill
// and resume: a run is identified by its kind and a hash of its configuration text; its records
// are keyed by a design-point key and carry an opaque payload (binary or JSON text).
//
// Every write is one transaction, so a kill at any moment (SIGKILL, power loss) leaves either the
// whole batch or none of it; the database is in WAL mode with synchronous=NORMAL (a crash of the
// process never loses a committed batch; a power cut may lose the last ones, never consistency).
//
// Schema (version 2):
//   runs(id, kind, hash, config, created)               one row per configuration
//   records(run, key, seq, payload, checksum)   PRIMARY KEY(run, key)   the results
//   run_meta(run, name, value)        PRIMARY KEY(run, name)  free-form state (e.g. "complete")
// `checksum` is the FNV-1a 64 of the key, the seq and the payload (record_checksum), written
// with every record and checked on every read: a record that fails it (a flipped bit on disk)
// is reported as absent, so the search recomputes and rewrites it, and counted
// (corrupt_records) for the caller's warning. A version-1 store gains the column when opened;
// its old records have none and are read unchecked. A store SQLite itself finds malformed is a
// UserError naming the file.
// Records are read back in (seq, key) order; `seq` is the caller's ordering (e.g. the index of
// the design point in the sweep).
//
// Several processes may open the same file (SQLite locking, 10 s busy timeout); one object must
// not be used from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/Hash.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mosaic::search {

class ResultStore {
 public:
  // Opens (creating when absent) the store at `path`. Throws UserError when the file cannot be
  // opened or is not a mosaic store.
  static ResultStore open(const std::filesystem::path& path);
  // An in-memory store (tests).
  static ResultStore open_in_memory();

  ResultStore(ResultStore&& other) noexcept;
  ResultStore& operator=(ResultStore&& other) noexcept;
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;
  ~ResultStore();

  struct Run {
    std::int64_t id = 0;
    std::string hash;      // 16 hex digits
    bool created = false;  // false: the run existed (resume)
  };
  // The run of this kind and configuration, created when new. The hash is of `config`; a stored
  // run with the same hash but another configuration text is an error (a hash collision).
  Run open_run(std::string_view kind, std::string_view config);
  static std::string config_hash(std::string_view config);

  struct Record {
    std::string key;
    std::int64_t seq = 0;
    std::string payload;
  };
  // Inserts or replaces the records in one transaction.
  void put(std::int64_t run, const std::vector<Record>& records);
  // The record, or nothing when absent or when its checksum fails (counted).
  std::optional<Record> get(std::int64_t run, std::string_view key);
  std::int64_t count(std::int64_t run);
  std::unordered_set<std::string> keys(std::int64_t run);
  // The configuration texts of every run of this kind, oldest first.
  std::vector<std::string> run_configs(std::string_view kind);
  // Every record of the run in (seq, key) order (those failing their checksum skipped, counted).
  void for_each(std::int64_t run, const std::function<void(const Record&)>& fn);

  void set_meta(std::int64_t run, std::string_view name, std::string_view value);
  std::optional<std::string> meta(std::int64_t run, std::string_view name);

  // Deletes a run and its records.
  void drop_run(std::int64_t run);

  const std::filesystem::path& path() const { return path_; }

  // How many records failed their checksum since the store was opened.
  std::int64_t corrupt_records() const { return corrupt_; }
  static std::uint64_t record_checksum(std::string_view key, std::int64_t seq,
                                       std::string_view payload);

 private:
  ResultStore() = default;
  void init(const std::string& where);
  void exec(const char* sql);
  sqlite3_stmt* prepare(const char* sql);
  [[noreturn]] void fail(const std::string& what) const;
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  std::int64_t corrupt_ = 0;
  // False when the record is damaged (counted).
  bool verified(const Record& r, sqlite3_stmt* s, int checksum_column);
};

// The runs of `kind` whose configuration (JSON) names another "format" than `format`: results
// of an older (or newer) mosaic, never read by this one since their keys differ.
std::int64_t runs_of_other_format(ResultStore& store, std::string_view kind,
                                  std::string_view format);

}  // namespace mosaic::search
