// EvidenceSink: where the gateway hands finished EvidenceRecords, off the hot
// path. Implementations: JsonlFileSink (production export), MemorySink
// (tests); SQLite/PostgreSQL stores implement the same interface.
//
// Every implementation is thread-safe: any thread may submit() concurrently.
#pragma once

#include <cstdint>

#include "evidence/evidence_record.h"

namespace readygate::evidence {

class EvidenceSink {
 public:
  virtual ~EvidenceSink() = default;
  // Takes ownership of `r`. Never blocks on I/O: a sink that cannot accept
  // the record now counts it in dropped() instead of waiting.
  virtual void submit(EvidenceRecord r) = 0;
  // Records that were submitted but will never be stored (queue full, sink
  // closed, write failed). Never silent: callers export this as a metric.
  virtual uint64_t dropped() const = 0;
  // Blocks until every record accepted before the call is stored (or
  // dropped). Not for the hot path.
  virtual void flush() = 0;
};

}  // namespace readygate::evidence
