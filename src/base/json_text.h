// Appending JSON text by hand on hot paths, where building a document would
// cost more than the answer itself.
#pragma once

#include <string>
#include <string_view>

namespace readygate {

// Appends `s` as a quoted JSON string, escaping per RFC 8259. Bytes that are
// not valid UTF-8 are replaced by U+FFFD so the output always parses.
void append_json_string(std::string& out, std::string_view s);

// Returns `s` as a quoted JSON string.
std::string json_quote(std::string_view s);

}  // namespace readygate
