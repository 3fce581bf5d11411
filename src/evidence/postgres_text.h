// Text rules for the PostgreSQL store: what PostgreSQL TEXT accepts, and how
// a connection URL may be shown. Pure functions; thread-safe.
#pragma once

#include <string>

namespace readygate::evidence {

// `s` with each byte that is not part of valid UTF-8, and each NUL, replaced
// by U+FFFD: PostgreSQL TEXT rejects both, and a client's model name or a
// route reason may hold either.
std::string clean_text(const std::string& s);

// `url` with the password of its userinfo and any password= parameter
// replaced by "***".
std::string mask_url_password(const std::string& url);

}  // namespace readygate::evidence
