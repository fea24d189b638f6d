// Fuzzes the parsers of key material users upload to IAM: the input is tried as an SSH public key
// (OpenSSH ssh-rsa line or PEM), as a certificate chain, and, split at the first NUL byte, as a
// certificate body and a private key whose match and validity are checked as
// UploadServerCertificate does. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/keys.h"
#include "crypto/ssh_key.h"
#include "crypto/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto ssh = irsa::crypto::ParseSshPublicKey(input);
  if (ssh.ok()) {
    // What GetSSHPublicKey does: re-encode both ways; each form parses to the same blob.
    auto from_pem = irsa::crypto::ParseSshPublicKey(ssh->pem);
    auto from_openssh = irsa::crypto::ParseSshPublicKey(ssh->openssh);
    if (!from_pem.ok() || !from_openssh.ok() || from_pem->blob != ssh->blob ||
        from_openssh->blob != ssh->blob) {
      __builtin_trap();
    }
  }
  auto chain = irsa::crypto::Certificate::ChainFromPem(input);
  if (chain.ok()) {
    for (const auto& cert : *chain) (void)irsa::crypto::ValidityOf(cert);
  }
  size_t split = input.find('\0');
  std::string_view body = input.substr(0, split);
  std::string_view key_text = split == std::string_view::npos ? "" : input.substr(split + 1);
  auto cert = irsa::crypto::Certificate::FromPem(body);
  auto key = irsa::crypto::PrivateKey::FromPem(key_text);
  if (cert.ok() && key.ok()) (void)irsa::crypto::PrivateKeyMatches(*cert, *key);
  return 0;
}
