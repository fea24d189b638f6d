// The append-only audit log: one JSON line per authentication/authorization decision (every STS
// decision, every denied API call). Lines never contain tokens, secrets or signatures.
//
// Line format (keys omitted when empty):
//   {"ts":"2026-11-28T10:00:00.123Z","request_id":"…","event":"AssumeRoleWithWebIdentity",
//    "decision":"allow"|"deny","error":"AccessDenied","reason":"…","principal":"…",
//    "role":"arn:…","session":"…","subject":"system:serviceaccount:ns:sa","audience":"…",
//    "provider":"arn:…","pod":"name","pod_uid":"…","source_ip":"…","access_key_id":"ASIA…"}
//
// Thread-safety: Write is safe to call concurrently. FileAuditLog batches lines (BatchWriter: one
// write(2) per batch, within ~20 ms, to a file opened with O_APPEND), so lines from several
// threads or processes never interleave; Flush() and the destructor write everything pending.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/batch_writer.h"
#include "base/clock.h"
#include "base/result.h"

namespace irsa::audit {

struct AuditEvent {
  std::string request_id;
  std::string event;     // the API action
  bool allowed = false;  // decision
  std::string error;     // error code when denied
  std::string reason;    // explanation (denials) or summary
  std::string principal;
  std::string role;
  std::string session;
  std::string subject;
  std::string audience;
  std::string provider;
  std::string pod;
  std::string pod_uid;
  std::string source_ip;
  std::string access_key_id;  // the issued or used access key id (not secret)
};

std::string RenderAuditLine(const AuditEvent& event, SystemTime at);

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void Write(const AuditEvent& event) = 0;
};

// Appends lines to a file (created 0600).
class FileAuditLog final : public AuditLog {
 public:
  static Result<std::unique_ptr<FileAuditLog>> Open(const std::string& path, const Clock& clock);
  ~FileAuditLog() override;
  void Write(const AuditEvent& event) override;
  void Flush();

 private:
  FileAuditLog(int fd, const Clock& clock);
  int fd_;
  const Clock& clock_;
  std::unique_ptr<BatchWriter> writer_;  // destroyed (flushed) before fd_ is closed
};

// Keeps lines in memory (tests) or forwards them to a callback.
class CallbackAuditLog final : public AuditLog {
 public:
  explicit CallbackAuditLog(std::function<void(const AuditEvent&)> sink) : sink_(std::move(sink)) {}
  void Write(const AuditEvent& event) override { sink_(event); }

 private:
  std::function<void(const AuditEvent&)> sink_;
};

}  // namespace irsa::audit
