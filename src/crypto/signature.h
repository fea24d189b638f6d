// JWS signature algorithms (RFC 7518 §3) over OpenSSL: RS256/384/512 (RSASSA-PKCS1-v1_5),
// PS256/384/512 (RSASSA-PSS, MGF1 with the same hash, salt length = hash length) and
// ES256/384/512 (ECDSA; JWS signatures are the raw fixed-width r||s, converted to/from DER here).
// There is deliberately no "none" and no HMAC algorithm.
//
// Thread-safe (keys are shared read-only; a verification context is prepared once per key and
// algorithm, cached in the key, and duplicated per call). Failures: a key whose type does
// not match the algorithm (e.g. RS256 with an EC key, ES256 with a P-384 key) is InvalidInput;
// a signature that does not verify (including a wrong r||s length) is InvalidInput "signature
// does not verify".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/keys.h"

namespace irsa::crypto {

enum class JwsAlg { kRS256, kRS384, kRS512, kPS256, kPS384, kPS512, kES256, kES384, kES512 };

// Exact, case-sensitive JWS names. nullopt for anything else, including "none" and "HS256".
std::optional<JwsAlg> ParseJwsAlg(std::string_view name);
std::string_view JwsAlgName(JwsAlg alg);
// True when `key` may be used with `alg` (RSA for RS*/PS*, the matching curve for ES*).
bool AlgMatchesKey(JwsAlg alg, KeyType key);
// The natural algorithm for a key: ES256/ES384/ES512 by curve, RS256 for RSA.
JwsAlg DefaultAlgFor(KeyType key);
// Byte width of one ES coordinate (32, 48, 66); 0 for RSA algorithms.
size_t EcCoordinateSize(JwsAlg alg);

// Signs `data`; returns the JWS signature bytes (raw r||s for ES*).
Result<std::string> Sign(const PrivateKey& key, JwsAlg alg, std::string_view data);
// Verifies a JWS signature. OK or InvalidInput.
Status Verify(const PublicKey& key, JwsAlg alg, std::string_view data, std::string_view signature);

// DER ECDSA-Sig-Value <-> raw r||s (each coordinate left-padded to `coordinate_size`).
Result<std::string> EcdsaDerToRaw(std::string_view der, size_t coordinate_size);
Result<std::string> EcdsaRawToDer(std::string_view raw, size_t coordinate_size);

}  // namespace irsa::crypto
