// Picks the evidence backend from one config value (`evidence.path`, or the
// CLI's --store):
//   postgresql://... or postgres://...  PostgresStore, behind a StoreSink
//   ...://... (any other scheme)        an error naming the scheme
//   *.jsonl                             JsonlFileSink: an append-only export,
//                                       writable but not queryable
//   anything else (*.db, *.sqlite, ...) SqliteStore, behind a StoreSink
// Errors are messages naming the path (a URL with its password masked).
// Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

#include "evidence/evidence_sink.h"
#include "evidence/evidence_store.h"
#include "evidence/sqlite_store.h"

namespace readygate::evidence {

enum class StoreKind { kSqlite, kJsonl, kPostgres, kUnsupported };

StoreKind store_kind(const std::string& path_or_url);

// The gateway's sink; `capacity` bounds the records waiting for the writer.
std::expected<std::unique_ptr<EvidenceSink>, std::string> open_sink(const std::string& path_or_url,
                                                                    size_t capacity);

// A queryable store, for the CLI and `review`. A .jsonl path is an error.
// `mode` applies to SQLite files; a PostgreSQL database must already exist
// (its tables are created by migration either way).
std::expected<std::unique_ptr<EvidenceStore>, std::string> open_store(
    const std::string& path_or_url, OpenMode mode);

}  // namespace readygate::evidence
