// KeyRing: named 32-byte AES-256-GCM keys with one current key, for stateless session tokens and
// for sealing secrets at rest. MasterKey: the root key that seals key rings and signing keys.
//
// Sealed blob (binary): 0x01 (version) || id length (1 byte) || key id || nonce (12) ||
// ciphertext || tag (16). The version byte and key id are authenticated (bound into the AAD
// together with the caller's aad), so Open() picks the key by id and any tampering fails.
//
// Ownership/thread-safety: a KeyRing is a value. Const methods (Seal, Open, Serialize) are safe
// to call concurrently; mutation (AddKey, Rotate, SetCurrent, RemoveKey) is not — build a new
// ring and publish it (e.g. via std::shared_ptr<const KeyRing>). The Random passed at
// construction must outlive the ring. Key material is wiped on destruction. Errors never include
// key bytes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/result.h"

namespace irsa::crypto {

inline constexpr uint8_t kSealedVersion = 1;

class KeyRing {
 public:
  // An empty ring (Seal fails until a key is added). `random` supplies nonces and generated keys.
  explicit KeyRing(Random& random = SystemRandom::Instance());
  KeyRing(const KeyRing&);
  KeyRing& operator=(const KeyRing&);
  KeyRing(KeyRing&&) noexcept;
  KeyRing& operator=(KeyRing&&) noexcept;
  ~KeyRing();

  // Key ids: 1-64 chars of [A-Za-z0-9._-]. Secret: exactly 32 bytes. The first key added becomes
  // current. Fails (InvalidInput) on a bad id/secret or a duplicate id.
  Status AddKey(std::string id, std::string secret);
  // Adds a fresh random key with a random id and makes it current; returns the new id. Old keys
  // stay so tokens sealed under them still open.
  std::string Rotate();
  Status SetCurrent(std::string_view id);
  // Removes a retired key (the current key cannot be removed).
  Status RemoveKey(std::string_view id);

  bool empty() const { return keys_.empty(); }
  const std::string& current_id() const { return current_; }
  std::vector<std::string> key_ids() const;
  bool HasKey(std::string_view id) const;

  // Seals under the current key. Fails (InternalFailure) only if the ring is empty.
  Result<std::string> Seal(std::string_view plaintext, std::string_view aad = {}) const;
  // Opens a blob sealed under any key in the ring. InvalidInput with a precise message for an
  // unsupported version, malformed blob or unknown key id; "sealed data failed authentication"
  // for tampering / wrong aad.
  Result<std::string> Open(std::string_view sealed, std::string_view aad = {}) const;
  // Key id a sealed blob names, without opening it (InvalidInput if the blob is malformed).
  static Result<std::string> SealedKeyId(std::string_view sealed);

  // Text form (contains the secrets: store it only sealed under the master key):
  //   irsa-keyring v1\ncurrent <id>\nkey <id> <base64 secret>\n...
  std::string Serialize() const;
  static Result<KeyRing> Parse(std::string_view text, Random& random = SystemRandom::Instance());

 private:
  Random* random_;
  std::map<std::string, std::string, std::less<>> keys_;
  std::string current_;
};

class MasterKey {
 public:
  MasterKey(const MasterKey&) = default;
  MasterKey& operator=(const MasterKey&) = default;
  MasterKey(MasterKey&&) noexcept = default;
  MasterKey& operator=(MasterKey&&) noexcept = default;
  ~MasterKey();  // wipes the key bytes

  // Reads a base64 32-byte key from `path`; if the file does not exist, creates it with 32 random
  // bytes (mode 0600). Fails if the file exists but is not a valid key, or cannot be written.
  static Result<MasterKey> LoadOrCreateFile(const std::string& path,
                                            Random& random = SystemRandom::Instance());
  // Parses base64 (surrounding whitespace ignored) of exactly 32 bytes.
  static Result<MasterKey> FromBase64(std::string_view text,
                                      Random& random = SystemRandom::Instance());
  static MasterKey Generate(Random& random = SystemRandom::Instance());

  std::string ToBase64() const;
  // A stable, non-secret id derived from the key ("mk-" + 16 hex); a blob sealed under another
  // master key fails to open with "unknown key id".
  const std::string& id() const { return ring_.current_id(); }

  Result<std::string> Seal(std::string_view plaintext, std::string_view aad = {}) const {
    return ring_.Seal(plaintext, aad);
  }
  Result<std::string> Open(std::string_view sealed, std::string_view aad = {}) const {
    return ring_.Open(sealed, aad);
  }

 private:
  MasterKey(std::string secret, Random& random);
  std::string secret_;
  KeyRing ring_;
};

}  // namespace irsa::crypto
