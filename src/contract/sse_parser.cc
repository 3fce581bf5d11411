#include "contract/sse_parser.h"

#include <cstring>

namespace readygate::contract {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

void SseParser::feed(std::string_view bytes) {
  if (overflowed_) return;
  if (buf_.size() - pos_ + pending_.data.size() + bytes.size() > kMaxBuffered) {
    overflowed_ = true;
    return;
  }
  // What is left before pos_ was parsed already; usually only a partial line remains.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

bool SseParser::next(SseEvent* out) {
  if (!bom_checked_) {
    const std::string_view head = std::string_view(buf_).substr(pos_, kBom.size());
    if (head.size() < kBom.size() && kBom.starts_with(head)) return false;  // wait for more
    if (head == kBom) pos_ += kBom.size();
    bom_checked_ = true;
  }
  while (pos_ < buf_.size()) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (buf_[pos_] == '\n') {
        ++pos_;
        continue;
      }
    }
    // Two memchr calls, not find_first_of: libstdc++ runs a memchr over the
    // two-byte set for every byte of the buffer (9% of a streaming gateway).
    const char* begin = buf_.data() + pos_;
    const char* end = buf_.data() + buf_.size();
    const char* lf = static_cast<const char*>(std::memchr(begin, '\n', end - begin));
    const char* limit = lf ? lf : end;
    const char* cr = static_cast<const char*>(std::memchr(begin, '\r', limit - begin));
    const char* hit = cr ? cr : lf;
    if (hit == nullptr) return false;
    const size_t eol = static_cast<size_t>(hit - buf_.data());
    const std::string_view line(buf_.data() + pos_, eol - pos_);
    skip_lf_ = buf_[eol] == '\r';
    pos_ = eol + 1;
    if (process_line(line, out)) return true;
  }
  return false;
}

bool SseParser::process_line(std::string_view line, SseEvent* out) {
  if (line.empty()) {
    // Dispatch. A frame without data lines dispatches nothing (WHATWG), but
    // its event name does not leak into the next frame. The id persists: it
    // is the "last event ID", not a per-frame field.
    pending_has_fields_ = false;
    if (pending_.data.empty()) {
      pending_.event.clear();
      return false;
    }
    pending_.data.pop_back();  // the '\n' after the last data line
    out->event = std::move(pending_.event);
    out->data = std::move(pending_.data);
    out->id = pending_.id;
    pending_.event.clear();
    pending_.data.clear();
    return true;
  }
  if (line.front() == ':') return false;  // comment (keep-alive)
  std::string_view field = line, value;
  if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  pending_has_fields_ = true;
  if (field == "data") {
    pending_.data.append(value);
    pending_.data.push_back('\n');
  } else if (field == "event") {
    pending_.event.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) pending_.id.assign(value);
  }
  // "retry" and unknown fields are ignored, as the standard says.
  return false;
}

bool SseParser::has_partial() const { return pos_ < buf_.size() || pending_has_fields_; }

}  // namespace readygate::contract
