#include "kube/apiserver_lookup.h"

#include <cctype>
#include <cstdint>
#include <exception>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/encoding.h"

namespace irsa::kube {
namespace {

namespace json = boost::json;

Error Invalid(std::string message) {
  return errors::InvalidParameterValue("kubeconfig: " + std::move(message));
}

// ---------------------------------------------------------------------------------------------
// A YAML subset, enough for kubeconfig files as kubectl and cloud tools write them: block
// mappings and sequences by indentation, plain/single-quoted/double-quoted scalars (all kept as
// strings), comments, document markers, and flow values that are valid JSON ({} [] {"a":1}).
// Anchors, aliases, tags, block scalars and multi-line scalars are rejected.

struct Line {
  size_t number = 0;  // 1-based, for messages
  size_t indent = 0;
  std::string text;  // without indentation and trailing spaces
};

constexpr size_t kMaxDepth = 64;

class YamlParser {
 public:
  explicit YamlParser(std::string_view text) {
    size_t number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      ++number;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      size_t indent = 0;
      while (indent < raw.size() && raw[indent] == ' ') ++indent;
      std::string_view rest = raw.substr(indent);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
      if (rest.empty() || rest.front() == '#') continue;
      if (rest.front() == '\t') {
        error_ = "line " + std::to_string(number) + ": tab in indentation";
        return;
      }
      if (indent == 0 && (rest == "---" || rest == "...")) continue;
      if (indent == 0 && rest.starts_with("%")) continue;  // %YAML directive
      lines_.push_back({number, indent, std::string(rest)});
      if (end == text.size()) break;
    }
  }

  Result<json::value> Parse() {
    if (!error_.empty()) return Invalid(error_);
    if (lines_.empty()) return json::value(json::object());
    IRSA_TRY(json::value root, Node(lines_[0].indent, 0));
    if (i_ < lines_.size()) return Fail(lines_[i_], "unexpected indentation");
    return root;
  }

 private:
  Error Fail(const Line& line, std::string_view why) {
    return Invalid("line " + std::to_string(line.number) + ": " + std::string(why) +
                   " (only a YAML subset is supported)");
  }

  static bool IsSequenceItem(std::string_view text) {
    return text == "-" || text.starts_with("- ");
  }

  // Position of the ':' that ends a mapping key on this line, or npos.
  static size_t KeyColon(std::string_view text) {
    size_t start = 0;
    if (!text.empty() && (text[0] == '"' || text[0] == '\'')) {
      const char quote = text[0];
      size_t j = 1;
      while (j < text.size()) {
        if (quote == '"' && text[j] == '\\') {
          j += 2;
          continue;
        }
        if (text[j] == quote) {
          if (quote == '\'' && j + 1 < text.size() && text[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      if (j >= text.size()) return std::string_view::npos;
      start = j + 1;
      if (start < text.size() && text[start] == ':' &&
          (start + 1 == text.size() || text[start + 1] == ' ')) {
        return start;
      }
      return std::string_view::npos;
    }
    for (size_t j = start; j < text.size(); ++j) {
      if (text[j] == '#' && j > 0 && text[j - 1] == ' ') return std::string_view::npos;
      if (text[j] == ':' && (j + 1 == text.size() || text[j + 1] == ' ')) return j;
    }
    return std::string_view::npos;
  }

  Result<json::value> Node(size_t indent, size_t depth) {
    if (depth > kMaxDepth) return Fail(lines_[i_], "nested too deeply");
    const Line& first = lines_[i_];
    if (IsSequenceItem(first.text)) return Sequence(indent, depth);
    if (KeyColon(first.text) != std::string_view::npos) return Mapping(indent, depth);
    // A lone scalar.
    IRSA_TRY(json::value v, Scalar(first, first.text));
    ++i_;
    return v;
  }

  Result<json::value> Sequence(size_t indent, size_t depth) {
    json::array out;
    while (i_ < lines_.size() && lines_[i_].indent == indent && IsSequenceItem(lines_[i_].text)) {
      Line& line = lines_[i_];
      if (line.text == "-") {
        ++i_;
        if (i_ < lines_.size() && lines_[i_].indent > indent) {
          IRSA_TRY(json::value item, Node(lines_[i_].indent, depth + 1));
          out.push_back(std::move(item));
        } else {
          out.push_back(nullptr);
        }
        continue;
      }
      // "- rest": the item starts at rest's column (compact nested mappings line up with it).
      size_t skip = 1;
      while (skip < line.text.size() && line.text[skip] == ' ') ++skip;
      line.indent += skip;
      line.text.erase(0, skip);
      IRSA_TRY(json::value item, Node(line.indent, depth + 1));
      out.push_back(std::move(item));
    }
    return json::value(std::move(out));
  }

  Result<json::value> Mapping(size_t indent, size_t depth) {
    json::object out;
    while (i_ < lines_.size() && lines_[i_].indent == indent) {
      const Line& line = lines_[i_];
      if (IsSequenceItem(line.text)) return Fail(line, "sequence item inside a mapping");
      const size_t colon = KeyColon(line.text);
      if (colon == std::string_view::npos) return Fail(line, "expected `key: value`");
      IRSA_TRY(json::value key, Scalar(line, std::string_view(line.text).substr(0, colon)));
      if (!key.is_string()) return Fail(line, "mapping keys must be scalars");
      std::string_view value = std::string_view(line.text).substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      const Line current = line;
      ++i_;
      json::value parsed;
      if (value.empty() || value.front() == '#') {
        if (i_ < lines_.size() &&
            (lines_[i_].indent > indent ||
             (lines_[i_].indent == indent && IsSequenceItem(lines_[i_].text)))) {
          IRSA_TRY(parsed, Node(lines_[i_].indent, depth + 1));
        }
      } else {
        IRSA_TRY(parsed, Scalar(current, value));
      }
      out[key.as_string()] = std::move(parsed);
    }
    if (i_ < lines_.size() && lines_[i_].indent > indent) {
      return Fail(lines_[i_], "unexpected indentation (multi-line scalars are not supported)");
    }
    return json::value(std::move(out));
  }

  Result<json::value> Scalar(const Line& line, std::string_view text) {
    if (text.empty()) return json::value(nullptr);
    const char c = text.front();
    if (c == '"') return DoubleQuoted(line, text);
    if (c == '\'') {
      std::string out;
      size_t j = 1;
      for (; j < text.size(); ++j) {
        if (text[j] == '\'') {
          if (j + 1 < text.size() && text[j + 1] == '\'') {
            out += '\'';
            ++j;
            continue;
          }
          break;
        }
        out += text[j];
      }
      if (j >= text.size()) return Fail(line, "unterminated quoted string");
      if (!TrailingIsComment(text.substr(j + 1))) return Fail(line, "text after a string");
      return json::value(out);
    }
    if (c == '{' || c == '[') {
      boost::system::error_code ec;
      json::value v = json::parse(StripComment(text), ec);
      if (ec) return Fail(line, "flow collections must be JSON");
      return v;
    }
    if (c == '&' || c == '*' || c == '!' || c == '|' || c == '>') {
      return Fail(line, "anchors, aliases, tags and block scalars are not supported");
    }
    std::string_view plain = StripComment(text);
    if (plain == "~" || plain == "null" || plain == "Null" || plain == "NULL") {
      return json::value(nullptr);
    }
    return json::value(std::string(plain));
  }

  static bool TrailingIsComment(std::string_view rest) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest.empty() || rest.front() == '#';
  }

  static std::string_view StripComment(std::string_view text) {
    size_t hash = text.find(" #");
    if (hash != std::string_view::npos) text = text.substr(0, hash);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
  }

  Result<json::value> DoubleQuoted(const Line& line, std::string_view text) {
    std::string out;
    size_t j = 1;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] != '\\') {
        out += text[j];
        continue;
      }
      if (++j >= text.size()) break;
      switch (text[j]) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case ' ':
          out += ' ';
          break;
        default:
          return Fail(line, "unsupported escape in a double-quoted string");
      }
    }
    if (j >= text.size()) return Fail(line, "unterminated quoted string");
    if (!TrailingIsComment(text.substr(j + 1))) return Fail(line, "text after a string");
    return json::value(out);
  }

  std::vector<Line> lines_;
  size_t i_ = 0;
  std::string error_;
};

Result<json::value> ParseYamlOrJson(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    boost::system::error_code ec;
    json::parse_options limits;
    limits.max_depth = kMaxDepth;
    json::value v = json::parse(text, ec, {}, limits);
    if (ec) return Invalid("invalid JSON: " + ec.message());
    return v;
  }
  return YamlParser(text).Parse();
}

// ---------------------------------------------------------------------------------------------

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The `field` object of the entry named `name` in the list `list` (clusters, users, contexts).
Result<const json::object*> NamedEntry(const json::object& root, std::string_view list,
                                       std::string_view field, const std::string& name) {
  const json::value* entries = root.if_contains(list);
  if (entries != nullptr && entries->is_array()) {
    for (const json::value& entry : entries->as_array()) {
      if (!entry.is_object() || StringAt(entry.as_object(), "name") != name) continue;
      const json::value* inner = entry.as_object().if_contains(field);
      if (inner == nullptr || !inner->is_object()) {
        return Invalid(std::string(list) + " entry \"" + name + "\" has no " + std::string(field));
      }
      return &inner->as_object();
    }
  }
  return Invalid("no " + std::string(field) + " named \"" + name + "\" in " + std::string(list));
}

bool IsTrue(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() == "true" || v->as_string() == "True";
  return false;
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

Result<std::string> ReadSmallFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errors::ServiceUnavailable("cannot read " + std::string(what) + " " + path);
  std::string out;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.append(buffer, static_cast<size_t>(in.gcount()));
    if (out.size() > kMaxKubeconfigBytes) {
      return errors::ServiceUnavailable(std::string(what) + " " + path + " is too large");
    }
  }
  return out;
}

std::string TrimSpace(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

bool IsAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The API server's v1 Status message, if the body is one.
std::string StatusMessage(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  return StringAt(v.as_object(), "message");
}

}  // namespace

bool IsDns1123Label(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!IsAlnumLower(name.front()) || !IsAlnumLower(name.back())) return false;
  for (char c : name) {
    if (!IsAlnumLower(c) && c != '-') return false;
  }
  return true;
}

bool IsDns1123Subdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label =
        name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (label.empty() || !IsAlnumLower(label.front()) || !IsAlnumLower(label.back())) return false;
    for (char c : label) {
      if (!IsAlnumLower(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Result<ApiServerConfig> ParseKubeconfig(std::string_view text, const std::string& kubeconfig_dir,
                                        const std::string& context) {
  if (text.size() > kMaxKubeconfigBytes) return Invalid("file too large");
  Result<json::value> parsed = [&]() -> Result<json::value> {
    try {
      return ParseYamlOrJson(text);
    } catch (const std::exception& e) {  // bad_alloc
      return Invalid(std::string("cannot parse: ") + e.what());
    }
  }();
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return Invalid("not a mapping");
  const json::object& root = parsed->as_object();
  std::string context_name = context.empty() ? StringAt(root, "current-context") : context;
  if (context_name.empty()) return Invalid("no current-context (and no context given)");
  IRSA_TRY(const json::object* ctx, NamedEntry(root, "contexts", "context", context_name));
  const std::string cluster_name = StringAt(*ctx, "cluster");
  const std::string user_name = StringAt(*ctx, "user");
  if (cluster_name.empty()) return Invalid("context \"" + context_name + "\" names no cluster");
  IRSA_TRY(const json::object* cluster, NamedEntry(root, "clusters", "cluster", cluster_name));

  ApiServerConfig config;
  config.server = StringAt(*cluster, "server");
  if (!config.server.starts_with("https://") && !config.server.starts_with("http://")) {
    return Invalid("cluster \"" + cluster_name + "\" server must be an http(s) URL");
  }
  while (config.server.ends_with('/')) config.server.pop_back();
  if (IsTrue(*cluster, "insecure-skip-tls-verify")) {
    return Invalid("insecure-skip-tls-verify is not supported; give certificate-authority");
  }
  if (std::string data = StringAt(*cluster, "certificate-authority-data"); !data.empty()) {
    std::optional<std::string> pem = Base64Decode(data);
    if (!pem || pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return Invalid("cluster \"" + cluster_name +
                     "\" certificate-authority-data is not base64 of PEM certificates");
    }
    config.ca_pem = std::move(*pem);
  } else {
    config.ca_file = Resolve(kubeconfig_dir, StringAt(*cluster, "certificate-authority"));
  }

  if (user_name.empty()) return Invalid("context \"" + context_name + "\" names no user");
  IRSA_TRY(const json::object* user, NamedEntry(root, "users", "user", user_name));
  config.bearer_token = StringAt(*user, "token");
  if (config.bearer_token.empty()) {
    config.bearer_token_file = Resolve(kubeconfig_dir, StringAt(*user, "tokenFile"));
  }
  if (config.bearer_token.empty() && config.bearer_token_file.empty()) {
    return Invalid("user \"" + user_name +
                   "\" has no token or tokenFile (client certificates, exec and auth-provider "
                   "plugins are not supported)");
  }
  return config;
}

Result<ApiServerConfig> InClusterConfig(std::string_view host, std::string_view port,
                                        std::string token_file, std::string ca_file) {
  if (host.empty() || port.empty()) {
    return errors::InvalidParameterValue(
        "not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset");
  }
  ApiServerConfig config;
  std::string h(host);
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  config.server = "https://" + h + ":" + std::string(port);
  config.bearer_token_file = std::move(token_file);
  config.ca_file = std::move(ca_file);
  return config;
}

ApiServerServiceAccountLookup::ApiServerServiceAccountLookup(HttpFetcher& fetcher,
                                                             const Clock& clock,
                                                             ApiServerConfig config,
                                                             ApiServerLookupOptions options)
    : fetcher_(fetcher), clock_(clock), config_(std::move(config)), options_(options) {}

Result<std::string> ApiServerServiceAccountLookup::Token() {
  if (!config_.bearer_token.empty()) return config_.bearer_token;
  if (config_.bearer_token_file.empty()) return std::string();
  std::lock_guard<std::mutex> lock(mu_);
  const MonoTime now = clock_.Monotonic();
  if (!file_token_read_ || now - *file_token_read_ >= options_.token_reload) {
    Result<std::string> token = ReadSmallFile(config_.bearer_token_file, "token file");
    if (!token.ok()) {
      if (file_token_.empty()) return token.error();  // keep using the last token otherwise
    } else {
      file_token_ = TrimSpace(std::move(*token));
      file_token_read_ = now;
    }
  }
  return file_token_;
}

Result<std::optional<ServiceAccountInfo>> ApiServerServiceAccountLookup::Get(
    const std::string& ns, const std::string& name) {
  if (!IsDns1123Label(ns) || !IsDns1123Subdomain(name)) {
    return std::optional<ServiceAccountInfo>();
  }
  const std::string path = "/api/v1/namespaces/" + ns + "/serviceaccounts/" + name;
  FetchRequest request;
  request.url = config_.server + path;
  request.timeout = options_.timeout;
  request.headers.emplace_back("Accept", "application/json");
  IRSA_TRY(std::string token, Token());
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  Result<FetchResponse> response = fetcher_.Get(request);
  if (!response.ok()) {
    return errors::ServiceUnavailable("kube-apiserver GET " + path + ": " +
                                      response.error().message());
  }
  if (response->status == 404) return std::optional<ServiceAccountInfo>();
  if (response->status != 200) {
    std::string message =
        "kube-apiserver GET " + path + ": HTTP " + std::to_string(response->status);
    if (response->status == 401) message += " (the bearer token was not accepted)";
    if (response->status == 403) message += " (the webhook needs get on serviceaccounts)";
    if (std::string status = StatusMessage(response->body); !status.empty()) {
      message += ": " + status;
    }
    return errors::ServiceUnavailable(message);
  }
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = kMaxDepth;
  json::value body = json::parse(response->body, ec, {}, limits);
  if (ec || !body.is_object() || StringAt(body.as_object(), "kind") != "ServiceAccount") {
    return errors::ServiceUnavailable("kube-apiserver GET " + path +
                                      ": the answer is not a ServiceAccount");
  }
  ServiceAccountInfo info;
  info.ns = ns;
  info.name = name;
  const json::value* meta = body.as_object().if_contains("metadata");
  if (meta != nullptr && meta->is_object()) {
    const json::value* annotations = meta->as_object().if_contains("annotations");
    if (annotations != nullptr && annotations->is_object()) {
      for (const auto& [k, v] : annotations->as_object()) {
        if (v.is_string()) info.annotations.emplace(std::string(k), std::string(v.as_string()));
      }
    }
  }
  return std::optional<ServiceAccountInfo>(std::move(info));
}

}  // namespace irsa::kube
