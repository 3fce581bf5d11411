#include "evidence/store_sink.h"

#include <algorithm>
#include <span>
#include <utility>

namespace readygate::evidence {

std::expected<std::unique_ptr<StoreSink>, std::string> StoreSink::create(
    std::unique_ptr<EvidenceStore> store, StoreSinkOptions options, const Clock& clock) {
  if (store == nullptr) return std::unexpected("evidence sink needs a store");
  if (options.capacity == 0) return std::unexpected("evidence queue capacity must be at least 1");
  if (options.max_batch == 0) return std::unexpected("evidence batch size must be at least 1");
  return std::unique_ptr<StoreSink>(new StoreSink(std::move(store), options, clock));
}

StoreSink::StoreSink(std::unique_ptr<EvidenceStore> store, StoreSinkOptions options,
                     const Clock& clock)
    : store_(std::move(store)), options_(options), clock_(clock), writer_([this] { run(); }) {}

StoreSink::~StoreSink() { close(); }

void StoreSink::submit(EvidenceRecord r) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.capacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (queue_.empty()) {
      batch_opened_ = std::chrono::steady_clock::now();
      wake = true;
    }
    queue_.push_back(std::move(r));
    // Between the first record and a full batch the writer is lingering on
    // its own deadline; sparing the notify lets records pile up.
    wake = wake || queue_.size() == options_.max_batch;
  }
  if (wake) work_cv_.notify_one();
}

uint64_t StoreSink::dropped() const { return dropped_.load(std::memory_order_relaxed); }

uint64_t StoreSink::written() const { return written_.load(std::memory_order_relaxed); }

std::string StoreSink::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void StoreSink::flush() {
  std::unique_lock lock(mu_);
  if (stopping_) return;  // close() drains; nothing left to wait for
  const uint64_t ticket = ++flush_requested_;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return flush_done_ >= ticket; });
}

void StoreSink::close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  writer_.join();
  store_.reset();
}

void StoreSink::pause_writer_for_test() {
  std::lock_guard lock(mu_);
  paused_ = true;
}

void StoreSink::resume_writer_for_test() {
  {
    std::lock_guard lock(mu_);
    paused_ = false;
  }
  work_cv_.notify_one();
}

void StoreSink::run() {
  std::unique_lock lock(mu_);
  auto draining = [&] { return stopping_ || flush_requested_ > flush_done_; };
  for (;;) {
    work_cv_.wait(lock, [&] { return draining() || (!paused_ && !queue_.empty()); });
    if (!draining() && queue_.size() < options_.max_batch && options_.max_linger.count() > 0) {
      work_cv_.wait_until(lock, batch_opened_ + options_.max_linger,
                          [&] { return draining() || queue_.size() >= options_.max_batch; });
      if (!draining() && paused_) continue;
    }
    const bool drain = draining();
    const uint64_t flush_target = flush_requested_;
    const bool stop = stopping_;
    const size_t n = drain ? queue_.size() : std::min(queue_.size(), options_.max_batch);
    std::vector<EvidenceRecord> batch;
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    // What is left over starts the next batch's linger now.
    if (!queue_.empty()) batch_opened_ = std::chrono::steady_clock::now();
    lock.unlock();
    write(batch);
    batch.clear();  // destroy the records outside the lock too
    lock.lock();
    if (drain) {
      flush_done_ = flush_target;
      done_cv_.notify_all();
    }
    // stopping_ makes submit() drop, so the queue stays empty from here.
    if (stop) return;
  }
}

void StoreSink::write(std::vector<EvidenceRecord>& batch) {
  const std::span<const EvidenceRecord> all(batch);
  size_t begin = 0;
  do {
    const size_t n = std::min(all.size() - begin, options_.max_batch);
    const uint64_t dropped_total = dropped_.load(std::memory_order_relaxed);
    std::optional<DropReport> report;
    if (dropped_total > drops_reported_)
      report = DropReport{clock_.wall(), dropped_total - drops_reported_, dropped_total};
    if (n == 0 && !report) return;
    if (auto ok = store_->insert_batch(all.subspan(begin, n), report); ok) {
      written_.fetch_add(n, std::memory_order_relaxed);
      if (report) drops_reported_ = dropped_total;
    } else {
      // A failed batch is counted, never retried, so a broken disk cannot
      // grow memory without bound; the next commit reports it.
      dropped_.fetch_add(n, std::memory_order_relaxed);
      std::lock_guard lock(mu_);
      last_error_ = ok.error();
    }
    begin += n;
  } while (begin < all.size());
}

}  // namespace readygate::evidence
