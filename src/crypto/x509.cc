#include "crypto/x509.h"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <ctime>

#include "base/encoding.h"
#include "crypto/hash.h"

namespace irsa::crypto {
namespace {

constexpr size_t kMaxPem = 1 << 20;

Result<Asn1IntegerPtr> RandomSerial(Random& random) {
  std::string bytes = random.Bytes(16);
  bytes[0] = static_cast<char>((static_cast<uint8_t>(bytes[0]) & 0x7f) | 0x01);  // positive
  BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), 16, nullptr));
  if (!bn) return OpenSslError("serial number");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) return OpenSslError("serial number");
  return serial;
}

Status SetCommon(X509* cert, const std::string& common_name, SystemTime not_before,
                 int validity_days, Random& random) {
  if (common_name.empty() || common_name.size() > 64) {
    return errors::InvalidInput("certificate common name must be 1-64 characters");
  }
  if (validity_days <= 0 || validity_days > 36500) {
    return errors::InvalidInput("certificate validity must be 1..36500 days");
  }
  IRSA_TRY(Asn1IntegerPtr serial, RandomSerial(random));
  X509NamePtr name(X509_NAME_new());
  time_t start = static_cast<time_t>(ToUnixSeconds(not_before));
  if (X509_set_version(cert, X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert, serial.get()) != 1 || !name ||
      X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1 ||
      X509_set_subject_name(cert, name.get()) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert), start) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), start + static_cast<time_t>(validity_days) * 86400) ==
          nullptr) {
    return OpenSslError("certificate fields");
  }
  return OkStatus();
}

Status AddExt(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(std::string("certificate extension ") + OBJ_nid2sn(nid));
  }
  return OkStatus();
}

Status AddSubjectAltNames(X509* cert, const ServerCertOptions& options) {
  if (options.dns_names.empty() && options.ip_addresses.empty()) {
    return errors::InvalidInput("a server certificate needs at least one DNS name or IP address");
  }
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return OpenSslError("subjectAltName");
  for (const std::string& dns : options.dns_names) {
    if (dns.empty() || dns.size() > 253) return errors::InvalidInput("invalid DNS name in SAN");
    for (char c : dns) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '*';
      if (!ok) return errors::InvalidInput("invalid DNS name in SAN: " + dns);
    }
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (ia5 == nullptr || gn == nullptr ||
        ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(ia5);
      GENERAL_NAME_free(gn);
      return OpenSslError("subjectAltName");
    }
    GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
    if (sk_GENERAL_NAME_push(names.get(), gn) == 0) {
      GENERAL_NAME_free(gn);
      return OpenSslError("subjectAltName");
    }
  }
  for (const std::string& ip : options.ip_addresses) {
    ASN1_OCTET_STRING* addr = a2i_IPADDRESS(ip.c_str());
    if (addr == nullptr) {
      ClearOpenSslErrors();
      return errors::InvalidInput("invalid IP address in SAN: " + ip);
    }
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (gn == nullptr) {
      ASN1_OCTET_STRING_free(addr);
      return OpenSslError("subjectAltName");
    }
    GENERAL_NAME_set0_value(gn, GEN_IPADD, addr);
    if (sk_GENERAL_NAME_push(names.get(), gn) == 0) {
      GENERAL_NAME_free(gn);
      return OpenSslError("subjectAltName");
    }
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("subjectAltName");
  }
  return OkStatus();
}

Result<X509Ptr> ParseOnePem(BIO* bio) {
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  if (!cert) {
    ClearOpenSslErrors();
    return errors::InvalidInput("no PEM certificate");
  }
  return cert;
}

}  // namespace

Certificate Certificate::FromX509(X509Ptr cert) {
  Certificate c;
  c.cert_ = std::shared_ptr<X509>(cert.release(), X509_free);
  return c;
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  if (pem.size() > kMaxPem) return errors::InvalidInput("PEM too large");
  BioPtr bio = MemoryBioFrom(pem);
  IRSA_TRY(X509Ptr cert, ParseOnePem(bio.get()));
  return FromX509(std::move(cert));
}

Result<std::vector<Certificate>> Certificate::ChainFromPem(std::string_view pem) {
  if (pem.size() > kMaxPem) return errors::InvalidInput("PEM too large");
  BioPtr bio = MemoryBioFrom(pem);
  std::vector<Certificate> chain;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    chain.push_back(FromX509(std::move(cert)));
  }
  ClearOpenSslErrors();  // end of input is reported as an error
  if (chain.empty()) return errors::InvalidInput("no PEM certificate");
  return chain;
}

Result<Certificate> Certificate::FromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    ClearOpenSslErrors();
    return errors::InvalidInput("not a DER certificate");
  }
  return FromX509(std::move(cert));
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) std::abort();
  return BioContents(bio.get());
}

std::string Certificate::ToDer() const {
  int len = i2d_X509(cert_.get(), nullptr);
  if (len <= 0) std::abort();
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(cert_.get(), &p);
  return der;
}

std::string Certificate::Sha1Thumbprint() const { return HexEncode(Sha1(ToDer())); }

std::string Certificate::SubjectName() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert_.get()), 0, XN_FLAG_RFC2253);
  return BioContents(bio.get());
}

Result<PublicKey> Certificate::public_key() const {
  EVP_PKEY* pkey = X509_get_pubkey(cert_.get());  // returns a new reference
  if (pkey == nullptr) return OpenSslError("certificate public key");
  return PublicKey::FromEvp(EvpPkeyPtr(pkey));
}

Result<Certificate> CreateCaCertificate(const PrivateKey& ca_key, const CaOptions& options,
                                        Random& random) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  IRSA_RETURN_IF_ERROR(SetCommon(cert.get(), options.common_name, options.not_before,
                                 options.validity_days, random));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), ca_key.get()) != 1) {
    return OpenSslError("CA certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  IRSA_RETURN_IF_ERROR(
      AddExt(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("signing CA certificate");
  }
  return Certificate::FromX509(std::move(cert));
}

Result<Certificate> IssueServerCertificate(const Certificate& ca_cert, const PrivateKey& ca_key,
                                           const PublicKey& server_key,
                                           const ServerCertOptions& options, Random& random) {
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    ClearOpenSslErrors();
    return errors::InvalidInput("the CA key does not match the CA certificate");
  }
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  IRSA_RETURN_IF_ERROR(SetCommon(cert.get(), options.common_name, options.not_before,
                                 options.validity_days, random));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), server_key.get()) != 1) {
    return OpenSslError("server certificate");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_ext_key_usage, "serverAuth"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  IRSA_RETURN_IF_ERROR(AddExt(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  IRSA_RETURN_IF_ERROR(AddSubjectAltNames(cert.get(), options));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("signing server certificate");
  }
  return Certificate::FromX509(std::move(cert));
}

Status VerifyCertificate(const Certificate& cert, const Certificate& trusted_ca, SystemTime at) {
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), trusted_ca.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    return OpenSslError("certificate store");
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(ToUnixSeconds(at)));
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ClearOpenSslErrors();
    return errors::InvalidInput(std::string("certificate does not verify: ") +
                                X509_verify_cert_error_string(err));
  }
  return OkStatus();
}

Status WriteCertificatePem(const std::string& path, const std::vector<Certificate>& chain) {
  std::string pem;
  for (const Certificate& c : chain) pem += c.ToPem();
  return WriteFileAtomic(path, pem, 0644);
}

Status WritePrivateKeyPem(const std::string& path, const PrivateKey& key) {
  std::string pem = key.ToPkcs8Pem();
  Status s = WriteFileAtomic(path, pem, 0600);
  OPENSSL_cleanse(pem.data(), pem.size());
  return s;
}

Result<std::vector<Certificate>> ReadCertificatePemFile(const std::string& path) {
  IRSA_TRY(std::string pem, ReadFileToString(path, kMaxPem));
  Result<std::vector<Certificate>> chain = Certificate::ChainFromPem(pem);
  if (!chain) return chain.error().WithContext(path + ": ");
  return chain;
}

Result<PrivateKey> ReadPrivateKeyPemFile(const std::string& path) {
  IRSA_TRY(std::string pem, ReadFileToString(path, 64 * 1024));
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key) return key.error().WithContext(path + ": ");
  return key;
}

}  // namespace irsa::crypto
