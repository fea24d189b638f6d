// Multipart upload rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html):
// upload ids, part numbers 1-10000, and the checks CompleteMultipartUpload makes of its part list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "s3/checksum.h"
#include "s3/types.h"

namespace irsa::s3 {

// Upload ids: 16 lower-hex digits of the initiation time (microseconds since the epoch, so ids
// of one key sort by initiation as ListMultipartUploads requires) and 32 of randomness.
inline constexpr size_t kUploadIdLength = 48;
std::string NewUploadId(SystemTime initiated, Random& random);
// Shape check only (48 lower-hex digits): anything else cannot name an upload (NoSuchUpload).
bool IsWellFormedUploadId(std::string_view upload_id);

// The partNumber query parameter: a decimal 1..10000, else InvalidArgument "Part number must be
// an integer between 1 and 10000, inclusive".
Result<int> ParsePartNumber(std::string_view text);
Status ValidatePartNumber(int part_number);

// A part as the backend stored it.
struct StoredPart {
  int part_number = 0;
  int64_t size = 0;
  std::string etag;                  // quoted
  std::string md5;                   // raw 16 bytes
  std::optional<Checksum> checksum;  // of the upload's algorithm
};

// Checks the part list of a CompleteMultipartUpload against the stored parts (sorted by part
// number) and returns the indexes into `stored` of the parts that make up the object, in order:
//  - an empty list: MalformedXML;
//  - part numbers not strictly ascending: InvalidPartOrder;
//  - a part not uploaded, or with another ETag (quotes optional): InvalidPart;
//  - a declared part checksum that differs from the stored one: InvalidPart;
//  - any part but the last smaller than `min_part_size`: EntityTooSmall;
//  - a total above 5 TiB: EntityTooLarge.
Result<std::vector<size_t>> SelectCompletedParts(const std::vector<CompletedPart>& requested,
                                                 const std::vector<StoredPart>& stored,
                                                 int64_t min_part_size);

// The ETag and (when the upload has a checksum algorithm) the COMPOSITE checksum of the object
// made of `parts`.
struct CompletedDigests {
  std::string etag;
  std::optional<Checksum> checksum;
};
CompletedDigests CompletedObjectDigests(const std::vector<const StoredPart*>& parts,
                                        std::optional<ChecksumAlgorithm> algorithm);

}  // namespace irsa::s3
