#include "evidence/store_factory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "evidence/temp_dir_for_test.h"

namespace readygate::evidence {
namespace {

TEST(StoreKind, PicksTheBackendFromThePathOrUrl) {
  EXPECT_EQ(store_kind("readygate-evidence.db"), StoreKind::kSqlite);
  EXPECT_EQ(store_kind("/var/lib/readygate/e.sqlite3"), StoreKind::kSqlite);
  EXPECT_EQ(store_kind("evidence"), StoreKind::kSqlite);
  EXPECT_EQ(store_kind("out/evidence.jsonl"), StoreKind::kJsonl);
  EXPECT_EQ(store_kind("postgresql://u@localhost/db"), StoreKind::kPostgres);
  EXPECT_EQ(store_kind("postgres://localhost/db"), StoreKind::kPostgres);
  EXPECT_EQ(store_kind("mysql://localhost/db"), StoreKind::kUnsupported);
}

TEST(OpenSink, ADbPathGivesASqliteStoreTheCliCanRead) {
  TempDir dir;
  const std::string path = dir.file("e.db");
  {
    auto sink = open_sink(path, 16);
    ASSERT_TRUE(sink.has_value()) << sink.error();
    (*sink)->submit(EvidenceRecord{.run_id = "r", .request_id = "rg-1"});
    (*sink)->flush();
  }
  auto store = open_store(path, OpenMode::kExisting);
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_TRUE((*store)->get("rg-1")->has_value());
}

TEST(OpenSink, AJsonlPathGivesTheJsonlExport) {
  TempDir dir;
  const std::string path = dir.file("e.jsonl");
  {
    auto sink = open_sink(path, 16);
    ASSERT_TRUE(sink.has_value()) << sink.error();
    (*sink)->submit(EvidenceRecord{.run_id = "r", .request_id = "rg-1"});
  }
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"rg-1\""), std::string::npos);
}

TEST(OpenSink, APostgresqlUrlThatCannotConnectIsAnErrorNamingIt) {
  auto sink = open_sink("postgresql:///db?host=/nonexistent-socket-dir&connect_timeout=1", 16);
  ASSERT_FALSE(sink.has_value());
  EXPECT_NE(sink.error().find("host=/nonexistent-socket-dir"), std::string::npos) << sink.error();
}

TEST(OpenSink, AnUnknownSchemeIsAnError) {
  auto sink = open_sink("s3://bucket/evidence.db", 16);
  ASSERT_FALSE(sink.has_value());
  EXPECT_NE(sink.error().find("s3://bucket/evidence.db"), std::string::npos);
}

TEST(OpenStore, AJsonlExportIsNotQueryable) {
  auto store = open_store("evidence.jsonl", OpenMode::kExisting);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("not a queryable store"), std::string::npos);
}

}  // namespace
}  // namespace readygate::evidence
