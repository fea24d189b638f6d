#include "cli/exec_cmd.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "cli/exec_transparent.h"
#include "cli/local_kube_client.h"
#include "cli/offline.h"
#include "kube/api.h"
#include "kube/k8s_store_lookup.h"
#include "kube/webhook.h"
#include "server/kube_clusters.h"

extern char** environ;

namespace irsa::cli {

// ---------------------------------------------------------------------------------------------
// irsa exec

namespace {

namespace json = boost::json;

constexpr std::string_view kRoleArnAnnotation = "eks.amazonaws.com/role-arn";
constexpr int64_t kMaxTokenSeconds = 86400;

// Credential sources (and injected variables) a child must not inherit.
constexpr std::string_view kStrippedEnv[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_EC2_METADATA_DISABLED",
};
// Inherited variables the synthetic pod's container declares (the webhook honours them).
constexpr std::string_view kPodEnv[] = {"AWS_REGION", "AWS_DEFAULT_REGION",
                                        "AWS_STS_REGIONAL_ENDPOINTS"};

struct ExecArgs {
  OfflineOptions offline;
  std::string cluster;
  std::string ns = "default";
  std::string service_account;
  std::string endpoint_url;
  std::string region;
  bool sts_regional_endpoint = false;
  std::string session_name;
  int64_t refresh_interval = 0;
  bool verbose = false;
  bool transparent = false;  // cli/exec_transparent.h
  std::vector<std::string> command;
};

// The string `key` of DATA/endpoints.json (written by `irsa serve`).
Result<std::string> EndpointsField(const std::string& data_dir, const std::string& key) {
  const std::string path = data_dir + "/endpoints.json";
  std::ifstream in(path);
  if (!in) {
    return errors::InvalidParameterValue("cannot read " + path +
                                         " (start `irsa serve` or pass --endpoint-url)");
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  const json::value* field = !ec && v.is_object() ? v.as_object().if_contains(key) : nullptr;
  if (field == nullptr || !field->is_string() || field->as_string().empty()) {
    return errors::InvalidParameterValue(path + " names no \"" + key + "\"" +
                                         (key == "http" ? "; pass --endpoint-url" : ""));
  }
  return std::string(field->as_string());
}

Result<std::string> HttpEndpoint(const std::string& data_dir) {
  return EndpointsField(data_dir, "http");
}

bool IsSessionNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

// "irsa-exec-<ns>-<sa>-<8 random hex digits>" within the RoleSessionName rules
// ([\w+=,.@-]{2,64}; the prefix is cut, never the suffix). Fresh per run: the AWS CLI caches
// web-identity credentials by role and session name (~/.aws/cli/cache), so a fixed name would hand
// a later run the credentials of an earlier one — possibly from another irsa instance.
std::string DefaultSessionName(const std::string& ns, const std::string& sa, Random& random) {
  std::string prefix = "irsa-exec-" + ns + "-" + sa;
  for (char& c : prefix) {
    if (!IsSessionNameChar(c)) c = '-';
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix = "-";
  for (unsigned char byte : random.Bytes(4)) {
    suffix += kHex[byte >> 4];
    suffix += kHex[byte & 15];
  }
  return prefix.substr(0, 64 - suffix.size()) + suffix;
}

// Open file descriptors of this process.
std::set<int> OpenFds() {
  std::set<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (struct dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && fd != own) fds.insert(static_cast<int>(fd));
  }
  ::closedir(dir);
  return fds;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errors::ServiceFailure(std::string("write: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

// Writes <dir>/token atomically: a private temp file in the same directory, then rename, so the
// SDK never reads a partial token.
Status WriteTokenFile(const std::string& dir, const std::string& token) {
  const std::string tmp = dir + "/.token.tmp";
  const std::string final_path = dir + "/token";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return errors::ServiceFailure("cannot create " + tmp + ": " + std::strerror(errno));
  }
  Status written = WriteAll(fd, token);
  if (written.ok() && ::fsync(fd) != 0) {
    written = errors::ServiceFailure("fsync " + tmp + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (written.ok() && ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    written = errors::ServiceFailure("cannot rename " + tmp + ": " + std::strerror(errno));
  }
  if (!written.ok()) ::unlink(tmp.c_str());
  return written;
}

// The projected token: what kubelet asks the API server for (TokenRequest).
struct TokenSource {
  LocalKubeClient* kube = nullptr;
  std::string cluster, ns, service_account;
  std::string audience;  // "" = the API server's default audiences (as kubelet without one)
  int64_t lifetime = kMaxTokenSeconds;

  Result<std::string> Mint() const {
    json::object spec{{"expirationSeconds", lifetime}};
    if (!audience.empty()) spec.emplace("audiences", json::array{json::string(audience)});
    json::object request{{"apiVersion", "authentication.k8s.io/v1"},
                         {"kind", "TokenRequest"},
                         {"spec", std::move(spec)}};
    IRSA_TRY(json::object response, kube->Call(cluster, "POST",
                                               "/api/v1/namespaces/" + ns + "/serviceaccounts/" +
                                                   service_account + "/token",
                                               json::serialize(request)));
    const json::value* status = response.if_contains("status");
    const json::value* token =
        status && status->is_object() ? status->as_object().if_contains("token") : nullptr;
    if (token == nullptr || !token->is_string() || token->as_string().empty()) {
      return errors::ServiceFailure("TokenRequest returned no token");
    }
    return std::string(token->as_string());
  }
};

// What the webhook decided for the synthetic pod.
struct Injection {
  bool has_role = false;
  std::vector<std::pair<std::string, std::string>> env;  // in patch order
  std::string audience;
  int64_t expiration = kMaxTokenSeconds;
  std::vector<std::string> reasons;
};

const json::object* VolumeNamed(const json::value& v, std::string_view name) {
  if (v.is_object()) {
    const json::value* n = v.as_object().if_contains("name");
    return n && n->is_string() && n->as_string() == name ? &v.as_object() : nullptr;
  }
  if (v.is_array()) {
    for (const json::value& item : v.as_array()) {
      if (const json::object* found = VolumeNamed(item, name)) return found;
    }
  }
  return nullptr;
}

// Runs the webhook's MutatePod on a pod with one container whose env holds the inherited
// kPodEnv variables, and reads the injected env and the projected token parameters back from
// the JSONPatch.
Result<Injection> ComputeInjection(const kube::WebhookOptions& options, server::Node& app,
                                   const ExecArgs& args,
                                   const std::map<std::string, std::string>& inherited) {
  json::array env;
  for (std::string_view name : kPodEnv) {
    if (auto it = inherited.find(std::string(name)); it != inherited.end()) {
      env.emplace_back(json::object{{"name", name}, {"value", it->second}});
    }
  }
  json::object container{{"name", "irsa-exec"}, {"image", "irsa-exec"}};
  if (!env.empty()) container.emplace("env", std::move(env));
  json::object pod{{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", json::object{{"name", "irsa-exec"}, {"namespace", args.ns}}},
                   {"spec", json::object{{"serviceAccountName", args.service_account},
                                         {"containers", json::array{std::move(container)}}}}};
  kube::StoreServiceAccountLookup lookup(app.store(), args.offline.account_id, args.cluster);
  IRSA_TRY(kube::MutationResult mutation, kube::MutatePod(options, pod, args.ns, lookup));
  Injection out;
  out.reasons = mutation.reasons;
  if (!mutation.mutate) return out;
  out.has_role = true;
  out.audience = options.token_audience;
  bool found_volume = false;
  for (const json::value& op : mutation.patch) {
    const json::object& o = op.as_object();
    const std::string_view path = o.at("path").as_string();
    const json::value& value = o.at("value");
    if (path == "/spec/containers" && value.is_array() && !value.as_array().empty()) {
      const json::value* list = value.as_array()[0].as_object().if_contains("env");
      if (list == nullptr || !list->is_array()) continue;
      for (const json::value& e : list->as_array()) {
        const json::object& var = e.as_object();
        const json::value* name = var.if_contains("name");
        const json::value* v = var.if_contains("value");
        if (name && name->is_string() && v && v->is_string()) {
          out.env.emplace_back(std::string(name->as_string()), std::string(v->as_string()));
        }
      }
    } else if (path.starts_with("/spec/volumes")) {
      const json::object* volume = VolumeNamed(value, kube::kTokenVolumeName);
      if (volume == nullptr) continue;
      const json::value& source =
          volume->at("projected").at("sources").at(0).at("serviceAccountToken");
      const json::value* aud = source.as_object().if_contains("audience");
      out.audience = aud && aud->is_string() ? std::string(aud->as_string()) : std::string();
      out.expiration = source.at("expirationSeconds").to_number<int64_t>();
      found_volume = true;
    }
  }
  if (!found_volume) {
    return errors::InternalFailure("the webhook patch has no aws-iam-token volume");
  }
  out.expiration = std::min(out.expiration, kMaxTokenSeconds);
  return out;
}

// A private directory for the token, removed by the destructor.
class TempDir {
 public:
  static Result<std::unique_ptr<TempDir>> Create() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/irsa-exec-XXXXXX";
    std::error_code ec;
    pattern = std::filesystem::absolute(pattern, ec).string();
    if (ec) return errors::ServiceFailure("cannot resolve the temp directory: " + ec.message());
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
      return errors::ServiceFailure("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    return std::unique_ptr<TempDir>(new TempDir(buffer.data()));  // mkdtemp makes it 0700
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

double MonotonicSeconds() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Forks and execs the command, refreshes the token on schedule, forwards signals and returns
// the exit status to report. Signals in `forwarded` plus SIGCHLD must be blocked by the caller
// (`old_mask` is restored in the child).
int RunChild(const ExecArgs& args, const std::map<std::string, std::string>& env,
             const std::set<int>& inherited_fds, const sigset_t& waited, const sigset_t& old_mask,
             const TokenSource* token, const std::string& token_dir, int64_t refresh_every,
             const TransparentFiles* transparent) {
  const std::string uid_map = IdentityMap(::getuid()), gid_map = IdentityMap(::getgid());
  const std::string namespace_error_prefix =
      "irsa exec: --transparent: cannot set up the private mount namespace: ";
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = args.command;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<int> close_in_child;
  for (int fd : OpenFds()) {
    if (fd > 2 && inherited_fds.count(fd) == 0) close_in_child.push_back(fd);
  }
  const std::string exec_error_prefix = "irsa exec: cannot run " + args.command[0] + ": ";

  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "irsa exec: fork: %s\n", std::strerror(errno));
    return 1;
  }
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    for (int fd : close_in_child) ::close(fd);
    if (transparent != nullptr) {
      if (const char* step = EnterTransparentNamespace(*transparent, uid_map, gid_map)) {
        const char* why = std::strerror(errno);
        (void)!::write(2, namespace_error_prefix.data(), namespace_error_prefix.size());
        (void)!::write(2, step, std::strlen(step));
        (void)!::write(2, ": ", 2);
        (void)!::write(2, why, std::strlen(why));
        (void)!::write(2, "\n", 1);
        ::_exit(126);
      }
    }
    ::execvpe(argv[0], argv.data(), envp.data());
    const int err = errno;
    const char* what = std::strerror(err);
    (void)!::write(2, exec_error_prefix.data(), exec_error_prefix.size());
    (void)!::write(2, what, std::strlen(what));
    (void)!::write(2, "\n", 1);
    ::_exit(err == ENOENT ? 127 : 126);
  }

  double next_refresh = MonotonicSeconds() + static_cast<double>(refresh_every);
  int status = 0;
  while (true) {
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) break;
    if (reaped < 0 && errno != EINTR) {
      std::fprintf(stderr, "irsa exec: waitpid: %s\n", std::strerror(errno));
      return 1;
    }
    double wait_seconds = 3600;
    if (token != nullptr) wait_seconds = std::max(0.0, next_refresh - MonotonicSeconds());
    struct timespec timeout;
    timeout.tv_sec = static_cast<time_t>(wait_seconds);
    timeout.tv_nsec = static_cast<long>((wait_seconds - static_cast<double>(timeout.tv_sec)) * 1e9);
    siginfo_t info;
    const int sig = ::sigtimedwait(&waited, &info, &timeout);
    if (sig < 0) {
      if (errno == EAGAIN && token != nullptr && MonotonicSeconds() >= next_refresh) {
        Result<std::string> fresh = token->Mint();
        Status written = fresh.ok() ? WriteTokenFile(token_dir, *fresh) : Status(fresh.error());
        if (written.ok()) {
          next_refresh = MonotonicSeconds() + static_cast<double>(refresh_every);
        } else {
          std::fprintf(stderr, "irsa exec: token refresh failed (retrying in 30s): %s: %s\n",
                       written.error().code().c_str(), written.error().message().c_str());
          next_refresh = MonotonicSeconds() + 30;
        }
      }
      continue;
    }
    if (sig == SIGCHLD) continue;
    // Sent by a process (kill, sigqueue): forward. Generated by the terminal (SI_KERNEL): the
    // command is in our process group and received it already.
    if (info.si_code <= 0) ::kill(pid, sig);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int Exec(ExecArgs& args) {
  const std::set<int> inherited_fds = OpenFds();
  auto fail = [](const Error& e) { return ReportError("exec", e); };
  if (args.command.empty()) {
    return fail(errors::MissingParameter("no command given (irsa exec ... -- COMMAND ARGS...)"));
  }
  if (!args.session_name.empty()) {
    const bool valid =
        args.session_name.size() >= 2 && args.session_name.size() <= 64 &&
        std::all_of(args.session_name.begin(), args.session_name.end(), IsSessionNameChar);
    if (!valid) {
      return fail(errors::InvalidParameterValue(
          "--role-session-name must match [\\w+=,.@-]{2,64}: " + args.session_name));
    }
  }
  Result<std::unique_ptr<server::Node>> app = OpenOffline(args.offline);
  if (!app.ok()) return fail(app.error());
  const std::string& account = args.offline.account_id;
  if (auto cluster = (*app)->clusters().Get(account, args.cluster); !cluster.ok()) {
    return fail(cluster.error());
  }
  LocalKubeClient kube(**app, account);
  // Existence check through the API (this also bootstraps a new cluster's built-in objects).
  if (auto sa =
          kube.Call(args.cluster, "GET",
                    "/api/v1/namespaces/" + args.ns + "/serviceaccounts/" + args.service_account);
      !sa.ok()) {
    if (sa.error().http_status() == 404) {
      return fail(Error("NotFound", 404,
                        "ServiceAccount \"" + args.service_account +
                            "\" not found in namespace \"" + args.ns + "\" of cluster " +
                            args.cluster +
                            " (create it with kubectl or `irsa create iamserviceaccount`)"));
    }
    return fail(sa.error());
  }

  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  for (std::string_view name : kStrippedEnv) env.erase(std::string(name));

  Result<std::unique_ptr<TempDir>> dir = TempDir::Create();
  if (!dir.ok()) return fail(dir.error());

  kube::WebhookOptions options;
  options.token_mount_path = (*dir)->path();
  options.aws_default_region = args.region;
  // A pod finds its region on the node (instance metadata); a local process has no node, so
  // without --aws-default-region or an inherited region the node's region (irsa's) is used.
  if (options.aws_default_region.empty() && !env.count("AWS_REGION") &&
      !env.count("AWS_DEFAULT_REGION")) {
    options.aws_default_region = (*app)->options().region;
  }
  options.sts_regional_endpoint = args.sts_regional_endpoint;
  if (args.transparent) {
    // The real AWS host names reach irsa: no endpoint variables (cli/exec_transparent.h).
  } else if (args.endpoint_url.empty()) {
    // Only needed when there is a role; read lazily so an unannotated SA works without it.
    Result<std::string> endpoint = HttpEndpoint(args.offline.data_dir);
    if (endpoint.ok()) options.sts_endpoint_url = *endpoint;
  } else {
    options.sts_endpoint_url = args.endpoint_url;
  }
  if (!options.sts_endpoint_url.empty()) {
    if (Status valid = kube::ValidateWebhookOptions(options); !valid.ok()) {
      return fail(valid.error());
    }
  }
  Result<Injection> injection = ComputeInjection(options, **app, args, env);
  if (!injection.ok()) return fail(injection.error());
  if (args.verbose) {
    for (const auto& reason : injection->reasons) {
      std::fprintf(stderr, "irsa exec: webhook: %s\n", reason.c_str());
    }
  }

  TokenSource source;
  int64_t refresh_every = 0;
  if (injection->has_role) {
    if (options.sts_endpoint_url.empty() && !args.transparent) {
      return fail(HttpEndpoint(args.offline.data_dir).error());
    }
    for (const auto& [name, value] : injection->env) env[name] = value;
    if (!args.transparent) {
      env["AWS_ENDPOINT_URL_IAM"] = options.sts_endpoint_url;
      env["AWS_ENDPOINT_URL_S3"] = options.sts_endpoint_url;
    }
    env["AWS_ROLE_SESSION_NAME"] =
        args.session_name.empty()
            ? DefaultSessionName(args.ns, args.service_account, SystemRandom::Instance())
            : args.session_name;
    source = TokenSource{&kube,
                         args.cluster,
                         args.ns,
                         args.service_account,
                         injection->audience,
                         injection->expiration};
    Result<std::string> token = source.Mint();
    if (!token.ok()) return fail(token.error());
    if (Status s = WriteTokenFile((*dir)->path(), *token); !s.ok()) return fail(s.error());
    // kubelet rewrites a projected token once 80% of its lifetime has passed.
    refresh_every = args.refresh_interval > 0 ? args.refresh_interval
                                              : std::max<int64_t>(1, source.lifetime * 8 / 10);
  } else {
    std::fprintf(stderr,
                 "irsa exec: ServiceAccount %s/%s has no %.*s annotation: running %s without AWS "
                 "credentials (as a pod using it would)\n",
                 args.ns.c_str(), args.service_account.c_str(),
                 static_cast<int>(kRoleArnAnnotation.size()), kRoleArnAnnotation.data(),
                 args.command[0].c_str());
  }
  std::optional<TransparentFiles> transparent;
  if (args.transparent) {
    Result<std::string> https = EndpointsField(args.offline.data_dir, "https");
    if (!https.ok()) return fail(https.error());
    Result<std::string> ca = EndpointsField(args.offline.data_dir, "ca_bundle");
    if (!ca.ok()) return fail(ca.error());
    std::vector<std::string> regions = {"us-east-1"};
    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      if (auto it = env.find(name); it != env.end()) regions.push_back(it->second);
    }
    Result<TransparentFiles> files = PrepareTransparent((*dir)->path(), *https, *ca, regions);
    if (!files.ok()) return fail(files.error());
    transparent = std::move(*files);
    for (const char* name :
         {"AWS_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"}) {
      env[name] = transparent->ca_bundle;
    }
  }
  env["AWS_CONFIG_FILE"] = "/dev/null";
  env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
  env["AWS_EC2_METADATA_DISABLED"] = "true";

  sigset_t waited, old_mask;
  sigemptyset(&waited);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&waited, sig);
  ::sigprocmask(SIG_BLOCK, &waited, &old_mask);
  const int code =
      RunChild(args, env, inherited_fds, waited, old_mask, injection->has_role ? &source : nullptr,
               (*dir)->path(), refresh_every, transparent ? &*transparent : nullptr);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  return code;
}

}  // namespace

void AddExecCommand(CLI::App& app) {
  auto args = std::make_shared<ExecArgs>();
  CLI::App* cmd = app.add_subcommand(
      "exec",
      "Run a command with the AWS environment and projected token a pod using the "
      "ServiceAccount would get (irsa exec --cluster C -n NS --service-account SA -- CMD ...)");
  AddOfflineOptions(*cmd, args->offline);
  cmd->add_option("--cluster", args->cluster, "Cluster name")->required();
  cmd->add_option("--namespace,-n", args->ns, "Namespace of the ServiceAccount")
      ->capture_default_str();
  cmd->add_option("--service-account", args->service_account, "ServiceAccount name")->required();
  cmd->add_option("--endpoint-url", args->endpoint_url,
                  "irsa's IAM/STS URL for AWS_ENDPOINT_URL_STS/_IAM/_S3 (default: the \"http\" "
                  "endpoint in DATA/endpoints.json)");
  cmd->add_option("--aws-default-region", args->region,
                  "Inject AWS_DEFAULT_REGION/AWS_REGION (as the webhook flag of that name)");
  cmd->add_flag("--sts-regional-endpoint", args->sts_regional_endpoint,
                "Inject AWS_STS_REGIONAL_ENDPOINTS=regional (as the webhook flag of that name)");
  cmd->add_option(
      "--role-session-name", args->session_name,
      "AWS_ROLE_SESSION_NAME (default irsa-exec-<namespace>-<service-account>-<random>, new "
      "each run)");
  cmd->add_option("--refresh-interval", args->refresh_interval,
                  "Rewrite the token every N seconds (default: at 80% of its lifetime)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--verbose,-v", args->verbose, "Print the webhook's decisions on stderr");
  cmd->add_flag("--transparent", args->transparent,
                "Reach irsa under the real AWS host names (sts.amazonaws.com, …) in a private "
                "mount namespace with its own /etc/hosts and CA bundle, for SDKs that ignore "
                "AWS_ENDPOINT_URL_* (irsa's HTTPS listener must be on port 443)");
  cmd->add_option("command", args->command, "COMMAND ARGS... (after --)")->required();
  cmd->callback([args] {
    const int code = Exec(*args);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace irsa::cli
