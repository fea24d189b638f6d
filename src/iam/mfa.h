// IAM virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice,
// DeactivateMFADevice, DeleteVirtualMFADevice, ListMFADevices, GetMFADevice,
// ListVirtualMFADevices, Tag/Untag/ListMFADeviceTags, and the check of a one-time code for STS
// (GetSessionToken / AssumeRole with SerialNumber + TokenCode).
//
// Rows (see records.h):
//   kind            parent       key            ref      path   secret
//   mfa_device      ""           lower(name)    serial   path   the TOTP seed (sealed)
//   mfa_assignment  lower(user)  serial         serial   ""     —      body {"user", "serial",
//                                                                      "enabled"}
// A device's serial number is its ARN, arn:aws:iam::<account>:mfa/<path><name>; names are unique
// per account case-insensitively. Codes are RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits,
// crypto/totp.h) on the injected clock. The seed leaves the store only in
// CreateVirtualMFADevice's result and is never logged.
//
// Thread-safe; each call is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

struct MfaDeviceRecord {
  std::string name;
  std::string path = "/";
  std::string serial;  // arn:aws:iam::A:mfa/<path><name>
  SystemTime created{};
  std::string user_name;              // the assigned user; "" while unassigned
  std::optional<SystemTime> enabled;  // when it was assigned
  std::vector<Tag> tags;
  // The last TOTP step whose code was accepted (enable, resync or sign-in): codes of that step
  // and earlier are refused from then on.
  int64_t last_step = 0;
  int64_t drift_steps = 0;  // the device clock's offset found by ResyncMFADevice
  std::string seed;         // raw seed bytes (only filled where the seed is needed)
};

// "arn:aws:iam::<account>:mfa/<path><name>".
std::string MfaSerial(const std::string& account, const std::string& path, const std::string& name);

struct CreatedMfaDevice {
  MfaDeviceRecord device;
  std::string base32_seed;  // 64 characters (a 40-byte seed)
  // A PNG of the QR code of MfaOtpauthUri (what authenticator apps scan).
  std::string qr_code_png;
};

// "otpauth://totp/irsa:<name>@<account>?secret=<base32 seed>&issuer=irsa" (the label and issuer
// percent-encoded), the Key URI Format authenticator apps read.
std::string MfaOtpauthUri(const std::string& account, const std::string& name,
                          const std::string& base32_seed);
// EntityAlreadyExists "MFADevice entity at the same path and name already exists.";
// tags as every IAM resource's (at most quotas.tags_per_resource).
Result<CreatedMfaDevice> CreateVirtualMfaDevice(const ServiceContext& ctx,
                                                const std::string& account, const std::string& name,
                                                const std::string& path,
                                                const std::vector<Tag>& tags);

// Assigns the device to the user after checking two consecutive codes: code1 of a step t and
// code2 of t+1, with t+1 at most one step ahead of now and t at most two steps behind.
// NoSuchEntity (user, device), EntityAlreadyExists "MFA Device is already in use." (assigned),
// LimitExceeded "Cannot exceed quota for MFADevicesPerUser: <n>", InvalidAuthenticationCode
// "Authentication code for device is not valid." (codes).
Status EnableMfaDevice(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& serial,
                       const std::string& code1, const std::string& code2);
// Re-synchronises an assigned device whose clock drifted: two consecutive codes within ten
// steps (five minutes) either side of now; later codes are looked for around the drift found.
Status ResyncMfaDevice(const ServiceContext& ctx, const std::string& account,
                       const std::string& user_name, const std::string& serial,
                       const std::string& code1, const std::string& code2);
// Unassigns the device from the user (it stays, unassigned). NoSuchEntity if the user has no
// such device.
Status DeactivateMfaDevice(const ServiceContext& ctx, const std::string& account,
                           const std::string& user_name, const std::string& serial);
// DeleteConflict "MFA VirtualDevice in use. Must deactivate first." while assigned.
Status DeleteVirtualMfaDevice(const ServiceContext& ctx, const std::string& account,
                              const std::string& serial);

// The user's devices (ordered by serial number).
Result<ListPage<MfaDeviceRecord>> ListMfaDevices(const ServiceContext& ctx,
                                                 const std::string& account,
                                                 const std::string& user_name,
                                                 const std::string& marker, int max_items);
// The device `serial` as assigned to `user_name`; NoSuchEntity when it is not that user's.
Result<MfaDeviceRecord> GetMfaDevice(const ServiceContext& ctx, const std::string& account,
                                     const std::string& user_name, const std::string& serial);

enum class AssignmentStatus { kAny, kAssigned, kUnassigned };
struct VirtualMfaDeviceInfo {
  MfaDeviceRecord device;
  std::optional<UserRecord> user;  // the assigned user
};
Result<ListPage<VirtualMfaDeviceInfo>> ListVirtualMfaDevices(const ServiceContext& ctx,
                                                             const std::string& account,
                                                             AssignmentStatus status,
                                                             const std::string& marker,
                                                             int max_items);
// The device named by `serial` (without its seed); NoSuchEntity otherwise.
Result<MfaDeviceRecord> FindMfaDevice(const ServiceContext& ctx, const std::string& account,
                                      const std::string& serial);

Status TagMfaDevice(const ServiceContext& ctx, const std::string& account,
                    const std::string& serial, const std::vector<Tag>& tags);
Status UntagMfaDevice(const ServiceContext& ctx, const std::string& account,
                      const std::string& serial, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListMfaDeviceTags(const ServiceContext& ctx, const std::string& account,
                                        const std::string& serial, const std::string& marker,
                                        int max_items);

// STS sign-in with MFA: `code` must be the TOTP code of the device `serial` assigned to
// `user_name`, for a step within one of now (after any resync drift) and later than the last
// accepted step (a code is accepted once). On success records the step. AccessDenied otherwise,
// with AWS's messages: "MultiFactorAuthentication failed, unable to validate MFA code. Please
// verify your MFA serial number is valid and associated with this user." (no such device of the
// user) or "MultiFactorAuthentication failed with invalid MFA one time pass code." (code).
Status VerifyMfaCode(const ServiceContext& ctx, const std::string& account,
                     const std::string& user_name, const std::string& serial,
                     const std::string& code);

// Inside a transaction, after a user rename moved its mfa_assignment rows under `new_user_key`:
// the assigned devices name the user `new_name`.
Status RenameMfaDeviceUser(store::StoreTx& tx, const std::string& account,
                           const std::string& new_user_key, const std::string& new_name);

}  // namespace irsa::iam
