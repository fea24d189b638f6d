// Public-key material users upload to IAM: SSH public keys (ssh-rsa in OpenSSH format, or an RSA
// "BEGIN PUBLIC KEY" PEM) and the validity and key match of X.509 certificates.
//
// All functions are stateless and thread-safe; they parse untrusted text and never crash on it.
// Errors carry IAM's codes: UnrecognizedPublicKeyEncoding (neither OpenSSH nor PEM),
// InvalidPublicKey (an ssh-rsa/PEM key that is malformed, not RSA, or under 2048 bits).
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/x509.h"

namespace irsa::crypto {

struct SshRsaPublicKey {
  std::string blob;         // the OpenSSH wire blob: string "ssh-rsa", mpint e, mpint n
  std::string openssh;      // "ssh-rsa <base64 blob>"
  std::string pem;          // "-----BEGIN PUBLIC KEY-----" (SPKI)
  int bits = 0;             // modulus size
  std::string fingerprint;  // MD5 of the blob, colon-separated lower-case hex (as IAM shows it)
};

// Accepts "ssh-rsa AAAA… [comment]" (one line, surrounding whitespace ignored) or an SPKI PEM of
// an RSA key. At most 16384 bytes.
Result<SshRsaPublicKey> ParseSshPublicKey(std::string_view text);

// "aa:bb:…" of MD5(data): 16 bytes, 47 characters.
std::string Md5ColonHex(std::string_view data);

struct CertificateValidity {
  SystemTime not_before{};
  SystemTime not_after{};
};
// The certificate's notBefore/notAfter. InvalidInput if they cannot be read.
Result<CertificateValidity> ValidityOf(const Certificate& cert);
// Whether `key` is the private half of the certificate's public key.
bool PrivateKeyMatches(const Certificate& cert, const PrivateKey& key);

}  // namespace irsa::crypto
