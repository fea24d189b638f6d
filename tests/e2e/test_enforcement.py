"""Issue 12 end to end: requests bound to their signatures, attacked as a third party would.

Every test here is an attack that succeeded before the fix: each asserts the refusal and that
nothing happened (no credentials issued, no entity created).
"""
import hashlib
import json
import os
import subprocess
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx
import sigv4

TRUST_ACCOUNT = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}""" % fx.ACCOUNT_ID


def client(server, service, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None):
    return boto3.client(service, endpoint_url=server.http, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token, config=Config(retries={"max_attempts": 1}))


def send(url, method, body=b"", headers=None):
    req = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def error_of(text):
    root = ET.fromstring(text)
    return root.find(".//{*}Code").text, root.find(".//{*}Message").text


def eks_token_url(sts, cluster="my-cluster"):
    """A presigned GetCallerIdentity URL exactly as `aws eks get-token` makes it."""
    def add_header(request, **kwargs):
        request.headers["x-k8s-aws-id"] = cluster
    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_header)
    try:
        return sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60,
                                          HttpMethod="GET")
    finally:
        sts.meta.events.unregister("before-sign.sts.GetCallerIdentity", add_header)


class SignatureBindingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()
        cls.iam = client(cls.server, "iam")
        cls.sts = client(cls.server, "sts")
        cls.role_arn = cls.iam.create_role(RoleName="target",
                                           AssumeRolePolicyDocument=TRUST_ACCOUNT)["Role"]["Arn"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assume_role_body(self):
        return ("Action=AssumeRole&Version=2011-06-15&RoleSessionName=stolen&RoleArn="
                + urllib.request.quote(self.role_arn, safe="")).encode()

    def test_presigned_url_still_works_as_issued(self):
        status, text = send(eks_token_url(self.sts), "GET", headers={"x-k8s-aws-id": "my-cluster"})
        self.assertEqual(status, 200, text)
        self.assertIn("<Account>%s</Account>" % fx.ACCOUNT_ID, text)

    def test_presigned_get_caller_identity_cannot_become_assume_role(self):
        url = eks_token_url(self.sts)
        body = self.assume_role_body()
        form = {"content-type": "application/x-www-form-urlencoded", "x-k8s-aws-id": "my-cluster"}
        empty_hash = hashlib.sha256(b"").hexdigest()
        attempts = {
            # The body overrides the signed query; the claimed payload hash is the signed one.
            "GET + body + signed empty hash": ("GET", dict(form, **{"x-amz-content-sha256":
                                                                     empty_hash})),
            "GET + body": ("GET", form),
            "POST + body + signed empty hash": ("POST", dict(form, **{"x-amz-content-sha256":
                                                                       empty_hash})),
            "POST + body": ("POST", form),
        }
        for name, (method, headers) in attempts.items():
            with self.subTest(name):
                status, text = send(url, method, body, headers)
                self.assertNotIn("<Credentials>", text)
                self.assertNotIn("SessionToken", text)
                self.assertGreaterEqual(status, 400, text)

        # POST with a form body on a presigned URL is refused outright.
        status, text = send(url, "POST", body, form)
        self.assertEqual((status, error_of(text)[0]), (400, "MalformedQueryString"), text)
        # GET ignores any body for parameters; the body is still covered by the payload hash.
        status, text = send(url, "GET", body, dict(form, **{"x-amz-content-sha256": empty_hash}))
        self.assertEqual((status, error_of(text)[0]), (403, "SignatureDoesNotMatch"), text)

    def test_query_of_presigned_url_cannot_be_changed(self):
        url = eks_token_url(self.sts)
        evil = url.replace("Action=GetCallerIdentity",
                           "Action=AssumeRole&RoleSessionName=stolen&RoleArn="
                           + urllib.request.quote(self.role_arn, safe=""))
        status, text = send(evil, "GET", headers={"x-k8s-aws-id": "my-cluster"})
        self.assertEqual((status, error_of(text)[0]), (403, "SignatureDoesNotMatch"), text)

    def test_signed_request_cannot_be_replayed_with_another_body(self):
        url = self.server.http + "/"
        list_roles = "Action=ListRoles&Version=2010-05-08"
        signed_hash = hashlib.sha256(list_roles.encode()).hexdigest()
        headers = sigv4.sign("POST", url, list_roles, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                             service="iam", content_sha256=signed_hash)
        status, text = send(url, "POST", list_roles.encode(), headers)
        self.assertEqual(status, 200, text)

        create_user = "Action=CreateUser&UserName=mallory&Version=2010-05-08"
        status, text = send(url, "POST", create_user.encode(), headers)
        self.assertEqual((status, error_of(text)[0]), (403, "SignatureDoesNotMatch"), text)
        self.assertIn("x-amz-content-sha256", error_of(text)[1])
        # Without the header the received body is hashed: still refused.
        bare = {k: v for k, v in headers.items() if k != "x-amz-content-sha256"}
        status, text = send(url, "POST", create_user.encode(), bare)
        self.assertEqual((status, error_of(text)[0]), (403, "SignatureDoesNotMatch"), text)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_user(UserName="mallory")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchEntity")

    def test_unsigned_payload_is_refused_outside_s3(self):
        url = self.server.http + "/"
        body = "Action=GetCallerIdentity&Version=2011-06-15"
        headers = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                             content_sha256="UNSIGNED-PAYLOAD")
        status, text = send(url, "POST", body.encode(), headers)
        self.assertEqual((status, error_of(text)[0]), (400, "InvalidRequest"), text)

    def test_signing_window_is_five_minutes(self):
        import datetime
        url = self.server.http + "/"
        body = "Action=GetCallerIdentity&Version=2011-06-15"
        now = datetime.datetime.now(datetime.timezone.utc)
        for minutes, ok in ((-4, True), (4, True), (-6, False), (6, False)):
            with self.subTest(minutes=minutes):
                headers = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                                     when=now + datetime.timedelta(minutes=minutes))
                status, text = send(url, "POST", body.encode(), headers)
                if ok:
                    self.assertEqual(status, 200, text)
                    continue
                code, message = error_of(text)
                self.assertEqual((status, code), (403, "SignatureDoesNotMatch"), text)
                self.assertTrue(message.startswith("Signature expired" if minutes < 0
                                                   else "Signature not yet current"), message)
                self.assertTrue(message.endswith(" 5 min.)"), message)

    def test_presigned_expiry_limits(self):
        url = self.sts.generate_presigned_url("get_caller_identity", ExpiresIn=604800,
                                              HttpMethod="GET")
        self.assertEqual(send(url, "GET")[0], 200)
        too_long = url.replace("X-Amz-Expires=604800", "X-Amz-Expires=604801")
        status, text = send(too_long, "GET")
        self.assertEqual((status, error_of(text)[0]), (400, "IncompleteSignature"), text)


def user_client(server, iam, name, policy, service="iam"):
    """Creates user `name` with inline `policy` and returns a boto3 client signed with its key."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return client(server, service, key["AccessKeyId"], key["SecretAccessKey"]), key


def denied(test, call, *args, **kwargs):
    with test.assertRaises(botocore.exceptions.ClientError) as ctx:
        call(*args, **kwargs)
    test.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied",
                     ctx.exception.response["Error"])
    return ctx.exception.response["Error"]["Message"]


class GuardrailTest(unittest.TestCase):
    """The delegated-admin guardrails of the IAM user guide, with boto3: each condition key the
    operation table supplies is enforced on real requests."""

    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()
        cls.iam = client(cls.server, "iam")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_may_not_attach_administrator_access(self):
        self.iam.create_role(RoleName="app-a", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        delegate, _ = user_client(self.server, self.iam, "delegate-a", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                 "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:AttachRolePolicy", "Resource": "*",
                 "Condition": {"ArnEquals": {
                     "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}}}]})
        delegate.attach_role_policy(RoleName="app-a",
                                    PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        message = denied(self, delegate.attach_role_policy, RoleName="app-a",
                         PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        self.assertIn("iam:AttachRolePolicy", message)
        self.assertIn("iam:PolicyARN", message)
        attached = self.iam.list_attached_role_policies(RoleName="app-a")["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached], ["ReadOnlyAccess"])

    def test_may_not_touch_roles_tagged_protected(self):
        self.iam.create_role(RoleName="guarded", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                             Tags=[{"Key": "protected", "Value": "true"}])
        self.iam.create_role(RoleName="ordinary", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        delegate, _ = user_client(self.server, self.iam, "delegate-b", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}}}]})
        denied(self, delegate.delete_role, RoleName="guarded")
        denied(self, delegate.update_assume_role_policy, RoleName="guarded",
               PolicyDocument=TRUST_ACCOUNT)
        denied(self, delegate.untag_role, RoleName="guarded", TagKeys=["protected"])
        delegate.delete_role(RoleName="ordinary")
        self.assertEqual(self.iam.get_role(RoleName="guarded")["Role"]["Tags"],
                         [{"Key": "protected", "Value": "true"}])
        # iam:ResourceTag is the IAM-specific spelling of the same key.
        delegate_c, _ = user_client(self.server, self.iam, "delegate-c", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
                 "Condition": {"StringEquals": {"iam:ResourceTag/protected": "true"}}}]})
        denied(self, delegate_c.delete_role, RoleName="guarded")

    def test_roles_must_carry_the_permissions_boundary(self):
        boundary = self.iam.create_policy(PolicyName="dev-boundary", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        boundary_arn = boundary["Policy"]["Arn"]
        delegate, _ = user_client(self.server, self.iam, "delegate-d", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:CreateRole", "iam:PutRolePolicy",
                                               "iam:DeleteRolePermissionsBoundary"],
                 "Resource": "*",
                 "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary_arn}}}]})
        denied(self, delegate.create_role, RoleName="no-boundary",
               AssumeRolePolicyDocument=TRUST_ACCOUNT)
        denied(self, delegate.create_role, RoleName="other-boundary",
               AssumeRolePolicyDocument=TRUST_ACCOUNT,
               PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess")
        delegate.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                             PermissionsBoundary=boundary_arn)
        # The role's current boundary is the key for PutRolePolicy: allowed on it.
        delegate.put_role_policy(RoleName="bounded", PolicyName="inline", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        self.iam.create_role(RoleName="unbounded", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        denied(self, delegate.put_role_policy, RoleName="unbounded", PolicyName="inline",
               PolicyDocument=TRUST_ACCOUNT)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.iam.get_role(RoleName="no-boundary")

    def test_request_tags_and_tag_keys(self):
        delegate, _ = user_client(self.server, self.iam, "delegate-e", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:CreateRole", "iam:TagRole"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:RequestTag/team": "payments"},
                               "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}]})
        denied(self, delegate.create_role, RoleName="untagged",
               AssumeRolePolicyDocument=TRUST_ACCOUNT)
        denied(self, delegate.create_role, RoleName="wrong-team",
               AssumeRolePolicyDocument=TRUST_ACCOUNT, Tags=[{"Key": "team", "Value": "x"}])
        denied(self, delegate.create_role, RoleName="extra-key",
               AssumeRolePolicyDocument=TRUST_ACCOUNT,
               Tags=[{"Key": "team", "Value": "payments"}, {"Key": "cost", "Value": "1"}])
        delegate.create_role(RoleName="payments", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                             Tags=[{"Key": "team", "Value": "payments"}])
        denied(self, delegate.tag_role, RoleName="payments", Tags=[{"Key": "owner", "Value": "me"}])

    def test_eks_cluster_tags_are_condition_keys(self):
        eks = client(self.server, "eks")
        vpc = {"subnetIds": []}
        role = "arn:aws:iam::%s:role/eks" % fx.ACCOUNT_ID
        eks.create_cluster(name="prod-cluster", roleArn=role, resourcesVpcConfig=vpc,
                           tags={"env": "prod"})
        eks.create_cluster(name="dev-cluster", roleArn=role, resourcesVpcConfig=vpc,
                           tags={"env": "dev"})
        _, key = user_client(self.server, self.iam, "eks-dev", {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "eks:*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["eks:DescribeCluster", "eks:DeleteCluster"],
                 "Resource": "*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}},
                {"Effect": "Deny", "Action": "eks:CreateCluster", "Resource": "*",
                 "Condition": {"Null": {"aws:RequestTag/env": "true"}}}]})
        dev = client(self.server, "eks", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(dev.describe_cluster(name="dev-cluster")["cluster"]["tags"],
                         {"env": "dev"})
        for call in (dev.describe_cluster, dev.delete_cluster):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call(name="prod-cluster")
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
            self.assertIn("aws:ResourceTag/env", ctx.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            dev.create_cluster(name="untagged", roleArn=role, resourcesVpcConfig=vpc)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
        dev.create_cluster(name="tagged", roleArn=role, resourcesVpcConfig=vpc,
                           tags={"env": "dev"})
        self.assertEqual(eks.describe_cluster(name="prod-cluster")["cluster"]["status"], "ACTIVE")
        self.assertEqual(dev.delete_cluster(name="tagged")["cluster"]["status"], "DELETING")

    def test_unknown_actions_make_no_metric_series(self):
        sts = client(self.server, "iam")
        url = self.server.http + "/"
        for name in ("Bogus%d" % i for i in range(3)):
            body = "Action=%s&Version=2010-05-08" % name
            headers = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                                 service="iam")
            status, text = send(url, "POST", body.encode(), headers)
            self.assertEqual((status, error_of(text)[0]), (400, "InvalidAction"))
        del sts
        with urllib.request.urlopen(self.server.http + "/metrics", timeout=10) as resp:
            metrics = resp.read().decode()
        self.assertNotIn("Bogus", metrics)
        self.assertIn('action="Unknown"', metrics)

    def test_invalid_utf8_is_never_echoed_raw(self):
        url = self.server.http + "/"
        body = "Action=GetRole&Version=2010-05-08&RoleName=%FF%FEx%01"
        headers = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, service="iam")
        req = urllib.request.Request(url, data=body.encode(), method="POST", headers=headers)
        try:
            urllib.request.urlopen(req, timeout=10)
            self.fail("GetRole of an invalid name succeeded")
        except urllib.error.HTTPError as err:
            raw = err.read()
        text = raw.decode("utf-8")  # raises if invalid UTF-8 were echoed
        self.assertEqual(error_of(text)[0], "ValidationError")
        self.assertNotIn("\x01", text)


class EncodedDenialTest(unittest.TestCase):
    """--explain-denials encoded: the caller gets AWS's encoded message, which only
    sts:DecodeAuthorizationMessage opens; the audit log keeps the full explanation."""

    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False, extra_args=["--explain-denials", "encoded"]).start()
        cls.iam = client(cls.server, "iam")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_denial_is_encoded_and_decodes_for_the_permitted(self):
        reader, _ = user_client(self.server, self.iam, "reader", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}}}]})
        self.iam.create_role(RoleName="blue-role", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                             Tags=[{"Key": "team", "Value": "blue"}])
        message = denied(self, reader.get_role, RoleName="blue-role")
        self.assertIn("Encoded authorization failure message: ", message)
        self.assertNotIn("aws:ResourceTag/team", message)
        self.assertNotIn("red", message.split("Encoded authorization failure message: ")[0])
        encoded = message.split("Encoded authorization failure message: ")[1]

        # The AWS CLI (v1 on PATH) decodes it for a caller allowed sts:DecodeAuthorizationMessage.
        out = subprocess.run(
            ["aws", "--endpoint-url", self.server.http, "sts", "decode-authorization-message",
             "--encoded-message", encoded, "--output", "json"],
            capture_output=True, text=True, env=fx.cli_env(self.server), timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        decoded = json.loads(json.loads(out.stdout)["DecodedMessage"])
        self.assertFalse(decoded["allowed"])
        self.assertEqual(decoded["context"]["action"], "iam:GetRole")
        self.assertIn("aws:ResourceTag/team", decoded["explanation"])
        self.assertIn('"red"', decoded["explanation"])
        keys = {item["key"] for item in decoded["context"]["conditions"]["items"]}
        self.assertIn("aws:resourcetag/team", keys)

        # The reader itself may not decode it.
        sts_reader = client(self.server, "sts", *_credentials(self.iam, "reader"))
        denied(self, sts_reader.decode_authorization_message, EncodedMessage=encoded)
        # A tampered message does not decode.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(self.server, "sts").decode_authorization_message(
                EncodedMessage=encoded[:-4] + ("AAAA" if not encoded.endswith("AAAA") else "BBBB"))
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "InvalidAuthorizationMessageException")

        # The audit log has the full explanation.
        self.server.stop(remove=False)
        try:
            with open(os.path.join(self.server.data_dir, "audit.log")) as f:
                audit = [json.loads(line) for line in f if line.strip()]
        finally:
            self.server.start()
        full = [a for a in audit if a.get("event") == "iam:GetRole" and a.get("decision") == "deny"]
        self.assertTrue(full, audit)
        self.assertIn("aws:ResourceTag/team", full[-1]["reason"])


def _credentials(iam, user):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


if __name__ == "__main__":
    unittest.main()
