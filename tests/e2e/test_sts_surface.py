"""Issue 15 end to end, the STS operations beyond role assumption, with boto3 and the AWS CLI v1
and v2 against a real `irsa serve`: GetAccessKeyInfo for the long-term and session keys irsa
issued (and its refusal of every other key); GetSessionToken for users and the root, its limits,
and what its credentials may not call; GetFederationToken's federated users, whose permissions are
the broker's within the session policies."""
import concurrent.futures
import json
import shutil
import subprocess
import tempfile
import time
import unittest

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
ROOT = "arn:aws:iam::%s:root" % ACCOUNT

SERVER = None
TMP = None
USERS = {}  # name -> {"AccessKeyId", "SecretAccessKey"}


def client(service, creds=None, key=None, validate=True):
    kw = {"aws_access_key_id": fx.ADMIN_KEY_ID, "aws_secret_access_key": fx.ADMIN_SECRET}
    if key is not None:
        kw = {"aws_access_key_id": key["AccessKeyId"],
              "aws_secret_access_key": key["SecretAccessKey"]}
    if creds is not None:
        kw = {"aws_access_key_id": creds["AccessKeyId"],
              "aws_secret_access_key": creds["SecretAccessKey"],
              "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=SERVER.http, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1},
                                      parameter_validation=validate), **kw)


def policy(actions, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Action": actions, "Resource": resource}]})


def create_user(name, document=None):
    iam = client("iam")
    iam.create_user(UserName=name)
    if document:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    USERS[name] = key
    return key


def run_cli(cli, args, key=None, creds=None):
    """Runs `cli` with `args` as the admin, the user `key` or the session `creds`."""
    key_id, secret, token = fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, None
    if key is not None:
        key_id, secret = key["AccessKeyId"], key["SecretAccessKey"]
    if creds is not None:
        key_id, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
    env = fx.cli_env(SERVER, key_id, secret, token, home=TMP)
    return subprocess.run([cli, "--endpoint-url", SERVER.http, "--output", "json"] + args,
                          capture_output=True, text=True,
                          env=env, timeout=60)


def clis():
    found = [c for c in (fx.aws_v1(), fx.aws_v2()) if c]
    if len(found) != 2:
        raise AssertionError("both AWS CLI v1 and v2 must be installed")
    return found


def setUpModule():
    global SERVER, TMP
    TMP = tempfile.mkdtemp(prefix="irsa-sts-surface-")
    SERVER = fx.IrsaServer().start()
    try:
        create_user("reader", policy(["sts:GetAccessKeyInfo", "sts:AssumeRole"]))
        create_user("nobody")
        iam = client("iam")
        iam.create_role(RoleName="target", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ROOT},
                                                    "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName="target", PolicyName="p",
                            PolicyDocument=policy("sts:GetAccessKeyInfo"))
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


SurfaceTestCase = fx.ClientErrorAssertions


class GetAccessKeyInfoTest(SurfaceTestCase):
    def test_long_term_and_session_keys(self):
        sts = client("sts", key=USERS["reader"])
        self.assertEqual(sts.get_access_key_info(AccessKeyId=fx.ADMIN_KEY_ID)["Account"], ACCOUNT)
        self.assertEqual(
            sts.get_access_key_info(AccessKeyId=USERS["nobody"]["AccessKeyId"])["Account"], ACCOUNT)
        session = client("sts").assume_role(RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT,
                                            RoleSessionName="session")["Credentials"]
        self.assertTrue(session["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(sts.get_access_key_info(AccessKeyId=session["AccessKeyId"])["Account"],
                         ACCOUNT)
        # A role session may ask too (its role's policy grants sts:GetAccessKeyInfo).
        self.assertEqual(client("sts", creds=session).get_access_key_info(
            AccessKeyId=fx.ADMIN_KEY_ID)["Account"], ACCOUNT)

    def test_inactive_key_answers_deleted_key_does_not(self):
        iam = client("iam")
        key = iam.create_access_key(UserName="nobody")["AccessKey"]["AccessKeyId"]
        sts = client("sts", key=USERS["reader"])
        iam.update_access_key(UserName="nobody", AccessKeyId=key, Status="Inactive")
        self.assertEqual(sts.get_access_key_info(AccessKeyId=key)["Account"], ACCOUNT)
        iam.delete_access_key(UserName="nobody", AccessKeyId=key)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_access_key_info(AccessKeyId=key)
        self.assertError(ctx, "InvalidParameterValue", 400, key, "was not issued by irsa")

    def test_keys_irsa_did_not_issue_are_refused(self):
        sts = client("sts", key=USERS["reader"])
        for key in ("AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "ASIA77777777AAAAAAAA"):
            with self.subTest(key=key):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    sts.get_access_key_info(AccessKeyId=key)
                self.assertError(ctx, "InvalidParameterValue", 400, "was not issued by irsa")

    def test_validation(self):
        # botocore would refuse these before sending them.
        sts = client("sts", key=USERS["reader"], validate=False)
        for key, fragment in (("AKIASHORT", "Member must have length greater than or equal to 16"),
                              ("AKIA-NOT-A-WORD-KEY", r"Member must satisfy regular expression "
                                                      r"pattern: [\w]*"),
                              ("A" * 129, "Member must have length less than or equal to 128")):
            with self.subTest(key=key):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    sts.get_access_key_info(AccessKeyId=key)
                self.assertError(ctx, "ValidationError", 400, "'accessKeyId'", fragment)

    def test_needs_sts_get_access_key_info(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", key=USERS["nobody"]).get_access_key_info(AccessKeyId=fx.ADMIN_KEY_ID)
        self.assertError(ctx, "AccessDenied", 403, "sts:GetAccessKeyInfo")

    def test_cli_v1_and_v2(self):
        args = ["sts", "get-access-key-info", "--access-key-id"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            runs = {(cli, which): pool.submit(run_cli, cli, args + [key], USERS["reader"])
                    for cli in clis()
                    for which, key in (("ok", USERS["nobody"]["AccessKeyId"]),
                                       ("refused", "AKIAIOSFODNN7EXAMPLE"))}
            for (cli, which), future in runs.items():
                with self.subTest(cli=cli, which=which):
                    out = future.result()
                    if which == "ok":
                        self.assertEqual(out.returncode, 0, out.stderr)
                        self.assertEqual(json.loads(out.stdout), {"Account": ACCOUNT})
                    else:
                        self.assertNotEqual(out.returncode, 0)
                        self.assertIn("(InvalidParameterValue)", out.stderr)
                        self.assertIn("was not issued by irsa", out.stderr)


class GetSessionTokenTest(SurfaceTestCase):
    def test_user_session_carries_the_users_permissions(self):
        started = time.time()
        out = client("sts", key=USERS["reader"]).get_session_token()
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertNotIn("AssumedRoleUser", out)
        self.assertExpiresIn(creds["Expiration"], 43200, started)
        ident = client("sts", creds=creds).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/reader" % ACCOUNT)
        self.assertEqual(ident["UserId"], client("iam").get_user(UserName="reader")["User"]["UserId"])
        # The user's permissions: reader is allowed sts:AssumeRole, nobody is allowed nothing.
        assumed = client("sts", creds=creds).assume_role(
            RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT, RoleSessionName="from-user-session")
        self.assertEqual(assumed["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/target/from-user-session" % ACCOUNT)
        nobody = client("sts", key=USERS["nobody"]).get_session_token()["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", creds=nobody).assume_role(
                RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT, RoleSessionName="refused")
        self.assertError(ctx, "AccessDenied", 403, "sts:AssumeRole")

    def test_duration_limits(self):
        sts = client("sts", key=USERS["reader"])
        started = time.time()
        creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
        self.assertExpiresIn(creds["Expiration"], 900, started)
        creds = sts.get_session_token(DurationSeconds=129600)["Credentials"]
        self.assertExpiresIn(creds["Expiration"], 129600, started)
        for bad in (899, 129601):
            with self.subTest(duration=bad):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    client("sts", key=USERS["reader"], validate=False).get_session_token(
                        DurationSeconds=bad)
                self.assertError(ctx, "ValidationError", 400, "'durationSeconds'")
        # The root's sessions last at most an hour (a longer request gets one hour).
        started = time.time()
        creds = client("sts").get_session_token(DurationSeconds=7200)["Credentials"]
        self.assertExpiresIn(creds["Expiration"], 3600, started)
        self.assertEqual(client("sts", creds=creds).get_caller_identity()["Arn"], ROOT)

    def test_refused_to_role_sessions_and_session_credentials(self):
        role_session = client("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT,
            RoleSessionName="session")["Credentials"]
        user_session = client("sts", key=USERS["reader"]).get_session_token()["Credentials"]
        for creds in (role_session, user_session):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                client("sts", creds=creds).get_session_token()
            self.assertError(ctx, "AccessDenied", 403,
                             "Cannot call GetSessionToken with session credentials")

    def test_session_may_not_call_iam_nor_most_of_sts(self):
        admin = client("sts").get_session_token(DurationSeconds=900)["Credentials"]
        # Even the root's session: IAM needs a session made with MFA.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("iam", creds=admin).get_user(UserName="reader")
        self.assertError(ctx, "AccessDenied", 403, "IAM API calls are not allowed with "
                         "GetSessionToken credentials unless MFA info is included")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", creds=admin).get_access_key_info(AccessKeyId=fx.ADMIN_KEY_ID)
        self.assertError(ctx, "AccessDenied", 403, "GetAccessKeyInfo", "GetSessionToken credentials")
        # What the same root may do with its long-term key.
        self.assertEqual(client("iam").get_user(UserName="reader")["User"]["UserName"], "reader")

    def test_mfa_code_of_a_device_the_user_lacks_is_refused(self):
        # The MFA flows themselves: tests/e2e/test_iam_login_mfa.py.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", key=USERS["reader"]).get_session_token(
                SerialNumber="arn:aws:iam::%s:mfa/reader" % ACCOUNT, TokenCode="123456")
        self.assertError(ctx, "AccessDenied", 403, "unable to validate MFA code")

    def test_session_key_names_its_account(self):
        creds = client("sts", key=USERS["reader"]).get_session_token()["Credentials"]
        self.assertEqual(client("sts", key=USERS["reader"]).get_access_key_info(
            AccessKeyId=creds["AccessKeyId"])["Account"], ACCOUNT)

    def test_cli_v1_and_v2(self):
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            issued = {cli: pool.submit(run_cli, cli, ["sts", "get-session-token",
                                                      "--duration-seconds", "900"], USERS["reader"])
                      for cli in clis()}
            for cli, future in issued.items():
                with self.subTest(cli=cli):
                    out = future.result()
                    self.assertEqual(out.returncode, 0, out.stderr)
                    creds = json.loads(out.stdout)["Credentials"]
                    ident = run_cli(cli, ["sts", "get-caller-identity"], creds=creds)
                    self.assertEqual(ident.returncode, 0, ident.stderr)
                    self.assertEqual(json.loads(ident.stdout)["Arn"],
                                     "arn:aws:iam::%s:user/reader" % ACCOUNT)
                    denied = run_cli(cli, ["iam", "list-users"], creds=creds)
                    self.assertNotEqual(denied.returncode, 0)
                    self.assertIn("(AccessDenied)", denied.stderr)
                    self.assertIn("GetSessionToken credentials", denied.stderr)
                    mfa = run_cli(cli, ["sts", "get-session-token", "--serial-number",
                                        "arn:aws:iam::%s:mfa/reader" % ACCOUNT, "--token-code",
                                        "123456"], USERS["reader"])
                    self.assertNotEqual(mfa.returncode, 0)
                    self.assertIn("(AccessDenied)", mfa.stderr)
                    self.assertIn("unable to validate MFA code", mfa.stderr)



class GetFederationTokenTest(SurfaceTestCase):
    """The broker may federate users (only named app-*) and list and describe EKS clusters; what
    a federated user may do is that intersected with its session policies."""

    @classmethod
    def setUpClass(cls):
        cls.broker = create_user("broker", json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["eks:ListClusters", "eks:DescribeCluster"],
             "Resource": "*"},
            {"Effect": "Allow", "Action": "sts:GetFederationToken",
             "Resource": "arn:aws:sts::%s:federated-user/app-*" % ACCOUNT}]}))

    def federate(self, name="app-1", key=None, **kw):
        return client("sts", key=key or self.broker).get_federation_token(Name=name, **kw)

    def test_identity_and_response(self):
        started = time.time()
        out = self.federate(Policy=policy("eks:ListClusters"))
        self.assertEqual(out["FederatedUser"], {
            "FederatedUserId": "%s:app-1" % ACCOUNT,
            "Arn": "arn:aws:sts::%s:federated-user/app-1" % ACCOUNT})
        self.assertIn("PackedPolicySize", out)
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertExpiresIn(creds["Expiration"], 43200, started)
        ident = client("sts", creds=creds).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::%s:federated-user/app-1" % ACCOUNT)
        self.assertEqual(ident["UserId"], "%s:app-1" % ACCOUNT)
        self.assertEqual(client("sts", key=USERS["reader"]).get_access_key_info(
            AccessKeyId=creds["AccessKeyId"])["Account"], ACCOUNT)

    def test_permissions_are_the_users_within_the_session_policies(self):
        listing = client("eks", creds=self.federate(
            Policy=policy(["eks:ListClusters", "s3:ListAllMyBuckets"]))["Credentials"])
        self.assertIn("clusters", listing.list_clusters())
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            listing.describe_cluster(name="any")  # the broker's, not the session's
        self.assertError(ctx, "AccessDeniedException", 403, "eks:DescribeCluster")
        arn = client("iam").create_policy(PolicyName="describe-only", PolicyDocument=policy(
            "eks:DescribeCluster"))["Policy"]["Arn"]
        managed = client("eks", creds=self.federate(PolicyArns=[{"arn": arn}])["Credentials"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            managed.list_clusters()
        self.assertError(ctx, "AccessDeniedException", 403, "eks:ListClusters")
        # No session policy: no permissions at all.
        bare = client("eks", creds=self.federate()["Credentials"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            bare.list_clusters()
        self.assertError(ctx, "AccessDeniedException", 403, "eks:ListClusters")

    def test_authorized_on_the_federated_user(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.federate(name="other")
        self.assertError(ctx, "AccessDenied", 403, "sts:GetFederationToken",
                         "federated-user/other")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.federate(key=USERS["nobody"])
        self.assertError(ctx, "AccessDenied", 403, "sts:GetFederationToken")
        # Session tags also need sts:TagSession, which the broker lacks.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.federate(Tags=[{"Key": "team", "Value": "blue"}])
        self.assertError(ctx, "AccessDenied", 403, "sts:TagSession")

    def test_session_may_not_call_iam_nor_sts(self):
        creds = self.federate(Policy=policy("*"))["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("iam", creds=creds).get_user(UserName="broker")
        self.assertError(ctx, "AccessDenied", 403, "GetFederationToken credentials")
        sts = client("sts", creds=creds)
        for call in (lambda: sts.get_access_key_info(AccessKeyId=fx.ADMIN_KEY_ID),
                     lambda: sts.assume_role(RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT,
                                             RoleSessionName="refused"),
                     lambda: sts.get_session_token(),
                     lambda: sts.get_federation_token(Name="app-2")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertError(ctx, "AccessDenied", 403)

    def test_refused_to_sessions_and_limits(self):
        role_session = client("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/target" % ACCOUNT,
            RoleSessionName="session")["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", creds=role_session).get_federation_token(Name="app-1")
        self.assertError(ctx, "AccessDenied", 403,
                         "Cannot call GetFederationToken with session credentials")
        started = time.time()
        out = client("sts").get_federation_token(Name="root-fed", DurationSeconds=129600)
        self.assertExpiresIn(out["Credentials"]["Expiration"], 3600, started)
        raw = client("sts", key=self.broker, validate=False)
        # Names the broker may federate (app-*), so that authorization lets them through.
        for kw, member in (({"Name": "app-" + "x" * 29}, "'name'"),
                           ({"Name": "app- x"}, "'name'"),
                           ({"Name": "app-1", "DurationSeconds": 899}, "'durationSeconds'"),
                           ({"Name": "app-1", "DurationSeconds": 129601}, "'durationSeconds'")):
            with self.subTest(**kw):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    raw.get_federation_token(**kw)
                self.assertError(ctx, "ValidationError", 400, member)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", validate=False).get_federation_token(Name="a")  # the root: allowed
        self.assertError(ctx, "ValidationError", 400, "'name'",
                         "Member must have length greater than or equal to 2")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.federate(Policy="{not json")
        self.assertError(ctx, "MalformedPolicyDocument", 400)

    def test_cli_v1_and_v2(self):
        args = ["sts", "get-federation-token", "--name", "app-cli", "--duration-seconds", "900",
                "--policy", policy("eks:ListClusters")]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            issued = {cli: pool.submit(run_cli, cli, args, self.broker) for cli in clis()}
            for cli, future in issued.items():
                with self.subTest(cli=cli):
                    out = future.result()
                    self.assertEqual(out.returncode, 0, out.stderr)
                    result = json.loads(out.stdout)
                    self.assertEqual(result["FederatedUser"]["Arn"],
                                     "arn:aws:sts::%s:federated-user/app-cli" % ACCOUNT)
                    creds = result["Credentials"]
                    ident = run_cli(cli, ["sts", "get-caller-identity"], creds=creds)
                    self.assertEqual(ident.returncode, 0, ident.stderr)
                    self.assertEqual(json.loads(ident.stdout)["UserId"], "%s:app-cli" % ACCOUNT)
                    listed = run_cli(cli, ["eks", "list-clusters"], creds=creds)
                    self.assertEqual(listed.returncode, 0, listed.stderr)
                    denied = run_cli(cli, ["iam", "list-users"], creds=creds)
                    self.assertNotEqual(denied.returncode, 0)
                    self.assertIn("(AccessDenied)", denied.stderr)


if __name__ == "__main__":
    unittest.main()
