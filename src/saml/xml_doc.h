// Safe parsing of untrusted SAML XML (libxml2) and the one-time libxmlsec1 initialization.
//
// ParseUntrustedXml refuses any document type declaration (no DTD is read, so no entity is
// declared, expanded or fetched: billion laughs and XXE are refused before parsing), anything
// but UTF-8 (no NUL bytes), documents above `max_bytes`, and parses with network access off.
// Errors are values (the caller chooses the AWS code); libxml2 and libxmlsec1 never print.
//
// Thread-safety: every function may be called concurrently; a parsed document belongs to its
// XmlDoc.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::saml {

inline constexpr const char* kSamlProtocolNs = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr const char* kSamlAssertionNs = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr const char* kSamlMetadataNs = "urn:oasis:names:tc:SAML:2.0:metadata";
inline constexpr const char* kXmlDsigNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kXmlEncNs = "http://www.w3.org/2001/04/xmlenc#";

// Initializes libxml2 and libxmlsec1 with the OpenSSL engine once per process (errors silenced);
// false if the library could not be initialized.
bool EnsureXmlSecInitialized();

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const;
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;

// The parsed document, or a message saying why it was refused ("document type declarations are
// not allowed", "not well-formed XML", …).
Result<XmlDoc> ParseUntrustedXml(std::string_view xml, size_t max_bytes);

// Element helpers over a parsed tree.
bool IsElement(const xmlNode* node, const char* ns, const char* local_name);
// The element children of `parent` named ns:local_name.
std::vector<xmlNode*> ChildElements(xmlNode* parent, const char* ns, const char* local_name);
// The only such child; nullptr when there is none; an error naming `what` when there are more.
Result<xmlNode*> OptionalChild(xmlNode* parent, const char* ns, const char* local_name,
                               std::string_view what);
// The attribute's value ("" when absent); `ns` nullptr for an unqualified attribute.
std::string Attribute(const xmlNode* node, const char* name);
bool HasAttribute(const xmlNode* node, const char* name);
// The text of an element whose children are only text (comments, processing instructions and
// elements inside a value are refused: they let a signed value read differently).
Result<std::string> TextOf(const xmlNode* element, std::string_view what);

// Registers every unqualified "ID" attribute of the document as an XML ID (what same-document
// references "#id" resolve to); refuses a value used twice (including xml:id values).
Status RegisterIds(xmlDoc* doc);

}  // namespace irsa::saml
