#include "search/ResultStore.h"

#include <sqlite3.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/Error.h"

namespace mosaic::search {

namespace {

constexpr int kSchemaVersion = 2;

// Finalizes a statement when leaving a scope.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() {
    if (s != nullptr) sqlite3_finalize(s);
  }
};

void bind_text(sqlite3_stmt* s, int i, std::string_view t) {
  sqlite3_bind_text(s, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
  const int n = sqlite3_column_bytes(s, i);
  return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(n));
}

}  // namespace

ResultStore ResultStore::open(const std::filesystem::path& path) {
  ResultStore st;
  st.path_ = path;
  // Not opened through a symbolic link (one planted in an --out directory would redirect every
  // write): the store is named by its own path.
  std::error_code link_ec;
  if (std::filesystem::is_symlink(std::filesystem::symlink_status(path, link_ec)))
    throw UserError(SourceLocation{path.string(), 0, "store"},
                    "the result store is a symbolic link; mosaic does not write through links "
                    "(give the file's own path with --store, or remove the link)");
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (sqlite3_open_v2(path.string().c_str(), &st.db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string msg = st.db_ != nullptr ? sqlite3_errmsg(st.db_) : "out of memory";
    throw UserError(SourceLocation{path.string(), 0, "store"},
                    "cannot open the result store: " + msg);
  }
  st.init(path.string());
  return st;
}

ResultStore ResultStore::open_in_memory() {
  ResultStore st;
  st.path_ = ":memory:";
  if (sqlite3_open_v2(":memory:", &st.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    throw InternalError("cannot open an in-memory SQLite database");
  st.init(":memory:");
  return st;
}

void ResultStore::init(const std::string& where) {
  sqlite3_busy_timeout(db_, 10000);
  try {
    // Not a database at all (or corrupt): the first statement fails.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    exec("BEGIN IMMEDIATE");
    exec(
        "CREATE TABLE IF NOT EXISTS store_info(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "  hash TEXT NOT NULL, config TEXT NOT NULL, created TEXT NOT NULL DEFAULT "
        "  (strftime('%Y-%m-%dT%H:%M:%SZ','now')), UNIQUE(kind, hash));"
        "CREATE TABLE IF NOT EXISTS records(run INTEGER NOT NULL REFERENCES runs(id) ON DELETE "
        "  CASCADE, key TEXT NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL, "
        "  checksum INTEGER, PRIMARY KEY(run, key)) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS records_seq ON records(run, seq);"
        "CREATE TABLE IF NOT EXISTS run_meta(run INTEGER NOT NULL REFERENCES runs(id) ON DELETE "
        "  CASCADE, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run, name)) WITHOUT "
        "  ROWID;");
    Stmt s{prepare("SELECT value FROM store_info WHERE name='schema'")};
    if (sqlite3_step(s.s) == SQLITE_ROW) {
      const std::string v = column_text(s.s, 0);
      if (v == "1") {  // version 1 had no checksums: its records stay unchecked
        sqlite3_reset(s.s);
        exec("ALTER TABLE records ADD COLUMN checksum INTEGER");
        exec(fmt::format("UPDATE store_info SET value='{}' WHERE name='schema'", kSchemaVersion)
                 .c_str());
      } else if (v != std::to_string(kSchemaVersion)) {
        throw UserError(SourceLocation{where, 0, "store"},
                        fmt::format("the result store has schema version {}, this mosaic "
                                    "reads version {}; use another --store file",
                                    v, kSchemaVersion));
      }
    } else {
      exec(fmt::format("INSERT INTO store_info(name, value) VALUES('schema', '{}')", kSchemaVersion)
               .c_str());
    }
    exec("COMMIT");
  } catch (const UserError&) {
    close();
    throw;
  } catch (const InternalError& e) {
    const std::string msg = e.what();
    close();
    throw UserError(SourceLocation{where, 0, "store"},
                    "not a usable mosaic result store (" + msg + ")");
  }
  put_ = prepare(
      "INSERT OR REPLACE INTO records(run, key, seq, payload, checksum) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  get_ = prepare("SELECT key, seq, payload, checksum FROM records WHERE run=?1 AND key=?2");
}

ResultStore::ResultStore(ResultStore&& o) noexcept
    : db_(o.db_), path_(std::move(o.path_)), put_(o.put_), get_(o.get_), corrupt_(o.corrupt_) {
  o.db_ = nullptr;
  o.put_ = o.get_ = nullptr;
}

ResultStore& ResultStore::operator=(ResultStore&& o) noexcept {
  if (this != &o) {
    close();
    db_ = o.db_;
    path_ = std::move(o.path_);
    put_ = o.put_;
    get_ = o.get_;
    corrupt_ = o.corrupt_;
    o.db_ = nullptr;
    o.put_ = o.get_ = nullptr;
  }
  return *this;
}

ResultStore::~ResultStore() {
  close();
}

void ResultStore::close() noexcept {
  if (put_ != nullptr) sqlite3_finalize(put_);
  if (get_ != nullptr) sqlite3_finalize(get_);
  put_ = get_ = nullptr;
  if (db_ != nullptr) sqlite3_close(db_);
  db_ = nullptr;
}

void ResultStore::fail(const std::string& what) const {
  const int code = db_ != nullptr ? sqlite3_errcode(db_) & 0xff : SQLITE_OK;
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    throw UserError(SourceLocation{path_.string(), 0, "store"},
                    fmt::format("the result store is damaged ({}: {}); delete it, or give another "
                                "--store, to start afresh",
                                what, sqlite3_errmsg(db_)));
  throw InternalError(fmt::format("result store {}: {}: {}", path_.string(), what,
                                  db_ != nullptr ? sqlite3_errmsg(db_) : "closed"));
}

void ResultStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err != nullptr ? err : "?";
    sqlite3_free(err);
    throw InternalError(fmt::format("result store {}: {}", path_.string(), msg));
  }
}

sqlite3_stmt* ResultStore::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail("prepare");
  return s;
}

std::uint64_t ResultStore::record_checksum(std::string_view key, std::int64_t seq,
                                           std::string_view payload) {
  std::uint64_t h = fnv1a64(key);
  h = fnv1a64_word(h, static_cast<std::uint64_t>(key.size()));
  h = fnv1a64_word(h, static_cast<std::uint64_t>(seq));
  return fnv1a64(payload, h);
}

bool ResultStore::verified(const Record& r, sqlite3_stmt* s, int checksum_column) {
  if (sqlite3_column_type(s, checksum_column) == SQLITE_NULL) return true;  // a version-1 record
  const auto stored = static_cast<std::uint64_t>(sqlite3_column_int64(s, checksum_column));
  if (stored == record_checksum(r.key, r.seq, r.payload)) return true;
  ++corrupt_;
  return false;
}

std::string ResultStore::config_hash(std::string_view config) {
  return fmt::format("{:016x}", fnv1a64(config));
}

ResultStore::Run ResultStore::open_run(std::string_view kind, std::string_view config) {
  Run r;
  r.hash = config_hash(config);
  exec("BEGIN IMMEDIATE");
  try {
    Stmt q{prepare("SELECT id, config FROM runs WHERE kind=?1 AND hash=?2")};
    bind_text(q.s, 1, kind);
    bind_text(q.s, 2, r.hash);
    if (sqlite3_step(q.s) == SQLITE_ROW) {
      r.id = sqlite3_column_int64(q.s, 0);
      if (column_text(q.s, 1) != config)
        throw UserError(
            SourceLocation{path_.string(), 0, "store"},
            "two configurations share the hash " + r.hash + "; use another --store file");
    } else {
      Stmt ins{prepare("INSERT INTO runs(kind, hash, config) VALUES(?1, ?2, ?3)")};
      bind_text(ins.s, 1, kind);
      bind_text(ins.s, 2, r.hash);
      bind_text(ins.s, 3, config);
      if (sqlite3_step(ins.s) != SQLITE_DONE) fail("insert run");
      r.id = sqlite3_last_insert_rowid(db_);
      r.created = true;
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return r;
}

void ResultStore::put(std::int64_t run, const std::vector<Record>& records) {
  if (records.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& rec : records) {
      sqlite3_reset(put_);
      sqlite3_bind_int64(put_, 1, run);
      bind_text(put_, 2, rec.key);
      sqlite3_bind_int64(put_, 3, rec.seq);
      sqlite3_bind_blob(put_, 4, rec.payload.data(), static_cast<int>(rec.payload.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(
          put_, 5, static_cast<sqlite3_int64>(record_checksum(rec.key, rec.seq, rec.payload)));
      if (sqlite3_step(put_) != SQLITE_DONE) fail("insert record");
    }
    sqlite3_reset(put_);
    sqlite3_clear_bindings(put_);
    exec("COMMIT");
  } catch (...) {
    sqlite3_reset(put_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<ResultStore::Record> ResultStore::get(std::int64_t run, std::string_view key) {
  sqlite3_reset(get_);
  sqlite3_bind_int64(get_, 1, run);
  bind_text(get_, 2, key);
  std::optional<Record> out;
  const int rc = sqlite3_step(get_);
  if (rc == SQLITE_ROW) {
    Record r;
    r.key = column_text(get_, 0);
    r.seq = sqlite3_column_int64(get_, 1);
    r.payload = column_text(get_, 2);
    if (verified(r, get_, 3)) out = std::move(r);
  } else if (rc != SQLITE_DONE) {
    fail("read record");
  }
  sqlite3_reset(get_);
  return out;
}

std::int64_t ResultStore::count(std::int64_t run) {
  Stmt s{prepare("SELECT COUNT(*) FROM records WHERE run=?1")};
  sqlite3_bind_int64(s.s, 1, run);
  if (sqlite3_step(s.s) != SQLITE_ROW) fail("count");
  return sqlite3_column_int64(s.s, 0);
}

std::unordered_set<std::string> ResultStore::keys(std::int64_t run) {
  std::unordered_set<std::string> out;
  Stmt s{prepare("SELECT key FROM records WHERE run=?1")};
  sqlite3_bind_int64(s.s, 1, run);
  int rc = 0;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) out.insert(column_text(s.s, 0));
  if (rc != SQLITE_DONE) fail("read keys");
  return out;
}

std::vector<std::string> ResultStore::run_configs(std::string_view kind) {
  std::vector<std::string> out;
  Stmt s{prepare("SELECT config FROM runs WHERE kind=?1 ORDER BY id")};
  bind_text(s.s, 1, kind);
  int rc = 0;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) out.push_back(column_text(s.s, 0));
  if (rc != SQLITE_DONE) fail("read runs");
  return out;
}

std::int64_t runs_of_other_format(ResultStore& store, std::string_view kind,
                                  std::string_view format) {
  std::int64_t n = 0;
  for (const auto& config : store.run_configs(kind)) {
    const auto j = nlohmann::json::parse(config, nullptr, false);
    const bool same = !j.is_discarded() && j.is_object() && j.contains("format") &&
                      j["format"].is_string() && j["format"].get<std::string>() == format;
    if (!same) ++n;
  }
  return n;
}

void ResultStore::for_each(std::int64_t run, const std::function<void(const Record&)>& fn) {
  Stmt s{prepare("SELECT key, seq, payload, checksum FROM records WHERE run=?1 ORDER BY seq, key")};
  sqlite3_bind_int64(s.s, 1, run);
  int rc = 0;
  Record r;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    r.key = column_text(s.s, 0);
    r.seq = sqlite3_column_int64(s.s, 1);
    r.payload = column_text(s.s, 2);
    if (verified(r, s.s, 3)) fn(r);
  }
  if (rc != SQLITE_DONE) fail("read records");
}

void ResultStore::set_meta(std::int64_t run, std::string_view name, std::string_view value) {
  Stmt s{prepare("INSERT OR REPLACE INTO run_meta(run, name, value) VALUES(?1, ?2, ?3)")};
  sqlite3_bind_int64(s.s, 1, run);
  bind_text(s.s, 2, name);
  bind_text(s.s, 3, value);
  if (sqlite3_step(s.s) != SQLITE_DONE) fail("write meta");
}

std::optional<std::string> ResultStore::meta(std::int64_t run, std::string_view name) {
  Stmt s{prepare("SELECT value FROM run_meta WHERE run=?1 AND name=?2")};
  sqlite3_bind_int64(s.s, 1, run);
  bind_text(s.s, 2, name);
  const int rc = sqlite3_step(s.s);
  if (rc == SQLITE_ROW) return column_text(s.s, 0);
  if (rc != SQLITE_DONE) fail("read meta");
  return std::nullopt;
}

void ResultStore::drop_run(std::int64_t run) {
  Stmt s{prepare("DELETE FROM runs WHERE id=?1")};
  sqlite3_bind_int64(s.s, 1, run);
  if (sqlite3_step(s.s) != SQLITE_DONE) fail("drop run");
}

}  // namespace mosaic::search
