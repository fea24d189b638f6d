#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <vector>

namespace irsa::audit {
namespace {

std::vector<boost::json::object> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<boost::json::object> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(boost::json::parse(line).as_object());
  return out;
}

TEST(RenderAuditLine, OneJsonLineWithoutEmptyKeys) {
  AuditEvent e;
  e.request_id = "req-1";
  e.event = "AssumeRoleWithWebIdentity";
  e.allowed = false;
  e.error = "AccessDenied";
  e.reason = "sub \"a\" did not match \"b\"\nsecond line";
  const std::string line = RenderAuditLine(e, FromUnixSeconds(1700000000));
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a reason with a newline stays on one line";
  boost::json::object o = boost::json::parse(line).as_object();
  EXPECT_EQ(o.at("ts").as_string(), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(o.at("decision").as_string(), "deny");
  EXPECT_EQ(o.at("error").as_string(), "AccessDenied");
  EXPECT_EQ(o.at("reason").as_string(), e.reason);
  EXPECT_FALSE(o.contains("principal"));
  EXPECT_FALSE(o.contains("pod"));
}

TEST(FileAuditLog, AppendsLinesToA0600FileAndFlushes) {
  char dir[] = "/tmp/irsa-audit-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/audit.log";
  FakeClock clock(FromUnixSeconds(1700000000));
  {
    auto log = FileAuditLog::Open(path, clock);
    ASSERT_TRUE(log.ok()) << log.error().message();
    AuditEvent allow;
    allow.request_id = "r1";
    allow.event = "AssumeRole";
    allow.allowed = true;
    allow.access_key_id = "ASIAEXAMPLE";
    (*log)->Write(allow);
    AuditEvent deny;
    deny.request_id = "r2";
    deny.event = "AssumeRole";
    (*log)->Write(deny);
    (*log)->Flush();
    auto lines = ReadLines(path);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].at("request_id").as_string(), "r1");
    EXPECT_EQ(lines[0].at("decision").as_string(), "allow");
    EXPECT_EQ(lines[1].at("request_id").as_string(), "r2");
    EXPECT_EQ(lines[1].at("decision").as_string(), "deny");
    (*log)->Write(deny);  // written by the destructor
  }
  EXPECT_EQ(ReadLines(path).size(), 3u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  {
    auto reopened = FileAuditLog::Open(path, clock);  // appends, never truncates
    ASSERT_TRUE(reopened.ok());
    AuditEvent e;
    e.request_id = "r4";
    (*reopened)->Write(e);
  }
  auto lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3].at("request_id").as_string(), "r4");
  ::unlink(path.c_str());
  ::rmdir(dir);
}

TEST(FileAuditLog, UnwritableDirectoryIsAnError) {
  FakeClock clock(FromUnixSeconds(1700000000));
  auto log = FileAuditLog::Open("/nonexistent-dir-irsa/audit.log", clock);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().message().find("/nonexistent-dir-irsa/audit.log"), std::string::npos);
}

}  // namespace
}  // namespace irsa::audit
