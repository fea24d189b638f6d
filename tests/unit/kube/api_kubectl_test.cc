// Drives the real kubectl (if installed) against KubeApi behind a loopback HTTP server, with the
// exact commands of the IRSA walkthrough. Skipped when kubectl is not on PATH.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "unit/kube/api_test_support.h"

namespace irsa::kube::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view kMount = "/k8s/prod";

// A minimal HTTP/1.1 server: one thread per connection, keep-alive, strips kMount and forwards
// to KubeApi::Handle. The destructor shuts every connection down and joins its thread, so no
// connection outlives the io_context its socket belongs to.
class LoopbackServer {
 public:
  explicit LoopbackServer(KubeApi& api)
      : api_(api), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    boost::system::error_code ec;
    // Wake the acceptor with a connection, then join.
    tcp::socket s(io_);
    s.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
    // Only this thread touches connections_ now. A connection's socket stays open until its
    // thread has been joined, so shutdown(2) always reaches the right descriptor and wakes a
    // blocking read.
    for (Connection& connection : connections_) {
      ::shutdown(connection.socket->native_handle(), SHUT_RDWR);
      connection.thread.join();
    }
  }
  unsigned short port() const { return port_; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      auto owned = std::make_unique<tcp::socket>(std::move(socket));
      tcp::socket& served = *owned;
      connections_.push_back(
          Connection{std::move(owned), std::thread([this, &served] { Serve(served); })});
    }
  }
  void Serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      HttpRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      std::string target = r.target;
      size_t q = target.find('?');
      r.path = target.substr(0, q);
      r.query = q == std::string::npos ? "" : target.substr(q + 1);
      if (r.path.starts_with(kMount)) r.path = r.path.substr(kMount.size());
      for (const auto& field : req) {
        r.headers.emplace_back(AsciiLowerCopy(std::string(field.name_string())),
                               std::string(field.value()));
      }
      r.body = req.body();
      HttpResponse out = api_.Handle(kCluster, r);
      if (std::getenv("IRSA_KUBE_TRACE"))
        std::fprintf(stderr, "TRACE %s %s auth=%s -> %d %.300s\n", r.method.c_str(),
                     r.target.c_str(), std::string(r.Header("authorization")).c_str(), out.status,
                     out.body.c_str());
      http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
      for (const auto& [k, v] : out.headers) res.insert(k, v);
      res.body() = out.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }
  static std::string AsciiLowerCopy(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  struct Connection {
    std::unique_ptr<tcp::socket> socket;  // closed only after `thread` has been joined
    std::thread thread;
  };

  KubeApi& api_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<Connection> connections_;  // touched by the accept thread, then the destructor
};

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

class KubectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v kubectl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "kubectl is not on PATH";
    }
    // kubectl (client-go's clientcmd) attaches user credentials only to TLS connections, and
    // this loopback server speaks plain HTTP: authentication is covered by api_test.cc.
    directory_.allow_anonymous = true;
    api_ = std::make_unique<KubeApi>(store_, SystemClock::Instance(), SystemRandom::Instance(),
                                     minter_, directory_);
    server_ = std::make_unique<LoopbackServer>(*api_);
    dir_ = std::filesystem::temp_directory_path() /
           ("irsa-kubectl-" + std::to_string(::getpid()) + "-" + std::to_string(server_->port()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "config")
        << "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n"
           "  cluster:\n    server: http://127.0.0.1:"
        << server_->port() << kMount << "\nusers:\n- name: admin\n  user:\n    token: " << kToken
        << "\ncontexts:\n- name: prod\n  context:\n    cluster: prod\n"
           "    user: admin\ncurrent-context: prod\n";
  }
  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  CommandResult Kubectl(const std::string& args, const std::string& stdin_text = "",
                        const std::string& env = "") {
    std::string cmd = env + "KUBECONFIG=" + (dir_ / "config").string() +
                      " KUBECACHEDIR=" + (dir_ / "cache").string() + " kubectl " + args;
    if (!stdin_text.empty()) {
      std::ofstream(dir_ / "stdin") << stdin_text;
      cmd += " < " + (dir_ / "stdin").string();
    }
    cmd += " 2>&1";
    CommandResult result;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return result;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
    int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }
  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  iam::testing::MemoryStore store_;
  FakeMinter minter_{SystemClock::Instance()};
  FakeDirectory directory_;
  std::unique_ptr<KubeApi> api_;
  std::unique_ptr<LoopbackServer> server_;
  std::filesystem::path dir_;
};

constexpr char kServiceAccountYaml[] =
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: my-service-account\n"
    "  namespace: default\n";

TEST_F(KubectlTest, WalkthroughCommands) {
  WriteFile("sa.yaml", kServiceAccountYaml);
  CommandResult r = Kubectl("apply -f " + Path("sa.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account created\n");

  r = Kubectl("apply -f " + Path("sa.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account unchanged\n");

  r = Kubectl(
      "annotate serviceaccount -n default my-service-account "
      "eks.amazonaws.com/role-arn=arn:aws:iam::111122223333:role/my-role");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account annotated\n");

  r = Kubectl("describe serviceaccount my-service-account -n default");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Name:                my-service-account"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Namespace:           default"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/my-role"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Image pull secrets:  <none>"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Events:              <none>"), std::string::npos) << r.output;

  r = Kubectl("get sa");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("NAME                 SECRETS   AGE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("default              0         "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("my-service-account   0         "), std::string::npos) << r.output;

  r = Kubectl("get sa my-service-account -o yaml");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/my-role"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("kind: ServiceAccount"), std::string::npos) << r.output;

  r = Kubectl("get sa -o yaml");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("kind: List"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("name: my-service-account"), std::string::npos) << r.output;

  r = Kubectl("create token my-service-account --audience sts.amazonaws.com");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "token:default:my-service-account:sts.amazonaws.com:3600");  // no newline

  r = Kubectl(
      "patch sa my-service-account --type=json "
      "-p '[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"a~b\":\"c\"}}]'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account patched\n");

  // A changed manifest: client-side apply sends a strategic merge patch.
  WriteFile("sa.yaml", std::string(kServiceAccountYaml) + "imagePullSecrets:\n- name: regcred\n");
  r = Kubectl("apply -f " + Path("sa.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account configured\n");
  r = Kubectl(
      "get sa my-service-account -o jsonpath={.imagePullSecrets[0].name},{.metadata.labels}");
  EXPECT_EQ(r.output, "regcred,{\"a~b\":\"c\"}") << r.output;

  // kubectl edit with a scripted editor (a strategic merge patch of the edited object).
  r = Kubectl("edit sa my-service-account", "", "EDITOR='sed -i s/regcred/regcred2/' ");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account edited\n");
  r = Kubectl("get sa my-service-account -o jsonpath={.imagePullSecrets[*].name}");
  EXPECT_EQ(r.output, "regcred2");

  r = Kubectl("label sa my-service-account team=payments");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/my-service-account labeled\n");
  r = Kubectl("get sa -l team=payments -o name");
  EXPECT_EQ(r.output, "serviceaccount/my-service-account\n");
  r = Kubectl("get sa -l team!=payments -o name");
  EXPECT_EQ(r.output, "serviceaccount/default\n");

  r = Kubectl("delete sa my-service-account");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount \"my-service-account\" deleted\n");
  r = Kubectl("get sa my-service-account");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.output,
            "Error from server (NotFound): serviceaccounts \"my-service-account\" not found\n");
}

TEST_F(KubectlTest, NamespacesServerSideApplyAndReplace) {
  CommandResult r = Kubectl("get ns");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("NAME              STATUS   AGE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("kube-system       Active   "), std::string::npos) << r.output;

  r = Kubectl("create namespace team-a");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "namespace/team-a created\n");
  r = Kubectl("create namespace team-a");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.output, "Error from server (AlreadyExists): namespaces \"team-a\" already exists\n");

  WriteFile("ssa.yaml",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n"
            "  namespace: team-a\n  annotations:\n"
            "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/builder\n");
  r = Kubectl("apply --server-side -f " + Path("ssa.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/builder serverside-applied\n");

  r = Kubectl("get sa -A");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("NAMESPACE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("team-a            builder"), std::string::npos) << r.output;

  r = Kubectl("get sa builder -n team-a -o json");
  ASSERT_EQ(r.status, 0) << r.output;
  boost::system::error_code ec;
  boost::json::value sa = boost::json::parse(r.output, ec);
  ASSERT_FALSE(ec) << r.output;
  sa.as_object()["metadata"].as_object()["labels"] = boost::json::object{{"tier", "build"}};
  WriteFile("replace.json", boost::json::serialize(sa));
  r = Kubectl("replace -f " + Path("replace.json"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "serviceaccount/builder replaced\n");
  // The same (now stale) resourceVersion again: optimistic concurrency rejects it.
  r = Kubectl("replace -f " + Path("replace.json"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("Error from server (Conflict)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the object has been modified"), std::string::npos) << r.output;

  r = Kubectl("delete namespace team-a");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "namespace \"team-a\" deleted\n");
  r = Kubectl("get sa -n team-a");
  EXPECT_EQ(r.output, "No resources found in team-a namespace.\n");
}

}  // namespace
}  // namespace irsa::kube::testing
