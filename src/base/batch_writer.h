// Writes complete lines to a file descriptor in batches from a background thread: callers only
// copy the line into a memory buffer, and one write(2) per batch replaces one per line. Used for
// the access log and the audit log, whose lines are written on every request.
//
// Ordering and atomicity: lines reach the file in Append order, each whole (a batch holds only
// complete lines; with O_APPEND, lines from several processes never interleave).
// Latency: a line is written within `interval` of Append (sooner once `flush_bytes` are
// pending); Flush() and the destructor write everything appended before they were called. Lines
// still buffered when the process is killed (SIGKILL, abort) are lost: at most one interval.
// Back-pressure: when `max_pending_bytes` are waiting (the disk stalls), Append writes the
// pending batch itself rather than grow without bound.
// Failures: a failed write is reported through `on_error` (from the writing thread, with only the
// internal write lock held, before a waiting Flush() returns; it must not call back into this
// writer) and the batch is dropped.
//
// Thread-safety: Append and Flush may be called concurrently from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace irsa {

class BatchWriter {
 public:
  struct Options {
    std::chrono::milliseconds interval{20};
    size_t flush_bytes = 64 * 1024;
    size_t max_pending_bytes = 4 * 1024 * 1024;
    std::function<void(int error_number)> on_error;  // errno of the failed write
  };

  // `fd` stays owned by the caller and must outlive this writer.
  BatchWriter(int fd, Options options);
  explicit BatchWriter(int fd) : BatchWriter(fd, Options{}) {}
  ~BatchWriter();  // Flushes, then stops the thread.
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Queues `line` followed by '\n' (a line must not contain '\n' itself).
  void Append(std::string_view line);
  // Returns once every line appended before the call has been written (or failed).
  void Flush();

 private:
  void Run();
  // Takes every pending line and writes it. Holding write_mu_ while taking the batch keeps
  // batches in order between the thread and back-pressure writes.
  void WritePending();

  const int fd_;
  const Options options_;

  std::mutex mu_;
  std::condition_variable wake_;     // the writer thread: flush now / stop
  std::condition_variable written_;  // Flush() callers
  std::string pending_;              // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  bool urgent_ = false;              // guarded by mu_: a Flush() or flush_bytes is waiting
  uint64_t appended_lines_ = 0;      // guarded by mu_
  uint64_t written_lines_ = 0;       // guarded by mu_: lines whose batch was written (or failed)

  std::mutex write_mu_;  // taken before mu_; serializes taking and writing batches
  std::thread thread_;
};

}  // namespace irsa
