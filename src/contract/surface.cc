#include "contract/surface.h"

namespace readygate::contract {

std::string_view surface_name(Surface s) {
  switch (s) {
    case Surface::kChatCompletions:
      return "chat_completions";
    case Surface::kResponses:
      return "responses";
  }
  return "unknown";
}

std::optional<Surface> parse_surface(std::string_view name) {
  if (name == "chat_completions") return Surface::kChatCompletions;
  if (name == "responses") return Surface::kResponses;
  return std::nullopt;
}

std::string_view surface_path(Surface s) {
  switch (s) {
    case Surface::kChatCompletions:
      return "/v1/chat/completions";
    case Surface::kResponses:
      return "/v1/responses";
  }
  return "";
}

std::optional<Surface> surface_from_path(std::string_view path) {
  if (const size_t q = path.find_first_of("?#"); q != std::string_view::npos)
    path = path.substr(0, q);
  // Clients built on the SDKs never add a trailing slash, but hand-written
  // base URLs sometimes do; it names the same resource.
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses})
    if (path == surface_path(s)) return s;
  return std::nullopt;
}

}  // namespace readygate::contract
