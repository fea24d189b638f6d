"""Issue 5 end to end: STS (AssumeRoleWithWebIdentity, AssumeRole, session credentials) with real
clients — AWS CLI v1 and v2, boto3 and botocore's own web-identity credential provider — against
a real `irsa serve`, with tokens from irsa's hosted issuers (`irsa token`) and from a remote OIDC
issuer served over HTTPS by this test."""
import base64
import concurrent.futures
import datetime
import hashlib
import hmac
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import uuid

import boto3
import botocore
from botocore.config import Config
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import irsa_fixture as fx
import sigv4

ACCOUNT = fx.ACCOUNT_ID
OTHER_ACCOUNT = "444455556666"
AUD = "sts.amazonaws.com"
REMOTE_SUB = "system:serviceaccount:remote:app"


def role_arn(name, account=ACCOUNT):
    return "arn:aws:iam::%s:role/%s" % (account, name)


def client(service, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None, creds=None):
    if creds is not None:
        key_id, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
    return boto3.client(service, endpoint_url=SERVER.http, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token, config=Config(retries={"max_attempts": 1}))


def unsigned_sts():
    return boto3.client("sts", endpoint_url=SERVER.http, region_name="us-east-1",
                        config=Config(signature_version=botocore.UNSIGNED,
                                      retries={"max_attempts": 1}))


def policy_doc(action, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


def web_identity_trust(provider_arn, sub, operator="StringEquals"):
    host = provider_arn.split(":oidc-provider/", 1)[1]
    condition = {"StringEquals": {host + ":aud": AUD}}
    condition.setdefault(operator, {})[host + ":sub"] = sub
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]})


def aws_trust(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_role(name, trust, max_session=None):
    kw = {"MaxSessionDuration": max_session} if max_session else {}
    return client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)["Role"]


# ---- tokens ----

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj):
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def compact(header, claims, sign):
    signing_input = b64url_json(header) + "." + b64url_json(claims)
    return signing_input + "." + b64url(sign(signing_input.encode()))


def flip_char(text, index):
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1:]


_TOKENS = {}


def irsa_token(sa, namespace="default", cluster="my-cluster", audience=None, fresh=False):
    """A service-account token minted by `irsa token` (cached per arguments unless fresh)."""
    key = (sa, namespace, cluster, audience)
    if fresh or key not in _TOKENS:
        cmd = [fx.binary(), "token", "--data-dir", SERVER.data_dir, "--cluster", cluster,
               "--namespace", namespace, "--service-account", sa]
        if audience:
            cmd += ["--audience", audience]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise AssertionError("irsa token failed: " + out.stderr)
        _TOKENS[key] = out.stdout.strip()
    return _TOKENS[key]


# ---- a remote OIDC issuer over HTTPS ----

def make_certificate(directory):
    cert, key = os.path.join(directory, "issuer.pem"), os.path.join(directory, "issuer.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class RemoteIssuer:
    """Serves /.well-known/openid-configuration and /keys on 127.0.0.1 as https://localhost:PORT
    and signs RS256 tokens with the keys it publishes."""

    def __init__(self, cert, key):
        self.keys = []  # [(kid, private key)], published in this order
        self.hits = {"discovery": 0, "keys": 0}
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    issuer.hits["discovery"] += 1
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/keys",
                            "response_types_supported": ["id_token"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    issuer.hits["keys"] += 1
                    body = {"keys": [issuer.jwk(kid, k) for kid, k in list(issuer.keys)]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "public, max-age=60")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = "https://localhost:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    @staticmethod
    def new_key():
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @staticmethod
    def jwk(kid, private_key):
        numbers = private_key.public_key().public_numbers()

        def enc(n):
            return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": enc(numbers.n), "e": enc(numbers.e)}

    def add_key(self):
        kid = "remote-" + uuid.uuid4().hex[:12]
        self.keys.append((kid, self.new_key()))
        return kid

    def private_key(self, kid):
        return dict(self.keys)[kid]

    def claims(self, **overrides):
        now = int(time.time())
        claims = {"iss": self.url, "sub": REMOTE_SUB, "aud": [AUD], "iat": now, "nbf": now,
                  "exp": now + 600}
        claims.update(overrides)
        return claims

    def sign(self, kid, claims=None, key=None, alg="RS256", with_kid=True):
        key = key or self.private_key(kid)
        header = {"alg": alg, "typ": "JWT"}
        if with_kid:
            header["kid"] = kid
        return compact(header, claims or self.claims(),
                       lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256()))

    def public_pem(self, kid):
        return self.private_key(kid).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def stop(self):
        if self.running:
            self.running = False
            self.httpd.shutdown()
            self.httpd.server_close()


# ---- module fixture: one irsa server, one hosted cluster, two remote issuers ----

SERVER = None
TMP = None
ISSUERS = {}    # "hosted", "unregistered", "remote", "rotating" -> issuer URL
PROVIDERS = {}  # same keys (except "unregistered") -> provider ARN
REMOTE = None    # RemoteIssuer for crafted tokens
ROTATING = None  # RemoteIssuer whose keys rotate and which goes down
PRIMED = {}      # first use of ROTATING: time and outcome


def setUpModule():
    global SERVER, TMP, REMOTE, ROTATING
    TMP = tempfile.mkdtemp(prefix="irsa-sts-e2e-")
    cert, key = make_certificate(TMP)
    REMOTE = RemoteIssuer(cert, key)
    REMOTE.add_key()
    ROTATING = RemoteIssuer(cert, key)
    ROTATING.add_key()
    SERVER = fx.IrsaServer(extra_args=["--oidc-ca-bundle", cert]).start()
    try:
        for name in ("my-cluster", "unregistered-cluster"):
            out = subprocess.run([fx.binary(), "cluster", "create", name, "--data-dir",
                                  SERVER.data_dir], capture_output=True, text=True, timeout=30)
            if out.returncode != 0:
                raise RuntimeError("irsa cluster create failed: " + out.stderr)
        eks = client("eks")
        ISSUERS["hosted"] = eks.describe_cluster(name="my-cluster")["cluster"]["identity"]["oidc"]["issuer"]
        ISSUERS["unregistered"] = eks.describe_cluster(
            name="unregistered-cluster")["cluster"]["identity"]["oidc"]["issuer"]
        ISSUERS["remote"] = REMOTE.url
        ISSUERS["rotating"] = ROTATING.url
        iam = client("iam")
        for name in ("hosted", "remote", "rotating"):
            PROVIDERS[name] = iam.create_open_id_connect_provider(
                Url=ISSUERS[name], ClientIDList=[AUD])["OpenIDConnectProviderArn"]
        create_role("remote-role", web_identity_trust(PROVIDERS["remote"], REMOTE_SUB))
        create_role("rotating-role", web_identity_trust(PROVIDERS["rotating"], REMOTE_SUB))
        # The rotating issuer's keys are fetched now, so that its unknown-kid refetch (at most one
        # per 30 s per issuer) is allowed again by the time its test runs.
        PRIMED["kid"] = ROTATING.keys[0][0]
        PRIMED["at"] = time.monotonic()
        try:
            PRIMED["result"] = unsigned_sts().assume_role_with_web_identity(
                RoleArn=role_arn("rotating-role"), RoleSessionName="primed",
                WebIdentityToken=ROTATING.sign(PRIMED["kid"]))
        except botocore.exceptions.ClientError as err:
            PRIMED["error"] = err.response["Error"]
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if SERVER:
        SERVER.stop()
    for issuer in (REMOTE, ROTATING):
        if issuer:
            issuer.stop()
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


class StsTestCase(unittest.TestCase):
    def assertError(self, ctx, code, status, *fragments):
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status, err)
        self.assertEqual(err.get("Type", "Sender"), "Sender")
        for fragment in fragments:
            self.assertIn(fragment, err["Message"])
        return err["Message"]

    def assume_web(self, role, token, session="test-session", **kw):
        return unsigned_sts().assume_role_with_web_identity(
            RoleArn=role_arn(role) if not role.startswith("arn:") else role,
            RoleSessionName=session, WebIdentityToken=token, **kw)

    def assert_web_denied(self, role, token, code, status, *fragments, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume_web(role, token, **kw)
        return self.assertError(ctx, code, status, *fragments)

    def assertExpiresIn(self, when, seconds, started):
        """`when` is `seconds` after the call, which began at `started` (time.time())."""
        if isinstance(when, str):
            when = datetime.datetime.fromisoformat(when.replace("Z", "+00:00"))
        self.assertGreaterEqual(when.timestamp(), int(started) + seconds - 1)
        self.assertLessEqual(when.timestamp(), time.time() + seconds + 1)


# ---- 1. exchanging irsa tokens with boto3 and the CLIs; using the credentials ----

class WebIdentityClientsTest(StsTestCase):
    @classmethod
    def setUpClass(cls):
        iam = client("iam")
        cls.provider = PROVIDERS["hosted"]
        cls.role = create_role("app-role", web_identity_trust(
            cls.provider, "system:serviceaccount:default:my-sa"), max_session=7200)
        create_role("target-role", aws_trust(ACCOUNT))
        iam.put_role_policy(RoleName="app-role", PolicyName="get-target",
                            PolicyDocument=policy_doc("iam:GetRole", role_arn("target-role")))

    def test_irsa_token_count_mints_distinct_usable_tokens(self):
        out = subprocess.run([fx.binary(), "token", "--data-dir", SERVER.data_dir, "--cluster",
                              "my-cluster", "--service-account", "my-sa", "--count", "3"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        tokens = out.stdout.split()
        self.assertEqual(len(tokens), 3)
        self.assertEqual(len(set(tokens)), 3)
        uids = set()
        for i, token in enumerate(tokens):
            claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))
            uids.add(claims["kubernetes.io"]["serviceaccount"]["uid"])
            got = self.assume_web("app-role", token, session="count-%d" % i)
            self.assertEqual(got["SubjectFromWebIdentityToken"],
                             "system:serviceaccount:default:my-sa")
        self.assertEqual(len(uids), 3)
        bad = subprocess.run([fx.binary(), "token", "--data-dir", SERVER.data_dir, "--cluster",
                              "my-cluster", "--service-account", "my-sa", "--count", "0"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--count", bad.stderr)

    def check_result(self, out, session, duration, started):
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/app-role/%s" % (ACCOUNT, session))
        self.assertEqual(out["AssumedRoleUser"]["AssumedRoleId"],
                         "%s:%s" % (self.role["RoleId"], session))
        self.assertEqual(out["Provider"], self.provider)
        self.assertEqual(out["Audience"], AUD)
        self.assertEqual(out["SubjectFromWebIdentityToken"], "system:serviceaccount:default:my-sa")
        creds = out["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertTrue(creds["SessionToken"])
        self.assertNotIn("PackedPolicySize", out)
        self.assertNotIn("SourceIdentity", out)
        self.assertExpiresIn(creds["Expiration"], duration, started)

    def test_boto3_exchange_and_use_credentials(self):
        started = time.time()
        out = self.assume_web("app-role", irsa_token("my-sa"), session="boto3-session",
                              DurationSeconds=1800)
        self.check_result(out, "boto3-session", 1800, started)
        started = time.time()
        out = self.assume_web("app-role", irsa_token("my-sa"), session="boto3-default")
        self.check_result(out, "boto3-default", 3600, started)
        creds = out["Credentials"]

        ident = client("sts", creds=creds).get_caller_identity()
        self.assertEqual(ident["Arn"], out["AssumedRoleUser"]["Arn"])
        self.assertEqual(ident["UserId"], self.role["RoleId"] + ":boto3-default")
        self.assertEqual(ident["Account"], ACCOUNT)

        iam = client("iam", creds=creds)
        self.assertEqual(iam.get_role(RoleName="target-role")["Role"]["Arn"], role_arn("target-role"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_role(RoleName="app-role")
        self.assertError(ctx, "AccessDenied", 403, "iam:GetRole", role_arn("app-role"),
                         out["AssumedRoleUser"]["Arn"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.list_roles()
        self.assertError(ctx, "AccessDenied", 403, "iam:ListRoles")

    def test_session_policy_intersection(self):
        deny_get = policy_doc("iam:GetRole", effect="Deny")
        out = self.assume_web("app-role", irsa_token("my-sa"), session="denied-by-session",
                              Policy=deny_get)
        self.assertGreater(out["PackedPolicySize"], 0)
        self.assertLessEqual(out["PackedPolicySize"], 100)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("iam", creds=out["Credentials"]).get_role(RoleName="target-role")
        self.assertError(ctx, "AccessDenied", 403, "iam:GetRole")

        # A session policy never grants more than the role: iam:* still leaves ListRoles denied.
        out = self.assume_web("app-role", irsa_token("my-sa"), session="wide-session",
                              Policy=policy_doc("iam:*"))
        iam = client("iam", creds=out["Credentials"])
        self.assertEqual(iam.get_role(RoleName="target-role")["Role"]["RoleName"], "target-role")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.list_roles()
        self.assertError(ctx, "AccessDenied", 403, "iam:ListRoles")

        # A session policy that allows something else denies GetRole implicitly.
        out = self.assume_web("app-role", irsa_token("my-sa"), session="narrow-session",
                              Policy=policy_doc("s3:GetObject"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("iam", creds=out["Credentials"]).get_role(RoleName="target-role")
        self.assertError(ctx, "AccessDenied", 403, "iam:GetRole")

        # Managed session policies (PolicyArns) intersect the same way.
        arn = client("iam").create_policy(PolicyName="session-get-target",
                                          PolicyDocument=policy_doc("iam:GetRole"))["Policy"]["Arn"]
        out = self.assume_web("app-role", irsa_token("my-sa"), session="managed-session",
                              PolicyArns=[{"arn": arn}])
        self.assertIn("PackedPolicySize", out)
        iam = client("iam", creds=out["Credentials"])
        self.assertEqual(iam.get_role(RoleName="target-role")["Role"]["RoleName"], "target-role")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_role(RoleName="app-role")
        self.assertError(ctx, "AccessDenied", 403, "iam:GetRole")

    def run_cli(self, cli, args, creds=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                    "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                    "AWS_EC2_METADATA_DISABLED": "true", "HOME": TMP})
        if creds:
            env.update({"AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
                        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                        "AWS_SESSION_TOKEN": creds["SessionToken"]})
        return subprocess.run([cli, "--endpoint-url", SERVER.http, "--output", "json"] + args,
                              capture_output=True, text=True, env=env, timeout=60)

    def test_cli_v1_and_v2(self):
        clis = [c for c in (fx.aws_v1(), fx.aws_v2()) if c]
        self.assertEqual(len(clis), 2, "both AWS CLI v1 and v2 must be installed")
        good, other = irsa_token("my-sa"), irsa_token("other-sa")
        started = {}

        def exchange(cli):
            # No credentials at all in the environment: the call is unsigned.
            session = "cli-v1" if cli != "/usr/bin/aws" else "cli-v2"
            started[cli] = time.time()
            args = ["sts", "assume-role-with-web-identity", "--role-arn", role_arn("app-role"),
                    "--role-session-name", session, "--web-identity-token"]
            return session, self.run_cli(cli, args + [good, "--duration-seconds", "900"])

        def use(cli, args, creds=None):
            return self.run_cli(cli, args, creds)

        # The CLIs start slowly: run independent invocations concurrently.
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            exchanged = {cli: pool.submit(exchange, cli) for cli in clis}
            refused = {cli: pool.submit(use, cli, [
                "sts", "assume-role-with-web-identity", "--role-arn", role_arn("app-role"),
                "--role-session-name", "refused", "--web-identity-token", other]) for cli in clis}
            results, calls = {}, {}
            for cli in clis:
                session, out = exchanged[cli].result()
                self.assertEqual(out.returncode, 0, (cli, out.stderr))
                results[cli] = (session, json.loads(out.stdout))
                creds = results[cli][1]["Credentials"]
                calls[cli] = [pool.submit(use, cli, args, creds) for args in (
                    ["sts", "get-caller-identity"],
                    ["iam", "get-role", "--role-name", "target-role"],
                    ["iam", "get-role", "--role-name", "app-role"])]
            for cli in clis:
                with self.subTest(cli=cli):
                    session, result = results[cli]
                    self.check_result(result, session, 900, started[cli])
                    ident, allowed, denied = (f.result() for f in calls[cli])
                    self.assertEqual(ident.returncode, 0, ident.stderr)
                    ident = json.loads(ident.stdout)
                    self.assertEqual(ident["Arn"], result["AssumedRoleUser"]["Arn"])
                    self.assertEqual(ident["UserId"], "%s:%s" % (self.role["RoleId"], session))
                    self.assertEqual(allowed.returncode, 0, allowed.stderr)
                    self.assertEqual(json.loads(allowed.stdout)["Role"]["Arn"],
                                     role_arn("target-role"))
                    self.assertNotEqual(denied.returncode, 0)
                    self.assertIn("(AccessDenied)", denied.stderr)
                    self.assertIn("iam:GetRole", denied.stderr)
                    out = refused[cli].result()
                    self.assertNotEqual(out.returncode, 0)
                    self.assertIn("(AccessDenied)", out.stderr)
                    self.assertIn("system:serviceaccount:default:other-sa", out.stderr)


# ---- 2. botocore's own web-identity credential provider ----

PROVIDER_PROGRAM = r"""
import json, os, sys
import boto3

out = {}
first = boto3.session.Session()
creds = first.get_credentials()
out["method"] = creds.method
ident = first.client("sts").get_caller_identity()
out["arn"], out["user_id"] = ident["Arn"], ident["UserId"]
out["role"] = first.client("iam").get_role(RoleName=sys.argv[1])["Role"]["Arn"]
out["key"] = creds.get_frozen_credentials().access_key

def second_session(token_path):
    # A new session builds a new provider, which reads the token file again.
    with open(token_path) as src, open(os.environ["AWS_WEB_IDENTITY_TOKEN_FILE"], "w") as dst:
        dst.write(src.read())
    try:
        return boto3.session.Session().client("sts").get_caller_identity()["Arn"]
    except Exception as err:  # botocore.exceptions.ClientError from the STS call
        return "%s: %s" % (type(err).__name__, err)

out["denied"] = second_session(sys.argv[2])
out["allowed"] = second_session(sys.argv[3])
print(json.dumps(out))
"""


class BotocoreProviderTest(StsTestCase):
    def test_web_identity_provider_without_static_credentials(self):
        create_role("pod-role", web_identity_trust(PROVIDERS["hosted"],
                                                   "system:serviceaccount:apps:pod-sa"))
        client("iam").put_role_policy(RoleName="pod-role", PolicyName="self",
                                      PolicyDocument=policy_doc("iam:GetRole", role_arn("pod-role")))
        work = tempfile.mkdtemp(dir=TMP)
        paths = {}
        for name, sa in (("token", "pod-sa"), ("wrong", "not-pod-sa"), ("renewed", "pod-sa")):
            paths[name] = os.path.join(work, name)
            with open(paths[name], "w") as f:
                f.write(irsa_token(sa, namespace="apps", fresh=True))
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ROLE_ARN": role_arn("pod-role"),
            "AWS_WEB_IDENTITY_TOKEN_FILE": paths["token"],
            "AWS_ROLE_SESSION_NAME": "pod-session",
            "AWS_ENDPOINT_URL_STS": SERVER.http,
            "AWS_ENDPOINT_URL_IAM": SERVER.http,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_STS_REGIONAL_ENDPOINTS": "regional",
            "AWS_CONFIG_FILE": os.path.join(work, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": work,
        })
        out = subprocess.run([sys.executable, "-c", PROVIDER_PROGRAM, "pod-role", paths["wrong"],
                              paths["renewed"]], capture_output=True, text=True, env=env,
                             timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        arn = "arn:aws:sts::%s:assumed-role/pod-role/pod-session" % ACCOUNT
        self.assertEqual(result["method"], "assume-role-with-web-identity")
        self.assertEqual(result["arn"], arn)
        self.assertTrue(result["user_id"].startswith("AROA"))
        self.assertTrue(result["user_id"].endswith(":pod-session"))
        self.assertTrue(result["key"].startswith("ASIA"))
        self.assertEqual(result["role"], role_arn("pod-role"))
        self.assertIn("AccessDenied", result["denied"])
        self.assertIn("system:serviceaccount:apps:not-pod-sa", result["denied"])
        self.assertEqual(result["allowed"], arn)


# ---- 3. web-identity denials ----

class WebIdentityErrorsTest(StsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.provider = PROVIDERS["hosted"]
        cls.host = ISSUERS["hosted"][len("https://"):]
        create_role("strict-role", web_identity_trust(cls.provider,
                                                      "system:serviceaccount:default:my-sa"))
        create_role("ns-role", web_identity_trust(cls.provider, "system:serviceaccount:team-a:*",
                                                  operator="StringLike"))

    def test_wrong_sub(self):
        self.assert_web_denied("strict-role", irsa_token("intruder"), "AccessDenied", 403,
                               "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                               self.host + ":sub", "system:serviceaccount:default:my-sa",
                               "system:serviceaccount:default:intruder")

    def test_wrong_audience(self):
        self.assert_web_denied("strict-role", irsa_token("my-sa", audience="vault"),
                               "InvalidIdentityToken", 400, "Incorrect token audience", '"vault"',
                               AUD, self.provider)

    def test_unknown_issuer(self):
        self.assert_web_denied(
            "strict-role", irsa_token("my-sa", cluster="unregistered-cluster"),
            "InvalidIdentityToken", 400,
            "No OpenIDConnect provider found in your account for " + ISSUERS["unregistered"])

    def test_role_in_another_account(self):
        self.assert_web_denied(
            role_arn("strict-role", OTHER_ACCOUNT), irsa_token("my-sa"), "InvalidIdentityToken",
            400, "No OpenIDConnect provider found in your account for " + ISSUERS["hosted"],
            OTHER_ACCOUNT)

    def test_role_path_is_dropped_from_the_assumed_role_arn(self):
        client("iam").create_role(RoleName="pathed-role", Path="/team/a/",
                                  AssumeRolePolicyDocument=web_identity_trust(
                                      self.provider, "system:serviceaccount:default:my-sa"))
        out = self.assume_web("arn:aws:iam::%s:role/team/a/pathed-role" % ACCOUNT,
                              irsa_token("my-sa"), session="pathed")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/pathed-role/pathed" % ACCOUNT)

    def test_role_that_does_not_exist(self):
        self.assert_web_denied("no-such-role", irsa_token("my-sa"), "AccessDenied", 403,
                               "Not authorized to perform sts:AssumeRoleWithWebIdentity")

    def test_bad_signature(self):
        token = irsa_token("my-sa")
        signature_start = token.rindex(".") + 1
        tampered = flip_char(token, signature_start + 10)
        message = self.assert_web_denied("strict-role", tampered, "InvalidIdentityToken", 400,
                                         "signature")
        self.assertNotIn(tampered, message)
        # Tampering with the claims breaks the signature as well.
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "system:serviceaccount:default:my-sa"
        claims["exp"] = claims["exp"] + 1
        self.assert_web_denied("strict-role", ".".join([header, b64url_json(claims), signature]),
                               "InvalidIdentityToken", 400, "signature")

    def test_truncated_and_oversized_tokens(self):
        token = irsa_token("my-sa")
        for truncated in (token[:len(token) // 2], token[:token.rindex(".")], "abcd"):
            self.assert_web_denied("strict-role", truncated, "InvalidIdentityToken", 400,
                                   "malformed token")
        oversized = token + "A" * (20001 - len(token))
        message = self.assert_web_denied(
            "strict-role", oversized, "ValidationError", 400, "webIdentityToken",
            "Member must have length less than or equal to 20000")
        self.assertNotIn(token, message)

    def test_namespace_wildcard(self):
        for sa in ("api", "worker"):
            out = self.assume_web("ns-role", irsa_token(sa, namespace="team-a"))
            self.assertEqual(out["SubjectFromWebIdentityToken"], "system:serviceaccount:team-a:" + sa)
        self.assert_web_denied("ns-role", irsa_token("api", namespace="team-b"), "AccessDenied",
                               403, "StringLike", "system:serviceaccount:team-a:*",
                               "system:serviceaccount:team-b:api")

    def test_duration_above_max_session_duration(self):
        message = self.assert_web_denied("strict-role", irsa_token("my-sa"), "ValidationError",
                                         400, DurationSeconds=7200)
        self.assertEqual(message,
                         "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                         "this role.")
        message = self.assert_web_denied("strict-role", irsa_token("my-sa"), "ValidationError",
                                         400, "durationSeconds", DurationSeconds=43201)
        started = time.time()
        out = self.assume_web("strict-role", irsa_token("my-sa"), DurationSeconds=3600)
        self.assertExpiresIn(out["Credentials"]["Expiration"], 3600, started)

    # Tokens crafted and signed with the remote issuer's keys.

    def test_expired_token(self):
        now = int(time.time())
        claims = REMOTE.claims(iat=now - 7200, nbf=now - 7200, exp=now - 1000)
        self.assert_web_denied("remote-role", REMOTE.sign(REMOTE.keys[0][0], claims),
                               "ExpiredTokenException", 400, "Token expired: current date/time",
                               str(now - 1000))

    def test_token_not_yet_valid(self):
        now = int(time.time())
        claims = REMOTE.claims(nbf=now + 1000)
        self.assert_web_denied("remote-role", REMOTE.sign(REMOTE.keys[0][0], claims),
                               "InvalidIdentityToken", 400, "nbf", str(now + 1000))

    def test_remote_token_claim_variants(self):
        kid = REMOTE.keys[0][0]
        out = self.assume_web("remote-role", REMOTE.sign(kid))
        self.assertEqual(out["Provider"], PROVIDERS["remote"])
        self.assertEqual(out["SubjectFromWebIdentityToken"], REMOTE_SUB)
        self.assertEqual(out["Audience"], AUD)
        # aud as a string; several audiences of which one is a client id; no kid at all.
        for claims, with_kid in ((REMOTE.claims(aud=AUD), True),
                                 (REMOTE.claims(aud=["vault", AUD]), True),
                                 (REMOTE.claims(), False)):
            out = self.assume_web("remote-role", REMOTE.sign(kid, claims, with_kid=with_kid))
            self.assertEqual(out["Audience"], AUD)
        now = int(time.time())
        for claims, code, fragment in (
                ({k: v for k, v in REMOTE.claims().items() if k != "sub"}, "InvalidIdentityToken",
                 "Missing a required claim: sub"),
                ({k: v for k, v in REMOTE.claims().items() if k != "aud"}, "InvalidIdentityToken",
                 "Missing a required claim: aud"),
                (REMOTE.claims(iat=now + 1000), "InvalidIdentityToken", "iat"),
                (REMOTE.claims(iat=now - 90000, nbf=now - 90000), "InvalidIdentityToken",
                 "Token too old"),
                (REMOTE.claims(iss=REMOTE.url.replace("https:", "http:")), "InvalidIdentityToken",
                 "https://")):
            with self.subTest(fragment=fragment):
                self.assert_web_denied("remote-role", REMOTE.sign(kid, claims), code, 400,
                                       fragment)

    def test_unsigned_call_ignores_a_signature(self):
        # AssumeRoleWithWebIdentity needs no signature; a bogus one is ignored, not rejected.
        body = urllib.parse.urlencode({
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
            "RoleArn": role_arn("strict-role"), "RoleSessionName": "signed-anyway",
            "WebIdentityToken": irsa_token("my-sa")})
        headers = sigv4.sign("POST", SERVER.http + "/", body, "AKIAUNKNOWNKEY000000", "x" * 40)
        req = urllib.request.Request(SERVER.http + "/", data=body.encode(), headers=headers)
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        self.assertIn("assumed-role/strict-role/signed-anyway", text)
        # AssumeRole is not unsigned.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            boto3.client("sts", endpoint_url=SERVER.http, region_name="us-east-1",
                         config=Config(signature_version=botocore.UNSIGNED)).assume_role(
                RoleArn=role_arn("strict-role"), RoleSessionName="x1")
        self.assertError(ctx, "MissingAuthenticationToken", 403)

    def test_malformed_session_policy(self):
        self.assert_web_denied("strict-role", irsa_token("my-sa"), "MalformedPolicyDocument", 400,
                               Policy="{not json")
        self.assert_web_denied("strict-role", irsa_token("my-sa"), "MalformedPolicyDocument", 400,
                               PolicyArns=[{"arn": "arn:aws:iam::%s:policy/nope" % ACCOUNT}])

    def test_alg_none(self):
        kid = REMOTE.keys[0][0]
        header = {"alg": "none", "kid": kid, "typ": "JWT"}
        token = compact(header, REMOTE.claims(), lambda _: b"")
        self.assert_web_denied("remote-role", token, "InvalidIdentityToken", 400, "unsigned")
        token = compact(header, REMOTE.claims(), lambda _: b"not-a-signature")
        self.assert_web_denied("remote-role", token, "InvalidIdentityToken", 400,
                               'unsupported alg "none"')

    def test_hs256_with_the_public_key_as_secret(self):
        kid = REMOTE.keys[0][0]
        for secret in (REMOTE.public_pem(kid),
                       json.dumps(RemoteIssuer.jwk(kid, REMOTE.private_key(kid))).encode()):
            token = compact({"alg": "HS256", "kid": kid, "typ": "JWT"}, REMOTE.claims(),
                            lambda data: hmac.new(secret, data, hashlib.sha256).digest())
            self.assert_web_denied("remote-role", token, "InvalidIdentityToken", 400, "HS256")

    def test_unknown_kid_and_foreign_key(self):
        stranger = RemoteIssuer.new_key()
        token = REMOTE.sign("no-such-kid", key=stranger)
        self.assert_web_denied("remote-role", token, "InvalidIdentityToken", 400,
                               "Couldn't retrieve verification key from your identity provider",
                               "no-such-kid")
        # A known kid on a signature made by another key.
        token = REMOTE.sign(REMOTE.keys[0][0], key=stranger)
        self.assert_web_denied("remote-role", token, "InvalidIdentityToken", 400, "signature")


# ---- 4. a remote issuer that rotates its keys and then goes down ----

class SessionTagsFromTokenTest(StsTestCase):
    """Session tags and the source identity an IdP puts in the token (the
    https://aws.amazon.com/tags and https://aws.amazon.com/source_identity claims)."""

    @classmethod
    def setUpClass(cls):
        cls.kid = REMOTE.keys[0][0]
        trust = json.loads(web_identity_trust(PROVIDERS["remote"], REMOTE_SUB))
        trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession",
                                           "sts:SetSourceIdentity"]
        create_role("token-tags-role", json.dumps(trust))
        # Reading roles is allowed only to sessions tagged team=payments.
        client("iam").put_role_policy(
            RoleName="token-tags-role", PolicyName="by-tag", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "payments"}}}]}))
        create_role("no-tag-session-role", web_identity_trust(PROVIDERS["remote"], REMOTE_SUB))

    def token(self, tags=None, source_identity=None):
        extra = {}
        if tags is not None:
            extra["https://aws.amazon.com/tags"] = tags
        if source_identity is not None:
            extra["https://aws.amazon.com/source_identity"] = source_identity
        return REMOTE.sign(self.kid, REMOTE.claims(**extra))

    def test_tags_and_source_identity_reach_the_session(self):
        out = self.assume_web("token-tags-role", self.token(
            {"principal_tags": {"team": ["payments"], "env": "prod"},
             "transitive_tag_keys": ["team"]}, source_identity="alice"))
        self.assertEqual(out["SourceIdentity"], "alice")
        self.assertIn("PackedPolicySize", out)  # tags count against the packed size
        iam = client("iam", creds=out["Credentials"])
        self.assertEqual(iam.get_role(RoleName="token-tags-role")["Role"]["RoleName"],
                         "token-tags-role")

        other = self.assume_web("token-tags-role", self.token(
            {"principal_tags": {"team": ["billing"]}}))
        self.assertNotIn("SourceIdentity", other)
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            client("iam", creds=other["Credentials"]).get_role(RoleName="token-tags-role")
        self.assertError(denied, "AccessDenied", 403, "iam:GetRole")

    def test_trust_policy_must_allow_tag_session_and_set_source_identity(self):
        self.assert_web_denied("no-tag-session-role",
                               self.token({"principal_tags": {"team": ["payments"]}}),
                               "AccessDenied", 403, "sts:TagSession")
        self.assert_web_denied("no-tag-session-role", self.token(source_identity="alice"),
                               "AccessDenied", 403, "sts:SetSourceIdentity")
        # Without tags or a source identity the same role is assumed.
        self.assertIn("Credentials", self.assume_web("no-tag-session-role", self.token()))

    def test_malformed_claims(self):
        for tags, fragment in (
                (["team"], "must be a JSON object"),
                ({"principal_tags": {"team": ["a", "b"]}}, "must be one string"),
                ({"principal_tags": {"team": 7}}, "is not a string"),
                ({"principal_tags": {"aws:team": "x"}}, "invalid tag key"),
                ({"principal_tags": {"team": "x" * 257}}, "invalid value for tag"),
                ({"principal_tags": {"Team": "a", "team": "b"}}, "duplicate tag key"),
                ({"principal_tags": {"k%d" % i: "v" for i in range(51)}}, "more than 50"),
                ({"principal_tags": {"team": "a"}, "transitive_tag_keys": ["env"]},
                 "is not one of the principal_tags")):
            with self.subTest(fragment=fragment):
                self.assert_web_denied("token-tags-role", self.token(tags),
                                       "InvalidIdentityToken", 400, fragment)
        for value in ("a", "x" * 65, "aws:me", "bad value", 42):
            with self.subTest(source_identity=value):
                self.assert_web_denied("token-tags-role", self.token(source_identity=value),
                                       "InvalidIdentityToken", 400, "source identity")


class RemoteIssuerTest(StsTestCase):
    def test_rotation_and_outage(self):
        self.assertNotIn("error", PRIMED, PRIMED.get("error"))
        self.assertEqual(PRIMED["result"]["Provider"], PROVIDERS["rotating"])
        self.assertEqual(PRIMED["result"]["SubjectFromWebIdentityToken"], REMOTE_SUB)
        old_kid = PRIMED["kid"]
        fetched_at = PRIMED["at"]
        fetches = ROTATING.hits["keys"]
        self.assertEqual(fetches, 1)

        # The JWKS is cached for its max-age (60 s). Past it, the next call refetches.
        if time.monotonic() - fetched_at > 50:
            time.sleep(max(0.0, fetched_at + 61 - time.monotonic()))
            fetched_at = time.monotonic()
            self.assume_web("rotating-role", ROTATING.sign(old_kid))
            fetches += 1
            self.assertEqual(ROTATING.hits["keys"], fetches)
        # Within it, known kids are verified without any fetch.
        self.assume_web("rotating-role", ROTATING.sign(old_kid))
        self.assertEqual(ROTATING.hits["keys"], fetches)

        # Rotation: an unknown kid makes irsa refetch at once (at most once per 30 s per issuer),
        # although the cached set is still fresh.
        time.sleep(max(0.0, fetched_at + 31 - time.monotonic()))
        new_kid = ROTATING.add_key()
        out = self.assume_web("rotating-role", ROTATING.sign(new_kid), session="rotated")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/rotating-role/rotated" % ACCOUNT)
        self.assertEqual(ROTATING.hits["keys"], fetches + 1)

        # The issuer goes down: cached keys (old and new) keep STS working.
        ROTATING.stop()
        for kid in (old_kid, new_kid):
            out = self.assume_web("rotating-role", ROTATING.sign(kid), session="outage")
            self.assertEqual(out["SubjectFromWebIdentityToken"], REMOTE_SUB)
        # A kid it has never seen cannot be verified (the refetch is rate limited).
        stranger = RemoteIssuer.new_key()
        self.assert_web_denied("rotating-role", ROTATING.sign("unseen", key=stranger),
                               "InvalidIdentityToken", 400,
                               "Couldn't retrieve verification key from your identity provider",
                               "unseen")


# ---- AssumeRole (signed) and session credentials ----

class AssumeRoleTest(StsTestCase):
    @classmethod
    def setUpClass(cls):
        iam = client("iam")
        create_role("root-trusted", aws_trust(ACCOUNT), max_session=43200)
        create_role("external-id-role", aws_trust("arn:aws:iam::%s:root" % ACCOUNT,
                                                  {"StringEquals": {"sts:ExternalId": "ext-1234"}}))
        create_role("chain-source", web_identity_trust(PROVIDERS["hosted"],
                                                       "system:serviceaccount:default:chainer"))
        iam.put_role_policy(RoleName="chain-source", PolicyName="assume",
                            PolicyDocument=policy_doc("sts:AssumeRole"))
        create_role("chain-target", aws_trust(role_arn("chain-source")), max_session=43200)
        iam.create_user(UserName="dev")
        key = iam.create_access_key(UserName="dev")["AccessKey"]
        cls.dev = (key["AccessKeyId"], key["SecretAccessKey"])

    def test_root_allowed_by_trust_naming_the_account(self):
        role = client("iam").get_role(RoleName="root-trusted")["Role"]
        started = time.time()
        out = client("sts").assume_role(RoleArn=role_arn("root-trusted"), RoleSessionName="admin",
                                        DurationSeconds=7200)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/root-trusted/admin" % ACCOUNT)
        self.assertEqual(out["AssumedRoleUser"]["AssumedRoleId"], role["RoleId"] + ":admin")
        self.assertRegex(out["Credentials"]["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertExpiresIn(out["Credentials"]["Expiration"], 7200, started)
        self.assertNotIn("PackedPolicySize", out)
        ident = client("sts", creds=out["Credentials"]).get_caller_identity()
        self.assertEqual(ident["Arn"], out["AssumedRoleUser"]["Arn"])

    def test_user_needs_an_identity_policy(self):
        dev = client("sts", *self.dev)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            dev.assume_role(RoleArn=role_arn("root-trusted"), RoleSessionName="dev")
        self.assertError(ctx, "AccessDenied", 403,
                         "User: arn:aws:iam::%s:user/dev is not authorized to perform: "
                         "sts:AssumeRole on resource: %s" % (ACCOUNT, role_arn("root-trusted")))
        client("iam").put_user_policy(UserName="dev", PolicyName="assume",
                                      PolicyDocument=policy_doc("sts:AssumeRole",
                                                                role_arn("root-trusted")))
        out = dev.assume_role(RoleArn=role_arn("root-trusted"), RoleSessionName="dev")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/root-trusted/dev" % ACCOUNT)
        # The policy names one role only.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            dev.assume_role(RoleArn=role_arn("external-id-role"), RoleSessionName="dev",
                            ExternalId="ext-1234")
        self.assertError(ctx, "AccessDenied", 403, "user/dev", "sts:AssumeRole",
                         role_arn("external-id-role"))

    def test_external_id_condition(self):
        sts = client("sts")
        for kw in ({}, {"ExternalId": "ext-9999"}):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                sts.assume_role(RoleArn=role_arn("external-id-role"), RoleSessionName="vendor", **kw)
            self.assertError(ctx, "AccessDenied", 403, "sts:ExternalId")
        out = sts.assume_role(RoleArn=role_arn("external-id-role"), RoleSessionName="vendor",
                              ExternalId="ext-1234")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/external-id-role/vendor" % ACCOUNT)

    def test_role_that_does_not_exist(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts").assume_role(RoleArn=role_arn("no-such-role"), RoleSessionName="x1")
        self.assertError(ctx, "AccessDenied", 403, "sts:AssumeRole", role_arn("no-such-role"))

    def test_role_chaining_limit(self):
        web = self.assume_web("chain-source", irsa_token("chainer"), session="pod")
        chained_sts = client("sts", creds=web["Credentials"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            chained_sts.assume_role(RoleArn=role_arn("chain-target"), RoleSessionName="hop",
                                    DurationSeconds=7200)
        self.assertEqual(self.assertError(ctx, "ValidationError", 400),
                         "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                         "assumed by role chaining.")
        started = time.time()
        out = chained_sts.assume_role(RoleArn=role_arn("chain-target"), RoleSessionName="hop",
                                      DurationSeconds=3600)
        self.assertExpiresIn(out["Credentials"]["Expiration"], 3600, started)
        ident = client("sts", creds=out["Credentials"]).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::%s:assumed-role/chain-target/hop" % ACCOUNT)

    def test_tampered_session_token(self):
        out = client("sts").assume_role(RoleArn=role_arn("root-trusted"), RoleSessionName="tamper")
        creds = dict(out["Credentials"])
        token = creds["SessionToken"]
        for bad in (flip_char(token, len(token) // 2), token[:-8], "IRSA" + "A" * 200):
            creds["SessionToken"] = bad
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                client("sts", creds=creds).get_caller_identity()
            self.assertError(ctx, "InvalidClientTokenId", 403,
                             "The security token included in the request is invalid")
        # A session token with another session's access key id.
        other = client("sts").assume_role(RoleArn=role_arn("root-trusted"),
                                          RoleSessionName="other")["Credentials"]
        creds["SessionToken"] = other["SessionToken"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("sts", creds=creds).get_caller_identity()
        self.assertError(ctx, "InvalidClientTokenId", 403)
        creds["SessionToken"] = token
        self.assertEqual(client("sts", creds=creds).get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/root-trusted/tamper" % ACCOUNT)


# ---- 5. the audit log ----

class AuditLogTest(StsTestCase):
    def test_one_line_per_sts_decision_without_secrets(self):
        create_role("audited-role", web_identity_trust(PROVIDERS["hosted"],
                                                       "system:serviceaccount:audit:reader"))
        good_token = irsa_token("reader", namespace="audit", fresh=True)
        bad_token = irsa_token("writer", namespace="audit", fresh=True)
        ok = self.assume_web("audited-role", good_token, session="audit-ok")
        calls = {"allow": ok["ResponseMetadata"]["RequestId"]}
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            self.assume_web("audited-role", bad_token, session="audit-denied")
        calls["deny"] = denied.exception.response["ResponseMetadata"]["RequestId"]
        with self.assertRaises(botocore.exceptions.ClientError) as invalid:
            self.assume_web("audited-role", flip_char(good_token, len(good_token) - 20),
                            session="audit-bad-sig")
        calls["invalid"] = invalid.exception.response["ResponseMetadata"]["RequestId"]
        create_role("audited-assume", aws_trust(ACCOUNT))
        assumed = client("sts").assume_role(RoleArn=role_arn("audited-assume"),
                                            RoleSessionName="audit-assume")
        calls["assume"] = assumed["ResponseMetadata"]["RequestId"]
        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            client("sts").assume_role(RoleArn=role_arn("audited-role"),
                                      RoleSessionName="audit-refused")
        calls["refused"] = refused.exception.response["ResponseMetadata"]["RequestId"]

        def read_audit():
            with open(os.path.join(SERVER.data_dir, "audit.log")) as f:
                return f.read()
        # Audit lines are written in batches (within ~20 ms): wait for the last call's line.
        text = fx.poll(read_audit, lambda t: calls["refused"] in t)
        lines = [json.loads(line) for line in text.splitlines()]
        by_id = {}
        for line in lines:
            by_id.setdefault(line.get("request_id"), []).append(line)
        for name, request_id in calls.items():
            self.assertEqual(len(by_id.get(request_id, [])), 1, (name, request_id))

        allow = by_id[calls["allow"]][0]
        self.assertEqual(allow["event"], "AssumeRoleWithWebIdentity")
        self.assertEqual(allow["decision"], "allow")
        self.assertEqual(allow["subject"], "system:serviceaccount:audit:reader")
        self.assertEqual(allow["role"], role_arn("audited-role"))
        self.assertEqual(allow["session"], "audit-ok")
        self.assertEqual(allow["provider"], PROVIDERS["hosted"])
        self.assertEqual(allow["audience"], AUD)
        self.assertEqual(allow["principal"], ok["AssumedRoleUser"]["Arn"])
        self.assertEqual(allow["access_key_id"], ok["Credentials"]["AccessKeyId"])
        self.assertNotIn("reason", allow)

        deny = by_id[calls["deny"]][0]
        self.assertEqual(deny["decision"], "deny")
        self.assertEqual(deny["error"], "AccessDenied")
        self.assertEqual(deny["subject"], "system:serviceaccount:audit:writer")
        self.assertIn("system:serviceaccount:audit:reader", deny["reason"])
        self.assertEqual(deny["reason"], denied.exception.response["Error"]["Message"])

        invalid_line = by_id[calls["invalid"]][0]
        self.assertEqual(invalid_line["decision"], "deny")
        self.assertEqual(invalid_line["error"], "InvalidIdentityToken")
        self.assertTrue(invalid_line["reason"])

        line = by_id[calls["assume"]][0]
        self.assertEqual((line["event"], line["decision"]), ("AssumeRole", "allow"))
        self.assertEqual(line["principal"], "arn:aws:iam::%s:root" % ACCOUNT)
        self.assertEqual(line["access_key_id"], assumed["Credentials"]["AccessKeyId"])
        line = by_id[calls["refused"]][0]
        self.assertEqual((line["event"], line["decision"], line["error"]),
                         ("AssumeRole", "deny", "AccessDenied"))
        self.assertEqual(line["reason"], refused.exception.response["Error"]["Message"])

        # Every STS decision of the whole run has a request id and a decision; denials a reason.
        for line in lines:
            if line["event"] in ("AssumeRoleWithWebIdentity", "AssumeRole"):
                self.assertTrue(line.get("request_id"), line)
                self.assertIn(line["decision"], ("allow", "deny"), line)
                if line["decision"] == "deny":
                    self.assertTrue(line.get("reason") and line.get("error"), line)

        # Never a token or a secret: not this test's, nor any from the rest of the run.
        secrets = [fx.ADMIN_SECRET]
        for creds in (ok["Credentials"], assumed["Credentials"]):
            secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
        for token in [good_token, bad_token] + list(_TOKENS.values()):
            secrets += [token] + token.split(".")[1:]
        for secret in secrets:
            self.assertNotIn(secret, text)
        self.assertNotIn("eyJhbGci", text)  # no JWT header ('{"alg')


if __name__ == "__main__":
    unittest.main()
