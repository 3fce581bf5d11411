// JsonlFileSink: the JSONL export of evidence. A bounded queue in front of one
// background writer thread that appends one to_json() line per record,
// batching whatever has queued into one write and one fflush per batch.
// Once woken, the writer lingers up to kLinger (or until kBatch records wait)
// before taking the batch: under load that is one wake-up and one write per
// batch instead of one per request or two on the data path's core. While
// batches keep coming the writer naps kLinger between them and submit() does
// not notify it at all (no futex syscall on the request path); only after a
// linger with no record does it sleep until the next submit() wakes it. A
// record therefore reaches the file at most about kLinger after submit();
// flush() and close() do not linger.
//
// submit() never waits for I/O: it takes a short lock, and when `capacity`
// records are already waiting it counts a drop instead. Drops are never
// silent: dropped() reports them, and the writer appends a line
//   {"type":"evidence_dropped","dropped":<since last report>,"dropped_total":<n>}
// with the next batch, flush or close. Readers tell evidence lines (which
// always carry "run_id") from drop reports by the "type" key.
//
// Ownership: the sink owns the file and the writer thread. close() (and the
// destructor) drains every accepted record, writes the drop report, fsyncs,
// closes the file and joins the thread. After close() every submit is a drop,
// and written() + dropped() equals the number of submits.
//
// Thread-safety: submit(), flush(), written(), dropped() from any thread.
// close() belongs to the owner and is not called concurrently with itself.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "evidence/evidence_sink.h"

namespace readygate::evidence {

class JsonlFileSink final : public EvidenceSink {
 public:
  // Opens `path` for appending (created if missing). `capacity` bounds the
  // records waiting for the writer and must be at least 1.
  static std::expected<std::unique_ptr<JsonlFileSink>, std::string> open(const std::string& path,
                                                                         size_t capacity);
  ~JsonlFileSink() override;
  JsonlFileSink(const JsonlFileSink&) = delete;
  JsonlFileSink& operator=(const JsonlFileSink&) = delete;

  static constexpr std::chrono::microseconds kLinger{2000};
  static constexpr size_t kBatch = 256;

  void submit(EvidenceRecord r) override;
  uint64_t dropped() const override;
  // Waits until every record accepted before the call is written and
  // fflushed (or counted as dropped by a failed write). Completes even while
  // the writer is paused for a test.
  void flush() override;
  void close();

  // Records whose line reached the file (fflushed).
  uint64_t written() const;

  // Test-only: holds the background writer back so a test can fill the
  // queue deterministically. flush() and close() still drain.
  void pause_writer_for_test();
  void resume_writer_for_test();

 private:
  JsonlFileSink(std::FILE* file, size_t capacity);
  void run();
  // Writes one batch (plus a drop report when due) and fflushes. Writer
  // thread only; called without the lock.
  void write_batch(const std::deque<EvidenceRecord>& batch);

  std::FILE* file_;
  const size_t capacity_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits here
  std::condition_variable done_cv_;  // flush() waits here
  std::deque<EvidenceRecord> queue_;
  uint64_t flush_requested_ = 0;  // generation numbers, guarded by mu_
  uint64_t flush_done_ = 0;
  bool paused_ = false;
  bool stopping_ = false;
  bool writer_idle_ = false;  // the writer waits without a deadline: submit must notify

  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  uint64_t drops_reported_ = 0;  // writer thread only
  bool closed_ = false;          // owner only

  std::thread writer_;  // last: starts after every member above exists
};

}  // namespace readygate::evidence
