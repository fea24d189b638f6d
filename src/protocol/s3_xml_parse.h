// Strict parsing of the XML request bodies S3 operations take: CompleteMultipartUpload, Delete
// (DeleteObjects), Tagging (Put{Bucket,Object}Tagging) and CreateBucketConfiguration.
//
// Parsed with libxml2 under tight rules, because these bodies are untrusted:
//  - size-bounded per document (the limits below; larger bodies are MalformedXML);
//  - UTF-8 only: the bytes must be valid UTF-8 of XML characters and any XML declaration must
//    say UTF-8;
//  - no DTD at all: a document with <!DOCTYPE (or any markup declaration) is refused before
//    parsing, and the parser is stopped if it meets one anyway; no entity is ever expanded or
//    loaded, no network or file access (XML_PARSE_NONET, no XML_PARSE_NOENT/DTDLOAD);
//  - the document must have the expected root element (in S3's namespace or none), only the
//    child elements the model defines, no repeated single-valued element, no text beside child
//    elements, no processing instructions; comments are ignored.
// Anything else is MalformedXML (400) with S3's message. Values are returned as written (after
// XML unescaping); the service validates them (tags, keys, part numbers).
//
// Thread-safety: reentrant (libxml2 is initialised once, errors go nowhere but the result).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "s3/tags.h"
#include "s3/types.h"

namespace irsa::protocol {

inline constexpr size_t kMaxCompleteMultipartUploadXml = 4 << 20;  // 10000 parts
inline constexpr size_t kMaxDeleteXml = 4 << 20;                   // 1000 keys of 1024 bytes
inline constexpr size_t kMaxTaggingXml = 64 << 10;
inline constexpr size_t kMaxCreateBucketConfigurationXml = 16 << 10;

// <CompleteMultipartUpload><Part><PartNumber/><ETag/>[<ChecksumCRC32/>|<ChecksumCRC32C/>|
// <ChecksumSHA1/>|<ChecksumSHA256/>]</Part>...</CompleteMultipartUpload>. PartNumber must be a
// decimal (InvalidArgument past 1..10000 is the service's call); at most 10000 parts.
Result<std::vector<s3::CompletedPart>> ParseCompleteMultipartUpload(std::string_view body);

struct DeleteObjectsInput {
  struct Entry {
    std::string key;
    std::optional<std::string> version_id;  // versioning is off: only "null" names an object
  };
  std::vector<Entry> objects;
  bool quiet = false;
};
// <Delete><Object><Key/>[<VersionId/>]</Object>...[<Quiet>true|false</Quiet>]</Delete>; 1 to 1000
// objects.
Result<DeleteObjectsInput> ParseDeleteObjects(std::string_view body);

// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>.
Result<s3::TagSet> ParseTagging(std::string_view body);

// <CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>; an empty body is
// no configuration (""). Returns the LocationConstraint.
Result<std::string> ParseCreateBucketConfiguration(std::string_view body);

// ---- Responses of an upstream S3-compatible store (the forwarding backend) ----

// An element: its local name (namespace ignored), its text (leaf elements) and child elements.
struct XmlElement {
  std::string name;
  std::string text;
  std::vector<XmlElement> children;
  // The first child named `name`, or null.
  const XmlElement* Child(std::string_view child_name) const;
  // The text of the first child named `name`, or "".
  std::string ChildText(std::string_view child_name) const;
};

// Parses a response document under the same rules as request bodies (UTF-8, no DTD, no entities,
// bounded size and depth, attributes ignored), into a tree. MalformedXML otherwise.
Result<XmlElement> ParseXmlTree(std::string_view body, size_t max_bytes);

}  // namespace irsa::protocol
