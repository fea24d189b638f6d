#include "sts/session_token.h"

#include "base/encoding.h"

namespace irsa::sts {
namespace {

constexpr std::string_view kTokenPrefix = "IRSA";
constexpr std::string_view kAad = "irsa-session-token-v1";
constexpr size_t kMaxTokenLength = 16384;

Error InvalidToken() {
  return errors::InvalidClientTokenId("The security token included in the request is invalid.");
}

const store::RowId kRingRow{"", "keyring", "", "session"};

}  // namespace

std::shared_ptr<const crypto::KeyRing> SessionTokenCodec::ring() const {
  std::lock_guard lock(mu_);
  return ring_;
}

void SessionTokenCodec::SetRing(std::shared_ptr<const crypto::KeyRing> ring) {
  std::lock_guard lock(mu_);
  ring_ = std::move(ring);
}

Result<std::string> SessionTokenCodec::Seal(const SessionRecord& record) const {
  IRSA_TRY(std::string sealed, ring()->Seal(SerializeSessionRecord(record), kAad));
  return std::string(kTokenPrefix) + Base64Encode(sealed);
}

Result<SessionRecord> SessionTokenCodec::Open(std::string_view token) const {
  if (token.size() > kMaxTokenLength || !token.starts_with(kTokenPrefix)) return InvalidToken();
  std::optional<std::string> blob = Base64Decode(token.substr(kTokenPrefix.size()));
  if (!blob) return InvalidToken();
  Result<std::string> plaintext = ring()->Open(*blob, kAad);
  if (!plaintext.ok()) return InvalidToken();
  return ParseSessionRecord(*plaintext);
}

Result<std::shared_ptr<const crypto::KeyRing>> LoadOrCreateSessionKeyRing(store::Store& store,
                                                                          Random& random) {
  std::string serialized;
  IRSA_RETURN_IF_ERROR(store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get(kRingRow));
    if (row) {
      serialized = row->secret;
      return OkStatus();
    }
    crypto::KeyRing ring(random);
    ring.Rotate();
    serialized = ring.Serialize();
    store::Row new_row;
    new_row.id = kRingRow;
    new_row.body = "{}";
    new_row.secret = serialized;
    return tx.Insert(new_row);
  }));
  IRSA_TRY(crypto::KeyRing ring, crypto::KeyRing::Parse(serialized, random));
  return std::make_shared<const crypto::KeyRing>(std::move(ring));
}

}  // namespace irsa::sts
