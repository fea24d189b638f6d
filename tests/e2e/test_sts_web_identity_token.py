"""Issues 14 and 15: outbound web identity federation (IAM Enable/Disable/
GetOutboundWebIdentityFederationInfo) and STS GetWebIdentityToken with boto3 and the AWS CLI v1
(Debian's CLI v2 2.9 has no get-web-identity-token) against a real `irsa serve`. Tokens are
verified as an external service would: the issuer's discovery document and JWKS fetched over HTTPS,
the signature checked with the `cryptography` module, then audience and expiry."""
import base64
import json
import ssl
import subprocess
import time
import unittest
import urllib.request

import boto3
import botocore
from botocore.config import Config
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
NAMESPACE = "https://sts.amazonaws.com/"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_int(text):
    return int.from_bytes(b64url_decode(text), "big")


def trust_account():
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]})


class WebIdentityTokenTest(fx.ClientErrorAssertions):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer().start()
        cls.tls = ssl.create_default_context(cafile=cls.server.ca_bundle)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.iam = self.client("iam")
        self.sts = self.client("sts")

    def client(self, service, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None,
               validate=True):
        return boto3.client(service, endpoint_url=self.server.http, region_name="us-east-1",
                            aws_access_key_id=key_id, aws_secret_access_key=secret,
                            aws_session_token=token,
                            config=Config(retries={"max_attempts": 1},
                                          parameter_validation=validate))

    def fetch_json(self, url):
        with urllib.request.urlopen(url, context=self.tls, timeout=5) as response:
            self.assertEqual(response.status, 200)
            return json.loads(response.read())

    def verify(self, token, audience, issuer):
        """What an external verifier does: discovery, JWKS, signature, iss, aud, exp. Returns
        (header, claims)."""
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(payload_b64))
        self.assertEqual(claims["iss"], issuer)
        discovery = self.fetch_json(claims["iss"] + "/.well-known/openid-configuration")
        self.assertEqual(discovery["issuer"], issuer)
        self.assertEqual(discovery["jwks_uri"], issuer + "/.well-known/jwks.json")
        self.assertIn(header["alg"], discovery["id_token_signing_alg_values_supported"])
        jwks = self.fetch_json(discovery["jwks_uri"])
        [jwk] = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
        signed = (header_b64 + "." + payload_b64).encode()
        signature = b64url_decode(signature_b64)
        if header["alg"] == "RS256":
            self.assertEqual(jwk["kty"], "RSA")
            key = rsa.RSAPublicNumbers(b64url_int(jwk["e"]), b64url_int(jwk["n"])).public_key()
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            with self.assertRaises(InvalidSignature):
                key.verify(signature, signed + b"x", padding.PKCS1v15(), hashes.SHA256())
        else:
            self.assertEqual(header["alg"], "ES384")
            self.assertEqual((jwk["kty"], jwk["crv"]), ("EC", "P-384"))
            key = ec.EllipticCurvePublicNumbers(b64url_int(jwk["x"]), b64url_int(jwk["y"]),
                                                ec.SECP384R1()).public_key()
            self.assertEqual(len(signature), 96)
            der = utils.encode_dss_signature(int.from_bytes(signature[:48], "big"),
                                             int.from_bytes(signature[48:], "big"))
            key.verify(der, signed, ec.ECDSA(hashes.SHA384()))
            with self.assertRaises(InvalidSignature):
                key.verify(der, signed + b"x", ec.ECDSA(hashes.SHA384()))
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        self.assertIn(audience, audiences)
        now = time.time()
        self.assertGreater(claims["exp"], now)
        self.assertLessEqual(claims["nbf"], now + 1)
        return header, claims

    def enable(self):
        return self.iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]

    def test_enable_disable_and_info(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_outbound_web_identity_federation_info()
        self.assertError(ctx, "FeatureDisabled", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts.get_web_identity_token(Audience=["https://api.example.com"],
                                            SigningAlgorithm="RS256")
        self.assertError(ctx, "OutboundWebIdentityFederationDisabledException", 403)

        issuer = self.enable()
        self.assertRegex(issuer, r"^https://localhost:\d+/outbound/[0-9a-f]{32}$")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.enable_outbound_web_identity_federation()
        self.assertError(ctx, "FeatureEnabled", 409)
        info = self.iam.get_outbound_web_identity_federation_info()
        self.assertEqual((info["IssuerIdentifier"], info["JwtVendingEnabled"]), (issuer, True))
        token = self.sts.get_web_identity_token(Audience=["https://api.example.com"],
                                                SigningAlgorithm="RS256")["WebIdentityToken"]

        self.iam.disable_outbound_web_identity_federation()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.disable_outbound_web_identity_federation()
        self.assertError(ctx, "FeatureDisabled", 404)
        info = self.iam.get_outbound_web_identity_federation_info()
        self.assertEqual((info["IssuerIdentifier"], info["JwtVendingEnabled"]), (issuer, False))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts.get_web_identity_token(Audience=["https://api.example.com"],
                                            SigningAlgorithm="RS256")
        self.assertError(ctx, "OutboundWebIdentityFederationDisabledException", 403)
        # A token issued before disabling still verifies: the issuer stays served.
        self.verify(token, "https://api.example.com", issuer)
        # Re-enabling keeps the account's issuer URL.
        self.assertEqual(self.enable(), issuer)

    def test_tokens_verify_against_served_jwks(self):
        issuer = self.enable()
        started = time.time()
        out = self.sts.get_web_identity_token(Audience=["https://api.example.com"],
                                              SigningAlgorithm="ES384")
        header, claims = self.verify(out["WebIdentityToken"], "https://api.example.com", issuer)
        self.assertEqual(header["typ"], "JWT")
        self.assertEqual(claims["aud"], "https://api.example.com")
        self.assertEqual(claims["sub"], "arn:aws:iam::%s:root" % ACCOUNT)
        self.assertEqual(claims["exp"] - claims["iat"], 300)  # the default lifetime
        self.assertRegex(claims["jti"], r"^[0-9a-f-]{36}$")
        self.assertEqual(claims[NAMESPACE]["aws_account"], ACCOUNT)
        self.assertEqual(claims[NAMESPACE]["source_region"], "us-east-1")
        self.assertExpiresIn(out["Expiration"], 300, started)

        # An IAM user with tags, several audiences, request tags, RS256, the shortest lifetime.
        self.iam.create_user(UserName="app", Tags=[{"Key": "team", "Value": "data"}])
        self.iam.put_user_policy(UserName="app", PolicyName="tokens", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Resource": "*",
                "Action": ["sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken"]}]}))
        key = self.iam.create_access_key(UserName="app")["AccessKey"]
        sts = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        token = sts.get_web_identity_token(
            Audience=["https://a.example.com", "https://b.example.com"], SigningAlgorithm="RS256",
            DurationSeconds=60, Tags=[{"Key": "job", "Value": "42"}])["WebIdentityToken"]
        header, claims = self.verify(token, "https://b.example.com", issuer)
        self.assertEqual(header["alg"], "RS256")
        self.assertEqual(claims["aud"], ["https://a.example.com", "https://b.example.com"])
        self.assertEqual(claims["sub"], "arn:aws:iam::%s:user/app" % ACCOUNT)
        self.assertEqual(claims["exp"] - claims["iat"], 60)
        self.assertEqual(claims[NAMESPACE]["principal_id"], claims["sub"])
        self.assertEqual(claims[NAMESPACE]["principal_tags"], {"team": "data"})
        self.assertEqual(claims[NAMESPACE]["request_tags"], {"job": "42"})

        # A role session: sub is the role's ARN; its session tags are principal tags.
        role = self.iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust_account(),
                                    Tags=[{"Key": "tier", "Value": "batch"}])["Role"]
        self.iam.put_role_policy(RoleName="worker", PolicyName="tokens", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"}]}))
        self.iam.put_user_policy(UserName="app", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Resource": role["Arn"]}]}))
        creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=900,
                                Tags=[{"Key": "shard", "Value": "7"}])["Credentials"]
        session = self.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"],
                              creds["SessionToken"])
        token = session.get_web_identity_token(Audience=["https://api.example.com"],
                                               SigningAlgorithm="ES384")["WebIdentityToken"]
        _, claims = self.verify(token, "https://api.example.com", issuer)
        self.assertEqual(claims["sub"], role["Arn"])
        self.assertEqual(claims[NAMESPACE]["principal_tags"], {"tier": "batch", "shard": "7"})
        self.assertNotIn("request_tags", claims[NAMESPACE])
        # Passing tags needs sts:TagGetWebIdentityToken, which the role lacks.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            session.get_web_identity_token(Audience=["https://api.example.com"],
                                           SigningAlgorithm="ES384",
                                           Tags=[{"Key": "k", "Value": "v"}])
        self.assertError(ctx, "AccessDenied", 403, "sts:TagGetWebIdentityToken")
        # The token may not outlive the 900-second session.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            session.get_web_identity_token(Audience=["https://api.example.com"],
                                           SigningAlgorithm="ES384", DurationSeconds=3600)
        self.assertError(ctx, "SessionDurationEscalationException", 403)
        session.get_web_identity_token(Audience=["https://api.example.com"],
                                       SigningAlgorithm="ES384", DurationSeconds=600)

    def test_validation_and_limits(self):
        self.enable()
        sts = self.client("sts", validate=False)
        cases = [
            ({"Audience": ["x"], "SigningAlgorithm": "RS256", "DurationSeconds": 59},
             "at 'durationSeconds'"),
            ({"Audience": ["x"], "SigningAlgorithm": "RS256", "DurationSeconds": 3601},
             "at 'durationSeconds'"),
            ({"Audience": ["x"], "SigningAlgorithm": "HS256"}, "enum value set: [RS256, ES384]"),
            ({"Audience": ["x"], "SigningAlgorithm": "PS256x"}, "at 'signingAlgorithm'"),
            ({"Audience": ["a%d" % i for i in range(11)], "SigningAlgorithm": "RS256"},
             "at 'audience' failed to satisfy constraint: Member must have length less than or "
             "equal to 10"),
            ({"Audience": ["x" * 1001], "SigningAlgorithm": "RS256"}, "at 'audience.member'"),
            ({"SigningAlgorithm": "RS256"}, "at 'audience'"),
            ({"Audience": ["x"]}, "at 'signingAlgorithm'"),
        ]
        for params, fragment in cases:
            with self.subTest(params=str(params)[:80]):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    sts.get_web_identity_token(**params)
                self.assertError(ctx, "ValidationError", 400, fragment)
        sts.get_web_identity_token(Audience=["x"], SigningAlgorithm="RS256", DurationSeconds=3600)
        big = [{"Key": "k%03d" % i + "k" * 124, "Value": "v" * 256} for i in range(50)]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts.get_web_identity_token(Audience=["x"], SigningAlgorithm="RS256", Tags=big)
        self.assertError(ctx, "JWTPayloadSizeExceededException", 400)
        token = self.sts.get_web_identity_token(Audience=["x"], SigningAlgorithm="RS256",
                                                Tags=big[:20])["WebIdentityToken"]
        self.assertEqual(len(json.loads(b64url_decode(token.split(".")[1]))[NAMESPACE]
                             ["request_tags"]), 20)

    def test_policy_denying_an_audience_bites(self):
        self.enable()
        self.iam.create_user(UserName="app")
        self.iam.put_user_policy(UserName="app", PolicyName="tokens", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*",
                 "Condition": {"NumericLessThanEquals": {"sts:DurationSeconds": "300"},
                               "StringEquals": {"sts:SigningAlgorithm": "ES384"}}},
                {"Effect": "Deny", "Action": "sts:GetWebIdentityToken", "Resource": "*",
                 "Condition": {"ForAnyValue:StringEquals": {
                     "sts:IdentityTokenAudience": "https://evil.example.com"}}}]}))
        key = self.iam.create_access_key(UserName="app")["AccessKey"]
        sts = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        sts.get_web_identity_token(Audience=["https://good.example.com"], SigningAlgorithm="ES384")
        denied = [
            {"Audience": ["https://evil.example.com"], "SigningAlgorithm": "ES384"},
            {"Audience": ["https://good.example.com", "https://evil.example.com"],
             "SigningAlgorithm": "ES384"},
            {"Audience": ["https://good.example.com"], "SigningAlgorithm": "ES384",
             "DurationSeconds": 301},
            {"Audience": ["https://good.example.com"], "SigningAlgorithm": "RS256"},
        ]
        for params in denied:
            with self.subTest(params=params):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    sts.get_web_identity_token(**params)
                self.assertError(ctx, "AccessDenied", 403, "sts:GetWebIdentityToken")
        # Enabling the feature is an IAM action of its own.
        iam = self.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_outbound_web_identity_federation_info()
        self.assertError(ctx, "AccessDenied", 403,
                         "iam:GetOutboundWebIdentityFederationInfo")

    def test_aws_cli_v1(self):
        aws = fx.aws_v1()
        if aws is None:
            self.skipTest("AWS CLI v1 is not installed")
        help_text = subprocess.run([aws, "sts", "help"], capture_output=True, text=True,
                                   env=fx.cli_env(self.server)).stdout
        if "get-web-identity-token" not in help_text:
            self.skipTest("this AWS CLI v1 has no get-web-identity-token")

        def run(*args, check=True):
            out = subprocess.run([aws, *args, "--output", "json"], capture_output=True, text=True,
                                 env=fx.cli_env(self.server))
            if check:
                self.assertEqual(out.returncode, 0, out.stderr)
            return out

        # An audience without a URL scheme: CLI v1 fetches parameter values that are http(s) URLs.
        failed = run("sts", "get-web-identity-token", "--audience", "urn:example:api",
                     "--signing-algorithm", "ES384", check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("OutboundWebIdentityFederationDisabledException", failed.stderr)
        issuer = json.loads(run("iam", "enable-outbound-web-identity-federation").stdout)[
            "IssuerIdentifier"]
        info = json.loads(run("iam", "get-outbound-web-identity-federation-info").stdout)
        self.assertEqual(info, {"IssuerIdentifier": issuer, "JwtVendingEnabled": True})
        out = json.loads(run("sts", "get-web-identity-token", "--audience",
                             "urn:example:api", "--signing-algorithm", "ES384",
                             "--duration-seconds", "120", "--tags", "Key=job,Value=7").stdout)
        _, claims = self.verify(out["WebIdentityToken"], "urn:example:api", issuer)
        self.assertEqual(claims["exp"] - claims["iat"], 120)
        self.assertEqual(claims[NAMESPACE]["request_tags"], {"job": "7"})
        run("iam", "disable-outbound-web-identity-federation")
        info = json.loads(run("iam", "get-outbound-web-identity-federation-info").stdout)
        self.assertFalse(info["JwtVendingEnabled"])


if __name__ == "__main__":
    unittest.main()
