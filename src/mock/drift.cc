#include "mock/drift.h"

#include <nlohmann/json.hpp>

namespace readygate::mock {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = p.find('.', start);
    out.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// The container holding the last path component, or nullptr.
json* parent_of(json& doc, const std::vector<std::string>& parts) {
  json* cur = &doc;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto& k = parts[i];
    if (cur->is_object() && cur->contains(k)) {
      cur = &(*cur)[k];
    } else if (cur->is_array() && !k.empty() &&
               k.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(k) < cur->size()) {
      cur = &(*cur)[std::stoul(k)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

// Responses events nest the response under "response"; apply there too.
void apply_at(json& doc, const std::string& path, const std::string* rename_to) {
  for (json* target : {&doc, doc.is_object() && doc.contains("response") ? &doc["response"]
                                                                         : static_cast<json*>(nullptr)}) {
    if (!target) continue;
    const auto parts = split_path(path);
    json* parent = parent_of(*target, parts);
    if (!parent || !parent->is_object() || !parent->contains(parts.back())) continue;
    if (rename_to) (*parent)[*rename_to] = (*parent)[parts.back()];
    parent->erase(parts.back());
  }
}

}  // namespace

std::string apply_drift(contract::Surface s, const FaultAction& a, const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return text;
  const bool chat = s == contract::Surface::kChatCompletions;
  const bool defaults = a.drift_remove.empty() && a.drift_rename.empty() && !a.drift_extra;
  if (defaults && a.name == "drift_renamed") {
    const std::string to = chat ? "results" : "outputs";
    apply_at(doc, chat ? "choices" : "output", &to);
  } else if (defaults) {
    apply_at(doc, chat ? "choices.0.finish_reason" : "output.0.status", nullptr);
  }
  for (const auto& p : a.drift_remove) apply_at(doc, p, nullptr);
  for (const auto& [from, to] : a.drift_rename) apply_at(doc, from, &to);
  if (a.drift_extra) doc["x_provider_extra"] = {{"note", "undocumented field"}};
  return doc.dump();
}

std::string apply_drift_to_frame(contract::Surface s, const FaultAction& a,
                                 const std::string& frame) {
  const auto pos = frame.find("data: ");
  if (pos == std::string::npos) return frame;
  const auto end = frame.find('\n', pos);
  const std::string data = frame.substr(pos + 6, end - pos - 6);
  return frame.substr(0, pos + 6) + apply_drift(s, a, data) + frame.substr(end);
}

}  // namespace readygate::mock
