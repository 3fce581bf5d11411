#include "evidence/memory_sink.h"

#include <utility>

namespace readygate::evidence {

void MemorySink::submit(EvidenceRecord r) {
  std::lock_guard lock(mu_);
  if (records_.size() >= capacity_) {
    ++dropped_;
    return;
  }
  records_.push_back(std::move(r));
}

uint64_t MemorySink::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::vector<EvidenceRecord> MemorySink::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

size_t MemorySink::size() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

void MemorySink::clear() {
  std::lock_guard lock(mu_);
  records_.clear();
}

}  // namespace readygate::evidence
