// Tag<Entity>, Untag<Entity> and List<Entity>Tags, the same three operations for every taggable
// IAM entity (iam_adapters.h, DeclareTagActions).
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"

namespace irsa::protocol {

void DeclareTagActions(QueryActionTable& iam, const TagOperations& ops,
                       const ResourceSpec& resource) {
  auto tag = [ops](const QueryCall& call) -> Result<HttpResponse> {
    IRSA_TRY(std::string id, ops.read_id(call));
    Validator v;
    v.NotNull("Tags", call.params.HasList("Tags"));
    IRSA_RETURN_IF_ERROR(v.ToStatus());
    IRSA_TRY(std::vector<iam::Tag> tags, ReadTags(call.params));
    IRSA_RETURN_IF_ERROR(ops.tag(*call.services.iam, call.account(), id, tags));
    return call.Empty();
  };
  auto untag = [ops](const QueryCall& call) -> Result<HttpResponse> {
    IRSA_TRY(std::string id, ops.read_id(call));
    IRSA_TRY(std::vector<std::string> keys, ReadTagKeys(call.params));
    IRSA_RETURN_IF_ERROR(ops.untag(*call.services.iam, call.account(), id, keys));
    return call.Empty();
  };
  auto list = [ops](const QueryCall& call) -> Result<HttpResponse> {
    IRSA_TRY(std::string id, ops.read_id(call));
    IRSA_TRY(Paging paging, ReadPaging(call.params));
    IRSA_TRY(iam::ListPage<iam::Tag> page,
             ops.list(*call.services.iam, call.account(), id, paging.marker, paging.max_items));
    XmlWriter w = call.Writer();
    WriteTagList(w, page.items);
    WritePaging(w, page.truncated, page.marker);
    return w.Finish(call.http.request_id);
  };
  Declare(iam, "iam", "Tag" + ops.entity, tag, resource, {access::RequestTagKeys()});
  Declare(iam, "iam", "Untag" + ops.entity, untag, resource, {access::TagKeysKey()});
  Declare(iam, "iam", "List" + ops.entity + "Tags", list, resource);
}

}  // namespace irsa::protocol
