// MemorySink: an EvidenceSink that keeps records in memory, for tests and
// for `review` runs that inspect their own evidence. Thread-safe; records()
// returns a copy, so callers never hold a reference into the sink.
#pragma once

#include <cstddef>
#include <limits>
#include <mutex>
#include <vector>

#include "evidence/evidence_sink.h"

namespace readygate::evidence {

class MemorySink final : public EvidenceSink {
 public:
  // Keeps at most `capacity` records; later submits count as dropped.
  explicit MemorySink(size_t capacity = std::numeric_limits<size_t>::max()) : capacity_(capacity) {}

  void submit(EvidenceRecord r) override;
  uint64_t dropped() const override;
  void flush() override {}

  std::vector<EvidenceRecord> records() const;
  size_t size() const;
  void clear();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::vector<EvidenceRecord> records_;
  uint64_t dropped_ = 0;
};

}  // namespace readygate::evidence
