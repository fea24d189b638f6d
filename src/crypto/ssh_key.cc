#include "crypto/ssh_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <ctime>

#include "base/encoding.h"
#include "crypto/openssl_util.h"

namespace irsa::crypto {
namespace {

constexpr size_t kMaxText = 16384;
constexpr std::string_view kSshRsa = "ssh-rsa";

Error Unrecognized() {
  return Error("UnrecognizedPublicKeyEncoding", 400,
               "The public key encoding is not recognized. Specify an ssh-rsa key in OpenSSH "
               "format or an RSA public key in PEM format.");
}
Error Invalid(std::string_view why) {
  return Error("InvalidPublicKey", 400, "The public key is not valid: " + std::string(why));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Reads one SSH wire string (uint32 big-endian length + bytes) from `in`.
bool ReadString(std::string_view& in, std::string_view& out) {
  if (in.size() < 4) return false;
  uint32_t len = (uint32_t(uint8_t(in[0])) << 24) | (uint32_t(uint8_t(in[1])) << 16) |
                 (uint32_t(uint8_t(in[2])) << 8) | uint32_t(uint8_t(in[3]));
  in.remove_prefix(4);
  if (len > in.size()) return false;
  out = in.substr(0, len);
  in.remove_prefix(len);
  return true;
}

void WriteString(std::string& out, std::string_view bytes) {
  const auto len = static_cast<uint32_t>(bytes.size());
  out.push_back(char(len >> 24));
  out.push_back(char(len >> 16));
  out.push_back(char(len >> 8));
  out.push_back(char(len));
  out.append(bytes);
}

// mpint: two's complement big-endian, minimal, a leading zero byte when the high bit is set.
std::string MpintOf(const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (uint8_t(bytes[0]) & 0x80)) bytes.insert(bytes.begin(), '\0');
  return bytes;
}

Result<SshRsaPublicKey> Finish(EvpPkeyPtr pkey) {
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_RSA) return Invalid("not an RSA key");
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    BN_free(e);
    ClearOpenSslErrors();
    return Invalid("the RSA parameters cannot be read");
  }
  BignumPtr n_owned(n), e_owned(e);
  SshRsaPublicKey key;
  key.bits = EVP_PKEY_get_bits(pkey.get());
  if (key.bits < 2048) return Invalid("the key must be at least 2048 bits long");
  if (key.bits > 16384) return Invalid("the key must be at most 16384 bits long");
  WriteString(key.blob, kSshRsa);
  WriteString(key.blob, MpintOf(e));
  WriteString(key.blob, MpintOf(n));
  key.openssh = std::string(kSshRsa) + " " + Base64Encode(key.blob);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return OpenSslError("encoding public key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  key.pem.assign(data, static_cast<size_t>(len > 0 ? len : 0));
  key.fingerprint = Md5ColonHex(key.blob);
  return key;
}

Result<SshRsaPublicKey> FromOpenSsh(std::string_view text) {
  // "ssh-rsa <base64> [comment]" on one line.
  if (text.find('\n') != std::string_view::npos) return Invalid("the key must be one line");
  std::string_view rest = text.substr(kSshRsa.size());
  if (rest.empty() || !IsSpace(rest.front())) return Unrecognized();
  rest = Trim(rest);
  size_t end = 0;
  while (end < rest.size() && !IsSpace(rest[end])) ++end;
  std::optional<std::string> blob = Base64Decode(rest.substr(0, end));
  if (!blob || blob->empty()) return Invalid("the key body is not base64");
  std::string_view in(*blob);
  std::string_view type, e, n;
  if (!ReadString(in, type) || type != kSshRsa || !ReadString(in, e) || !ReadString(in, n) ||
      !in.empty()) {
    return Invalid("the key body is not an ssh-rsa key");
  }
  if (e.empty() || n.empty() || (uint8_t(e[0]) & 0x80) || (uint8_t(n[0]) & 0x80)) {
    return Invalid("the key body is not an ssh-rsa key");
  }
  if (n.size() > 16384 / 8 + 1 || e.size() > 64) return Invalid("the key is too large");
  BignumPtr bn_n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), int(n.size()), nullptr));
  BignumPtr bn_e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), int(e.size()), nullptr));
  if (!bn_n || !bn_e) return OpenSslError("reading the key");
  if (BN_is_zero(bn_e.get()) || !BN_is_odd(bn_n.get()) || BN_is_one(bn_e.get())) {
    return Invalid("the RSA parameters are not valid");
  }
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return OpenSslError("building the key");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ClearOpenSslErrors();
    return Invalid("the RSA parameters are not valid");
  }
  return Finish(EvpPkeyPtr(raw));
}

Result<SshRsaPublicKey> FromPem(std::string_view text) {
  BioPtr bio = MemoryBioFrom(text);
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    ClearOpenSslErrors();
    return Invalid("the PEM text is not a public key");
  }
  return Finish(std::move(pkey));
}

SystemTime FromAsn1(const ASN1_TIME* t, bool& ok) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ok = false;
    return SystemTime{};
  }
  return FromUnixSeconds(static_cast<int64_t>(timegm(&tm)));
}

}  // namespace

std::string Md5ColonHex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1) std::abort();
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out.push_back(':');
    out.append(hex, i, 2);
  }
  return out;
}

Result<SshRsaPublicKey> ParseSshPublicKey(std::string_view text) {
  if (text.size() > kMaxText) return Invalid("the key is longer than 16384 characters");
  std::string_view trimmed = Trim(text);
  if (trimmed.starts_with(kSshRsa)) return FromOpenSsh(trimmed);
  if (trimmed.starts_with("-----BEGIN PUBLIC KEY-----")) return FromPem(trimmed);
  return Unrecognized();
}

Result<CertificateValidity> ValidityOf(const Certificate& cert) {
  bool ok = true;
  CertificateValidity validity;
  validity.not_before = FromAsn1(X509_get0_notBefore(cert.get()), ok);
  validity.not_after = FromAsn1(X509_get0_notAfter(cert.get()), ok);
  if (!ok) {
    ClearOpenSslErrors();
    return errors::InvalidInput("the certificate's validity period cannot be read");
  }
  return validity;
}

bool PrivateKeyMatches(const Certificate& cert, const PrivateKey& key) {
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  bool match = pub != nullptr && EVP_PKEY_eq(pub, key.get()) == 1;
  ClearOpenSslErrors();
  return match;
}

}  // namespace irsa::crypto
