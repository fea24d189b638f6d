#include "base/qr_code.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

namespace irsa {
namespace {

// Level M tables of ISO/IEC 18004 (Table 9), indexed by version (index 0 unused).
constexpr std::array<int, 41> kEccPerBlock = {
    -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28};
constexpr std::array<int, 41> kBlocks = {-1, 1,  1,  1,  2,  2,  4,  4,  4,  5,  5,  5,  8,  9,
                                         9,  10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
                                         26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49};
constexpr int kEccFormatBitsM = 0;

int RawDataModules(int ver) {
  int result = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    const int align = ver / 7 + 2;
    result -= (25 * align - 10) * align - 55;
    if (ver >= 7) result -= 36;
  }
  return result;
}

int DataCodewords(int ver) { return RawDataModules(ver) / 8 - kEccPerBlock[ver] * kBlocks[ver]; }

uint8_t GfMultiply(uint8_t x, uint8_t y) {
  int z = 0;
  for (int i = 7; i >= 0; --i) {
    z = (z << 1) ^ ((z >> 7) * 0x11D);
    z ^= ((y >> i) & 1) * x;
  }
  return static_cast<uint8_t>(z);
}

std::vector<uint8_t> RsDivisor(int degree) {
  std::vector<uint8_t> result(static_cast<size_t>(degree), 0);
  result.back() = 1;
  uint8_t root = 1;
  for (int i = 0; i < degree; ++i) {
    for (size_t j = 0; j < result.size(); ++j) {
      result[j] = GfMultiply(result[j], root);
      if (j + 1 < result.size()) result[j] ^= result[j + 1];
    }
    root = GfMultiply(root, 0x02);
  }
  return result;
}

std::vector<uint8_t> RsRemainder(const std::vector<uint8_t>& data,
                                 const std::vector<uint8_t>& divisor) {
  std::vector<uint8_t> result(divisor.size(), 0);
  for (uint8_t b : data) {
    const uint8_t factor = b ^ result.front();
    result.erase(result.begin());
    result.push_back(0);
    for (size_t i = 0; i < result.size(); ++i) result[i] ^= GfMultiply(divisor[i], factor);
  }
  return result;
}

class Builder {
 public:
  explicit Builder(int ver)
      : ver_(ver),
        size_(ver * 4 + 17),
        modules_(static_cast<size_t>(size_ * size_), false),
        function_(static_cast<size_t>(size_ * size_), false) {}

  void DrawFunctionPatterns() {
    for (int i = 0; i < size_; ++i) {
      SetFunction(6, i, i % 2 == 0);
      SetFunction(i, 6, i % 2 == 0);
    }
    DrawFinder(3, 3);
    DrawFinder(size_ - 4, 3);
    DrawFinder(3, size_ - 4);
    const std::vector<int> align = AlignmentPositions();
    const size_t n = align.size();
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        if ((i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0)) continue;
        DrawAlignment(align[i], align[j]);
      }
    }
    DrawFormatBits(0);  // reserves the area; redrawn with the chosen mask
    DrawVersion();
  }

  void DrawCodewords(const std::vector<uint8_t>& data) {
    size_t i = 0;
    for (int right = size_ - 1; right >= 1; right -= 2) {
      if (right == 6) right = 5;
      for (int vert = 0; vert < size_; ++vert) {
        for (int j = 0; j < 2; ++j) {
          const int x = right - j;
          const bool upward = ((right + 1) & 2) == 0;
          const int y = upward ? size_ - 1 - vert : vert;
          if (!Function(x, y) && i < data.size() * 8) {
            Module(x, y) = ((data[i >> 3] >> (7 - (i & 7))) & 1) != 0;
            ++i;
          }
        }
      }
    }
  }

  void ApplyMask(int mask) {
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        bool invert = false;
        switch (mask) {
          case 0:
            invert = (x + y) % 2 == 0;
            break;
          case 1:
            invert = y % 2 == 0;
            break;
          case 2:
            invert = x % 3 == 0;
            break;
          case 3:
            invert = (x + y) % 3 == 0;
            break;
          case 4:
            invert = (x / 3 + y / 2) % 2 == 0;
            break;
          case 5:
            invert = x * y % 2 + x * y % 3 == 0;
            break;
          case 6:
            invert = (x * y % 2 + x * y % 3) % 2 == 0;
            break;
          default:
            invert = ((x + y) % 2 + x * y % 3) % 2 == 0;
            break;
        }
        if (invert && !Function(x, y)) Module(x, y) = !Module(x, y);
      }
    }
  }

  void DrawFormatBits(int mask) {
    const int data = kEccFormatBitsM << 3 | mask;
    int rem = data;
    for (int i = 0; i < 10; ++i) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    const int bits = (data << 10 | rem) ^ 0x5412;
    auto bit = [&](int i) { return ((bits >> i) & 1) != 0; };
    for (int i = 0; i <= 5; ++i) SetFunction(8, i, bit(i));
    SetFunction(8, 7, bit(6));
    SetFunction(8, 8, bit(7));
    SetFunction(7, 8, bit(8));
    for (int i = 9; i < 15; ++i) SetFunction(14 - i, 8, bit(i));
    for (int i = 0; i < 8; ++i) SetFunction(size_ - 1 - i, 8, bit(i));
    for (int i = 8; i < 15; ++i) SetFunction(8, size_ - 15 + i, bit(i));
    SetFunction(8, size_ - 8, true);  // the dark module
  }

  // Rules 1 (runs), 2 (2x2 blocks) and 4 (balance) of the standard's mask evaluation.
  long Penalty() const {
    long result = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (int a = 0; a < size_; ++a) {
        int run = 0;
        bool color = false;
        for (int b = 0; b < size_; ++b) {
          const bool c = pass == 0 ? At(b, a) : At(a, b);
          if (b > 0 && c == color) {
            ++run;
          } else {
            if (run >= 5) result += 3 + (run - 5);
            run = 1;
            color = c;
          }
        }
        if (run >= 5) result += 3 + (run - 5);
      }
    }
    for (int y = 0; y + 1 < size_; ++y) {
      for (int x = 0; x + 1 < size_; ++x) {
        const bool c = At(x, y);
        if (c == At(x + 1, y) && c == At(x, y + 1) && c == At(x + 1, y + 1)) result += 3;
      }
    }
    long dark = 0;
    for (bool m : modules_) dark += m ? 1 : 0;
    const long total = static_cast<long>(size_) * size_;
    const long k = (std::labs(dark * 20 - total * 10) + total - 1) / total - 1;
    result += std::max(0L, k) * 10;
    return result;
  }

  QrCode Finish() const { return QrCode{ver_, size_, modules_}; }

 private:
  bool At(int x, int y) const { return modules_[static_cast<size_t>(y) * size_ + x]; }
  std::vector<bool>::reference Module(int x, int y) {
    return modules_[static_cast<size_t>(y) * size_ + x];
  }
  bool Function(int x, int y) const { return function_[static_cast<size_t>(y) * size_ + x]; }
  void SetFunction(int x, int y, bool dark) {
    Module(x, y) = dark;
    function_[static_cast<size_t>(y) * size_ + x] = true;
  }

  void DrawFinder(int cx, int cy) {
    for (int dy = -4; dy <= 4; ++dy) {
      for (int dx = -4; dx <= 4; ++dx) {
        const int dist = std::max(std::abs(dx), std::abs(dy));
        const int x = cx + dx, y = cy + dy;
        if (x >= 0 && x < size_ && y >= 0 && y < size_) SetFunction(x, y, dist != 2 && dist != 4);
      }
    }
  }

  void DrawAlignment(int cx, int cy) {
    for (int dy = -2; dy <= 2; ++dy) {
      for (int dx = -2; dx <= 2; ++dx) {
        SetFunction(cx + dx, cy + dy, std::max(std::abs(dx), std::abs(dy)) != 1);
      }
    }
  }

  std::vector<int> AlignmentPositions() const {
    if (ver_ == 1) return {};
    const int n = ver_ / 7 + 2;
    const int step = ver_ == 32 ? 26 : (ver_ * 4 + n * 2 + 1) / (n * 2 - 2) * 2;
    std::vector<int> result(static_cast<size_t>(n));
    result[0] = 6;
    int pos = size_ - 7;
    for (int i = 0; i < n - 1; ++i, pos -= step) result[static_cast<size_t>(n - 1 - i)] = pos;
    return result;
  }

  void DrawVersion() {
    if (ver_ < 7) return;
    int rem = ver_;
    for (int i = 0; i < 12; ++i) rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
    const long bits = static_cast<long>(ver_) << 12 | rem;
    for (int i = 0; i < 18; ++i) {
      const bool bit = ((bits >> i) & 1) != 0;
      const int a = size_ - 11 + i % 3, b = i / 3;
      SetFunction(a, b, bit);
      SetFunction(b, a, bit);
    }
  }

  int ver_;
  int size_;
  std::vector<bool> modules_;
  std::vector<bool> function_;
};

// The data codewords (mode, count, bytes, terminator, padding) with error correction, interleaved.
std::vector<uint8_t> Codewords(std::string_view data, int ver) {
  std::vector<bool> bits;
  auto append = [&](uint32_t value, int count) {
    for (int i = count - 1; i >= 0; --i) bits.push_back(((value >> i) & 1) != 0);
  };
  append(0x4, 4);  // byte mode
  append(static_cast<uint32_t>(data.size()), ver <= 9 ? 8 : 16);
  for (unsigned char c : data) append(c, 8);
  const size_t capacity = static_cast<size_t>(DataCodewords(ver)) * 8;
  append(0, static_cast<int>(std::min<size_t>(4, capacity - bits.size())));
  append(0, static_cast<int>((8 - bits.size() % 8) % 8));
  for (uint32_t pad = 0xEC; bits.size() < capacity; pad ^= 0xEC ^ 0x11) append(pad, 8);
  std::vector<uint8_t> bytes(bits.size() / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) bytes[i >> 3] |= static_cast<uint8_t>(1 << (7 - (i & 7)));
  }

  const int blocks = kBlocks[ver];
  const int ecc_len = kEccPerBlock[ver];
  const int raw = RawDataModules(ver) / 8;
  const int short_blocks = blocks - raw % blocks;
  const int short_len = raw / blocks;
  const std::vector<uint8_t> divisor = RsDivisor(ecc_len);
  std::vector<std::vector<uint8_t>> all;
  size_t k = 0;
  for (int i = 0; i < blocks; ++i) {
    const size_t len = static_cast<size_t>(short_len - ecc_len + (i < short_blocks ? 0 : 1));
    std::vector<uint8_t> block(bytes.begin() + static_cast<long>(k),
                               bytes.begin() + static_cast<long>(k + len));
    k += len;
    const std::vector<uint8_t> ecc = RsRemainder(block, divisor);
    if (i < short_blocks) block.push_back(0);  // placeholder, skipped when interleaving
    block.insert(block.end(), ecc.begin(), ecc.end());
    all.push_back(std::move(block));
  }
  std::vector<uint8_t> result;
  for (size_t i = 0; i < all[0].size(); ++i) {
    for (size_t j = 0; j < all.size(); ++j) {
      if (i != static_cast<size_t>(short_len - ecc_len) || j >= static_cast<size_t>(short_blocks)) {
        result.push_back(all[j][i]);
      }
    }
  }
  return result;
}

// PNG pieces.
uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void Be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void Chunk(std::string& png, std::string_view type, std::string_view data) {
  Be32(png, static_cast<uint32_t>(data.size()));
  std::string body(type);
  body.append(data);
  png += body;
  Be32(png, Crc32(body));
}

// zlib stream of stored (uncompressed) deflate blocks.
std::string ZlibStored(std::string_view data) {
  std::string out = "\x78\x01";
  size_t pos = 0;
  do {
    const size_t len = std::min<size_t>(65535, data.size() - pos);
    const bool last = pos + len == data.size();
    out.push_back(last ? 1 : 0);
    out.push_back(static_cast<char>(len & 0xFF));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(~len & 0xFF));
    out.push_back(static_cast<char>((~len >> 8) & 0xFF));
    out.append(data.substr(pos, len));
    pos += len;
  } while (pos < data.size());
  uint32_t a = 1, b = 0;
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  Be32(out, b << 16 | a);
  return out;
}

}  // namespace

std::optional<QrCode> EncodeQrCode(std::string_view data) {
  for (int ver = 1; ver <= 40; ++ver) {
    const size_t header_bits = 4 + (ver <= 9 ? 8 : 16);
    if (header_bits + data.size() * 8 > static_cast<size_t>(DataCodewords(ver)) * 8) continue;
    Builder builder(ver);
    builder.DrawFunctionPatterns();
    builder.DrawCodewords(Codewords(data, ver));
    int best = 0;
    long best_penalty = -1;
    for (int mask = 0; mask < 8; ++mask) {
      builder.ApplyMask(mask);
      builder.DrawFormatBits(mask);
      const long penalty = builder.Penalty();
      if (best_penalty < 0 || penalty < best_penalty) {
        best = mask;
        best_penalty = penalty;
      }
      builder.ApplyMask(mask);  // undo (XOR)
    }
    builder.ApplyMask(best);
    builder.DrawFormatBits(best);
    return builder.Finish();
  }
  return std::nullopt;
}

std::string QrCodePng(const QrCode& code, int scale) {
  const int border = 4;
  const int pixels = (code.size + 2 * border) * scale;
  const int row_bytes = (pixels + 7) / 8;
  std::string raw;
  raw.reserve(static_cast<size_t>((row_bytes + 1) * pixels));
  for (int py = 0; py < pixels; ++py) {
    raw.push_back(0);  // filter: none
    const int y = py / scale - border;
    for (int bx = 0; bx < row_bytes; ++bx) {
      uint8_t byte = 0;
      for (int bit = 0; bit < 8; ++bit) {
        const int px = bx * 8 + bit;
        const int x = px / scale - border;
        const bool dark =
            px < pixels && x >= 0 && y >= 0 && x < code.size && y < code.size && code.At(x, y);
        if (!dark) byte |= static_cast<uint8_t>(0x80 >> bit);  // 1 = white
      }
      raw.push_back(static_cast<char>(byte));
    }
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  Be32(header, static_cast<uint32_t>(pixels));
  Be32(header, static_cast<uint32_t>(pixels));
  header += std::string("\x01\x00\x00\x00\x00", 5);  // 1-bit grayscale, deflate, no interlace
  Chunk(png, "IHDR", header);
  Chunk(png, "IDAT", ZlibStored(raw));
  Chunk(png, "IEND", "");
  return png;
}

}  // namespace irsa
