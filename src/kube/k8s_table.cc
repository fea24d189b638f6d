#include "kube/k8s_table.h"

#include "base/time_format.h"
#include "kube/k8s_json.h"

namespace irsa::kube {
namespace {

json::object Column(std::string_view name, std::string_view type, std::string_view format,
                    std::string_view description) {
  return json::object{{"name", name},
                      {"type", type},
                      {"format", format},
                      {"description", description},
                      {"priority", 0}};
}

std::string Age(const json::object& item, SystemTime now) {
  std::string created = MetaString(item, "creationTimestamp");
  std::optional<SystemTime> t = ParseIso8601(created);
  if (created.empty() || !t) return "<unknown>";
  return HumanDuration(ToUnixSeconds(now) - ToUnixSeconds(*t));
}

}  // namespace

bool WantsTable(std::string_view accept) {
  return accept.find("as=Table") != std::string_view::npos &&
         accept.find("g=meta.k8s.io") != std::string_view::npos;
}

std::string TableApiVersion(std::string_view accept) {
  size_t table = accept.find("as=Table");
  size_t v1 = accept.find("v=v1;");
  size_t v1_end = accept.find("v=v1,");
  bool has_v1 =
      v1 != std::string_view::npos || v1_end != std::string_view::npos || accept.ends_with("v=v1");
  if (table != std::string_view::npos && !has_v1 &&
      accept.find("v=v1beta1") != std::string_view::npos) {
    return "meta.k8s.io/v1beta1";
  }
  return "meta.k8s.io/v1";
}

std::string HumanDuration(int64_t seconds) {
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? std::to_string(minutes) + "m"
                  : std::to_string(minutes) + "m" + std::to_string(s) + "s";
  }
  if (minutes < 60 * 3) return std::to_string(minutes) + "m";
  int64_t hours = seconds / 3600;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? std::to_string(hours) + "h"
                  : std::to_string(hours) + "h" + std::to_string(m) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? std::to_string(hours / 24) + "d"
                  : std::to_string(hours / 24) + "d" + std::to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? std::to_string(hours / 24 / 365) + "y"
                   : std::to_string(hours / 24 / 365) + "y" + std::to_string(dy) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

json::object BuildTable(ObjectKind kind, const std::vector<json::object>& items,
                        const std::string& resource_version, SystemTime now, IncludeObject include,
                        std::string_view api_version) {
  json::array columns;
  columns.push_back(Column("Name", "string", "name",
                           "Name must be unique within a namespace. Is required when creating "
                           "resources, although some resources may allow a client to request "
                           "the generation of an appropriate name automatically."));
  if (kind == ObjectKind::kNamespace) {
    columns.push_back(Column("Status", "string", "", "The status of the namespace"));
  } else {
    columns.push_back(Column("Secrets", "string", "",
                             "Secrets is a list of the secrets in the "
                             "same namespace that pods running using this ServiceAccount are "
                             "allowed to use."));
  }
  columns.push_back(Column("Age", "string", "",
                           "CreationTimestamp is a timestamp representing the server time when "
                           "this object was created."));
  json::array rows;
  for (const auto& item : items) {
    json::array cells;
    cells.emplace_back(MetaString(item, "name"));
    if (kind == ObjectKind::kNamespace) {
      const json::object* status = ObjectAt(item, "status");
      cells.emplace_back(status ? StringOr(*status, "phase", "Active") : "Active");
    } else {
      const json::value* secrets = item.if_contains("secrets");
      int64_t n =
          secrets && secrets->is_array() ? static_cast<int64_t>(secrets->as_array().size()) : 0;
      cells.emplace_back(n);
    }
    cells.emplace_back(Age(item, now));
    json::object row{{"cells", std::move(cells)}};
    if (include == IncludeObject::kObject) {
      row["object"] = item;
    } else if (include == IncludeObject::kMetadata) {
      const json::object* meta = ObjectAt(item, "metadata");
      row["object"] = json::object{{"kind", "PartialObjectMetadata"},
                                   {"apiVersion", "meta.k8s.io/v1"},
                                   {"metadata", meta ? *meta : json::object()}};
    }
    rows.push_back(std::move(row));
  }
  return json::object{{"kind", "Table"},
                      {"apiVersion", api_version},
                      {"metadata", json::object{{"resourceVersion", resource_version}}},
                      {"columnDefinitions", std::move(columns)},
                      {"rows", std::move(rows)}};
}

}  // namespace irsa::kube
