#include "protocol/s3_xml_parse.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "base/strings.h"
#include "protocol/s3_xml.h"
#include "s3/errors.h"
#include "s3/text.h"

namespace irsa::protocol {
namespace {

constexpr int kMaxDepth = 8;

Error Malformed() { return s3::errors::MalformedXML(); }

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

void SilentError(void*, const char*, ...) {}
void SilentStructuredError(void*, xmlErrorPtr) {}

// Called when the parser meets <!DOCTYPE ...>: stop before the internal subset is read.
void RefuseDoctype(void* user, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user);
  ctxt->_private = reinterpret_cast<void*>(1);
  xmlStopParser(ctxt);
}

// Markup declarations (<!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, <!NOTATION) never appear in
// S3 request bodies; only comments and CDATA sections start with "<!" legitimately.
bool HasMarkupDeclaration(std::string_view body) {
  size_t pos = 0;
  while ((pos = body.find("<!", pos)) != std::string_view::npos) {
    std::string_view rest = body.substr(pos);
    if (rest.substr(0, 4) != "<!--" && rest.substr(0, 9) != "<![CDATA[") return true;
    pos += 2;
  }
  return false;
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

Result<DocPtr> Parse(std::string_view body, size_t max_bytes) {
  if (body.empty() || body.size() > max_bytes || body.size() > INT32_MAX) return Malformed();
  if (!s3::IsXmlSafeText(body) || HasMarkupDeclaration(body)) return Malformed();
  InitLibxml();
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(body.data(), static_cast<int>(body.size()));
  if (ctxt == nullptr) return s3::errors::InternalError("XML parser unavailable");
  ctxt->sax->internalSubset = RefuseDoctype;
  ctxt->sax->externalSubset = RefuseDoctype;
  ctxt->sax->error = SilentError;
  ctxt->sax->warning = SilentError;
  ctxt->sax->fatalError = SilentError;
  ctxt->sax->serror = SilentStructuredError;
  ctxt->vctxt.error = SilentError;
  ctxt->vctxt.warning = SilentError;
  ctxt->_private = nullptr;
  xmlCtxtUseOptions(ctxt,
                    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  int rc = xmlParseDocument(ctxt);
  DocPtr doc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  bool refused = ctxt->_private != nullptr;
  bool well_formed = rc == 0 && ctxt->wellFormed != 0;
  xmlFreeParserCtxt(ctxt);
  if (refused || !well_formed || !doc) return Malformed();
  if (doc->encoding != nullptr &&
      !EqualsIgnoreCase(reinterpret_cast<const char*>(doc->encoding), "UTF-8")) {
    return Malformed();
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) return Malformed();
  return doc;
}

std::string_view NameOf(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

bool InS3Namespace(const xmlNode* node) {
  return node->ns == nullptr || node->ns->href == nullptr ||
         std::string_view(reinterpret_cast<const char*>(node->ns->href)) == kS3XmlNamespace;
}

// The element children of `node`; MalformedXML for text beside them, processing instructions,
// attributes other than namespace declarations, or nesting deeper than kMaxDepth.
Result<std::vector<const xmlNode*>> Children(const xmlNode* node, int depth) {
  if (depth > kMaxDepth) return Malformed();
  std::vector<const xmlNode*> out;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    switch (child->type) {
      case XML_ELEMENT_NODE:
        if (!InS3Namespace(child) || child->properties != nullptr) return Malformed();
        out.push_back(child);
        break;
      case XML_TEXT_NODE: {
        const char* text = reinterpret_cast<const char*>(child->content);
        if (text != nullptr && !TrimWhitespace(text).empty()) return Malformed();
        break;
      }
      case XML_COMMENT_NODE:
        break;
      default:
        return Malformed();
    }
  }
  return out;
}

// The text of a leaf element (no element children); MalformedXML otherwise.
Result<std::string> TextOf(const xmlNode* node) {
  std::string out;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr) out += reinterpret_cast<const char*>(child->content);
    } else if (child->type != XML_COMMENT_NODE) {
      return Malformed();
    }
  }
  return out;
}

Result<const xmlNode*> Root(const DocPtr& doc, std::string_view name) {
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || NameOf(root) != name || !InS3Namespace(root) ||
      root->properties != nullptr) {
    return Malformed();
  }
  return root;
}

// Fills `slot` once; a second occurrence is MalformedXML.
Status SetOnce(std::optional<std::string>& slot, const xmlNode* node) {
  if (slot) return Malformed();
  IRSA_TRY(slot, TextOf(node));
  return OkStatus();
}

}  // namespace

Result<std::vector<s3::CompletedPart>> ParseCompleteMultipartUpload(std::string_view body) {
  IRSA_TRY(DocPtr doc, Parse(body, kMaxCompleteMultipartUploadXml));
  IRSA_TRY(const xmlNode* root, Root(doc, "CompleteMultipartUpload"));
  IRSA_TRY(std::vector<const xmlNode*> parts, Children(root, 1));
  if (parts.empty() || parts.size() > static_cast<size_t>(s3::kMaxPartNumber)) return Malformed();
  std::vector<s3::CompletedPart> out;
  out.reserve(parts.size());
  for (const xmlNode* part : parts) {
    if (NameOf(part) != "Part") return Malformed();
    IRSA_TRY(std::vector<const xmlNode*> fields, Children(part, 2));
    std::optional<std::string> number, etag, checksum;
    for (const xmlNode* field : fields) {
      std::string_view name = NameOf(field);
      if (name == "PartNumber") {
        IRSA_RETURN_IF_ERROR(SetOnce(number, field));
      } else if (name == "ETag") {
        IRSA_RETURN_IF_ERROR(SetOnce(etag, field));
      } else if (name == "ChecksumCRC32" || name == "ChecksumCRC32C" || name == "ChecksumSHA1" ||
                 name == "ChecksumSHA256") {
        IRSA_RETURN_IF_ERROR(SetOnce(checksum, field));
      } else if (name != "ChecksumCRC64NVME") {
        return Malformed();
      }
    }
    if (!number || !etag) return Malformed();
    std::string_view digits = TrimWhitespace(*number);
    if (digits.empty() || digits.size() > 9) return Malformed();
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return Malformed();
      value = value * 10 + (c - '0');
    }
    out.push_back(s3::CompletedPart{value, std::string(TrimWhitespace(*etag)), checksum});
  }
  return out;
}

Result<DeleteObjectsInput> ParseDeleteObjects(std::string_view body) {
  IRSA_TRY(DocPtr doc, Parse(body, kMaxDeleteXml));
  IRSA_TRY(const xmlNode* root, Root(doc, "Delete"));
  IRSA_TRY(std::vector<const xmlNode*> children, Children(root, 1));
  DeleteObjectsInput out;
  std::optional<std::string> quiet;
  for (const xmlNode* child : children) {
    std::string_view name = NameOf(child);
    if (name == "Quiet") {
      IRSA_RETURN_IF_ERROR(SetOnce(quiet, child));
      continue;
    }
    if (name != "Object") return Malformed();
    IRSA_TRY(std::vector<const xmlNode*> fields, Children(child, 2));
    std::optional<std::string> key, version, ignored_etag, ignored_time, ignored_size;
    for (const xmlNode* field : fields) {
      std::string_view field_name = NameOf(field);
      if (field_name == "Key") {
        IRSA_RETURN_IF_ERROR(SetOnce(key, field));
      } else if (field_name == "VersionId") {
        IRSA_RETURN_IF_ERROR(SetOnce(version, field));
      } else if (field_name == "ETag") {
        IRSA_RETURN_IF_ERROR(SetOnce(ignored_etag, field));
      } else if (field_name == "LastModifiedTime") {
        IRSA_RETURN_IF_ERROR(SetOnce(ignored_time, field));
      } else if (field_name == "Size") {
        IRSA_RETURN_IF_ERROR(SetOnce(ignored_size, field));
      } else {
        return Malformed();
      }
    }
    if (!key) return Malformed();
    out.objects.push_back({std::move(*key), std::move(version)});
  }
  if (out.objects.empty() || out.objects.size() > static_cast<size_t>(s3::kMaxDeleteObjects)) {
    return Malformed();
  }
  if (quiet) {
    std::string_view value = TrimWhitespace(*quiet);
    if (value == "true") {
      out.quiet = true;
    } else if (value != "false") {
      return Malformed();
    }
  }
  return out;
}

Result<s3::TagSet> ParseTagging(std::string_view body) {
  IRSA_TRY(DocPtr doc, Parse(body, kMaxTaggingXml));
  IRSA_TRY(const xmlNode* root, Root(doc, "Tagging"));
  IRSA_TRY(std::vector<const xmlNode*> children, Children(root, 1));
  if (children.size() != 1 || NameOf(children[0]) != "TagSet") return Malformed();
  IRSA_TRY(std::vector<const xmlNode*> tags, Children(children[0], 2));
  s3::TagSet out;
  for (const xmlNode* tag : tags) {
    if (NameOf(tag) != "Tag") return Malformed();
    IRSA_TRY(std::vector<const xmlNode*> fields, Children(tag, 3));
    std::optional<std::string> key, value;
    for (const xmlNode* field : fields) {
      if (NameOf(field) == "Key") {
        IRSA_RETURN_IF_ERROR(SetOnce(key, field));
      } else if (NameOf(field) == "Value") {
        IRSA_RETURN_IF_ERROR(SetOnce(value, field));
      } else {
        return Malformed();
      }
    }
    if (!key || !value) return Malformed();
    out.push_back(s3::Tag{std::move(*key), std::move(*value)});
  }
  return out;
}

Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  if (TrimWhitespace(body).empty()) return std::string();
  IRSA_TRY(DocPtr doc, Parse(body, kMaxCreateBucketConfigurationXml));
  IRSA_TRY(const xmlNode* root, Root(doc, "CreateBucketConfiguration"));
  IRSA_TRY(std::vector<const xmlNode*> children, Children(root, 1));
  std::optional<std::string> location;
  for (const xmlNode* child : children) {
    if (NameOf(child) != "LocationConstraint") return Malformed();
    IRSA_RETURN_IF_ERROR(SetOnce(location, child));
  }
  return std::string(TrimWhitespace(location.value_or("")));
}

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child == nullptr ? std::string() : child->text;
}

namespace {

Result<XmlElement> TreeOf(const xmlNode* node, int depth) {
  if (depth > kMaxDepth) return Malformed();
  XmlElement element;
  element.name = std::string(NameOf(node));
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      IRSA_TRY(XmlElement sub, TreeOf(child, depth + 1));
      element.children.push_back(std::move(sub));
    } else if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) &&
               child->content != nullptr) {
      element.text += reinterpret_cast<const char*>(child->content);
    }
  }
  if (!element.children.empty()) element.text.clear();
  return element;
}

}  // namespace

Result<XmlElement> ParseXmlTree(std::string_view body, size_t max_bytes) {
  IRSA_TRY(DocPtr doc, Parse(body, max_bytes));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return Malformed();
  return TreeOf(root, 0);
}

}  // namespace irsa::protocol
