#include "evidence/jsonl_file_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace readygate::evidence {

std::expected<std::unique_ptr<JsonlFileSink>, std::string> JsonlFileSink::open(
    const std::string& path, size_t capacity) {
  if (capacity == 0) return std::unexpected("evidence queue capacity must be at least 1");
  // "e": O_CLOEXEC, so child processes never inherit the evidence file.
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) {
    return std::unexpected("cannot open evidence file " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<JsonlFileSink>(new JsonlFileSink(f, capacity));
}

JsonlFileSink::JsonlFileSink(std::FILE* file, size_t capacity)
    : file_(file), capacity_(capacity), writer_([this] { run(); }) {}

JsonlFileSink::~JsonlFileSink() { close(); }

void JsonlFileSink::submit(EvidenceRecord r) {
  bool wake = false, full_batch = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    wake = writer_idle_;
    queue_.push_back(std::move(r));
    full_batch = queue_.size() == kBatch;
  }
  // Only an idle writer (asleep without a deadline) needs waking; a busy one
  // naps kLinger between batches and finds the record itself, so a steady
  // stream of records costs the request path no futex syscall.
  if (wake || full_batch) work_cv_.notify_one();
}

uint64_t JsonlFileSink::dropped() const { return dropped_.load(std::memory_order_relaxed); }

uint64_t JsonlFileSink::written() const { return written_.load(std::memory_order_relaxed); }

void JsonlFileSink::flush() {
  std::unique_lock lock(mu_);
  if (stopping_) return;  // close() drains; nothing left to wait for
  const uint64_t ticket = ++flush_requested_;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return flush_done_ >= ticket; });
}

void JsonlFileSink::close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  writer_.join();
  // The drain already fflushed; fsync so a clean shutdown survives a crash
  // of the machine right after it.
  ::fsync(::fileno(file_));
  std::fclose(file_);
  file_ = nullptr;
}

void JsonlFileSink::pause_writer_for_test() {
  std::lock_guard lock(mu_);
  paused_ = true;
}

void JsonlFileSink::resume_writer_for_test() {
  {
    std::lock_guard lock(mu_);
    paused_ = false;
  }
  work_cv_.notify_one();
}

void JsonlFileSink::run() {
  std::unique_lock lock(mu_);
  bool busy = false;  // the last batch had records: nap, do not sleep
  for (;;) {
    if (!busy) {
      writer_idle_ = true;
      work_cv_.wait(lock, [&] {
        return stopping_ || flush_requested_ > flush_done_ || (!paused_ && !queue_.empty());
      });
      writer_idle_ = false;
    }
    // Let the batch grow a little; a flush, close or full batch ends the wait.
    work_cv_.wait_for(lock, kLinger, [&] {
      return stopping_ || flush_requested_ > flush_done_ || paused_ || queue_.size() >= kBatch;
    });
    if (paused_ && !stopping_ && flush_requested_ <= flush_done_) {
      busy = false;
      continue;
    }
    std::deque<EvidenceRecord> batch;
    batch.swap(queue_);
    const uint64_t flush_target = flush_requested_;
    const bool stop = stopping_;
    busy = !batch.empty();
    lock.unlock();
    write_batch(batch);
    batch.clear();  // destroy the records outside the lock too
    lock.lock();
    flush_done_ = flush_target;
    done_cv_.notify_all();
    // stopping_ makes submit() drop, so the queue stays empty from here.
    if (stop) return;
  }
}

void JsonlFileSink::write_batch(const std::deque<EvidenceRecord>& batch) {
  std::string buf;
  buf.reserve(batch.size() * 1536);
  for (const auto& r : batch) {
    append_json(buf, r);
    buf += '\n';
  }
  const uint64_t dropped_total = dropped_.load(std::memory_order_relaxed);
  const bool report = dropped_total > drops_reported_;
  if (report) {
    buf += R"({"type":"evidence_dropped","dropped":)" +
           std::to_string(dropped_total - drops_reported_) + R"(,"dropped_total":)" +
           std::to_string(dropped_total) + "}\n";
  }
  if (buf.empty()) return;
  const bool ok =
      std::fwrite(buf.data(), 1, buf.size(), file_) == buf.size() && std::fflush(file_) == 0;
  if (ok) {
    written_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (report) drops_reported_ = dropped_total;
  } else {
    // A failed write loses the batch; it is counted, never retried, so a
    // full disk cannot grow memory without bound.
    std::clearerr(file_);
    dropped_.fetch_add(batch.size(), std::memory_order_relaxed);
  }
}

}  // namespace readygate::evidence
