// SHA-256 helpers (OpenSSL). Used to represent bodies by size and salted hash
// instead of their content.
#pragma once

#include <string>
#include <string_view>

namespace readygate {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex SHA-256 of salt || data. Equal inputs under one salt give
// equal hashes; without the salt the content cannot be confirmed by guessing.
std::string salted_sha256_hex(std::string_view salt, std::string_view data);

}  // namespace readygate
