// kill -9 at every step of every write, and at random points: no acknowledged write is lost, no
// write is half-visible, and the next start leaves no debris.
//
// The parent test re-executes this binary as a child (CrashSafety.Child) that runs a scripted
// workload against SQLite + the local backend in a shared directory. The child stops at every
// checkpoint (each 64 KiB read of a body, each crash point of the backend, the start and the
// acknowledgement of each operation), reports it on a pipe and waits for the parent's go-ahead;
// the parent answers with SIGKILL at the checkpoint it chose. It then opens the directory itself,
// checks the invariants against its model of acknowledged operations, and starts the next child
// where the previous one stopped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "unit/s3/s3_test_util.h"

namespace irsa::s3 {
namespace {

using testing::ReadAll;
using testing::Synthetic;
using testing::SyntheticSource;
using testing::TempDir;

constexpr int kEventFd = 3;  // child -> parent: one line per checkpoint
constexpr int kGoFd = 4;     // parent -> child: one byte per go-ahead
constexpr const char* kOwner = "111122223333";
constexpr const char* kBucket = "crash";
constexpr int kOps = 600;

// ---- The workload, identical in parent and child ----

enum class OpKind { kPut, kDelete, kMultipart, kCopy };
struct Op {
  OpKind kind;
  std::string key;
  std::string source_key;      // kCopy
  std::vector<int64_t> sizes;  // kPut: one; kMultipart: one per part
  uint64_t seed = 0;
};

std::vector<Op> Workload() {
  std::mt19937_64 rng(20261128);
  std::vector<Op> ops;
  for (int i = 0; i < kOps; ++i) {
    Op op;
    op.key = "k" + std::to_string(rng() % 5);
    op.seed = rng();
    switch (rng() % 6) {
      case 0:
      case 1:
      case 2:
        op.kind = OpKind::kPut;
        op.sizes = {static_cast<int64_t>(rng() % (200 * 1024))};
        break;
      case 3:
        op.kind = OpKind::kDelete;
        break;
      case 4:
        op.kind = OpKind::kMultipart;
        for (int p = 0, n = 2 + rng() % 2; p < n; ++p) {
          op.sizes.push_back(static_cast<int64_t>(5 + rng() % (100 * 1024)));
        }
        break;
      default:
        op.kind = OpKind::kCopy;
        op.source_key = "k" + std::to_string(rng() % 5);
        if (op.source_key == op.key) op.kind = OpKind::kDelete;
        break;
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

std::string PartBody(const Op& op, size_t part) {
  return Synthetic(op.sizes[part], op.seed + part);
}

// ---- Child ----

// In free-running mode the child reports checkpoints without waiting: the parent's kill then
// lands wherever the child has got to, between checkpoints too.
bool g_free_running = false;

void Checkpoint(std::string_view event) {
  std::string line(event);
  line += '\n';
  if (::write(kEventFd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(3);
  if (g_free_running) return;
  char go;
  if (::read(kGoFd, &go, 1) != 1) _exit(4);
}

// Stops at a checkpoint after every read: a kill there is a kill mid-upload.
class CheckpointedSource final : public ByteSource {
 public:
  CheckpointedSource(int64_t size, uint64_t seed) : inner_(size, seed) {}
  Result<size_t> Read(char* out, size_t max) override {
    Checkpoint("read");
    return inner_.Read(out, max);
  }

 private:
  SyntheticSource inner_;
};

Status RunOp(S3Service& s3, const Op& op) {
  switch (op.kind) {
    case OpKind::kPut: {
      CheckpointedSource body(op.sizes[0], op.seed);
      PutObjectRequest r;
      r.bucket = kBucket;
      r.key = op.key;
      r.content_length = op.sizes[0];
      IRSA_TRY(ObjectInfo info, s3.PutObject(r, body));
      (void)info;
      return OkStatus();
    }
    case OpKind::kDelete:
      return s3.DeleteObject(kBucket, op.key);
    case OpKind::kCopy: {
      CopyObjectRequest r;
      r.source_bucket = r.bucket = kBucket;
      r.source_key = op.source_key;
      r.key = op.key;
      IRSA_TRY(ObjectInfo info, s3.CopyObject(r));
      (void)info;
      return OkStatus();
    }
    case OpKind::kMultipart: {
      IRSA_TRY(MultipartUploadInfo upload,
               s3.CreateMultipartUpload({.bucket = kBucket, .key = op.key}));
      std::vector<CompletedPart> parts;
      for (size_t p = 0; p < op.sizes.size(); ++p) {
        CheckpointedSource body(op.sizes[p], op.seed + p);
        IRSA_TRY(PartInfo part, s3.UploadPart({.bucket = kBucket,
                                               .key = op.key,
                                               .upload_id = upload.upload_id,
                                               .part_number = static_cast<int>(p) + 1,
                                               .content_length = op.sizes[p]},
                                              body));
        parts.push_back({part.part_number, part.etag, {}});
      }
      IRSA_TRY(
          ObjectInfo info,
          s3.CompleteMultipartUpload(
              {.bucket = kBucket, .key = op.key, .upload_id = upload.upload_id, .parts = parts}));
      (void)info;
      return OkStatus();
    }
  }
  return OkStatus();
}

struct Node {
  testing::PlainSealer sealer;
  FakeClock clock = FakeClock::AtUnixSeconds(1700000000);
  SystemRandom& random = SystemRandom::Instance();
  std::unique_ptr<store::Store> store;
  std::unique_ptr<LocalBackend> backend;
  std::unique_ptr<S3Service> s3;

  Status Open(const std::string& dir, std::function<void(std::string_view)> crash_point) {
    IRSA_TRY(store, store::OpenSqliteStore({.path = dir + "/irsa.db", .sealer = &sealer}));
    IRSA_TRY(backend,
             LocalBackend::Open(
                 *store, clock, random,
                 {.root = dir + "/s3", .min_part_size = 5, .crash_point = std::move(crash_point)}));
    s3 = std::make_unique<S3Service>(*store, *backend, clock,
                                     S3ServiceConfig{.listing_token_key = std::string(16, 'k')});
    return OkStatus();
  }
};

TEST(CrashSafety, Child) {
  const char* dir = std::getenv("IRSA_S3_CRASH_DIR");
  const char* start = std::getenv("IRSA_S3_CRASH_START");
  if (dir == nullptr || start == nullptr) GTEST_SKIP() << "run by CrashSafety.KillNineAnywhere";
  g_free_running = std::getenv("IRSA_S3_CRASH_FREE") != nullptr;
  Node node;
  Status opened = node.Open(dir, [](std::string_view point) { Checkpoint(point); });
  if (!opened.ok()) _exit(5);
  std::vector<Op> ops = Workload();
  for (int i = std::atoi(start); i < kOps; ++i) {
    Checkpoint("begin " + std::to_string(i));
    Status s = RunOp(*node.s3, ops[i]);
    Checkpoint("ack " + std::to_string(i) + " " + (s.ok() ? "ok" : s.error().code()));
  }
  _exit(0);
}

// ---- Parent ----

struct Child {
  pid_t pid = -1;
  FILE* events = nullptr;
  int go = -1;
};

Child Spawn(const std::string& dir, int start, bool free_running) {
  int events[2], go[2];
  EXPECT_EQ(::pipe(events), 0);
  EXPECT_EQ(::pipe(go), 0);
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string dir_env = "IRSA_S3_CRASH_DIR=" + dir;
  std::string start_env = "IRSA_S3_CRASH_START=" + std::to_string(start);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(events[1], kEventFd);
    ::dup2(go[0], kGoFd);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    char* argv[] = {exe.data(), const_cast<char*>("--gtest_filter=CrashSafety.Child"), nullptr};
    std::string free_env = "IRSA_S3_CRASH_FREE=1";
    char* envp[] = {dir_env.data(), start_env.data(), free_running ? free_env.data() : nullptr,
                    nullptr};
    ::execve(exe.c_str(), argv, envp);
    _exit(127);
  }
  ::close(events[1]);
  ::close(go[0]);
  return Child{pid, ::fdopen(events[0], "r"), go[1]};
}

// What the parent knows: the content of every key (acknowledged state).
using Model = std::map<std::string, std::string>;

void Apply(Model& model, const Op& op) {
  switch (op.kind) {
    case OpKind::kPut:
      model[op.key] = PartBody(op, 0);
      break;
    case OpKind::kDelete:
      model.erase(op.key);
      break;
    case OpKind::kCopy: {
      auto it = model.find(op.source_key);
      if (it != model.end()) model[op.key] = it->second;
      break;
    }
    case OpKind::kMultipart: {
      std::string body;
      for (size_t p = 0; p < op.sizes.size(); ++p) body += PartBody(op, p);
      model[op.key] = body;
      break;
    }
  }
}

// Opens the directory as a restarted node would and checks every invariant. `in_flight` is the
// operation the kill interrupted (its key may hold the state before or after it); on return the
// model holds what the store holds.
void Verify(const std::string& dir, Model& model, const Op* in_flight, std::string_view where) {
  SCOPED_TRACE(std::string("killed at: ") + std::string(where));
  Node node;
  Status opened = node.Open(dir, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  EXPECT_EQ(testing::CountFiles(dir + "/s3/tmp"), 0u);

  Model after = model;
  if (in_flight != nullptr) Apply(after, *in_flight);
  auto listed = node.s3->ListObjectsV2({.bucket = kBucket});
  ASSERT_TRUE(listed.ok());
  std::set<std::string> keys;
  size_t expected_files = 0;
  for (const ObjectSummary& o : listed->objects) keys.insert(o.key);
  for (const auto& [key, body] : model) keys.insert(key);
  for (const auto& [key, body] : after) keys.insert(key);
  for (const std::string& key : keys) {
    auto read = node.s3->GetObject({.bucket = kBucket, .key = key});
    std::optional<std::string> actual;
    if (read.ok()) {
      Result<std::string> content = ReadAll(*read->body);
      ASSERT_TRUE(content.ok()) << key << ": " << content.error().message();
      actual = *content;
      expected_files += read->info.parts_count == 0 ? 1 : read->info.parts_count;
      if (read->info.parts_count == 0) {
        EXPECT_EQ(read->info.etag, ETagFromMd5(Md5(*actual))) << key;
      }
      EXPECT_EQ(read->info.size, static_cast<int64_t>(actual->size())) << key;
    } else {
      ASSERT_EQ(read.error().code(), "NoSuchKey") << key;
    }
    auto before_it = model.find(key);
    auto after_it = after.find(key);
    std::optional<std::string> before_state, after_state;
    if (before_it != model.end()) before_state = before_it->second;
    if (after_it != after.end()) after_state = after_it->second;
    bool is_before = actual == before_state;
    bool is_after = actual == after_state;
    EXPECT_TRUE(is_before || is_after)
        << key << ": neither the acknowledged state nor the interrupted write's ("
        << (actual ? std::to_string(actual->size()) + " bytes" : "absent") << ")";
    if (actual) {
      model[key] = *actual;
    } else {
      model.erase(key);
    }
  }
  // Unfinished multipart uploads keep their parts; everything else on disk is referenced.
  auto uploads = node.s3->ListMultipartUploads({.bucket = kBucket});
  ASSERT_TRUE(uploads.ok());
  for (const MultipartUploadInfo& u : uploads->uploads) {
    auto parts = node.s3->ListParts({.bucket = kBucket, .key = u.key, .upload_id = u.upload_id});
    ASSERT_TRUE(parts.ok());
    expected_files += parts->parts.size();
    ASSERT_TRUE(node.s3->AbortMultipartUpload(kBucket, u.key, u.upload_id).ok());
    expected_files -= parts->parts.size();
  }
  EXPECT_EQ(testing::CountFiles(dir + "/s3/data"), expected_files);
}

TEST(CrashSafety, KillNineAnywhere) {
  TempDir dir;
  {
    Node node;
    ASSERT_TRUE(node.Open(dir.path().string(), nullptr).ok());
    ASSERT_TRUE(node.s3->CreateBucket({.bucket = kBucket, .owner = kOwner}).ok());
  }
  const std::vector<Op> ops = Workload();
  const std::vector<std::string> targets = {"read", "write:synced", "write:published",
                                            "commit:done", "release:done"};
  std::mt19937 rng(7);
  std::map<std::string, int> killed_at;
  Model model;
  int next = 0;
  int kills = 0;
  for (int round = 0; next < kOps && round < 75; ++round) {
    // Rounds 0-24 aim at each named point in turn (a random occurrence of it); 25-49 at a random
    // checkpoint; 50-74 let the child run free and kill it wherever it has got to.
    std::string target = round < 25 ? targets[round % targets.size()] : "";
    std::string label = round < 25 ? target : round < 50 ? "random" : "free-running";
    bool free_running = round >= 50;
    int skip = static_cast<int>(rng() % 6);
    int any_after = static_cast<int>(rng() % 80);
    Child child = Spawn(dir.path().string(), next, free_running);
    int in_flight = -1;
    std::string where;
    char line[256];
    int events = 0;
    bool killed = false;
    // Applies one reported event to the model; returns the event text.
    auto handle = [&](const char* text) {
      std::string event(text);
      if (!event.empty() && event.back() == '\n') event.pop_back();
      ++events;
      if (event.rfind("begin ", 0) == 0) in_flight = std::stoi(event.substr(6));
      if (event.rfind("ack ", 0) == 0) {
        int index = std::stoi(event.substr(4));
        if (event.size() > 3 && event.substr(event.size() - 3) == " ok") Apply(model, ops[index]);
        in_flight = -1;
        next = index + 1;
      }
      return event;
    };
    while (std::fgets(line, sizeof(line), child.events) != nullptr) {
      std::string event = handle(line);
      bool hit = target.empty() ? events > any_after : event == target && skip-- == 0;
      if (hit) {
        ::kill(child.pid, SIGKILL);
        killed = true;
        where = label + " after '" + event + "'";
        break;
      }
      if (!free_running) {
        ASSERT_EQ(::write(child.go, "g", 1), 1);
      }
    }
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    // What a free-running child reported before it died still counts.
    while (std::fgets(line, sizeof(line), child.events) != nullptr) handle(line);
    std::fclose(child.events);
    ::close(child.go);
    if (killed) {
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
      ++kills;
      killed_at[label]++;
      if (in_flight >= 0) next = in_flight + 1;  // the interrupted op is not retried
    } else {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed: " << status;
    }
    Verify(dir.path().string(), model, in_flight >= 0 ? &ops[in_flight] : nullptr, where);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GE(kills, 50);
  for (const std::string& target : targets) {
    EXPECT_GT(killed_at[target], 0) << "never killed at " << target;
  }
  EXPECT_GT(killed_at["random"], 0);
  EXPECT_GT(killed_at["free-running"], 0);
}

}  // namespace
}  // namespace irsa::s3
