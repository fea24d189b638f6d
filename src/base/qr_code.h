// QR Code (ISO/IEC 18004) encoding of short byte strings, and their rendering as PNG images: the
// otpauth:// URI of a virtual MFA device that authenticator apps scan (CreateVirtualMFADevice's
// QRCodePNG).
//
// Byte mode, error-correction level M, the smallest version (1-40) that holds the data, the mask
// with the lowest penalty (rules 1, 2 and 4 of the standard). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace irsa {

struct QrCode {
  int version = 0;
  int size = 0;            // modules per side: 4 * version + 17
  std::vector<bool> dark;  // row-major, size * size
  bool At(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

// nullopt when `data` exceeds version 40-M's capacity (2331 bytes).
std::optional<QrCode> EncodeQrCode(std::string_view data);

// A 1-bit grayscale PNG of `code`: `scale` pixels per module and a quiet zone of four modules
// (uncompressed deflate blocks; a few kilobytes for an otpauth URI).
std::string QrCodePng(const QrCode& code, int scale = 4);

}  // namespace irsa
