#include "base/chunked_decoder.h"

#include <algorithm>
#include <cstring>

namespace irsa {
namespace {

constexpr uint64_t kMaxChunkSize = (uint64_t{1} << 60) - 1;

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// VCHAR or obs-text.
bool IsFieldVisible(unsigned char c) { return (c >= 0x21 && c <= 0x7e) || c >= 0x80; }

}  // namespace

Error ChunkedDecoder::Fail(std::string message) {
  state_ = State::kError;
  error_ = "malformed chunked body: " + std::move(message);
  return Error("BadRequest", 400, error_);
}

Error ChunkedDecoder::LineTooLong() {
  return Fail("chunk-size line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
}

bool ChunkedDecoder::ExtensionByte(unsigned char c) {
  if (extension_quoted_) {
    if (extension_escaped_) {
      extension_escaped_ = false;
      return c == '\t' || c == ' ' || IsFieldVisible(c);
    }
    if (c == '\\') {
      extension_escaped_ = true;
      return true;
    }
    if (c == '"') {
      extension_quoted_ = false;
      return true;
    }
    return c == '\t' || c == ' ' || IsFieldVisible(c);
  }
  if (c == ' ' || c == '\t') return true;
  if (c == ';') {
    extension_started_ = true;
    return true;
  }
  // Before the first ';' only whitespace may follow the size.
  if (!extension_started_) return false;
  if (c == '"') {
    extension_quoted_ = true;
    return true;
  }
  return c == '=' || IsTokenChar(c);
}

bool ChunkedDecoder::TrailerByte(unsigned char c) {
  if (!trailer_has_colon_) {
    if (c == ':') {
      // A field name has at least one character.
      trailer_has_colon_ = line_bytes_ > 0;
      return trailer_has_colon_;
    }
    ++line_bytes_;  // counts the name's characters
    return IsTokenChar(c);
  }
  return c == ' ' || c == '\t' || IsFieldVisible(c);
}

Result<size_t> ChunkedDecoder::Decode(std::string_view& in, char* out, size_t out_size) {
  if (state_ == State::kError) return Error("BadRequest", 400, error_);
  size_t written = 0;
  while (!in.empty() && state_ != State::kDone) {
    if (state_ == State::kData) {
      if (written == out_size) break;
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(remaining_, std::min(in.size(), out_size - written)));
      std::memcpy(out + written, in.data(), n);
      in.remove_prefix(n);
      written += n;
      decoded_ += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDataCr;
      continue;
    }
    const auto c = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    switch (state_) {
      case State::kSizeStart:
      case State::kSize: {
        if (state_ == State::kSize && c == '\r') {
          state_ = State::kSizeLf;
          break;
        }
        if (++line_bytes_ > limits_.max_line_bytes) return LineTooLong();
        const int v = HexValue(c);
        if (v >= 0) {
          if (remaining_ > (kMaxChunkSize >> 4)) return Fail("chunk size too large");
          remaining_ = (remaining_ << 4) | static_cast<uint64_t>(v);
          state_ = State::kSize;
        } else if (state_ == State::kSizeStart) {
          return Fail("chunk size is not a hexadecimal number");
        } else {
          state_ = State::kExtension;
          extension_started_ = extension_quoted_ = extension_escaped_ = false;
          if (!ExtensionByte(c)) return Fail("invalid character after the chunk size");
        }
        break;
      }
      case State::kExtension:
        if (c == '\r' && !extension_quoted_) {
          state_ = State::kSizeLf;
          break;
        }
        if (++line_bytes_ > limits_.max_line_bytes) return LineTooLong();
        if (!ExtensionByte(c)) return Fail("invalid chunk extension");
        break;
      case State::kSizeLf:
        if (c != '\n') return Fail("chunk-size line does not end in CRLF");
        line_bytes_ = 0;
        state_ = remaining_ == 0 ? State::kTrailerStart : State::kData;
        break;
      case State::kDataCr:
        if (c == '\n') return Fail("chunk data not followed by CRLF");
        if (c != '\r') return Fail("chunk data longer than its size");
        state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (c != '\n') return Fail("chunk data not followed by CRLF");
        state_ = State::kSizeStart;
        break;
      case State::kTrailerStart:
        if (c == '\r') {
          state_ = State::kFinalLf;
          break;
        }
        state_ = State::kTrailer;
        trailer_has_colon_ = false;
        line_bytes_ = 0;
        [[fallthrough]];
      case State::kTrailer:
        if (++trailer_bytes_ > limits_.max_trailer_bytes) {
          return Fail("trailer section longer than " + std::to_string(limits_.max_trailer_bytes) +
                      " bytes");
        }
        if (c == '\r') {
          if (!trailer_has_colon_) return Fail("malformed trailer field");
          state_ = State::kTrailerLf;
        } else if (!TrailerByte(c)) {
          return Fail("malformed trailer field");
        }
        break;
      case State::kTrailerLf:
        if (c != '\n') return Fail("trailer field does not end in CRLF");
        // The CRLF counts towards the trailer limit too (the CR was counted above).
        ++trailer_bytes_;
        if (trailer_bytes_ > limits_.max_trailer_bytes) {
          return Fail("trailer section longer than " + std::to_string(limits_.max_trailer_bytes) +
                      " bytes");
        }
        state_ = State::kTrailerStart;
        break;
      case State::kFinalLf:
        if (c != '\n') return Fail("chunked body does not end in CRLF");
        state_ = State::kDone;
        break;
      case State::kData:
      case State::kDone:
      case State::kError:
        break;  // handled above / unreachable
    }
  }
  return written;
}

}  // namespace irsa
