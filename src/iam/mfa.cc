#include "iam/mfa.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/arn.h"
#include "base/encoding.h"
#include "base/qr_code.h"
#include "base/strings.h"
#include "crypto/totp.h"
#include "iam/iam_errors.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr size_t kSeedBytes = 40;  // AWS's seeds: 64 Base32 characters
constexpr int64_t kEnableStepsBehind = 2;
constexpr int64_t kResyncSteps = 10;

int64_t TimeToJson(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime TimeFromJson(int64_t v) { return SystemTime(std::chrono::nanoseconds(v)); }

std::string DeviceBody(const MfaDeviceRecord& r) {
  json::array tags;
  for (const Tag& tag : r.tags) tags.push_back(json::object{{"k", tag.key}, {"v", tag.value}});
  json::object o{{"name", r.name},         {"path", r.path},
                 {"serial", r.serial},     {"created", TimeToJson(r.created)},
                 {"user", r.user_name},    {"last_step", r.last_step},
                 {"drift", r.drift_steps}, {"tags", std::move(tags)}};
  if (r.enabled) o["enabled"] = TimeToJson(*r.enabled);
  return json::serialize(o);
}

Result<MfaDeviceRecord> DeviceFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "MFA device"));
  MfaDeviceRecord r;
  r.name = store::JsonString(o, "name");
  r.path = store::JsonString(o, "path");
  r.serial = store::JsonString(o, "serial");
  r.created = TimeFromJson(store::JsonInt(o, "created"));
  r.user_name = store::JsonString(o, "user");
  r.last_step = store::JsonInt(o, "last_step");
  r.drift_steps = store::JsonInt(o, "drift");
  if (o.contains("enabled")) r.enabled = TimeFromJson(store::JsonInt(o, "enabled"));
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& tag : tags->as_array()) {
      if (!tag.is_object()) continue;
      r.tags.push_back(
          {store::JsonString(tag.as_object(), "k"), store::JsonString(tag.as_object(), "v")});
    }
  }
  r.seed = row.secret;
  return r;
}

store::Row DeviceRow(const std::string& account, const MfaDeviceRecord& device) {
  store::Row row;
  row.id = {account, kind::kMfaDevice, "", AsciiLower(device.name)};
  row.ref = device.serial;
  row.path = device.path;
  row.body = DeviceBody(device);
  row.secret = device.seed;
  return row;
}

store::Row AssignmentRow(const std::string& account, const std::string& user_name,
                         const MfaDeviceRecord& device) {
  store::Row row;
  row.id = {account, kind::kMfaAssignment, AsciiLower(user_name), device.serial};
  row.ref = device.serial;
  row.body =
      json::serialize(json::object{{"user", user_name},
                                   {"serial", device.serial},
                                   {"enabled", TimeToJson(device.enabled.value_or(SystemTime{}))}});
  return row;
}

Error NoSuchDevice(const std::string& serial) {
  return errors::NoSuchEntity("VirtualMFADevice with serial " + serial + " doesn't exist.");
}

struct LoadedDevice {
  store::Row row;
  MfaDeviceRecord record;
};

// The device whose serial number is `serial` (arn:aws:iam::<account>:mfa/<path><name>).
Result<LoadedDevice> LoadDevice(store::StoreTx& tx, const std::string& account,
                                const std::string& serial) {
  const std::string prefix = "arn:aws:iam::" + account + ":mfa/";
  if (!serial.starts_with(prefix)) return NoSuchDevice(serial);
  const std::string name = serial.substr(serial.rfind('/') + 1);
  if (name.empty()) return NoSuchDevice(serial);
  IRSA_TRY(auto row, tx.Get({account, kind::kMfaDevice, "", AsciiLower(name)}));
  if (!row || row->ref != serial) return NoSuchDevice(serial);
  IRSA_TRY(MfaDeviceRecord record, DeviceFromRow(*row));
  return LoadedDevice{std::move(*row), std::move(record)};
}

// The first step t in [from, to] whose codes are code1 (t) and code2 (t+1), after the last
// accepted step.
std::optional<int64_t> MatchConsecutive(const MfaDeviceRecord& device, const std::string& code1,
                                        const std::string& code2, int64_t from, int64_t to) {
  for (int64_t t = from; t <= to; ++t) {
    if (t <= device.last_step) continue;
    if (crypto::CodesEqual(crypto::TotpAtStep(device.seed, t), code1) &&
        crypto::CodesEqual(crypto::TotpAtStep(device.seed, t + 1), code2)) {
      return t;
    }
  }
  return std::nullopt;
}

Error InvalidCodes() {
  return iam_errors::InvalidAuthenticationCode("Authentication code for device is not valid.");
}

Status ValidateDeviceName(std::string_view name) {
  return ValidateName(name, "virtualMFADeviceName", 226);
}

Result<MfaDeviceRecord> AssignedTo(store::StoreTx& tx, const std::string& account,
                                   const std::string& user_name, const std::string& serial,
                                   LoadedDevice* out = nullptr) {
  IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
  IRSA_TRY(auto assignment, tx.Get({account, kind::kMfaAssignment, user.row.id.key, serial}));
  if (!assignment) {
    return errors::NoSuchEntity("MFA Device with serial number " + serial +
                                " does not exist for user " + user.record.name + ".");
  }
  IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
  if (out != nullptr) *out = device;
  return device.record;
}

}  // namespace

std::string MfaSerial(const std::string& account, const std::string& path,
                      const std::string& name) {
  return IamArn(account, "mfa" + path + name);
}

std::string MfaOtpauthUri(const std::string& account, const std::string& name,
                          const std::string& base32_seed) {
  return "otpauth://totp/irsa:" + PercentEncode(name + "@" + account) + "?secret=" + base32_seed +
         "&issuer=irsa";
}

Result<CreatedMfaDevice> CreateVirtualMfaDevice(const ServiceContext& ctx,
                                                const std::string& account, const std::string& name,
                                                const std::string& path,
                                                const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateDeviceName(name));
  CreatedMfaDevice out;
  MfaDeviceRecord& device = out.device;
  device.name = name;
  device.path = path.empty() ? "/" : path;
  IRSA_RETURN_IF_ERROR(ValidatePath(device.path, "path"));
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "MFADevice"));
  device.serial = MfaSerial(account, device.path, name);
  device.created = ctx.clock.Now();
  device.tags = tags;
  device.seed = ctx.random.Bytes(kSeedBytes);
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto existing, tx.Get({account, kind::kMfaDevice, "", AsciiLower(name)}));
    if (existing) {
      return errors::EntityAlreadyExists(
          "MFADevice entity at the same path and name already exists.");
    }
    return tx.Insert(DeviceRow(account, device));
  }));
  out.base32_seed = crypto::Base32Encode(device.seed);
  std::optional<QrCode> qr = EncodeQrCode(MfaOtpauthUri(account, name, out.base32_seed));
  if (qr) out.qr_code_png = QrCodePng(*qr);  // always fits: a name is at most 226 characters
  return out;
}

Status EnableMfaDevice(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& serial,
                       const std::string& code1, const std::string& code2) {
  const int64_t now_step = crypto::TotpStep(ctx.clock.NowUnixSeconds());
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
    if (!device.record.user_name.empty()) {
      return errors::EntityAlreadyExists("MFA Device is already in use.");
    }
    IRSA_TRY(
        int64_t assigned,
        tx.Count({.account = account, .kind = kind::kMfaAssignment, .parent = user.row.id.key}));
    if (assigned >= ctx.quotas.mfa_devices_per_user) {
      return errors::LimitExceeded("Cannot exceed quota for MFADevicesPerUser: " +
                                   std::to_string(ctx.quotas.mfa_devices_per_user));
    }
    std::optional<int64_t> step =
        MatchConsecutive(device.record, code1, code2, now_step - kEnableStepsBehind, now_step);
    if (!step) return InvalidCodes();
    device.record.user_name = user.record.name;
    device.record.enabled = ctx.clock.Now();
    device.record.last_step = *step + 1;
    device.record.drift_steps = 0;
    IRSA_RETURN_IF_ERROR(tx.Upsert(DeviceRow(account, device.record)));
    return tx.Insert(AssignmentRow(account, user.record.name, device.record));
  });
}

Status ResyncMfaDevice(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& serial,
                       const std::string& code1, const std::string& code2) {
  const int64_t now_step = crypto::TotpStep(ctx.clock.NowUnixSeconds());
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    LoadedDevice device;
    IRSA_TRY(MfaDeviceRecord record, AssignedTo(tx, account, user_name, serial, &device));
    (void)record;
    std::optional<int64_t> step = MatchConsecutive(
        device.record, code1, code2, now_step - kResyncSteps, now_step + kResyncSteps);
    if (!step) return InvalidCodes();
    device.record.last_step = *step + 1;
    device.record.drift_steps = *step + 1 - now_step;
    return tx.Upsert(DeviceRow(account, device.record));
  });
}

Status DeactivateMfaDevice(const ServiceContext& ctx, const std::string& account,
                           const std::string& user_name, const std::string& serial) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    LoadedDevice device;
    IRSA_TRY(MfaDeviceRecord record, AssignedTo(tx, account, user_name, serial, &device));
    (void)record;
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kMfaAssignment,
                                      AsciiLower(device.record.user_name), device.record.serial}));
    (void)deleted;
    device.record.user_name.clear();
    device.record.enabled.reset();
    device.record.drift_steps = 0;
    return tx.Upsert(DeviceRow(account, device.record));
  });
}

Status DeleteVirtualMfaDevice(const ServiceContext& ctx, const std::string& account,
                              const std::string& serial) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
    if (!device.record.user_name.empty()) {
      return errors::DeleteConflict("MFA VirtualDevice in use. Must deactivate first.");
    }
    IRSA_TRY(bool deleted, tx.Delete(device.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Result<ListPage<MfaDeviceRecord>> ListMfaDevices(const ServiceContext& ctx,
                                                 const std::string& account,
                                                 const std::string& user_name,
                                                 const std::string& marker, int max_items) {
  ListPage<MfaDeviceRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(ListPage<store::Row> rows,
             ListRowPage(
                 tx, {.account = account, .kind = kind::kMfaAssignment, .parent = user.row.id.key},
                 marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, row.id.key));
      device.record.seed.clear();
      out.items.push_back(std::move(device.record));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Result<MfaDeviceRecord> GetMfaDevice(const ServiceContext& ctx, const std::string& account,
                                     const std::string& user_name, const std::string& serial) {
  MfaDeviceRecord out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(out, AssignedTo(tx, account, user_name, serial));
    return OkStatus();
  }));
  out.seed.clear();
  return out;
}

namespace {

bool IsAssigned(const store::Row& row) {
  Result<MfaDeviceRecord> device = DeviceFromRow(row);
  return device.ok() && !device->user_name.empty();
}
bool IsUnassigned(const store::Row& row) {
  Result<MfaDeviceRecord> device = DeviceFromRow(row);
  return device.ok() && device->user_name.empty();
}

}  // namespace

Result<ListPage<VirtualMfaDeviceInfo>> ListVirtualMfaDevices(const ServiceContext& ctx,
                                                             const std::string& account,
                                                             AssignmentStatus status,
                                                             const std::string& marker,
                                                             int max_items) {
  ListPage<VirtualMfaDeviceInfo> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    bool (*keep)(const store::Row&) = nullptr;
    if (status == AssignmentStatus::kAssigned) keep = IsAssigned;
    if (status == AssignmentStatus::kUnassigned) keep = IsUnassigned;
    IRSA_TRY(ListPage<store::Row> rows,
             ListRowPage(tx, {.account = account, .kind = kind::kMfaDevice, .parent = ""}, marker,
                         max_items, keep));
    for (const store::Row& row : rows.items) {
      VirtualMfaDeviceInfo info;
      IRSA_TRY(info.device, DeviceFromRow(row));
      info.device.seed.clear();
      if (!info.device.user_name.empty()) {
        Result<LoadedUser> user = LoadUser(tx, account, info.device.user_name);
        if (user.ok()) info.user = std::move(user->record);
      }
      out.items.push_back(std::move(info));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Result<MfaDeviceRecord> FindMfaDevice(const ServiceContext& ctx, const std::string& account,
                                      const std::string& serial) {
  MfaDeviceRecord out;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
    out = std::move(device.record);
    return OkStatus();
  }));
  out.seed.clear();
  return out;
}

Status TagMfaDevice(const ServiceContext& ctx, const std::string& account,
                    const std::string& serial, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "MFADevice"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
    IRSA_RETURN_IF_ERROR(
        MergeTags(device.record.tags, tags, ctx.quotas.tags_per_resource, "MFADevice"));
    return tx.Upsert(DeviceRow(account, device.record));
  });
}

Status UntagMfaDevice(const ServiceContext& ctx, const std::string& account,
                      const std::string& serial, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, serial));
    RemoveTags(device.record.tags, keys);
    return tx.Upsert(DeviceRow(account, device.record));
  });
}

Result<ListPage<Tag>> ListMfaDeviceTags(const ServiceContext& ctx, const std::string& account,
                                        const std::string& serial, const std::string& marker,
                                        int max_items) {
  IRSA_TRY(MfaDeviceRecord device, FindMfaDevice(ctx, account, serial));
  return PageTags(device.tags, marker, max_items);
}

Status VerifyMfaCode(const ServiceContext& ctx, const std::string& account,
                     const std::string& user_name, const std::string& serial,
                     const std::string& code) {
  const int64_t now_step = crypto::TotpStep(ctx.clock.NowUnixSeconds());
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    LoadedDevice device;
    Result<MfaDeviceRecord> assigned = AssignedTo(tx, account, user_name, serial, &device);
    if (!assigned.ok()) {
      if (assigned.error().code() != "NoSuchEntity") return assigned.error();
      return errors::AccessDenied(
          "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your "
          "MFA serial number is valid and associated with this user.");
    }
    const int64_t center = now_step + device.record.drift_steps;
    for (int64_t step = center - 1; step <= center + 1; ++step) {
      if (step <= device.record.last_step) continue;
      if (crypto::CodesEqual(crypto::TotpAtStep(device.record.seed, step), code)) {
        device.record.last_step = step;
        return tx.Upsert(DeviceRow(account, device.record));
      }
    }
    return errors::AccessDenied(
        "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  });
}

Status RenameMfaDeviceUser(store::StoreTx& tx, const std::string& account,
                           const std::string& new_user_key, const std::string& new_name) {
  IRSA_TRY(
      std::vector<store::Row> rows,
      ListAllRows(tx, {.account = account, .kind = kind::kMfaAssignment, .parent = new_user_key}));
  for (const store::Row& row : rows) {
    IRSA_TRY(LoadedDevice device, LoadDevice(tx, account, row.id.key));
    device.record.user_name = new_name;
    IRSA_RETURN_IF_ERROR(tx.Upsert(DeviceRow(account, device.record)));
  }
  return OkStatus();
}

}  // namespace irsa::iam
