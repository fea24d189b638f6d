#include "base/batch_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace irsa {
namespace {

class BatchWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/irsa-batch-writer-XXXXXX";
    fd_ = ::mkstemp(path);
    ASSERT_GE(fd_, 0);
    path_ = path;
  }
  void TearDown() override {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::vector<std::string> Lines() const {
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::string Contents() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  int fd_ = -1;
  std::string path_;
};

TEST_F(BatchWriterTest, FlushWritesEverythingAppendedBefore) {
  BatchWriter writer(fd_, {.interval = std::chrono::hours(1)});  // only Flush() writes
  writer.Append("first");
  writer.Append("second");
  EXPECT_EQ(Contents(), "") << "nothing is written before the interval or a Flush";
  writer.Flush();
  EXPECT_EQ(Contents(), "first\nsecond\n");
  writer.Flush();  // nothing pending: returns at once, writes nothing more
  EXPECT_EQ(Contents(), "first\nsecond\n");
}

TEST_F(BatchWriterTest, DestructorFlushes) {
  {
    BatchWriter writer(fd_, {.interval = std::chrono::hours(1)});
    writer.Append("kept");
  }
  EXPECT_EQ(Contents(), "kept\n");
}

TEST_F(BatchWriterTest, FlushBytesWakesTheWriterWithoutAFlushCall) {
  BatchWriter writer(fd_, {.interval = std::chrono::hours(1), .flush_bytes = 16});
  writer.Append("0123456789abcdef");  // 17 bytes with the newline
  for (int i = 0; i < 2000 && Contents().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // waits for another thread
  }
  EXPECT_EQ(Contents(), "0123456789abcdef\n");
}

TEST_F(BatchWriterTest, BackPressureWritesInlineAndKeepsOrder) {
  BatchWriter writer(
      fd_, {.interval = std::chrono::hours(1), .flush_bytes = 1 << 30, .max_pending_bytes = 8});
  writer.Append("line-1");  // 7 bytes pending: below the limit
  EXPECT_EQ(Contents(), "");
  writer.Append("line-2");  // 14 bytes: the appender writes the batch itself
  EXPECT_EQ(Contents(), "line-1\nline-2\n");
  writer.Append("line-3");
  writer.Flush();
  EXPECT_EQ(Contents(), "line-1\nline-2\nline-3\n");
}

TEST_F(BatchWriterTest, ConcurrentAppendersKeepLinesWholeAndPerThreadOrder) {
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  {
    BatchWriter writer(fd_, {.interval = std::chrono::milliseconds(1), .flush_bytes = 512});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) {
          writer.Append("t" + std::to_string(t) + " " + std::to_string(i) +
                        std::string(static_cast<size_t>(i % 50), 'x'));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    writer.Flush();
  }
  std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    ASSERT_EQ(line[0], 't') << line;
    const int t = line[1] - '0';
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    const int i = std::atoi(line.c_str() + 3);
    EXPECT_EQ(i, next[t]) << "lines of one thread out of order: " << line;
    EXPECT_EQ(line.size(), 3 + std::to_string(i).size() + static_cast<size_t>(i % 50)) << line;
    next[t] = i + 1;
  }
}

TEST_F(BatchWriterTest, WriteFailureIsReportedAndDoesNotBlockFlush) {
  const int read_only = ::open(path_.c_str(), O_RDONLY);
  ASSERT_GE(read_only, 0);
  std::atomic<int> reported{0};
  {
    BatchWriter writer(read_only, {.interval = std::chrono::hours(1),
                                   .on_error = [&](int error_number) { reported = error_number; }});
    writer.Append("lost");
    writer.Flush();
    EXPECT_EQ(reported.load(), EBADF);
  }
  ::close(read_only);
  EXPECT_EQ(Contents(), "");
}

}  // namespace
}  // namespace irsa
