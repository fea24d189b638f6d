#include "base/batch_writer.h"

#include <unistd.h>

#include <cerrno>

namespace irsa {

BatchWriter::BatchWriter(int fd, Options options) : fd_(fd), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  WritePending();
}

void BatchWriter::Append(std::string_view line) {
  bool wake = false;
  bool write_now = false;
  {
    std::lock_guard lock(mu_);
    pending_.append(line);
    pending_.push_back('\n');
    ++appended_lines_;
    if (pending_.size() >= options_.max_pending_bytes) {
      write_now = true;
    } else if (pending_.size() >= options_.flush_bytes && !urgent_) {
      urgent_ = true;
      wake = true;
    }
  }
  if (write_now) {
    WritePending();
  } else if (wake) {
    wake_.notify_one();
  }
}

void BatchWriter::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = appended_lines_;
  if (written_lines_ >= target) return;
  urgent_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_lines_ >= target || stop_; });
  if (written_lines_ < target) {  // stopping: the destructor writes the rest; do it here too
    lock.unlock();
    WritePending();
  }
}

void BatchWriter::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, options_.interval, [&] { return stop_ || urgent_; });
    if (pending_.empty()) {
      urgent_ = false;
      continue;
    }
    lock.unlock();
    WritePending();
    lock.lock();
  }
}

void BatchWriter::WritePending() {
  std::lock_guard write_lock(write_mu_);
  std::string batch;
  uint64_t lines = 0;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
    lines = appended_lines_;
    urgent_ = false;
  }
  int error_number = 0;
  size_t done = 0;
  while (done < batch.size()) {
    ssize_t n = ::write(fd_, batch.data() + done, batch.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_number = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  // Reported before Flush() callers are released, so that they observe the report.
  if (error_number != 0 && options_.on_error) options_.on_error(error_number);
  {
    std::lock_guard lock(mu_);
    if (lines > written_lines_) written_lines_ = lines;
    // Reuse the larger allocation for the next batch.
    if (pending_.empty() && batch.capacity() > pending_.capacity()) {
      batch.clear();
      pending_.swap(batch);
    }
  }
  written_.notify_all();
}

}  // namespace irsa
