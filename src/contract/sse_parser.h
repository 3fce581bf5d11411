// Incremental Server-Sent Events parser (WHATWG HTML "event stream"
// interpretation): accepts events split across any read boundary, multi-line
// data:, comments, CR, LF and CRLF line ends, and a UTF-8 BOM at the start.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace readygate::contract {

struct SseEvent {
  std::string event;  // empty when the frame had no event: field
  std::string data;   // data: lines joined by '\n'
  std::string id;
};

class SseParser {
 public:
  // Appends bytes from the wire. Any split is fine.
  void feed(std::string_view bytes);
  // Pops the next complete event; false when none is complete yet.
  bool next(SseEvent* out);
  // True when bytes of an unfinished event are buffered (used to tell a
  // clean end of stream from one cut mid-event).
  bool has_partial() const;
  // Bounded buffering: the parser refuses to hold more than this many
  // undispatched bytes; feed() then sets overflowed().
  static constexpr size_t kMaxBuffered = 4 << 20;
  bool overflowed() const { return overflowed_; }
  // Bytes held for events not yet dispatched (a partial line and a partial event).
  size_t buffered() const { return buf_.size() - pos_ + pending_.data.size(); }

 private:
  // Applies one line (without its line end); true when it dispatched into *out.
  bool process_line(std::string_view line, SseEvent* out);

  std::string buf_;
  size_t pos_ = 0;
  bool bom_checked_ = false;
  bool overflowed_ = false;
  SseEvent pending_;
  bool pending_has_fields_ = false;
  // The last line ended in CR: a LF that follows belongs to it (CRLF).
  bool skip_lf_ = false;
};

}  // namespace readygate::contract
