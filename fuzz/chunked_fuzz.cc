// Fuzzes the chunked transfer-coding decoder (base/chunked_decoder.h) differentially: the body is
// decoded once in one piece into a large buffer and once fed in small pieces into small output
// windows; both must agree on success, decoded bytes, completion and the bytes left over, and no
// call may write past its window or consume more than it was given.
// Input layout: byte 0 = input piece size (1..256), byte 1 = output window size (1..256), then
// the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/chunked_decoder.h"

namespace {

struct Outcome {
  bool ok = true;
  bool done = false;
  std::string data;
  size_t consumed = 0;
};

Outcome Run(std::string_view body, size_t in_step, size_t out_step) {
  irsa::ChunkedDecoder decoder(
      irsa::ChunkedDecoder::Limits{.max_line_bytes = 64, .max_trailer_bytes = 256});
  Outcome o;
  std::string window(out_step + 8, '\x5a');
  size_t offset = 0;
  while (!decoder.done() && offset < body.size()) {
    const size_t n = std::min(in_step, body.size() - offset);
    std::string_view piece = body.substr(offset, n);
    const size_t before = piece.size();
    irsa::Result<size_t> written = decoder.Decode(piece, window.data(), out_step);
    if (piece.size() > before) std::abort();
    offset += before - piece.size();
    if (!written.ok()) {
      if (written.error().http_status() != 400) std::abort();
      o.ok = false;
      return o;
    }
    if (*written > out_step) std::abort();
    for (size_t i = out_step; i < window.size(); ++i) {
      if (window[i] != '\x5a') std::abort();  // wrote past the window
    }
    o.data.append(window.data(), *written);
    // No progress is only possible when the window is full or the body is done.
    if (before == piece.size() && *written == 0 && !decoder.done()) std::abort();
  }
  if (decoder.decoded_bytes() != o.data.size()) std::abort();
  o.done = decoder.done();
  o.consumed = offset;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t in_step = 1 + data[0];
  const size_t out_step = 1 + data[1];
  std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
  const Outcome whole = Run(body, body.size() + 1, body.size() + 1);
  const Outcome pieces = Run(body, in_step, out_step);
  if (whole.ok != pieces.ok) std::abort();
  if (!whole.ok) return 0;
  if (whole.done != pieces.done || whole.data != pieces.data) std::abort();
  if (whole.done && whole.consumed != pieces.consumed) std::abort();
  return 0;
}
