// Incremental decoder of the HTTP/1.1 chunked transfer coding (RFC 9112 §7.1) for request bodies
// that are streamed rather than buffered:
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// Input arrives in arbitrary pieces; decoded data is written into a caller buffer of any size, so
// the decoder holds no data of its own (a few counters only) and memory stays bounded whatever the
// body size. Chunk extensions are validated and ignored; trailer fields are validated and
// discarded. Strict where leniency enables request smuggling: every line ends in CRLF (a bare LF
// or CR is an error), chunk sizes are hexadecimal digits only (no sign, no "0x", no spaces before
// the digits) and at most 2^60 - 1, and a chunk-size line (size plus extensions) or the whole
// trailer section longer than its limit is an error.
//
// Thread-safety: none (one decoder per body, used by one thread at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa {

class ChunkedDecoder {
 public:
  struct Limits {
    size_t max_line_bytes = 4096;      // a chunk-size line with its extensions, without CRLF
    size_t max_trailer_bytes = 16384;  // all trailer field lines together, CRLFs included
  };

  ChunkedDecoder() : ChunkedDecoder(Limits{}) {}
  explicit ChunkedDecoder(Limits limits) : limits_(limits) {}

  // Consumes bytes from the front of `in` (advancing it) and writes decoded data to
  // `out[0..out_size)`, stopping when `in` is empty, `out` is full, or the body ends; returns the
  // number of bytes written. Bytes after the end of the body stay in `in` (a pipelined request).
  // A malformed body returns an Error (code "BadRequest", 400) naming the problem; the error is
  // final: every later call returns it again. After done(), calls consume and write nothing.
  Result<size_t> Decode(std::string_view& in, char* out, size_t out_size);

  // The terminating CRLF after the last chunk and trailers has been consumed.
  bool done() const { return state_ == State::kDone; }
  // Data bytes decoded so far.
  uint64_t decoded_bytes() const { return decoded_; }

 private:
  enum class State {
    kSizeStart,     // expecting the first hex digit of a chunk size
    kSize,          // in the hex digits
    kExtension,     // after the size, up to CR
    kSizeLf,        // after CR of the size line
    kData,          // in chunk data; remaining_ bytes left
    kDataCr,        // expecting CR after chunk data
    kDataLf,        // expecting LF after chunk data
    kTrailerStart,  // at the start of a trailer line (or the final CRLF)
    kTrailer,       // in a trailer field line, up to CR
    kTrailerLf,     // after CR of a trailer line
    kFinalLf,       // after the CR of the final empty line
    kDone,
    kError,
  };

  Error Fail(std::string message);
  Error LineTooLong();
  // Validates one byte of a chunk extension (after the size digits, before CR).
  bool ExtensionByte(unsigned char c);
  // Validates one byte of a trailer field line (before CR).
  bool TrailerByte(unsigned char c);

  Limits limits_;
  State state_ = State::kSizeStart;
  uint64_t remaining_ = 0;  // chunk size being parsed, then data left in the chunk
  size_t line_bytes_ = 0;   // bytes of the current size line
  size_t trailer_bytes_ = 0;
  bool trailer_has_colon_ = false;
  bool extension_started_ = false;  // a ';' was seen on this size line
  bool extension_quoted_ = false;   // inside a quoted-string of a chunk extension
  bool extension_escaped_ = false;  // after a backslash in that quoted-string
  uint64_t decoded_ = 0;
  std::string error_;  // the message of a final error
};

}  // namespace irsa
