// A plain header list for code that must not depend on Beast: classification,
// evidence, sanitizing. Names compare case-insensitively.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace readygate {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

bool iequals(std::string_view a, std::string_view b);

// The value of the first header named `name`, if any.
std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name);

// True for headers whose value is a credential: Authorization, Proxy-Authorization,
// api-key, x-api-key, Cookie, Set-Cookie and similar.
bool is_credential_header(std::string_view name);

// Trims spaces and tabs at both ends.
std::string_view trim(std::string_view s);

}  // namespace readygate
