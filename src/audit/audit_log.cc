#include "audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/encoding.h"
#include "base/log.h"
#include "base/time_format.h"

namespace irsa::audit {
namespace {
void Field(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out += ",\"";
  out += key;
  out += "\":\"";
  AppendJsonEscaped(out, value);
  out += '"';
}
}  // namespace

std::string RenderAuditLine(const AuditEvent& e, SystemTime at) {
  std::string out;
  out.reserve(640);  // a typical allowed AssumeRoleWithWebIdentity line is ~500 bytes
  out += "{\"ts\":\"";
  out += FormatIso8601Millis(at);
  out += '"';
  Field(out, "request_id", e.request_id);
  Field(out, "event", e.event);
  Field(out, "decision", e.allowed ? "allow" : "deny");
  Field(out, "error", e.error);
  Field(out, "reason", e.reason);
  Field(out, "principal", e.principal);
  Field(out, "role", e.role);
  Field(out, "session", e.session);
  Field(out, "subject", e.subject);
  Field(out, "audience", e.audience);
  Field(out, "provider", e.provider);
  Field(out, "pod", e.pod);
  Field(out, "pod_uid", e.pod_uid);
  Field(out, "source_ip", e.source_ip);
  Field(out, "access_key_id", e.access_key_id);
  out += "}\n";
  return out;
}

Result<std::unique_ptr<FileAuditLog>> FileAuditLog::Open(const std::string& path,
                                                         const Clock& clock) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errors::InvalidParameterValue("cannot open audit log " + path);
  return std::unique_ptr<FileAuditLog>(new FileAuditLog(fd, clock));
}

FileAuditLog::FileAuditLog(int fd, const Clock& clock)
    : fd_(fd),
      clock_(clock),
      writer_(std::make_unique<BatchWriter>(
          fd, BatchWriter::Options{.on_error = [](int error_number) {
            log::Error("audit log write failed", {{"errno", std::to_string(error_number)}});
          }})) {}

FileAuditLog::~FileAuditLog() {
  writer_.reset();
  ::close(fd_);
}

void FileAuditLog::Write(const AuditEvent& event) {
  std::string line = RenderAuditLine(event, clock_.Now());
  line.pop_back();  // BatchWriter adds the newline
  writer_->Append(line);
}

void FileAuditLog::Flush() { writer_->Flush(); }

}  // namespace irsa::audit
