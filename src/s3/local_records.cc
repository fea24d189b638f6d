#include "s3/local_records.h"

#include <boost/json.hpp>
#include <cstdio>

#include "base/encoding.h"
#include "s3/errors.h"
#include "store/json_fields.h"

namespace irsa::s3::local {
namespace {

namespace json = boost::json;

int64_t ToMillis(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
SystemTime FromMillis(int64_t ms) { return SystemTime(std::chrono::milliseconds(ms)); }

json::array PairsToJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array out;
  for (const auto& [k, v] : pairs) out.push_back(json::array{k, v});
  return out;
}

std::vector<std::pair<std::string, std::string>> PairsFromJson(const json::object& o,
                                                               std::string_view name) {
  std::vector<std::pair<std::string, std::string>> out;
  const json::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_array()) return out;
  for (const json::value& item : v->get_array()) {
    if (!item.is_array() || item.get_array().size() != 2) continue;
    const json::value& a = item.get_array()[0];
    const json::value& b = item.get_array()[1];
    if (!a.is_string() || !b.is_string()) continue;
    out.emplace_back(std::string(a.get_string()), std::string(b.get_string()));
  }
  return out;
}

json::array TagsToJson(const TagSet& tags) {
  json::array out;
  for (const Tag& t : tags) out.push_back(json::array{t.key, t.value});
  return out;
}

TagSet TagsFromJson(const json::object& o) {
  TagSet tags;
  for (auto& [k, v] : PairsFromJson(o, "tags")) tags.push_back(Tag{std::move(k), std::move(v)});
  return tags;
}

void PutIfSet(json::object& o, std::string_view name, const std::string& value) {
  if (!value.empty()) o[name] = value;
}

json::object MetadataToJson(const ObjectMetadata& m) {
  json::object o;
  PutIfSet(o, "ct", m.content_type);
  PutIfSet(o, "cc", m.cache_control);
  PutIfSet(o, "cd", m.content_disposition);
  PutIfSet(o, "ce", m.content_encoding);
  PutIfSet(o, "cl", m.content_language);
  PutIfSet(o, "ex", m.expires);
  if (!m.user.empty()) o["user"] = PairsToJson(m.user);
  return o;
}

ObjectMetadata MetadataFromJson(const json::object& parent) {
  ObjectMetadata m;
  const json::value* v = parent.if_contains("meta");
  if (v == nullptr || !v->is_object()) return m;
  const json::object& o = v->get_object();
  m.content_type = store::JsonString(o, "ct");
  m.cache_control = store::JsonString(o, "cc");
  m.content_disposition = store::JsonString(o, "cd");
  m.content_encoding = store::JsonString(o, "ce");
  m.content_language = store::JsonString(o, "cl");
  m.expires = store::JsonString(o, "ex");
  m.user = PairsFromJson(o, "user");
  return m;
}

json::object ChecksumToJson(const Checksum& c) {
  return json::object{{"alg", ChecksumAlgorithmName(c.algorithm)},
                      {"value", c.value},
                      {"type", ChecksumTypeName(c.type)}};
}

std::optional<Checksum> ChecksumFromJson(const json::object& parent) {
  const json::value* v = parent.if_contains("checksum");
  if (v == nullptr || !v->is_object()) return std::nullopt;
  const json::object& o = v->get_object();
  std::optional<ChecksumAlgorithm> alg = ParseChecksumAlgorithm(store::JsonString(o, "alg"));
  if (!alg) return std::nullopt;
  Checksum c;
  c.algorithm = *alg;
  c.value = store::JsonString(o, "value");
  c.type = store::JsonString(o, "type") == "COMPOSITE" ? ChecksumType::kComposite
                                                       : ChecksumType::kFullObject;
  return c;
}

Error Corrupt(std::string_view what) {
  return errors::InternalError("stored " + std::string(what) + " record is corrupt");
}

std::string PartKey(int part_number) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%05d", part_number);
  return buf;
}

}  // namespace

std::vector<std::string> ObjectRecord::FileIds() const {
  std::vector<std::string> ids;
  if (!multipart()) {
    ids.push_back(data_file);
  } else {
    ids.reserve(parts.size());
    for (const PartFile& p : parts) ids.push_back(p.file_id);
  }
  return ids;
}

std::string UploadRowKey(std::string_view key, std::string_view upload_id) {
  std::string out(key);
  out += kUploadKeySeparator;
  out += upload_id;
  return out;
}

store::RowId ObjectRowId(std::string_view bucket, std::string_view key) {
  return store::RowId{"", kind::kObject, std::string(bucket), std::string(key)};
}
store::RowId UploadRowId(std::string_view bucket, std::string_view key,
                         std::string_view upload_id) {
  return store::RowId{"", kind::kUpload, std::string(bucket), UploadRowKey(key, upload_id)};
}
store::RowId PartRowId(std::string_view upload_id, int part_number) {
  return store::RowId{"", kind::kPart, std::string(upload_id), PartKey(part_number)};
}

store::Row ObjectRow(std::string_view bucket, std::string_view key, const ObjectRecord& r) {
  json::object o;
  o["size"] = r.size;
  o["etag"] = r.etag;
  o["mtime_ms"] = ToMillis(r.last_modified);
  json::object meta = MetadataToJson(r.metadata);
  if (!meta.empty()) o["meta"] = std::move(meta);
  if (!r.tags.empty()) o["tags"] = TagsToJson(r.tags);
  if (r.checksum) o["checksum"] = ChecksumToJson(*r.checksum);
  if (r.multipart()) {
    o["upload"] = r.upload_id;
    json::array parts;
    for (const PartFile& p : r.parts) parts.push_back(json::array{p.file_id, p.size});
    o["parts"] = std::move(parts);
  } else {
    o["data"] = r.data_file;
  }
  store::Row row;
  row.id = ObjectRowId(bucket, key);
  row.ref = r.multipart() ? r.upload_id : r.data_file;
  row.path = std::string(key);
  row.body = json::serialize(o);
  return row;
}

Result<ObjectRecord> ObjectRecordFromBody(std::string_view body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "s3 object"));
  ObjectRecord r;
  r.size = store::JsonInt(o, "size");
  r.etag = store::JsonString(o, "etag");
  r.last_modified = FromMillis(store::JsonInt(o, "mtime_ms"));
  r.metadata = MetadataFromJson(o);
  r.tags = TagsFromJson(o);
  r.checksum = ChecksumFromJson(o);
  r.data_file = store::JsonString(o, "data");
  r.upload_id = store::JsonString(o, "upload");
  if (const json::value* parts = o.if_contains("parts"); parts && parts->is_array()) {
    for (const json::value& p : parts->get_array()) {
      if (!p.is_array() || p.get_array().size() != 2 || !p.get_array()[0].is_string() ||
          !p.get_array()[1].is_int64()) {
        return Corrupt("s3 object");
      }
      r.parts.push_back(
          PartFile{std::string(p.get_array()[0].get_string()), p.get_array()[1].get_int64()});
    }
  }
  if (r.multipart() ? r.parts.empty() : r.data_file.empty()) return Corrupt("s3 object");
  return r;
}

store::Row UploadRow(std::string_view bucket, const UploadRecord& r) {
  json::object o;
  o["key"] = r.key;
  o["upload"] = r.upload_id;
  o["initiated_ms"] = ToMillis(r.initiated);
  json::object meta = MetadataToJson(r.metadata);
  if (!meta.empty()) o["meta"] = std::move(meta);
  if (!r.tags.empty()) o["tags"] = TagsToJson(r.tags);
  if (r.checksum_algorithm) o["checksum_alg"] = ChecksumAlgorithmName(*r.checksum_algorithm);
  store::Row row;
  row.id = UploadRowId(bucket, r.key, r.upload_id);
  row.ref = r.upload_id;
  row.path = r.key;
  row.body = json::serialize(o);
  return row;
}

Result<UploadRecord> UploadRecordFromBody(std::string_view body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "s3 upload"));
  UploadRecord r;
  r.key = store::JsonString(o, "key");
  r.upload_id = store::JsonString(o, "upload");
  r.initiated = FromMillis(store::JsonInt(o, "initiated_ms"));
  r.metadata = MetadataFromJson(o);
  r.tags = TagsFromJson(o);
  std::string alg = store::JsonString(o, "checksum_alg");
  if (!alg.empty()) r.checksum_algorithm = ParseChecksumAlgorithm(alg);
  if (r.key.empty() || r.upload_id.empty()) return Corrupt("s3 upload");
  return r;
}

store::Row PartRow(std::string_view upload_id, const PartRecord& r) {
  json::object o;
  o["part"] = r.part_number;
  o["file"] = r.file_id;
  o["size"] = r.size;
  o["etag"] = r.etag;
  o["md5"] = HexEncode(r.md5);
  o["mtime_ms"] = ToMillis(r.last_modified);
  if (r.checksum) o["checksum"] = ChecksumToJson(*r.checksum);
  store::Row row;
  row.id = PartRowId(upload_id, r.part_number);
  row.ref = r.file_id;
  row.body = json::serialize(o);
  return row;
}

Result<PartRecord> PartRecordFromBody(std::string_view body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "s3 part"));
  PartRecord r;
  r.part_number = static_cast<int>(store::JsonInt(o, "part"));
  r.file_id = store::JsonString(o, "file");
  r.size = store::JsonInt(o, "size");
  r.etag = store::JsonString(o, "etag");
  std::optional<std::string> md5 = HexDecode(store::JsonString(o, "md5"));
  r.last_modified = FromMillis(store::JsonInt(o, "mtime_ms"));
  r.checksum = ChecksumFromJson(o);
  if (!md5 || md5->size() != 16 || r.file_id.empty()) return Corrupt("s3 part");
  r.md5 = std::move(*md5);
  return r;
}

}  // namespace irsa::s3::local
