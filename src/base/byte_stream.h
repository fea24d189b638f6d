// Byte streams: how a body larger than memory moves between layers (an S3 upload from the HTTP
// connection to the object store, a download back). Pull on the reading side, push on the writing
// side; both block the calling thread, so they are used off the server's IO threads.
//
// Ownership: the creator owns a stream; users borrow it for the duration of one call.
// Thread-safety: a stream is used by one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `max` bytes into `out`. Returns the number read; 0 means the end of the stream
  // (and every later call returns 0). Errors are final: the stream is unusable afterwards.
  virtual Result<size_t> Read(char* out, size_t max) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes all of `bytes` or fails; errors are final.
  virtual Status Write(std::string_view bytes) = 0;
};

// A source over bytes held in memory (tests, small bodies). `data` must outlive the source.
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* out, size_t max) override {
    size_t n = data_.size() < max ? data_.size() : max;
    data_.copy(out, n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

// A sink that appends to a string it owns (tests, small bodies).
class StringSink final : public ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data_.append(bytes);
    return OkStatus();
  }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

}  // namespace irsa
