#include "evidence/store_factory.h"

#include <string_view>

#include "evidence/jsonl_file_sink.h"
#include "evidence/postgres_store.h"
#include "evidence/store_sink.h"

namespace readygate::evidence {
namespace {

std::expected<void, std::string> check_scheme(const std::string& path_or_url) {
  if (store_kind(path_or_url) == StoreKind::kUnsupported)
    return std::unexpected("evidence store " + mask_url_password(path_or_url) +
                           ": unsupported URL scheme (use a file path or postgresql://)");
  return {};
}

// Any store but a JSONL file.
std::expected<std::unique_ptr<EvidenceStore>, std::string> open_queryable(
    const std::string& path_or_url, OpenMode mode) {
  if (store_kind(path_or_url) == StoreKind::kPostgres) {
    auto store = PostgresStore::open(path_or_url);
    if (!store) return std::unexpected(store.error());
    return std::unique_ptr<EvidenceStore>(std::move(*store));
  }
  auto store = SqliteStore::open(path_or_url, mode);
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<EvidenceStore>(std::move(*store));
}

}  // namespace

StoreKind store_kind(const std::string& path_or_url) {
  const std::string_view s(path_or_url);
  if (s.starts_with("postgresql://") || s.starts_with("postgres://")) return StoreKind::kPostgres;
  if (s.find("://") != std::string_view::npos) return StoreKind::kUnsupported;
  if (s.ends_with(".jsonl")) return StoreKind::kJsonl;
  return StoreKind::kSqlite;
}

std::expected<std::unique_ptr<EvidenceSink>, std::string> open_sink(const std::string& path_or_url,
                                                                    size_t capacity) {
  if (auto ok = check_scheme(path_or_url); !ok) return std::unexpected(ok.error());
  if (store_kind(path_or_url) == StoreKind::kJsonl) {
    auto sink = JsonlFileSink::open(path_or_url, capacity);
    if (!sink) return std::unexpected(sink.error());
    return std::unique_ptr<EvidenceSink>(std::move(*sink));
  }
  auto store = open_queryable(path_or_url, OpenMode::kCreate);
  if (!store) return std::unexpected(store.error());
  auto sink = StoreSink::create(std::move(*store), StoreSinkOptions{.capacity = capacity});
  if (!sink) return std::unexpected(sink.error());
  return std::unique_ptr<EvidenceSink>(std::move(*sink));
}

std::expected<std::unique_ptr<EvidenceStore>, std::string> open_store(
    const std::string& path_or_url, OpenMode mode) {
  if (auto ok = check_scheme(path_or_url); !ok) return std::unexpected(ok.error());
  if (store_kind(path_or_url) == StoreKind::kJsonl)
    return std::unexpected("evidence store " + path_or_url +
                           ": a .jsonl file is an export, not a queryable store");
  return open_queryable(path_or_url, mode);
}

}  // namespace readygate::evidence
