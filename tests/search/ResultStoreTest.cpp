// The SQLite result store: runs by configuration hash, records, persistence, errors.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "TestSupport.h"
#include "common/Error.h"
#include "search/ResultStore.h"

namespace mosaic::search {
namespace {

TEST(ResultStore, RunsAreKeyedByKindAndConfiguration) {
  auto st = ResultStore::open_in_memory();
  const auto a = st.open_run("dse", "{\"x\":1}");
  EXPECT_TRUE(a.created);
  EXPECT_EQ(a.hash.size(), 16u);
  const auto again = st.open_run("dse", "{\"x\":1}");
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.id, a.id);
  const auto other = st.open_run("dse", "{\"x\":2}");
  EXPECT_TRUE(other.created);
  EXPECT_NE(other.id, a.id);
  const auto herald = st.open_run("herald", "{\"x\":1}");  // another kind, same text
  EXPECT_TRUE(herald.created);
  EXPECT_EQ(herald.hash, a.hash);
  EXPECT_NE(herald.id, a.id);
  EXPECT_EQ(ResultStore::config_hash("{\"x\":1}"), a.hash);
}

TEST(ResultStore, RecordsAndMeta) {
  auto st = ResultStore::open_in_memory();
  const auto run = st.open_run("dse", "cfg").id;
  const auto other = st.open_run("dse", "cfg2").id;
  std::string binary("a\0b\xff", 4);
  st.put(run, {{"k2", 2, "two"}, {"k1", 1, binary}, {"k3", 1, "three"}});
  st.put(other, {{"k1", 0, "other run"}});
  EXPECT_EQ(st.count(run), 3);
  EXPECT_EQ(st.get(run, "k1")->payload, binary);  // binary-safe
  EXPECT_EQ(st.get(run, "k2")->seq, 2);
  EXPECT_FALSE(st.get(run, "nope").has_value());
  EXPECT_EQ(st.get(other, "k1")->payload, "other run");
  // Replace.
  st.put(run, {{"k2", 2, "TWO"}});
  EXPECT_EQ(st.get(run, "k2")->payload, "TWO");
  EXPECT_EQ(st.count(run), 3);
  // Ordered by (seq, key).
  std::vector<std::string> order;
  st.for_each(run, [&](const ResultStore::Record& r) { order.push_back(r.key); });
  EXPECT_EQ(order, (std::vector<std::string>{"k1", "k3", "k2"}));
  EXPECT_EQ(st.keys(run).size(), 3u);
  EXPECT_FALSE(st.meta(run, "complete").has_value());
  st.set_meta(run, "complete", "1");
  EXPECT_EQ(*st.meta(run, "complete"), "1");
  st.drop_run(run);
  EXPECT_EQ(st.count(run), 0);
  EXPECT_EQ(st.count(other), 1);
}

TEST(ResultStore, PersistsAcrossOpens) {
  test::TempDir d;
  const auto path = d.path() / "sub" / "store.sqlite";  // the directory is created
  std::int64_t id = 0;
  {
    auto st = ResultStore::open(path);
    id = st.open_run("dse", "cfg").id;
    st.put(id, {{"a", 0, "payload"}});
  }
  auto st = ResultStore::open(path);
  const auto run = st.open_run("dse", "cfg");
  EXPECT_FALSE(run.created);
  EXPECT_EQ(run.id, id);
  EXPECT_EQ(st.get(id, "a")->payload, "payload");
  // Move keeps the connection.
  ResultStore moved = std::move(st);
  EXPECT_EQ(moved.count(id), 1);
}

TEST(ResultStore, AnUncommittedWriteLeavesNothing) {
  // A transaction that is not committed (the process killed in the middle of put) leaves the
  // store as it was: simulate with a second connection holding an open transaction.
  test::TempDir d;
  const auto path = d.path() / "store.sqlite";
  auto st = ResultStore::open(path);
  const auto run = st.open_run("dse", "cfg").id;
  st.put(run, {{"a", 0, "1"}});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(
                db, "BEGIN; INSERT INTO records(run, key, seq, payload) VALUES(1, 'b', 1, x'00');",
                nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);  // closing without COMMIT rolls back, as a killed process does
  EXPECT_EQ(st.count(run), 1);
  EXPECT_FALSE(st.get(run, "b").has_value());
}

TEST(ResultStore, ErrorsNameTheFile) {
  test::TempDir d;
  const auto junk = d.path() / "junk.sqlite";
  test::write_file(junk, std::string(4096, 'x'));
  try {
    ResultStore::open(junk);
    ADD_FAILURE() << "opened a file that is not a database";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().file, junk.string());
    EXPECT_NE(std::string(e.what()).find("not a usable mosaic result store"), std::string::npos)
        << e.what();
  }
  // A store of another schema version.
  const auto future = d.path() / "future.sqlite";
  { auto st = ResultStore::open(future); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(future.string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE store_info SET value='99' WHERE name='schema'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  try {
    ResultStore::open(future);
    ADD_FAILURE() << "opened a store of another schema";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ResultStore::open(d.path() / "junk.sqlite" / "x.sqlite"), UserError);
}

}  // namespace
}  // namespace mosaic::search
