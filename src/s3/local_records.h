// The object index of the local backend (s3/local_backend.h), as Store rows:
//
//   kind        account parent      key                         ref         path        body
//   s3_object   ""      bucket      object key                  data id /   object key ObjectRecord
//                                                               upload id
//   s3_upload   ""      bucket      key "\x01" upload id        upload id   object key UploadRecord
//   s3_part     ""      upload id   part number, 5 digits       file id     ""          PartRecord
//
// An object stored by one PUT/copy references one data file (ref = its id). A completed
// multipart object references its upload id; the s3_part rows of the parts it is made of stay
// (parent = upload id) and index its files. Every data file is thus named by the `ref` of exactly
// one s3_object or s3_part row, which is what the start-up sweep checks. "\x01" sorts below every
// character a key may hold (s3/names.h), so upload rows order by key, then by upload id, that is
// by initiation time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "s3/checksum.h"
#include "s3/metadata.h"
#include "s3/tags.h"
#include "s3/types.h"
#include "store/store.h"

namespace irsa::s3::local {

namespace kind {
inline constexpr const char* kObject = "s3_object";
inline constexpr const char* kUpload = "s3_upload";
inline constexpr const char* kPart = "s3_part";
}  // namespace kind

inline constexpr char kUploadKeySeparator = '\x01';

struct PartFile {
  std::string file_id;
  int64_t size = 0;
};

struct ObjectRecord {
  int64_t size = 0;
  std::string etag;
  SystemTime last_modified{};
  ObjectMetadata metadata;
  TagSet tags;
  std::optional<Checksum> checksum;
  std::string data_file;        // single-part objects
  std::string upload_id;        // multipart objects
  std::vector<PartFile> parts;  // multipart objects, in order

  bool multipart() const { return !upload_id.empty(); }
  std::vector<std::string> FileIds() const;
};

struct UploadRecord {
  std::string key;
  std::string upload_id;
  SystemTime initiated{};
  ObjectMetadata metadata;
  TagSet tags;
  std::optional<ChecksumAlgorithm> checksum_algorithm;
};

struct PartRecord {
  int part_number = 0;
  std::string file_id;
  int64_t size = 0;
  std::string etag;
  std::string md5;  // raw
  SystemTime last_modified{};
  std::optional<Checksum> checksum;
};

store::RowId ObjectRowId(std::string_view bucket, std::string_view key);
store::RowId UploadRowId(std::string_view bucket, std::string_view key, std::string_view upload_id);
store::RowId PartRowId(std::string_view upload_id, int part_number);
std::string UploadRowKey(std::string_view key, std::string_view upload_id);

store::Row ObjectRow(std::string_view bucket, std::string_view key, const ObjectRecord& record);
store::Row UploadRow(std::string_view bucket, const UploadRecord& record);
store::Row PartRow(std::string_view upload_id, const PartRecord& record);

Result<ObjectRecord> ObjectRecordFromBody(std::string_view body);
Result<UploadRecord> UploadRecordFromBody(std::string_view body);
Result<PartRecord> PartRecordFromBody(std::string_view body);

}  // namespace irsa::s3::local
