// Fuzzes the S3 XML parsers (protocol/s3_xml_parse.h): the request bodies and the generic tree
// of upstream responses (the forwarding backend). The first input byte picks
// the document type; the rest is the body. Every input must yield a value or MalformedXML, never
// a crash, a hang, an entity expansion or a file/network access; a parsed Tagging must render
// back to XML that parses to the same tags.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      (void)irsa::protocol::ParseCompleteMultipartUpload(body);
      break;
    case 1:
      (void)irsa::protocol::ParseDeleteObjects(body);
      break;
    case 2: {
      auto tags = irsa::protocol::ParseTagging(body);
      if (tags.ok()) {
        auto again = irsa::protocol::ParseTagging(irsa::protocol::TaggingBody(*tags));
        if (!again.ok() || *again != *tags) std::abort();
      }
      break;
    }
    case 3:
      (void)irsa::protocol::ParseCreateBucketConfiguration(body);
      break;
    default: {
      auto tree = irsa::protocol::ParseXmlTree(body, 1 << 20);
      if (tree.ok()) (void)tree->ChildText("Code");
      break;
    }
  }
  return 0;
}
