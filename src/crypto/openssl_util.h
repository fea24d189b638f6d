// RAII ownership of OpenSSL objects and the conversion of OpenSSL failures into irsa::Error.
//
// Every pointer type here owns exactly one reference and frees it on destruction; none is
// copyable (use std::shared_ptr via the key classes when sharing is needed). Thread-safety is that
// of the underlying OpenSSL object: a single object must not be used from two threads at once,
// except EVP_PKEY, which OpenSSL allows to be shared read-only for signing and verifying.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/result.h"

namespace irsa::crypto {

template <auto Fn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, OpenSslDeleter<EVP_MAC_free>>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OpenSslDeleter<EVP_MAC_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER_free>>;
using OsslParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD_free>>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM_free>>;

// Drains the thread's OpenSSL error queue and returns an InternalFailure "<what>: <openssl
// reason>". OpenSSL reasons never contain key material.
Error OpenSslError(std::string_view what);
// Drains (discards) the thread's OpenSSL error queue; used after expected failures on untrusted
// input so stale errors do not leak into later diagnostics.
void ClearOpenSslErrors();

// A read-only memory BIO over `data` (which must outlive the BIO).
BioPtr MemoryBioFrom(std::string_view data);
// Everything written to a memory BIO, as a string.
std::string BioContents(BIO* bio);

// Big-endian unsigned bytes of `bn`, left-padded with zeros to `width` (0 = minimal length).
// Returns an empty string if `bn` does not fit.
std::string BignumToBytes(const BIGNUM* bn, size_t width = 0);

// Writes `contents` to `path` atomically (temporary file + rename) with permission `mode`
// (e.g. 0600 for private keys). Fails with InternalFailure naming the path, never the contents.
Status WriteFileAtomic(const std::string& path, std::string_view contents, unsigned mode);
// Reads a whole file (at most `max_bytes`). Fails with NotFound-free InternalFailure naming the
// path.
Result<std::string> ReadFileToString(const std::string& path, size_t max_bytes = 1 << 20);

}  // namespace irsa::crypto
