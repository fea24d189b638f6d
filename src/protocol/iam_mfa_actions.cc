// IAM virtual MFA devices over the Query protocol. The TOTP seed appears only in
// CreateVirtualMFADevice's result (Base32StringSeed: base64 of the Base32 text, a blob as the
// model says) and QRCodePNG (base64 of a PNG of the otpauth:// URI's QR code, base/qr_code.h).
#include <optional>
#include <string>

#include "base/encoding.h"
#include "iam/mfa.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

constexpr auto kRedact = Validator::Echo::kRedact;

using TagPairs = std::vector<std::pair<std::string, std::string>>;

std::string Param(const QueryCall& call, std::string_view name, std::string_view fallback = "") {
  return std::string(call.params.Get(name).value_or(fallback));
}

// SerialNumber → the device, with its tags (authorized as named when it does not exist).
Result<ResolvedResource> ResolveMfa(const QueryCall& call) {
  ResolvedResource out{Param(call, "SerialNumber"), {}, {}};
  Result<iam::MfaDeviceRecord> device =
      iam::FindMfaDevice(*call.services.iam, call.account(), out.arn);
  if (device.ok()) {
    for (const auto& tag : device->tags) out.tags.emplace_back(tag.key, tag.value);
  }
  if (out.arn.empty()) out.arn = iam::MfaSerial(call.account(), "/", "");
  return out;
}

// Path + VirtualMFADeviceName → the device to be created.
Result<ResolvedResource> ResolveNewMfa(const QueryCall& call) {
  return ResolvedResource{
      iam::MfaSerial(call.account(), Param(call, "Path", "/"), Param(call, "VirtualMFADeviceName")),
      {},
      {}};
}

ResourceSpec Mfa() { return {"mfa", ResolveMfa, true}; }
ResourceSpec NewMfa() { return {"mfa", ResolveNewMfa}; }

Result<std::string> ReadSerial(const QueryCall& call) {
  IRSA_TRY(std::string_view serial, call.params.Require("SerialNumber"));
  Validator v;
  v.Length("SerialNumber", serial, 9, 256)
      .Pattern("SerialNumber", serial, patterns::kNameSlashColon);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(serial);
}

// UserName (existingUserNameType) or, when `optional`, the calling IAM user.
Result<std::string> ReadMfaUser(const QueryCall& call, size_t max_length, bool optional) {
  std::optional<std::string_view> name = call.params.Get("UserName");
  if (name || !optional) {
    IRSA_TRY(std::string user, ReadUserName(call, max_length));
    return user;
  }
  if (call.caller.type == authz::CallerType::kUser) return call.caller.user_name;
  return errors::ValidationError("Must specify userName when calling with non-User credentials");
}

struct CodePair {
  std::string code1;
  std::string code2;
};
Result<CodePair> ReadCodes(const QueryCall& call) {
  std::optional<std::string_view> code1 = call.params.Get("AuthenticationCode1");
  std::optional<std::string_view> code2 = call.params.Get("AuthenticationCode2");
  Validator v;
  v.NotNull("AuthenticationCode1", code1.has_value());
  v.NotNull("AuthenticationCode2", code2.has_value());
  v.Length("AuthenticationCode1", code1, 6, 6, kRedact)
      .Pattern("AuthenticationCode1", code1, patterns::kDigits, kRedact);
  v.Length("AuthenticationCode2", code2, 6, 6, kRedact)
      .Pattern("AuthenticationCode2", code2, patterns::kDigits, kRedact);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return CodePair{std::string(*code1), std::string(*code2)};
}

Result<HttpResponse> CreateVirtualMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("VirtualMFADeviceName"));
  std::optional<std::string_view> path = call.params.Get("Path");
  Validator v;
  v.MinLength("VirtualMFADeviceName", name, 1)
      .Pattern("VirtualMFADeviceName", name, patterns::kNameChars);
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  IRSA_TRY(iam::CreatedMfaDevice created,
           iam::CreateVirtualMfaDevice(*call.services.iam, call.account(), std::string(name),
                                       std::string(path.value_or("/")), tags));
  XmlWriter w = call.Writer();
  w.Open("VirtualMFADevice")
      .Element("SerialNumber", created.device.serial)
      .Element("Base32StringSeed", Base64Encode(created.base32_seed));
  if (!created.qr_code_png.empty()) {
    w.Element("QRCodePNG", Base64Encode(created.qr_code_png));
  }
  WriteTags(w, created.device.tags);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> EnableMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadMfaUser(call, 128, false));
  IRSA_TRY(std::string serial, ReadSerial(call));
  IRSA_TRY(CodePair codes, ReadCodes(call));
  IRSA_RETURN_IF_ERROR(iam::EnableMfaDevice(*call.services.iam, call.account(), user, serial,
                                            codes.code1, codes.code2));
  return call.Empty();
}

Result<HttpResponse> ResyncMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadMfaUser(call, 128, false));
  IRSA_TRY(std::string serial, ReadSerial(call));
  IRSA_TRY(CodePair codes, ReadCodes(call));
  IRSA_RETURN_IF_ERROR(iam::ResyncMfaDevice(*call.services.iam, call.account(), user, serial,
                                            codes.code1, codes.code2));
  return call.Empty();
}

Result<HttpResponse> DeactivateMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadMfaUser(call, 128, true));
  IRSA_TRY(std::string serial, ReadSerial(call));
  IRSA_RETURN_IF_ERROR(iam::DeactivateMfaDevice(*call.services.iam, call.account(), user, serial));
  return call.Empty();
}

Result<HttpResponse> DeleteVirtualMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string serial, ReadSerial(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteVirtualMfaDevice(*call.services.iam, call.account(), serial));
  return call.Empty();
}

Result<HttpResponse> ListMFADevices(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadMfaUser(call, 128, true));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListMfaDevices(*call.services.iam, call.account(), user, paging.marker,
                                          paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("MFADevices");
  for (const auto& device : page.items) {
    w.Member()
        .Element("UserName", device.user_name)
        .Element("SerialNumber", device.serial)
        .Timestamp("EnableDate", device.enabled.value_or(device.created))
        .Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetMFADevice(const QueryCall& call) {
  IRSA_TRY(std::string serial, ReadSerial(call));
  IRSA_TRY(std::string user, ReadMfaUser(call, 64, true));
  IRSA_TRY(iam::MfaDeviceRecord device,
           iam::GetMfaDevice(*call.services.iam, call.account(), user, serial));
  XmlWriter w = call.Writer();
  w.Element("UserName", device.user_name)
      .Element("SerialNumber", device.serial)
      .Timestamp("EnableDate", device.enabled.value_or(device.created));
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListVirtualMFADevices(const QueryCall& call) {
  std::optional<std::string_view> status = call.params.Get("AssignmentStatus");
  iam::AssignmentStatus which = iam::AssignmentStatus::kAny;
  if (status == "Assigned") {
    which = iam::AssignmentStatus::kAssigned;
  } else if (status == "Unassigned") {
    which = iam::AssignmentStatus::kUnassigned;
  } else if (status && *status != "Any") {
    Validator v;
    v.Add("AssignmentStatus", status,
          "Member must satisfy enum value set: [Unassigned, Any, Assigned]");
    IRSA_RETURN_IF_ERROR(v.ToStatus());
  }
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListVirtualMfaDevices(*call.services.iam, call.account(), which,
                                                 paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("VirtualMFADevices");
  for (const auto& info : page.items) {
    w.Member().Element("SerialNumber", info.device.serial);
    if (info.user) {
      w.Open("User");
      WriteUserMembers(w, *info.user, UserView::kList);
      w.Close();
    }
    if (info.device.enabled) w.Timestamp("EnableDate", *info.device.enabled);
    WriteTags(w, info.device.tags);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamMfaActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateVirtualMFADevice", CreateVirtualMFADevice, NewMfa(),
          {RequestTagKeys()});
  Declare(iam, "iam", "DeleteVirtualMFADevice", DeleteVirtualMFADevice, Mfa());
  Declare(iam, "iam", "EnableMFADevice", EnableMFADevice, User());
  Declare(iam, "iam", "ResyncMFADevice", ResyncMFADevice, User());
  Declare(iam, "iam", "DeactivateMFADevice", DeactivateMFADevice, UserOrCaller());
  Declare(iam, "iam", "ListMFADevices", ListMFADevices, UserOrCaller());
  Declare(iam, "iam", "GetMFADevice", GetMFADevice, UserOrCaller());
  Declare(iam, "iam", "ListVirtualMFADevices", ListVirtualMFADevices, AllOf("mfa"));
  DeclareTagActions(
      iam,
      {"MFADevice", ReadSerial, iam::TagMfaDevice, iam::UntagMfaDevice, iam::ListMfaDeviceTags},
      Mfa());
}

}  // namespace irsa::protocol
