"""Issues 14 and 15: login profiles and the account password policy, virtual MFA devices with
real RFC 6238 codes, and MFA-authenticated STS sessions (GetSessionToken / AssumeRole with
SerialNumber + TokenCode), with boto3 and the AWS CLI against a real `irsa serve` (real clock).

Codes are computed here from the device seed (HMAC-SHA1, 30 s steps, 6 digits). EnableMFADevice
is given the codes of the previous and the current step (what a user types in the second step);
a sign-in then uses the code of the next step (the server accepts one step of skew), so no test
sleeps. Each code is accepted once per device, so every flow uses its own device."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import boto3
import botocore

import irsa_fixture as fx
from iam_helpers import ACCOUNT, IamTestCase, client, policy_doc

VIOLATION = "Password does not conform to the account password policy."
BAD_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."


def totp(seed_b32, step):
    key = base64.b32decode(seed_b32)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[19] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % value


def step_now():
    return int(time.time()) // 30


def wrong_code(seed_b32):
    """A code that is no step's code near now."""
    near = {totp(seed_b32, step_now() + d) for d in range(-12, 13)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


class LoginProfileTest(IamTestCase):
    def test_password_policy_lifecycle(self):
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_account_password_policy()
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The Password Policy with domain name %s cannot be found." % ACCOUNT)
        self.iam.update_account_password_policy(
            MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
            RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
            AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=3,
            HardExpiry=False)
        policy = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual(policy, {
            "MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": True,
            "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
            "PasswordReusePrevention": 3, "HardExpiry": False})
        # Members not given take their defaults (a replacement, as AWS does).
        self.iam.update_account_password_policy(RequireNumbers=True)
        policy = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual(policy["MinimumPasswordLength"], 6)
        self.assertFalse(policy["ExpirePasswords"])
        self.assertNotIn("MaxPasswordAge", policy)
        raw = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            raw.update_account_password_policy(MinimumPasswordLength=5)
        self.assertIn("greater than or equal to 6",
                      self.assertError(ctx, "ValidationError", 400))
        self.iam.delete_account_password_policy()
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.delete_account_password_policy()

    def test_login_profile_lifecycle_and_refusals(self):
        self.iam.create_user(UserName="alice")
        # Without an account policy AWS's default applies: 8 characters, three classes.
        with self.assertRaises(self.iam.exceptions.PasswordPolicyViolationException) as ctx:
            self.iam.create_login_profile(UserName="alice", Password="password")
        self.assertError(ctx, "PasswordPolicyViolation", 400, VIOLATION)
        self.iam.update_account_password_policy(MinimumPasswordLength=10, RequireSymbols=True,
                                                PasswordReusePrevention=2)
        with self.assertRaises(self.iam.exceptions.PasswordPolicyViolationException):
            self.iam.create_login_profile(UserName="alice", Password="NoSymbolsHere1")
        # The password never appears in a validation message.
        raw = client(self.server, validate=False)
        secret = "Z" * 129
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            raw.create_login_profile(UserName="alice", Password=secret)
        message = self.assertError(ctx, "ValidationError", 400)
        self.assertNotIn(secret, message)
        self.assertIn("Sensitive Data Redacted", message)

        profile = self.iam.create_login_profile(UserName="alice", Password="first-pass!",
                                                PasswordResetRequired=True)["LoginProfile"]
        self.assertEqual(profile["UserName"], "alice")
        self.assertTrue(profile["PasswordResetRequired"])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.iam.create_login_profile(UserName="alice", Password="other-pass!")
        self.assertError(ctx, "EntityAlreadyExists", 409,
                         "Login Profile for user alice already exists.")
        self.assertTrue(self.iam.get_login_profile(UserName="alice")["LoginProfile"][
            "PasswordResetRequired"])
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_user(UserName="alice")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must delete login profile first.")

        # ChangePassword: the user's own, authorized by iam:ChangePassword on itself.
        self.iam.put_user_policy(UserName="alice", PolicyName="pw", PolicyDocument=policy_doc(
            ["iam:ChangePassword", "iam:GetLoginProfile"],
            "arn:aws:iam::%s:user/alice" % ACCOUNT))
        alice = self.user_client("alice")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            alice.change_password(OldPassword="wrong-pass!", NewPassword="second-pass!")
        self.assertError(ctx, "AccessDenied", 403, "The old password is incorrect.")
        with self.assertRaises(alice.exceptions.PasswordPolicyViolationException):
            alice.change_password(OldPassword="first-pass!", NewPassword="short!")
        with self.assertRaises(alice.exceptions.PasswordPolicyViolationException):
            alice.change_password(OldPassword="first-pass!", NewPassword="first-pass!")  # reuse
        alice.change_password(OldPassword="first-pass!", NewPassword="second-pass!")
        self.assertFalse(alice.get_login_profile()["LoginProfile"]["PasswordResetRequired"])
        # The old password no longer matches.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            alice.change_password(OldPassword="first-pass!", NewPassword="third-pass!")
        self.assertError(ctx, "AccessDenied", 403)
        # Without the permission the operation is denied by policy.
        self.iam.create_user(UserName="bob")
        self.iam.create_login_profile(UserName="bob", Password="bobs-pass!1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.user_client("bob").change_password(OldPassword="bobs-pass!1",
                                                    NewPassword="bobs-pass!2")
        self.assertError(ctx, "AccessDenied", 403)

        self.iam.update_login_profile(UserName="alice", Password="admin-set!1",
                                      PasswordResetRequired=True)
        self.assertTrue(self.iam.get_login_profile(UserName="alice")["LoginProfile"][
            "PasswordResetRequired"])
        self.iam.delete_login_profile(UserName="alice")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_login_profile(UserName="alice")
        self.assertError(ctx, "NoSuchEntity", 404, "Login Profile for User alice cannot be found.")


class VirtualMfaTest(IamTestCase):
    def new_device(self, name, **kwargs):
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name,
                                                    **kwargs)["VirtualMFADevice"]
        return device["SerialNumber"], device["Base32StringSeed"].decode("ascii")

    def enable(self, user, serial, seed):
        now = step_now()
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, now - 1),
                                   AuthenticationCode2=totp(seed, now))

    def test_device_lifecycle(self):
        self.iam.create_user(UserName="alice")
        device = self.iam.create_virtual_mfa_device(
            VirtualMFADeviceName="alice-phone", Path="/team/",
            Tags=[{"Key": "team", "Value": "blue"}])["VirtualMFADevice"]
        serial = device["SerialNumber"]
        self.assertEqual(serial, "arn:aws:iam::%s:mfa/team/alice-phone" % ACCOUNT)
        seed = device["Base32StringSeed"].decode("ascii")
        self.assertRegex(seed, r"^[A-Z2-7]{64}$")
        self.assertEqual(len(base64.b32decode(seed)), 40)
        # QRCodePNG: a real PNG of the otpauth:// URI's QR code, read back with zbarimg.
        png = device["QRCodePNG"]
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        zbarimg = shutil.which("zbarimg")
        if zbarimg:
            with tempfile.NamedTemporaryFile(suffix=".png") as f:
                f.write(png)
                f.flush()
                out = subprocess.run([zbarimg, "-q", "--raw", f.name], capture_output=True,
                                     text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.strip(),
                             "otpauth://totp/irsa:alice-phone%%40%s?secret=%s&issuer=irsa"
                             % (ACCOUNT, seed))
        self.assertEqual(device["Tags"], [{"Key": "team", "Value": "blue"}])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException):
            self.iam.create_virtual_mfa_device(VirtualMFADeviceName="ALICE-PHONE")

        now = step_now()
        for codes in ((wrong_code(seed), totp(seed, now)),
                      (totp(seed, now), totp(seed, now - 1))):  # not consecutive
            with self.assertRaises(self.iam.exceptions.InvalidAuthenticationCodeException) as ctx:
                self.iam.enable_mfa_device(UserName="alice", SerialNumber=serial,
                                           AuthenticationCode1=codes[0],
                                           AuthenticationCode2=codes[1])
            self.assertError(ctx, "InvalidAuthenticationCode", 403,
                             "Authentication code for device is not valid.")
        unassigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")
        self.assertEqual([d["SerialNumber"] for d in unassigned["VirtualMFADevices"]], [serial])
        self.enable("alice", serial, seed)
        self.iam.create_user(UserName="bob")
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            now = step_now()
            self.iam.enable_mfa_device(UserName="bob", SerialNumber=serial,
                                       AuthenticationCode1=totp(seed, now),
                                       AuthenticationCode2=totp(seed, now + 1))
        self.assertError(ctx, "EntityAlreadyExists", 409, "MFA Device is already in use.")

        listed = self.iam.list_mfa_devices(UserName="alice")["MFADevices"]
        self.assertEqual([(d["UserName"], d["SerialNumber"]) for d in listed],
                         [("alice", serial)])
        got = self.iam.get_mfa_device(SerialNumber=serial, UserName="alice")
        self.assertEqual(got["UserName"], "alice")
        self.assertIn("EnableDate", got)
        assigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")[
            "VirtualMFADevices"]
        self.assertEqual(assigned[0]["User"]["UserName"], "alice")
        self.assertNotIn("Base32StringSeed", assigned[0])
        self.assertEqual(self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")[
            "VirtualMFADevices"], [])
        self.assertEqual(len(self.iam.list_virtual_mfa_devices()["VirtualMFADevices"]), 1)

        self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_mfa_device(SerialNumber=serial, TagKeys=["team"])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"],
                         [{"Key": "env", "Value": "prod"}])

        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertError(ctx, "DeleteConflict", 409,
                         "MFA VirtualDevice in use. Must deactivate first.")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_user(UserName="alice")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must delete MFA device first.")

        # Resync with two consecutive codes of a device running three steps fast.
        now = step_now()
        self.iam.resync_mfa_device(UserName="alice", SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, now + 3),
                                   AuthenticationCode2=totp(seed, now + 4))
        with self.assertRaises(self.iam.exceptions.InvalidAuthenticationCodeException):
            self.iam.resync_mfa_device(UserName="alice", SerialNumber=serial,
                                       AuthenticationCode1=wrong_code(seed),
                                       AuthenticationCode2=totp(seed, now + 5))

        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.deactivate_mfa_device(UserName="bob", SerialNumber=serial)
        self.iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
        self.assertEqual(self.iam.list_mfa_devices(UserName="alice")["MFADevices"], [])
        self.iam.delete_user(UserName="alice")
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.list_mfa_device_tags(SerialNumber=serial)
        raw = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            raw.list_virtual_mfa_devices(AssignmentStatus="Sometimes")
        self.assertError(ctx, "ValidationError", 400)

    def user_with_device(self, name, policy):
        self.iam.create_user(UserName=name)
        self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        serial, seed = self.new_device(name)
        self.enable(name, serial, seed)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return serial, seed, key

    def test_session_token_with_mfa_calls_iam_and_mfa_conditions_bite(self):
        mfa_only = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser"], "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                           "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}
        serial, seed, key = self.user_with_device("alice", mfa_only)
        sts = client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
        long_term = client(self.server, "iam", key["AccessKeyId"], key["SecretAccessKey"])
        # With the long-term key the MFA keys are absent: the condition does not match.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            long_term.list_users()
        self.assertError(ctx, "AccessDenied", 403)
        # A session without MFA may not call IAM at all.
        plain = sts.get_session_token()["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(self.server, "iam", plain["AccessKeyId"], plain["SecretAccessKey"],
                   plain["SessionToken"]).list_users()
        self.assertIn("unless MFA info is included", self.assertError(ctx, "AccessDenied", 403))

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_session_token(SerialNumber=serial, TokenCode=wrong_code(seed))
        self.assertError(ctx, "AccessDenied", 403, BAD_CODE)
        code = totp(seed, step_now() + 1)
        creds = sts.get_session_token(SerialNumber=serial, TokenCode=code,
                                      DurationSeconds=900)["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_session_token(SerialNumber=serial, TokenCode=code)  # reused
        self.assertError(ctx, "AccessDenied", 403, BAD_CODE)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_session_token(SerialNumber="arn:aws:iam::%s:mfa/other" % ACCOUNT,
                                  TokenCode=totp(seed, step_now()))
        self.assertIn("unable to validate MFA code", self.assertError(ctx, "AccessDenied", 403))

        session = client(self.server, "iam", creds["AccessKeyId"], creds["SecretAccessKey"],
                         creds["SessionToken"])
        self.assertIn("alice", [u["UserName"] for u in session.list_users()["Users"]])
        self.assertEqual(session.get_user(UserName="alice")["User"]["UserName"], "alice")
        ident = client(self.server, "sts", creds["AccessKeyId"], creds["SecretAccessKey"],
                       creds["SessionToken"]).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT)
        # An explicit deny on MFA sessions bites them, and only them.
        self.iam.put_user_policy(UserName="alice", PolicyName="deny", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "iam:GetUser", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            session.get_user(UserName="alice")
        self.assertError(ctx, "AccessDenied", 403)

    def test_assume_role_trust_requiring_mfa(self):
        serial, seed, key = self.user_with_device("carol", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
        self.iam.create_role(RoleName="admin", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/carol" % ACCOUNT},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
        sts = client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
        role_arn = "arn:aws:iam::%s:role/admin" % ACCOUNT
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="no-mfa")
        self.assertError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="bad", SerialNumber=serial,
                            TokenCode=wrong_code(seed))
        self.assertError(ctx, "AccessDenied", 403, BAD_CODE)
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="with-mfa",
                                SerialNumber=serial,
                                TokenCode=totp(seed, step_now() + 1))["Credentials"]
        ident = client(self.server, "sts", creds["AccessKeyId"], creds["SecretAccessKey"],
                       creds["SessionToken"]).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::%s:assumed-role/admin/with-mfa" % ACCOUNT)

    def test_cli_create_enable_and_session_token(self):
        aws = fx.aws_v1() or fx.aws_v2()
        if not aws:
            self.skipTest("no AWS CLI")
        self.iam.create_user(UserName="dave")
        self.iam.put_user_policy(UserName="dave", PolicyName="p",
                                 PolicyDocument=policy_doc("iam:GetUser"))
        key = self.iam.create_access_key(UserName="dave")["AccessKey"]

        def run(env, *args):
            out = subprocess.run([aws, *args, "--output", "json"], env=env,
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout) if out.stdout.strip() else {}

        admin = fx.cli_env(self.server)
        with tempfile.TemporaryDirectory() as tmp:
            seed_file = os.path.join(tmp, "seed.txt")
            created = run(admin, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name",
                          "dave-phone", "--outfile", seed_file, "--bootstrap-method",
                          "Base32StringSeed")
            serial = created["VirtualMFADevice"]["SerialNumber"]
            with open(seed_file) as f:
                seed = f.read().strip()
            # The QR code bootstrap writes the PNG itself.
            png_file = os.path.join(tmp, "qr.png")
            run(admin, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name",
                "dave-tablet", "--outfile", png_file, "--bootstrap-method", "QRCodePNG")
            with open(png_file, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            zbarimg = shutil.which("zbarimg")
            if zbarimg:
                out = subprocess.run([zbarimg, "-q", "--raw", png_file], capture_output=True,
                                     text=True, timeout=60)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertTrue(out.stdout.startswith(
                    "otpauth://totp/irsa:dave-tablet%%40%s?secret=" % ACCOUNT), out.stdout)
        self.assertRegex(seed, r"^[A-Z2-7]{64}$")
        now = step_now()
        run(admin, "iam", "enable-mfa-device", "--user-name", "dave", "--serial-number", serial,
            "--authentication-code1", totp(seed, now - 1),
            "--authentication-code2", totp(seed, now))
        dave = fx.cli_env(self.server, key["AccessKeyId"], key["SecretAccessKey"])
        creds = run(dave, "sts", "get-session-token", "--serial-number", serial,
                    "--token-code", totp(seed, step_now() + 1))["Credentials"]
        # The MFA session's credentials sign a later IAM call with boto3…
        session = client(self.server, "iam", creds["AccessKeyId"], creds["SecretAccessKey"],
                         creds["SessionToken"])
        self.assertEqual(session.get_user(UserName="dave")["User"]["UserName"], "dave")
        # …and with the CLI.
        got = run(fx.cli_env(self.server, creds["AccessKeyId"], creds["SecretAccessKey"],
                             creds["SessionToken"]), "iam", "get-user", "--user-name", "dave")
        self.assertEqual(got["User"]["UserName"], "dave")


class CredentialReportTest(IamTestCase):
    def test_report_columns_and_states(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_credential_report()
        self.assertError(ctx, "ReportNotPresent", 410)
        self.iam.create_user(UserName="alice")
        key = self.iam.create_access_key(UserName="alice")["AccessKey"]
        self.iam.create_login_profile(UserName="alice", Password="Alice-pass-1")
        # A use of alice's key (STS in us-west-2) and a signing certificate: the report shows
        # the node's unflushed last use and the certificate.
        sts = boto3.client("sts", endpoint_url=self.server.http, region_name="us-west-2",
                           aws_access_key_id=key["AccessKeyId"],
                           aws_secret_access_key=key["SecretAccessKey"])
        sts.get_caller_identity()
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                            os.path.join(tmp, "k.pem"), "-out", os.path.join(tmp, "c.pem"),
                            "-days", "2", "-subj", "/CN=alice"], check=True, capture_output=True)
            with open(os.path.join(tmp, "c.pem")) as f:
                self.iam.upload_signing_certificate(UserName="alice", CertificateBody=f.read())
        serial = self.iam.create_virtual_mfa_device(
            VirtualMFADeviceName="alice")["VirtualMFADevice"]
        seed = serial["Base32StringSeed"].decode("ascii")
        now = step_now()
        self.iam.enable_mfa_device(UserName="alice", SerialNumber=serial["SerialNumber"],
                                   AuthenticationCode1=totp(seed, now - 1),
                                   AuthenticationCode2=totp(seed, now))
        self.iam.create_user(UserName="bob")
        self.assertEqual(self.iam.generate_credential_report()["State"], "STARTED")
        self.assertEqual(self.iam.generate_credential_report()["State"], "COMPLETE")
        report = self.iam.get_credential_report()
        self.assertEqual(report["ReportFormat"], "text/csv")
        lines = report["Content"].decode("utf-8").split("\n")
        self.assertEqual(lines[0].split(","), [
            "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
            "password_last_changed", "password_next_rotation", "mfa_active",
            "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
            "access_key_1_last_used_region", "access_key_1_last_used_service",
            "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
            "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
            "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"])
        rows = {line.split(",")[0]: dict(zip(lines[0].split(","), line.split(",")))
                for line in lines[1:]}
        self.assertEqual(rows["<root_account>"]["arn"], "arn:aws:iam::%s:root" % ACCOUNT)
        alice, bob = rows["alice"], rows["bob"]
        self.assertEqual((alice["password_enabled"], alice["mfa_active"],
                          alice["access_key_1_active"], alice["access_key_2_active"]),
                         ("true", "true", "true", "false"))
        self.assertRegex(alice["access_key_1_last_rotated"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertRegex(alice["access_key_1_last_used_date"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual((alice["access_key_1_last_used_region"],
                          alice["access_key_1_last_used_service"]), ("us-west-2", "sts"))
        self.assertEqual((alice["cert_1_active"], alice["cert_2_active"]), ("true", "false"))
        self.assertRegex(alice["cert_1_last_rotated"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual((bob["access_key_1_last_used_date"], bob["cert_1_active"]),
                         ("N/A", "false"))
        self.assertEqual((bob["password_enabled"], bob["mfa_active"], bob["password_last_changed"]),
                         ("false", "false", "N/A"))

        aws = fx.aws_v1() or fx.aws_v2()
        if aws:
            out = subprocess.run([aws, "iam", "get-credential-report", "--output", "json"],
                                 env=fx.cli_env(self.server), capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            content = json.loads(out.stdout)["Content"]
            self.assertIn("alice,arn:aws:iam::%s:user/alice" % ACCOUNT,
                          base64.b64decode(content).decode("utf-8"))


if __name__ == "__main__":
    import unittest
    unittest.main()
