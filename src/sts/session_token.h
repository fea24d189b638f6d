// Seals and opens session tokens (docs/session-token.md): "IRSA" + base64(KeyRing blob of the
// serialised SessionRecord). The key ring is shared by every node through the store (sealed
// under the master key) so tokens minted on one node open on all.
//
// Thread-safety: Seal/Open are safe to call concurrently with each other and with SetRing.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/random.h"
#include "base/result.h"
#include "crypto/key_ring.h"
#include "store/store.h"
#include "sts/session_record.h"

namespace irsa::sts {

class SessionTokenCodec {
 public:
  explicit SessionTokenCodec(std::shared_ptr<const crypto::KeyRing> ring)
      : ring_(std::move(ring)) {}

  Result<std::string> Seal(const SessionRecord& record) const;
  // InvalidClientTokenId for anything that is not an intact token sealed by this ring.
  Result<SessionRecord> Open(std::string_view token) const;

  void SetRing(std::shared_ptr<const crypto::KeyRing> ring);

 private:
  std::shared_ptr<const crypto::KeyRing> ring() const;

  mutable std::mutex mu_;
  std::shared_ptr<const crypto::KeyRing> ring_;  // guarded by mu_
};

// Loads the session key ring from the store (row account "", kind "keyring", key "session",
// secret sealed under the master key), creating it with one random key on first use. Safe when
// several nodes start at once (the first writer wins; the others load its ring).
Result<std::shared_ptr<const crypto::KeyRing>> LoadOrCreateSessionKeyRing(store::Store& store,
                                                                          Random& random);

}  // namespace irsa::sts
