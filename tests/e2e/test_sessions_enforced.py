"""Issue 12 end to end, sessions and chains: with boto3 against a real `irsa serve` —
session credentials are bound to their role's unique id (a role deleted and created again does
not revive old sessions), role chaining cannot change the source identity or override an
inherited transitive session tag and lasts at most one hour, and a web-identity token without
`iat` is held to the maximum token lifetime (signed in this test by a remote OIDC issuer that
irsa trusts through --oidc-ca-bundle)."""
import base64
import http.server
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
import botocore
from botocore.config import Config
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
ROOT = "arn:aws:iam::%s:root" % ACCOUNT
AUD = "sts.amazonaws.com"
SUB = "system:serviceaccount:remote:app"
MAX_TOKEN_LIFETIME = 86400  # irsa's default (StsOptions::max_token_lifetime_seconds)
CLOCK_SKEW = 300

SERVER = None
ISSUER = None
TMP = None


def role_arn(name):
    return "arn:aws:iam::%s:role/%s" % (ACCOUNT, name)


def client(service, creds=None):
    kw = {"aws_access_key_id": fx.ADMIN_KEY_ID, "aws_secret_access_key": fx.ADMIN_SECRET}
    if creds is not None:
        kw = {"aws_access_key_id": creds["AccessKeyId"],
              "aws_secret_access_key": creds["SecretAccessKey"],
              "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=SERVER.http, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}), **kw)


def unsigned_sts():
    return boto3.client("sts", endpoint_url=SERVER.http, region_name="us-east-1",
                        config=Config(signature_version=botocore.UNSIGNED,
                                      retries={"max_attempts": 1}))


def trust_account(actions=("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": list(actions)}]})


ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def create_admin_role(name, trust=None):
    iam = client("iam")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust or trust_account())
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    return role["Role"]


def delete_role(name):
    iam = client("iam")
    iam.delete_role_policy(RoleName=name, PolicyName="all")
    iam.delete_role(RoleName=name)


# ---- a remote OIDC issuer over HTTPS that signs whatever claims the test asks for ----

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj):
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


class RemoteIssuer:
    def __init__(self, cert, key):
        self.kid = "sessions-e2e"
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/keys",
                            "response_types_supported": ["id_token"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    body = {"keys": [issuer.jwk()]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://localhost:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def jwk(self):
        numbers = self.private_key.public_key().public_numbers()

        def enc(n):
            return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": enc(numbers.n), "e": enc(numbers.e)}

    def sign(self, claims):
        signing_input = b64url_json({"alg": "RS256", "kid": self.kid, "typ": "JWT"}) + "." + \
            b64url_json(claims)
        signature = self.private_key.sign(signing_input.encode(), padding.PKCS1v15(),
                                          hashes.SHA256())
        return signing_input + "." + b64url(signature)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def setUpModule():
    global SERVER, ISSUER, TMP
    TMP = tempfile.mkdtemp(prefix="irsa-sessions-e2e-")
    cert, key = os.path.join(TMP, "issuer.pem"), os.path.join(TMP, "issuer.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    ISSUER = RemoteIssuer(cert, key)
    try:
        SERVER = fx.IrsaServer(extra_args=["--oidc-ca-bundle", cert]).start()
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if ISSUER:
        ISSUER.stop()
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


EnforcedTestCase = fx.ClientErrorAssertions


class RoleBindingTest(EnforcedTestCase):
    def test_session_of_a_recreated_role_is_refused_while_a_new_session_works(self):
        old_role = create_admin_role("recreated")
        old = client("sts").assume_role(RoleArn=role_arn("recreated"), RoleSessionName="old")
        self.assertTrue(old["AssumedRoleUser"]["AssumedRoleId"].startswith(old_role["RoleId"]))
        old_iam = client("iam", creds=old["Credentials"])
        self.assertEqual(old_iam.get_role(RoleName="recreated")["Role"]["RoleId"],
                         old_role["RoleId"])

        delete_role("recreated")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            old_iam.list_roles()
        self.assertError(ctx, "AccessDenied", 403, role_arn("recreated"), "no longer exists")

        new_role = create_admin_role("recreated")
        self.assertNotEqual(new_role["RoleId"], old_role["RoleId"])
        new = client("sts").assume_role(RoleArn=role_arn("recreated"), RoleSessionName="new")
        new_iam = client("iam", creds=new["Credentials"])
        self.assertEqual(new_iam.get_role(RoleName="recreated")["Role"]["RoleId"],
                         new_role["RoleId"])
        # The old session gets nothing of the new role, before and after the new role's policies
        # are in the server's cache; it cannot chain either.
        for _ in range(2):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                old_iam.get_role(RoleName="recreated")
            self.assertError(ctx, "AccessDenied", 403, "no longer exists",
                             "created again", new_role["RoleId"], old_role["RoleId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", creds=old["Credentials"]).assume_role(
                RoleArn=role_arn("recreated"), RoleSessionName="chain")
        self.assertError(ctx, "AccessDenied", 403, "no longer exists")
        self.assertIn("recreated", [r["RoleName"] for r in new_iam.list_roles()["Roles"]])


class ChainingTest(EnforcedTestCase):
    @classmethod
    def setUpClass(cls):
        create_admin_role("chain-first")
        create_admin_role("chain-second")
        cls.first = client("sts").assume_role(
            RoleArn=role_arn("chain-first"), RoleSessionName="origin", SourceIdentity="alice",
            Tags=[{"Key": "Team", "Value": "payments"}, {"Key": "Project", "Value": "p1"}],
            TransitiveTagKeys=["Team"])
        cls.chained_sts = client("sts", creds=cls.first["Credentials"])

    def test_source_identity_cannot_change(self):
        self.assertEqual(self.first["SourceIdentity"], "alice")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                         RoleSessionName="chained", SourceIdentity="mallory")
        self.assertError(ctx, "AccessDenied", 403, "sts:SetSourceIdentity",
                         "cannot be changed")
        same = self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                            RoleSessionName="chained", SourceIdentity="alice")
        self.assertEqual(same["SourceIdentity"], "alice")
        kept = self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                            RoleSessionName="chained")
        self.assertEqual(kept["SourceIdentity"], "alice")

    def test_inherited_transitive_tag_cannot_be_overridden(self):
        for key in ("Team", "team"):
            with self.subTest(key=key):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                                 RoleSessionName="chained",
                                                 Tags=[{"Key": key, "Value": "other"}])
                self.assertError(ctx, "InvalidParameterValue", 400,
                                 "conflicts with a transitive tag key from the calling session")
        # A tag that was not transitive may be set again; the transitive one passes on.
        out = self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                           RoleSessionName="chained",
                                           Tags=[{"Key": "Project", "Value": "p2"}])
        second_iam = client("iam", creds=out["Credentials"])
        self.assertEqual(second_iam.get_role(RoleName="chain-second")["Role"]["RoleName"],
                         "chain-second")

    def test_chained_session_lasts_at_most_one_hour(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                         RoleSessionName="long", DurationSeconds=7200)
        self.assertError(ctx, "ValidationError", 400, "1 hour session limit")
        started = time.time()
        out = self.chained_sts.assume_role(RoleArn=role_arn("chain-second"),
                                           RoleSessionName="hour", DurationSeconds=3600)
        self.assertLessEqual(out["Credentials"]["Expiration"].timestamp(), time.time() + 3601)
        self.assertGreaterEqual(out["Credentials"]["Expiration"].timestamp(), started + 3599)


class TokenLifetimeTest(EnforcedTestCase):
    @classmethod
    def setUpClass(cls):
        provider = client("iam").create_open_id_connect_provider(
            Url=ISSUER.url, ClientIDList=[AUD])["OpenIDConnectProviderArn"]
        host = provider.split(":oidc-provider/", 1)[1]
        client("iam").create_role(RoleName="remote-web", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {host + ":sub": SUB, host + ":aud": AUD}}}]}))

    def exchange(self, claims):
        return unsigned_sts().assume_role_with_web_identity(
            RoleArn=role_arn("remote-web"), RoleSessionName="web",
            WebIdentityToken=ISSUER.sign(claims))

    def claims(self, lifetime, iat=True):
        now = int(time.time())
        claims = {"iss": ISSUER.url, "sub": SUB, "aud": [AUD], "exp": now + lifetime}
        if iat:
            claims["iat"] = now
        return claims

    def test_token_without_iat_beyond_the_maximum_lifetime_is_refused(self):
        self.assertIn("Credentials", self.exchange(self.claims(3600, iat=False)))
        for lifetime in (MAX_TOKEN_LIFETIME + CLOCK_SKEW + 120, 10 * 365 * 86400):
            with self.subTest(lifetime=lifetime):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    self.exchange(self.claims(lifetime, iat=False))
                self.assertError(ctx, "InvalidIdentityToken", 400, "Token lifetime too long",
                                 "no iat", "86400 s limit")
        # A token with iat is held to the same limit by exp - iat.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.exchange(self.claims(MAX_TOKEN_LIFETIME + 120))
        self.assertError(ctx, "InvalidIdentityToken", 400, "Token too old")


if __name__ == "__main__":
    unittest.main()
