"""Issue 12 end to end: requests bound to their signatures, attacked as a third party would.

Every test here is an attack that succeeded before the fix: each asserts the refusal and that
nothing happened (no credentials issued, no entity created).
"""
import hashlib
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


if __name__ == "__main__":
    unittest.main()
