// StoreSink: the gateway's EvidenceSink in front of an EvidenceStore (SQLite
// by default). A bounded queue and one writer thread that commits records in
// batches: a batch closes at `max_batch` records or `max_linger` after its
// first record, whichever comes first, and is one insert_batch transaction.
//
// submit() never waits for I/O: it takes a short lock, and when `capacity`
// records are already waiting it counts a drop instead. Drops are never
// silent: dropped() reports them, and the writer stores a DropReport (a row
// of evidence_drops) in the transaction of the next batch, flush or close.
// A batch the store rejects is counted as dropped too, and reported with the
// next batch that commits.
//
// Ownership: the sink owns the store and the writer thread; the store is
// used only by the writer thread. close() (and the destructor) commits every
// accepted record and the last drop report, joins the thread and closes the
// store. After close() every submit is a drop, and written() + dropped()
// equals the number of submits.
//
// Thread-safety: submit(), flush(), written(), dropped(), last_error() from
// any thread. close() belongs to the owner and is not called concurrently
// with itself.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "evidence/evidence_sink.h"
#include "evidence/evidence_store.h"

namespace readygate::evidence {

struct StoreSinkOptions {
  size_t capacity = 65536;                   // records waiting; at least 1
  size_t max_batch = 512;                    // records per transaction; at least 1
  std::chrono::milliseconds max_linger{50};  // how long a batch may wait to fill
};

class StoreSink final : public EvidenceSink {
 public:
  // `clock` stamps drop reports and must outlive the sink.
  static std::expected<std::unique_ptr<StoreSink>, std::string> create(
      std::unique_ptr<EvidenceStore> store, StoreSinkOptions options,
      const Clock& clock = SystemClock::instance());
  ~StoreSink() override;
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;

  void submit(EvidenceRecord r) override;
  uint64_t dropped() const override;
  // Waits until every record accepted before the call is committed (or
  // counted as dropped by a failed batch), skipping the linger. Completes
  // even while the writer is paused for a test.
  void flush() override;
  void close();

  // Records committed to the store.
  uint64_t written() const;
  // The store's message for the last failed batch; empty if none failed.
  std::string last_error() const;

  // Test-only: holds the background writer back so a test can fill the
  // queue deterministically. flush() and close() still drain.
  void pause_writer_for_test();
  void resume_writer_for_test();

 private:
  StoreSink(std::unique_ptr<EvidenceStore> store, StoreSinkOptions options, const Clock& clock);
  void run();
  // Commits `batch` in transactions of at most max_batch records, the drop
  // report (when due) riding with the first. Writer thread only; called
  // without the lock.
  void write(std::vector<EvidenceRecord>& batch);

  std::unique_ptr<EvidenceStore> store_;
  const StoreSinkOptions options_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits here
  std::condition_variable done_cv_;  // flush() waits here
  std::deque<EvidenceRecord> queue_;
  std::chrono::steady_clock::time_point batch_opened_{};  // when queue_ became non-empty
  uint64_t flush_requested_ = 0;                          // generation numbers, guarded by mu_
  uint64_t flush_done_ = 0;
  bool paused_ = false;
  bool stopping_ = false;
  std::string last_error_;  // guarded by mu_

  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  uint64_t drops_reported_ = 0;  // writer thread only
  bool closed_ = false;          // owner only

  std::thread writer_;  // last: starts after every member above exists
};

}  // namespace readygate::evidence
