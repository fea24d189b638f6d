#include "crypto/key_ring.h"

#include <openssl/crypto.h>

#include <sys/stat.h>
#include <cerrno>

#include "base/encoding.h"
#include "base/strings.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace irsa::crypto {
namespace {

constexpr size_t kMaxIdLen = 64;
constexpr std::string_view kMagic = "irsa-keyring v1";

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLen) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

std::string Header(std::string_view id) {
  std::string h;
  h.reserve(2 + id.size());
  h.push_back(static_cast<char>(kSealedVersion));
  h.push_back(static_cast<char>(id.size()));
  h.append(id);
  return h;
}

}  // namespace

KeyRing::KeyRing(Random& random) : random_(&random) {}
KeyRing::KeyRing(const KeyRing&) = default;
KeyRing& KeyRing::operator=(const KeyRing& other) {
  if (this != &other) {
    for (auto& [id, secret] : keys_) Wipe(secret);
    random_ = other.random_;
    keys_ = other.keys_;
    current_ = other.current_;
  }
  return *this;
}
KeyRing::KeyRing(KeyRing&&) noexcept = default;
KeyRing& KeyRing::operator=(KeyRing&& other) noexcept {
  if (this != &other) {
    for (auto& [id, secret] : keys_) Wipe(secret);
    random_ = other.random_;
    keys_ = std::move(other.keys_);
    current_ = std::move(other.current_);
  }
  return *this;
}
KeyRing::~KeyRing() {
  for (auto& [id, secret] : keys_) Wipe(secret);
}

Status KeyRing::AddKey(std::string id, std::string secret) {
  if (!ValidId(id)) {
    Wipe(secret);
    return errors::InvalidInput("key id must be 1-64 characters of [A-Za-z0-9._-]");
  }
  if (secret.size() != kAeadKeySize) {
    Wipe(secret);
    return errors::InvalidInput("key '" + id + "' must be 32 bytes");
  }
  if (keys_.count(id) != 0) {
    Wipe(secret);
    return errors::InvalidInput("duplicate key id '" + id + "'");
  }
  if (current_.empty()) current_ = id;
  keys_.emplace(std::move(id), std::move(secret));
  return OkStatus();
}

std::string KeyRing::Rotate() {
  // Built without assigning a string literal: GCC 12 -O3 reports a false -Wrestrict for that.
  auto new_id = [this] {
    std::string id = HexEncode(random_->Bytes(8));
    id.insert(id.begin(), 'k');
    return id;
  };
  std::string id = new_id();
  while (keys_.count(id) != 0) id = new_id();
  keys_.emplace(id, random_->Bytes(kAeadKeySize));
  current_ = id;
  return id;
}

Status KeyRing::SetCurrent(std::string_view id) {
  auto it = keys_.find(id);
  if (it == keys_.end()) return errors::InvalidInput("no key '" + std::string(id) + "' in ring");
  current_ = it->first;
  return OkStatus();
}

Status KeyRing::RemoveKey(std::string_view id) {
  auto it = keys_.find(id);
  if (it == keys_.end()) return errors::InvalidInput("no key '" + std::string(id) + "' in ring");
  if (it->first == current_) return errors::InvalidInput("cannot remove the current key");
  Wipe(it->second);
  keys_.erase(it);
  return OkStatus();
}

std::vector<std::string> KeyRing::key_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, secret] : keys_) ids.push_back(id);
  return ids;
}

bool KeyRing::HasKey(std::string_view id) const { return keys_.find(id) != keys_.end(); }

Result<std::string> KeyRing::Seal(std::string_view plaintext, std::string_view aad) const {
  auto it = keys_.find(current_);
  if (it == keys_.end()) return errors::InternalFailure("key ring has no current key");
  std::string header = Header(current_);
  std::string full_aad = header;
  full_aad.append(aad);
  IRSA_TRY(std::string sealed, AeadSeal(it->second, plaintext, full_aad, *random_));
  header.append(sealed);
  return header;
}

Result<std::string> KeyRing::SealedKeyId(std::string_view sealed) {
  if (sealed.empty()) return errors::InvalidInput("sealed data is empty");
  if (static_cast<uint8_t>(sealed[0]) != kSealedVersion) {
    return errors::InvalidInput("unsupported sealed data version " +
                                std::to_string(static_cast<uint8_t>(sealed[0])));
  }
  if (sealed.size() < 2) return errors::InvalidInput("sealed data is truncated");
  size_t id_len = static_cast<uint8_t>(sealed[1]);
  if (id_len == 0 || sealed.size() < 2 + id_len + kAeadOverhead) {
    return errors::InvalidInput("sealed data is truncated");
  }
  std::string id(sealed.substr(2, id_len));
  if (!ValidId(id)) return errors::InvalidInput("sealed data names an invalid key id");
  return id;
}

Result<std::string> KeyRing::Open(std::string_view sealed, std::string_view aad) const {
  IRSA_TRY(std::string id, SealedKeyId(sealed));
  auto it = keys_.find(id);
  if (it == keys_.end()) {
    return errors::InvalidInput("sealed data names unknown key id '" + id + "'");
  }
  const size_t header_len = 2 + id.size();
  std::string full_aad(sealed.substr(0, header_len));
  full_aad.append(aad);
  return AeadOpen(it->second, sealed.substr(header_len), full_aad);
}

std::string KeyRing::Serialize() const {
  std::string out(kMagic);
  out += "\ncurrent ";
  out += current_;
  out += "\n";
  for (const auto& [id, secret] : keys_) {
    out += "key ";
    out += id;
    out += ' ';
    out += Base64Encode(secret);
    out += '\n';
  }
  return out;
}

Result<KeyRing> KeyRing::Parse(std::string_view text, Random& random) {
  KeyRing ring(random);
  std::vector<std::string_view> lines = Split(text, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() < 2 || lines[0] != kMagic) {
    return errors::InvalidInput("not an irsa key ring (bad header)");
  }
  std::string_view current_line = lines[1];
  if (current_line.substr(0, 8) != "current ") {
    return errors::InvalidInput("key ring line 2: expected 'current <id>'");
  }
  std::string current(current_line.substr(8));
  for (size_t i = 2; i < lines.size(); ++i) {
    std::vector<std::string_view> parts = Split(lines[i], ' ');
    std::string where = "key ring line " + std::to_string(i + 1) + ": ";
    if (parts.size() != 3 || parts[0] != "key") {
      return errors::InvalidInput(where + "expected 'key <id> <base64>'");
    }
    std::optional<std::string> secret = Base64Decode(parts[2]);
    if (!secret) return errors::InvalidInput(where + "key material is not base64");
    Status added = ring.AddKey(std::string(parts[1]), std::move(*secret));
    if (!added) return added.error().WithContext(where);
  }
  if (ring.empty()) return errors::InvalidInput("key ring has no keys");
  IRSA_RETURN_IF_ERROR(ring.SetCurrent(current));
  return ring;
}

// ---- MasterKey ----

MasterKey::MasterKey(std::string secret, Random& random)
    : secret_(std::move(secret)), ring_(random) {
  std::string id = "mk-" + HexEncode(Sha256("irsa master key id\n" + secret_)).substr(0, 16);
  Status s = ring_.AddKey(std::move(id), secret_);
  (void)s;  // Cannot fail: the id is valid and the secret is 32 bytes (checked by callers).
}

MasterKey::~MasterKey() { Wipe(secret_); }

MasterKey MasterKey::Generate(Random& random) {
  return MasterKey(random.Bytes(kAeadKeySize), random);
}

Result<MasterKey> MasterKey::FromBase64(std::string_view text, Random& random) {
  std::optional<std::string> secret = Base64Decode(TrimWhitespace(text));
  if (!secret) return errors::InvalidInput("master key is not valid base64");
  if (secret->size() != kAeadKeySize) {
    Wipe(*secret);
    return errors::InvalidInput("master key must decode to exactly 32 bytes");
  }
  return MasterKey(std::move(*secret), random);
}

std::string MasterKey::ToBase64() const { return Base64Encode(secret_); }

Result<MasterKey> MasterKey::LoadOrCreateFile(const std::string& path, Random& random) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return errors::InternalFailure("cannot stat master key file " + path);
    MasterKey key = Generate(random);
    IRSA_RETURN_IF_ERROR(WriteFileAtomic(path, key.ToBase64() + "\n", 0600));
    return key;
  }
  IRSA_TRY(std::string text, ReadFileToString(path, 4096));
  Result<MasterKey> key = FromBase64(text, random);
  Wipe(text);
  if (!key) return key.error().WithContext("master key file " + path + ": ");
  return key;
}

}  // namespace irsa::crypto
