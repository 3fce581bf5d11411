// The two OpenAI-compatible API contracts readygate carries. They are
// separate contracts: request, response, stream and error handling differ.
#pragma once

#include <optional>
#include <string_view>

namespace readygate::contract {

enum class Surface { kChatCompletions, kResponses };

// "chat_completions" / "responses": the names used in config and evidence.
std::string_view surface_name(Surface s);
std::optional<Surface> parse_surface(std::string_view name);

// "/v1/chat/completions" / "/v1/responses".
std::string_view surface_path(Surface s);
// Maps a request path (query string ignored) to its surface.
std::optional<Surface> surface_from_path(std::string_view path);

}  // namespace readygate::contract
