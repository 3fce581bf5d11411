#include "contract/request_check.h"

#include <cstring>

#include <array>
#include <limits>

#include "contract/json_scan.h"

namespace readygate::contract {
namespace {

using namespace detail;

// nullopt: the check passed. Messages name fields and JSON types only, never
// a value from the request: a value may be prompt text.
using Check = std::optional<ApiError>;

constexpr std::string_view kNotJson =
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The API expects a JSON payload, but what was sent was "
    "not valid JSON.)";

constexpr std::array<std::string_view, 6> kChatRoles = {"system",    "developer", "user",
                                                        "assistant", "tool",      "function"};
constexpr std::array<std::string_view, 4> kInputRoles = {"user", "assistant", "system",
                                                         "developer"};

std::string join(std::string_view base, std::string_view key) {
  std::string out(base);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string index(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

ApiError missing(const std::string& param) {
  return invalid_request("Missing required parameter: '" + param + "'.", param,
                         "missing_required_parameter");
}

ApiError wrong_type(const std::string& param, std::string_view expected, const element& got) {
  std::string m = "Invalid type for '" + param + "': expected ";
  m += expected;
  m += ", but got ";
  m += type_phrase(got);
  m += " instead.";
  return invalid_request(std::move(m), param, "invalid_type");
}

ApiError bad_value(const std::string& param, std::string_view expectation, std::string code) {
  std::string m = "Invalid value for '" + param + "': ";
  m += expectation;
  m += '.';
  return invalid_request(std::move(m), param, std::move(code));
}

template <size_t N>
bool one_of(std::string_view v, const std::array<std::string_view, N>& set) {
  for (auto s : set)
    if (s == v) return true;
  return false;
}

template <size_t N>
std::string expectation_list(const std::array<std::string_view, N>& set) {
  std::string out = "expected one of ";
  for (size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += '\'';
    out += set[i];
    out += '\'';
  }
  return out;
}

// Optional members below accept an absent key or JSON null as "not given".
std::optional<element> given(const object& o, std::string_view key) {
  auto v = member(o, key);
  if (!v || is_null(*v)) return std::nullopt;
  return v;
}

Check opt_bool(const object& o, std::string_view key, bool* out) {
  auto v = given(o, key);
  if (!v) return std::nullopt;
  if (v->get_bool().get(*out) != simdjson::SUCCESS)
    return wrong_type(std::string(key), "a boolean", *v);
  return std::nullopt;
}

Check opt_int_min(const object& o, std::string_view key, int64_t min, std::optional<int64_t>* out) {
  auto v = given(o, key);
  if (!v) return std::nullopt;
  if (!is_integer(*v)) return wrong_type(std::string(key), "an integer", *v);
  int64_t n = 0;
  if (v->get_int64().get(n) != simdjson::SUCCESS)
    n = std::numeric_limits<int64_t>::max();  // a UINT64 beyond int64
  if (n < min)
    return bad_value(std::string(key), "expected an integer >= " + std::to_string(min),
                     "integer_below_min_value");
  if (out) *out = n;
  return std::nullopt;
}

Check opt_number_in(const object& o, std::string_view key, double lo, double hi) {
  auto v = given(o, key);
  if (!v) return std::nullopt;
  double d = 0;
  if (!is_number(*v) || v->get_double().get(d) != simdjson::SUCCESS)
    return wrong_type(std::string(key), "a number", *v);
  if (d < lo || d > hi) {
    std::string range =
        "expected a number between " + std::to_string(int(lo)) + " and " + std::to_string(int(hi));
    return bad_value(std::string(key), range,
                     d < lo ? "decimal_below_min_value" : "decimal_above_max_value");
  }
  return std::nullopt;
}

Check opt_array(const object& o, std::string_view key, size_t* size) {
  auto v = given(o, key);
  if (!v) return std::nullopt;
  array a;
  if (v->get_array().get(a) != simdjson::SUCCESS)
    return wrong_type(std::string(key), "an array", *v);
  if (size) *size = a.size();
  return std::nullopt;
}

Check required_model(const object& o, RequestFacts* facts) {
  auto v = member(o, "model");
  if (!v) return missing("model");
  std::string_view s;
  if (v->get_string().get(s) != simdjson::SUCCESS) return wrong_type("model", "a string", *v);
  if (s.empty()) return bad_value("model", "expected a non-empty string", "invalid_value");
  facts->model = std::string(s);
  return std::nullopt;
}

// Content parts: objects with a string `type`. Their payload is not checked.
Check content_parts(const array& parts, const std::string& path) {
  size_t i = 0;
  for (element part : parts) {
    const std::string p = index(path, i++);
    object po;
    if (part.get_object().get(po) != simdjson::SUCCESS) return wrong_type(p, "an object", part);
    auto t = member(po, "type");
    if (!t) return missing(join(p, "type"));
    if (t->type() != element_type::STRING) return wrong_type(join(p, "type"), "a string", *t);
  }
  return std::nullopt;
}

// `content` of a message: string, array of parts, or null when `nullable`.
Check message_content(const object& m, const std::string& path, bool required, bool nullable) {
  const std::string p = join(path, "content");
  auto c = member(m, "content");
  if (!c) return required ? Check(missing(p)) : std::nullopt;
  if (c->type() == element_type::STRING) return std::nullopt;
  if (nullable && is_null(*c)) return std::nullopt;
  array parts;
  if (c->get_array().get(parts) != simdjson::SUCCESS)
    return wrong_type(p, nullable ? "a string, an array or null" : "a string or an array", *c);
  return content_parts(parts, p);
}

Check chat_message(const element& e, const std::string& path) {
  object m;
  if (e.get_object().get(m) != simdjson::SUCCESS) return wrong_type(path, "an object", e);
  const std::string rp = join(path, "role");
  auto role = member(m, "role");
  if (!role) return missing(rp);
  std::string_view r;
  if (role->get_string().get(r) != simdjson::SUCCESS) return wrong_type(rp, "a string", *role);
  if (!one_of(r, kChatRoles)) return bad_value(rp, expectation_list(kChatRoles), "invalid_value");
  // An assistant turn that only carries tool_calls may omit content.
  if (auto err = message_content(m, path, r != "assistant", true)) return err;
  if (r == "tool") {
    const std::string tp = join(path, "tool_call_id");
    auto id = member(m, "tool_call_id");
    if (!id) return missing(tp);
    if (id->type() != element_type::STRING) return wrong_type(tp, "a string", *id);
  }
  return std::nullopt;
}

Check responses_input_item(const element& e, const std::string& path) {
  object item;
  if (e.get_object().get(item) != simdjson::SUCCESS) return wrong_type(path, "an object", e);
  auto role = member(item, "role");
  auto type = member(item, "type");
  std::string_view t;
  if (type && type->get_string().get(t) != simdjson::SUCCESS)
    return wrong_type(join(path, "type"), "a string", *type);
  if (!role) {
    if (!type) return missing(join(path, "role"));
    if (t != "message") return std::nullopt;  // function_call_output, item_reference, ...
    return missing(join(path, "role"));
  }
  const std::string rp = join(path, "role");
  std::string_view r;
  if (role->get_string().get(r) != simdjson::SUCCESS) return wrong_type(rp, "a string", *role);
  if (!one_of(r, kInputRoles)) return bad_value(rp, expectation_list(kInputRoles), "invalid_value");
  return message_content(item, path, true, false);
}

Check check_chat(const object& o, RequestFacts* f) {
  if (auto err = required_model(o, f)) return err;
  auto msgs = member(o, "messages");
  if (!msgs) return missing("messages");
  array a;
  if (msgs->get_array().get(a) != simdjson::SUCCESS)
    return wrong_type("messages", "an array", *msgs);
  if (a.size() == 0)
    return invalid_request(
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an "
        "empty array instead.",
        "messages", "empty_array");
  size_t i = 0;
  for (element m : a)
    if (auto err = chat_message(m, index("messages", i++))) return err;
  f->input_items = a.size();

  if (auto err = opt_bool(o, "stream", &f->stream)) return err;
  if (auto so = given(o, "stream_options")) {
    object so_obj;
    if (so->get_object().get(so_obj) != simdjson::SUCCESS)
      return wrong_type("stream_options", "an object", *so);
    if (auto iu = given(so_obj, "include_usage");
        iu && iu->get_bool().get(f->include_usage) != simdjson::SUCCESS)
      return wrong_type("stream_options.include_usage", "a boolean", *iu);
  }
  std::optional<int64_t> max_tokens, max_completion_tokens;
  if (auto err = opt_int_min(o, "max_tokens", 1, &max_tokens)) return err;
  if (auto err = opt_int_min(o, "max_completion_tokens", 1, &max_completion_tokens)) return err;
  f->max_output_tokens = max_completion_tokens ? max_completion_tokens : max_tokens;
  if (auto err = opt_number_in(o, "temperature", 0, 2)) return err;
  if (auto err = opt_number_in(o, "top_p", 0, 1)) return err;
  if (auto err = opt_int_min(o, "n", 1, nullptr)) return err;
  size_t tools = 0;
  if (auto err = opt_array(o, "tools", &tools)) return err;
  f->has_tools = tools > 0;
  return std::nullopt;
}

Check check_responses(const object& o, RequestFacts* f) {
  if (auto err = required_model(o, f)) return err;
  auto input = member(o, "input");
  if (!input) return missing("input");
  array a;
  if (input->type() == element_type::STRING) {
    f->input_items = 1;
  } else if (input->get_array().get(a) == simdjson::SUCCESS) {
    size_t i = 0;
    for (element item : a)
      if (auto err = responses_input_item(item, index("input", i++))) return err;
    f->input_items = a.size();
  } else {
    return wrong_type("input", "a string or an array", *input);
  }
  if (auto ins = given(o, "instructions"); ins && ins->type() != element_type::STRING)
    return wrong_type("instructions", "a string or null", *ins);
  if (auto err = opt_bool(o, "stream", &f->stream)) return err;
  if (auto err = opt_int_min(o, "max_output_tokens", 1, &f->max_output_tokens)) return err;
  if (auto err = opt_number_in(o, "temperature", 0, 2)) return err;
  if (auto err = opt_number_in(o, "top_p", 0, 1)) return err;
  size_t tools = 0;
  if (auto err = opt_array(o, "tools", &tools)) return err;
  f->has_tools = tools > 0;
  return std::nullopt;
}

// The members the gateway decides on (routing, streaming, the route's model
// rewrite) must be unambiguous: a parser that keeps the last of two keys
// (Python, JavaScript, Go) would read another request than the one routed.
Check unique_decision_keys(const object& o) {
  constexpr std::array<std::string_view, 3> kKeys = {"model", "stream", "stream_options"};
  std::array<int, kKeys.size()> seen{};
  for (auto kv : o)
    for (size_t i = 0; i < kKeys.size(); ++i)
      if (kv.key == kKeys[i] && ++seen[i] > 1)
        return invalid_request("Duplicate key '" + std::string(kKeys[i]) +
                                   "' in the request body: send each parameter once.",
                               std::string(kKeys[i]), "duplicate_parameter");
  return std::nullopt;
}

// A structural hash over the parsed value: a tag per node, string bytes
// eight at a time. Deterministic and whitespace-insensitive.
class Fingerprint {
 public:
  uint64_t of(const element& e) {
    walk(e);
    return mix(h_ ^ n_);
  }

 private:
  static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
  }
  void add(uint64_t v) {
    h_ = (h_ ^ v) * 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 29;
    ++n_;
  }
  void add_bytes(std::string_view s) {
    add(0x5354520000000000ULL | s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      add(w);
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    add(tail);
  }
  void walk(const element& e) {
    switch (e.type()) {
      case element_type::ARRAY: {
        add(1);
        const array items = e.get_array().value_unsafe();  // named: range-for over the
        for (element c : items) walk(c);                  // temporary result dangles
        add(2);
        break;
      }
      case element_type::OBJECT: {
        add(3);
        const object fields = e.get_object().value_unsafe();
        for (auto kv : fields) {
          add_bytes(kv.key);
          walk(kv.value);
        }
        add(4);
        break;
      }
      case element_type::STRING: add_bytes(e.get_string().value_unsafe()); break;
      case element_type::INT64:
        add(5);
        add(static_cast<uint64_t>(e.get_int64().value_unsafe()));
        break;
      case element_type::UINT64:
        add(6);
        add(e.get_uint64().value_unsafe());
        break;
      case element_type::DOUBLE: {
        const double d = e.get_double().value_unsafe();
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        add(7);
        add(bits);
        break;
      }
      case element_type::BOOL: add(e.get_bool().value_unsafe() ? 8 : 9); break;
      case element_type::NULL_VALUE: add(10); break;
    }
  }
  uint64_t h_ = 0x243f6a8885a308d3ULL;
  uint64_t n_ = 0;
};

}  // namespace

std::expected<RequestFacts, ApiError> check_request(Surface surface, std::string_view body,
                                                    bool fingerprint_content) {
  auto root = parse_json(body);
  if (!root) return std::unexpected(invalid_request(std::string(kNotJson), ""));
  object o;
  if (root->get_object().get(o) != simdjson::SUCCESS) {
    std::string m =
        "We could not parse the JSON body of your request. The API expects a JSON "
        "object, but got ";
    m += type_phrase(*root);
    m += " instead.";
    return std::unexpected(invalid_request(std::move(m), "", "invalid_type"));
  }
  RequestFacts facts;
  Check err = unique_decision_keys(o);
  if (!err)
    err = surface == Surface::kChatCompletions ? check_chat(o, &facts) : check_responses(o, &facts);
  if (err) return std::unexpected(std::move(*err));
  if (fingerprint_content) {
    element content;
    if (o.at_key(surface == Surface::kChatCompletions ? "messages" : "input").get(content) ==
        simdjson::SUCCESS)
      facts.content_fingerprint = Fingerprint().of(content);
  }
  return facts;
}

}  // namespace readygate::contract
