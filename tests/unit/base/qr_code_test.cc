#include "base/qr_code.h"

#include <gtest/gtest.h>

#include <string>

namespace irsa {
namespace {

// The 7x7 finder pattern with its top-left corner at (x0, y0).
void ExpectFinder(const QrCode& code, int x0, int y0) {
  for (int dy = 0; dy < 7; ++dy) {
    for (int dx = 0; dx < 7; ++dx) {
      const int ring = std::max(std::abs(dx - 3), std::abs(dy - 3));
      EXPECT_EQ(code.At(x0 + dx, y0 + dy), ring != 2) << x0 + dx << "," << y0 + dy;
    }
  }
}

// The 15 format bits read from around the top-left finder, unmasked: (level bits, mask).
std::pair<int, int> FormatBits(const QrCode& code) {
  int bits = 0;
  for (int i = 0; i <= 5; ++i) bits |= code.At(8, i) << i;
  bits |= code.At(8, 7) << 6;
  bits |= code.At(8, 8) << 7;
  bits |= code.At(7, 8) << 8;
  for (int i = 9; i < 15; ++i) bits |= code.At(14 - i, 8) << i;
  bits ^= 0x5412;
  return {bits >> 13, (bits >> 10) & 7};
}

TEST(QrCode, PicksTheSmallestVersionAndDrawsFunctionPatterns) {
  // Version 1-M holds 14 bytes in byte mode; 15 need version 2.
  auto v1 = EncodeQrCode(std::string(14, 'a'));
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->size, 21);
  EXPECT_EQ(EncodeQrCode(std::string(15, 'a'))->version, 2);
  const std::string uri =
      "otpauth://totp/irsa:alice%40111122223333?secret=" + std::string(64, 'A') + "&issuer=irsa";
  auto code = EncodeQrCode(uri);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(uri.size(), 124u);
  EXPECT_EQ(code->version, 8);  // 7-M holds 122 bytes in byte mode, 8-M 152
  EXPECT_EQ(code->size, 49);
  ExpectFinder(*code, 0, 0);
  ExpectFinder(*code, code->size - 7, 0);
  ExpectFinder(*code, 0, code->size - 7);
  for (int i = 8; i < code->size - 8; ++i) {
    EXPECT_EQ(code->At(i, 6), i % 2 == 0);  // timing patterns
    EXPECT_EQ(code->At(6, i), i % 2 == 0);
  }
  EXPECT_TRUE(code->At(8, code->size - 8));  // the dark module
  EXPECT_EQ(FormatBits(*code).first, 0);     // level M
  EXPECT_FALSE(EncodeQrCode(std::string(2332, 'a')).has_value());
  EXPECT_EQ(EncodeQrCode(std::string(2331, 'a'))->version, 40);
}

TEST(QrCode, PngIsA1BitGrayscaleImageOfTheModules) {
  auto code = EncodeQrCode("hello");
  ASSERT_TRUE(code.has_value());
  const std::string png = QrCodePng(*code, 2);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  const int pixels = (21 + 8) * 2;
  EXPECT_EQ(static_cast<unsigned char>(png[16 + 3]), pixels);  // width, big-endian
  EXPECT_EQ(static_cast<unsigned char>(png[20 + 3]), pixels);  // height
  EXPECT_EQ(png[24], 1);                                       // bit depth
  EXPECT_EQ(png[25], 0);                                       // grayscale
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

}  // namespace
}  // namespace irsa
