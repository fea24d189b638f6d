#include "saml/xml_doc.h"

#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmlsec.h>

#include <cstring>
#include <mutex>
#include <set>

#include "base/encoding.h"

namespace irsa::saml {
namespace {

void SilentXmlSecErrors(const char*, int, const char*, const char*, const char*, int, const char*) {
}

void SilentXmlErrors(void*, const char*, ...) {}

Error Refused(std::string why) { return errors::InvalidIdentityToken(std::move(why)); }

const char* NameOf(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

bool NsIs(const xmlNode* node, const char* ns) {
  if (ns == nullptr) return node->ns == nullptr;
  return node->ns != nullptr && node->ns->href != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), ns) == 0;
}

}  // namespace

bool EnsureXmlSecInitialized() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSecErrorsSetCallback(SilentXmlSecErrors);
    if (xmlSecInit() < 0) return;
    if (xmlSecCheckVersion() != 1) return;
    if (xmlSecCryptoAppInit(nullptr) < 0) return;
    if (xmlSecCryptoInit() < 0) return;
    ok = true;
  });
  return ok;
}

void XmlDocDeleter::operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }

Result<XmlDoc> ParseUntrustedXml(std::string_view xml, size_t max_bytes) {
  if (xml.size() > max_bytes) {
    return Refused("the XML document is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (xml.find('\0') != std::string_view::npos || !IsValidUtf8(xml)) {
    return Refused("the XML document is not UTF-8");
  }
  // No DTD: an internal subset can declare entities (billion laughs) and external ones (XXE).
  if (xml.find("<!DOCTYPE") != std::string_view::npos ||
      xml.find("<!ENTITY") != std::string_view::npos) {
    return Refused("document type declarations are not allowed");
  }
  if (!EnsureXmlSecInitialized()) return errors::ServiceFailure("XML security is unavailable");
  xmlSetGenericErrorFunc(nullptr, SilentXmlErrors);
  // No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no network.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  XmlDoc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "saml.xml", "UTF-8", options));
  if (!doc) return Refused("the document is not well-formed XML");
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return Refused("document type declarations are not allowed");
  }
  if (xmlDocGetRootElement(doc.get()) == nullptr) return Refused("the document has no element");
  return doc;
}

bool IsElement(const xmlNode* node, const char* ns, const char* local_name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         std::strcmp(NameOf(node), local_name) == 0 && NsIs(node, ns);
}

std::vector<xmlNode*> ChildElements(xmlNode* parent, const char* ns, const char* local_name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (IsElement(c, ns, local_name)) out.push_back(c);
  }
  return out;
}

Result<xmlNode*> OptionalChild(xmlNode* parent, const char* ns, const char* local_name,
                               std::string_view what) {
  std::vector<xmlNode*> found = ChildElements(parent, ns, local_name);
  if (found.size() > 1) return Refused("more than one " + std::string(what));
  return found.empty() ? nullptr : found.front();
}

std::string Attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(const_cast<xmlNode*>(node), BAD_CAST name);
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

bool HasAttribute(const xmlNode* node, const char* name) {
  return xmlHasNsProp(const_cast<xmlNode*>(node), BAD_CAST name, nullptr) != nullptr;
}

Result<std::string> TextOf(const xmlNode* element, std::string_view what) {
  std::string out;
  for (const xmlNode* c = element->children; c != nullptr; c = c->next) {
    if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) {
      return Refused("the " + std::string(what) +
                     " must hold only text (no comments, elements or processing instructions)");
    }
    if (c->content != nullptr) out += reinterpret_cast<const char*>(c->content);
  }
  return out;
}

Status RegisterIds(xmlDoc* doc) {
  std::set<std::string> seen;
  // Iterative walk (the tree depth is the attacker's).
  xmlNode* node = xmlDocGetRootElement(doc);
  while (node != nullptr) {
    if (node->type == XML_ELEMENT_NODE) {
      for (xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        const bool plain_id =
            a->ns == nullptr && std::strcmp(NameOf(reinterpret_cast<xmlNode*>(a)), "ID") == 0;
        const bool xml_id = a->ns != nullptr && a->ns->prefix != nullptr &&
                            std::strcmp(reinterpret_cast<const char*>(a->ns->prefix), "xml") == 0 &&
                            std::strcmp(NameOf(reinterpret_cast<xmlNode*>(a)), "id") == 0;
        if (!plain_id && !xml_id) continue;
        xmlChar* value = xmlNodeListGetString(doc, a->children, 1);
        std::string id = value ? reinterpret_cast<const char*>(value) : "";
        xmlFree(value);
        if (!seen.insert(id).second) return Refused("the ID \"" + id + "\" is used twice");
        if (plain_id) {
          if (xmlAddID(nullptr, doc, BAD_CAST id.c_str(), a) == nullptr) {
            return Refused("the ID \"" + id + "\" cannot be registered");
          }
        }
      }
    }
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node->next == nullptr) {
      node = node->parent;
      if (node == nullptr || node->type == XML_DOCUMENT_NODE) return OkStatus();
    }
    if (node != nullptr) node = node->next;
  }
  return OkStatus();
}

}  // namespace irsa::saml
