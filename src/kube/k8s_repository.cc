#include "kube/k8s_repository.h"

#include <algorithm>

#include "kube/k8s_json.h"
#include "kube/k8s_status.h"

namespace irsa::kube {

bool IsBuiltinNamespace(std::string_view name) {
  return std::find(std::begin(kBuiltinNamespaces), std::end(kBuiltinNamespaces), name) !=
         std::end(kBuiltinNamespaces);
}

namespace {
Result<json::object> DecodeRow(const store::Row& row) {
  boost::system::error_code ec;
  json::value v = json::parse(row.body, ec);
  if (ec || !v.is_object()) {
    return k8s_errors::InternalError("stored " + row.id.kind + " record is corrupt");
  }
  return std::move(v.as_object());
}
}  // namespace

store::RowId ClusterObjects::IdOf(ObjectKind kind, const std::string& ns,
                                  const std::string& name) const {
  if (kind == ObjectKind::kNamespace) {
    return {account_, std::string(kNamespaceRowKind), cluster_, name};
  }
  return {account_, std::string(kServiceAccountRowKind), cluster_ + "/" + ns, name};
}

store::Row ClusterObjects::RowOf(ObjectKind kind, const json::object& object) const {
  store::Row row;
  row.id = IdOf(kind, MetaString(object, "namespace"), MetaString(object, "name"));
  row.body = json::serialize(object);
  return row;
}

Result<bool> ClusterObjects::Bootstrapped() {
  IRSA_TRY(auto row, tx_.Get({account_, std::string(kClusterStateRowKind), "", cluster_}));
  return row.has_value();
}

Result<int64_t> ClusterObjects::CurrentResourceVersion() {
  IRSA_TRY(auto row, tx_.Get({account_, std::string(kClusterStateRowKind), "", cluster_}));
  if (!row) return int64_t{0};
  IRSA_TRY(json::object state, DecodeRow(*row));
  const json::value* rv = state.if_contains("resourceVersion");
  return rv && rv->is_int64() ? rv->as_int64() : int64_t{0};
}

Result<int64_t> ClusterObjects::NextResourceVersion() {
  IRSA_TRY(int64_t current, CurrentResourceVersion());
  int64_t next = current + 1;
  store::Row row;
  row.id = {account_, std::string(kClusterStateRowKind), "", cluster_};
  row.body = json::serialize(json::object{{"resourceVersion", next}});
  IRSA_RETURN_IF_ERROR(tx_.Upsert(row));
  return next;
}

Result<std::optional<json::object>> ClusterObjects::Get(ObjectKind kind, const std::string& ns,
                                                        const std::string& name) {
  IRSA_TRY(auto row, tx_.Get(IdOf(kind, ns, name)));
  if (!row) return std::optional<json::object>();
  IRSA_TRY(json::object object, DecodeRow(*row));
  return std::optional<json::object>(std::move(object));
}

Result<std::vector<json::object>> ClusterObjects::List(ObjectKind kind,
                                                       const std::optional<std::string>& ns) {
  std::vector<json::object> out;
  if (kind == ObjectKind::kServiceAccount && !ns) {
    // Service accounts of every namespace: one parent at a time (pages are keyed per parent).
    IRSA_TRY(auto namespaces, List(ObjectKind::kNamespace, std::nullopt));
    for (const auto& n : namespaces) {
      IRSA_TRY(auto items, List(ObjectKind::kServiceAccount, MetaString(n, "name")));
      for (auto& item : items) out.push_back(std::move(item));
    }
    return out;
  }
  store::ListQuery query;
  query.account = account_;
  if (kind == ObjectKind::kNamespace) {
    query.kind = std::string(kNamespaceRowKind);
    query.parent = cluster_;
  } else {
    query.kind = std::string(kServiceAccountRowKind);
    query.parent = cluster_ + "/" + *ns;
  }
  query.limit = 1000;
  while (true) {
    IRSA_TRY(store::Page page, tx_.List(query));
    for (const auto& row : page.rows) {
      IRSA_TRY(json::object object, DecodeRow(row));
      out.push_back(std::move(object));
    }
    if (!page.truncated || page.rows.empty()) break;
    query.after_key = page.rows.back().id.key;
  }
  return out;
}

Status ClusterObjects::Insert(ObjectKind kind, const json::object& object) {
  Status status = tx_.Insert(RowOf(kind, object));
  if (!status.ok() && status.error().code() == "EntityAlreadyExists") {
    return k8s_errors::ResourceAlreadyExists(ResourceName(kind), MetaString(object, "name"));
  }
  return status;
}

Status ClusterObjects::Put(ObjectKind kind, const json::object& object) {
  return tx_.Upsert(RowOf(kind, object));
}

Result<bool> ClusterObjects::Delete(ObjectKind kind, const std::string& ns,
                                    const std::string& name) {
  return tx_.Delete(IdOf(kind, ns, name));
}

Status ClusterObjects::DeleteNamespaceContents(const std::string& ns) {
  IRSA_TRY(int64_t deleted,
           tx_.DeleteChildren(account_, std::string(kServiceAccountRowKind), cluster_ + "/" + ns));
  (void)deleted;
  return OkStatus();
}

}  // namespace irsa::kube
