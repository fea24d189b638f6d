"""Issues 14 and 15, SAML federation end to end: IAM SAML providers (boto3 and the AWS CLI's
`create-saml-provider --saml-metadata-document file://…`), and AssumeRoleWithSAML with assertions
signed by a test identity provider (`saml_test_idp`, built next to irsa: real XML-DSig with
libxmlsec1), with boto3 and `aws sts assume-role-with-saml`. The credentials work for later
signed calls and are enforced; every attack (unsigned, another key, wrapped signature, expired,
wrong audience / recipient, role pair missing, trust conditions on saml:*) is refused."""
import base64
import datetime
import hashlib
import json
import os
import subprocess
import tempfile
import time
import unittest

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
ENTITY = "https://idp.example.com/saml"
SIGNIN = "https://signin.aws.amazon.com/saml"
SERVER = None
TMP = None
IDP = None
OTHER = None


def idp_tool():
    return os.path.join(os.path.dirname(fx.binary()), "saml_test_idp")


def keygen(name):
    directory = os.path.join(TMP, name)
    os.makedirs(directory)
    subprocess.run([idp_tool(), "keygen", directory, name], check=True)
    return directory


def metadata(entity, key_dir):
    return subprocess.run([idp_tool(), "metadata", entity, key_dir], check=True,
                          capture_output=True, text=True).stdout


def sign(xml, element_id, key_dir):
    return subprocess.run([idp_tool(), "sign", key_dir, element_id], input=xml, check=True,
                          capture_output=True, text=True).stdout


def iso(t):
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def response_xml(roles, subject="alice@example.com", session_name="alice", audience=SIGNIN,
                 recipient=SIGNIN, not_on_or_after=None, issuer=ENTITY, assertion_id="_a1",
                 extra_attributes=()):
    now = time.time()
    not_on_or_after = not_on_or_after or now + 300

    def attribute(name, values):
        return ('<saml:Attribute Name="%s">' % name +
                "".join("<saml:AttributeValue>%s</saml:AttributeValue>" % v for v in values) +
                "</saml:Attribute>")
    attrs = attribute("https://aws.amazon.com/SAML/Attributes/Role", roles)
    if session_name:
        attrs += attribute("https://aws.amazon.com/SAML/Attributes/RoleSessionName",
                           [session_name])
    for name, values in extra_attributes:
        attrs += attribute(name, values)
    return (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" '
        'IssueInstant="%(now)s" Destination="%(recipient)s"><saml:Issuer>%(issuer)s</saml:Issuer>'
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        '</samlp:Status><saml:Assertion ID="%(aid)s" Version="2.0" IssueInstant="%(now)s">'
        '<saml:Issuer>%(issuer)s</saml:Issuer><saml:Subject><saml:NameID '
        'Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">%(subject)s'
        '</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        '<saml:SubjectConfirmationData NotOnOrAfter="%(end)s" Recipient="%(recipient)s"/>'
        '</saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="%(start)s" '
        'NotOnOrAfter="%(end)s"><saml:AudienceRestriction><saml:Audience>%(audience)s'
        '</saml:Audience></saml:AudienceRestriction></saml:Conditions>'
        '<saml:AttributeStatement>%(attrs)s</saml:AttributeStatement></saml:Assertion>'
        '</samlp:Response>') % {
            "now": iso(now), "start": iso(now - 60), "end": iso(not_on_or_after),
            "recipient": recipient, "issuer": issuer, "subject": subject,
            "audience": audience, "attrs": attrs, "aid": assertion_id}


def b64(xml):
    return base64.b64encode(xml.encode()).decode()


def client(service, creds=None):
    kw = {"aws_access_key_id": fx.ADMIN_KEY_ID, "aws_secret_access_key": fx.ADMIN_SECRET}
    if creds is not None:
        kw = {"aws_access_key_id": creds["AccessKeyId"],
              "aws_secret_access_key": creds["SecretAccessKey"],
              "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=SERVER.http, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}), **kw)


def setUpModule():
    global SERVER, TMP, IDP, OTHER
    TMP = tempfile.mkdtemp(prefix="irsa-saml-")
    IDP = keygen("idp")
    OTHER = keygen("evil")
    SERVER = fx.IrsaServer(tls=False).start()


def tearDownModule():
    SERVER.stop()


class SamlTest(unittest.TestCase):
    def setUp(self):
        SERVER.reset()
        self.iam = client("iam")
        self.sts = client("sts")

    def assertError(self, ctx, code, status, *fragments):
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status,
                         err)
        for fragment in fragments:
            self.assertIn(fragment, err["Message"])
        return err["Message"]

    def make_provider(self, name="Corp", key_dir=None):
        return self.iam.create_saml_provider(
            Name=name, SAMLMetadataDocument=metadata(ENTITY, key_dir or IDP))["SAMLProviderArn"]

    def make_role(self, provider_arn, name="Dev", condition=None, actions="iam:ListRoles"):
        statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn},
                     "Action": "sts:AssumeRoleWithSAML"}
        statement["Condition"] = condition if condition is not None else {
            "StringEquals": {"SAML:aud": SIGNIN}}
        role = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}))["Role"]
        self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
        return role["Arn"]

    def assume(self, role_arn, provider_arn, assertion, **kw):
        return self.sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn,
                                              SAMLAssertion=assertion, **kw)

    def test_provider_lifecycle(self):
        arn = self.iam.create_saml_provider(
            Name="Corp", SAMLMetadataDocument=metadata(ENTITY, IDP),
            Tags=[{"Key": "team", "Value": "sec"}])["SAMLProviderArn"]
        self.assertEqual(arn, "arn:aws:iam::%s:saml-provider/Corp" % ACCOUNT)
        got = self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertIn(ENTITY, got["SAMLMetadataDocument"])
        self.assertRegex(got["SAMLProviderUUID"], r"^[A-Z0-9]{22,64}$")
        self.assertIsInstance(got["CreateDate"], datetime.datetime)
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "sec"}])
        self.assertEqual([p["Arn"] for p in self.iam.list_saml_providers()["SAMLProviderList"]],
                         [arn])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException):
            self.make_provider("Corp")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_saml_provider(Name="Bad", SAMLMetadataDocument="<x/>" + " " * 1000)
        self.assertError(ctx, "InvalidInput", 400, "Could not parse metadata")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_saml_provider(
                Name="Enc", SAMLMetadataDocument=metadata(ENTITY, IDP),
                AssertionEncryptionMode="Required")
        self.assertError(ctx, "InvalidInput", 400, "not supported")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_saml_provider(
                Name="Key", SAMLMetadataDocument=metadata(ENTITY, IDP), AddPrivateKey="x" * 100)
        self.assertError(ctx, "InvalidInput", 400, "private keys are not supported")
        raw = client("iam")
        raw.meta.events.register("before-parameter-build.iam.*",
                                 lambda params, **_: params.update(Name="bad name!"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            raw.create_saml_provider(Name="x", SAMLMetadataDocument=metadata(ENTITY, IDP))
        self.assertError(ctx, "ValidationError", 400, "Member must satisfy regular expression")
        self.iam.update_saml_provider(SAMLProviderArn=arn,
                                      SAMLMetadataDocument=metadata(ENTITY, OTHER))
        with open(os.path.join(OTHER, "cert.b64")) as f:
            self.assertIn(f.read(), self.iam.get_saml_provider(
                SAMLProviderArn=arn)["SAMLMetadataDocument"])
        self.iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["team"])
        self.assertEqual(self.iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"],
                         [{"Key": "env", "Value": "prod"}])
        self.iam.delete_saml_provider(SAMLProviderArn=arn)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(self.iam.list_saml_providers()["SAMLProviderList"], [])

    def test_providers_per_account_quota(self):
        server = fx.IrsaServer(tls=False, extra_args=["--quota", "SAMLProvidersPerAccount=1"])
        server.start()
        try:
            iam = boto3.client("iam", endpoint_url=server.http, region_name="us-east-1",
                               aws_access_key_id=fx.ADMIN_KEY_ID,
                               aws_secret_access_key=fx.ADMIN_SECRET,
                               config=Config(retries={"max_attempts": 1}))
            iam.create_saml_provider(Name="One", SAMLMetadataDocument=metadata(ENTITY, IDP))
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                iam.create_saml_provider(Name="Two", SAMLMetadataDocument=metadata(ENTITY, IDP))
            self.assertError(ctx, "LimitExceeded", 409,
                             "Cannot exceed quota for SAMLProvidersPerAccount: 1")
        finally:
            server.stop()

    def test_assume_with_saml_and_use_the_credentials(self):
        provider = self.make_provider()
        role = self.make_role(provider)
        assertion = b64(sign(response_xml(["%s,%s" % (role, provider)]), "_a1", IDP))
        out = self.assume(role, provider, assertion)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/Dev/alice" % ACCOUNT)
        self.assertEqual(out["Subject"], "alice@example.com")
        self.assertEqual(out["SubjectType"], "persistent")
        self.assertEqual(out["Issuer"], ENTITY)
        self.assertEqual(out["Audience"], SIGNIN)
        self.assertEqual(out["NameQualifier"], base64.b64encode(hashlib.sha1(
            (ENTITY + ACCOUNT + "/Corp").encode()).digest()).decode())
        creds = out["Credentials"]
        self.assertEqual(client("sts", creds).get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/Dev/alice" % ACCOUNT)
        client("iam", creds).list_roles()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client("iam", creds).list_users()
        self.assertError(ctx, "AccessDenied", 403)
        # A signed Response (rather than Assertion) and the provider,role order work too.
        signed_response = b64(sign(response_xml(["%s,%s" % (provider, role)]), "_r1", IDP))
        self.assume(role, provider, signed_response)

    def test_cli_create_provider_and_assume(self):
        for cli in (fx.aws_v1(), fx.aws_v2()):
            if cli is None:
                continue
            with self.subTest(cli=cli):
                SERVER.reset()
                path = os.path.join(TMP, "metadata.xml")
                with open(path, "w") as f:
                    f.write(metadata(ENTITY, IDP))
                env = fx.cli_env(SERVER, home=TMP)
                run = subprocess.run(
                    [cli, "--endpoint-url", SERVER.http, "--output", "json", "iam",
                     "create-saml-provider", "--name", "Corp",
                     "--saml-metadata-document", "file://" + path],
                    capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(run.returncode, 0, run.stderr)
                provider = json.loads(run.stdout)["SAMLProviderArn"]
                role = self.make_role(provider)
                assertion = b64(sign(response_xml(["%s,%s" % (role, provider)]), "_a1", IDP))
                run = subprocess.run(
                    [cli, "--endpoint-url", SERVER.http, "--output", "json", "sts",
                     "assume-role-with-saml", "--role-arn", role,
                     "--principal-arn", provider, "--saml-assertion", assertion],
                    capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(run.returncode, 0, run.stderr)
                out = json.loads(run.stdout)
                self.assertEqual(out["Subject"], "alice@example.com")
                self.assertEqual(client("sts", out["Credentials"]).get_caller_identity()["Arn"],
                                 "arn:aws:sts::%s:assumed-role/Dev/alice" % ACCOUNT)
                bad = b64(sign(response_xml(["%s,%s" % (role, provider)]), "_a1", OTHER))
                run = subprocess.run(
                    [cli, "--endpoint-url", SERVER.http, "--output", "json", "sts",
                     "assume-role-with-saml", "--role-arn", role,
                     "--principal-arn", provider, "--saml-assertion", bad],
                    capture_output=True, text=True, env=env, timeout=60)
                self.assertNotEqual(run.returncode, 0)
                self.assertIn("InvalidIdentityToken", run.stderr)

    def test_attacks_are_refused(self):
        provider = self.make_provider()
        role = self.make_role(provider, condition={
            "StringEquals": {"saml:aud": SIGNIN, "saml:sub": "alice@example.com"}})
        pair = ["%s,%s" % (role, provider)]

        def refused(assertion, code, status, *fragments):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.assume(role, provider, assertion)
            return self.assertError(ctx, code, status, *fragments)

        self.assume(role, provider, b64(sign(response_xml(pair), "_a1", IDP)))
        refused(b64(response_xml(pair)), "InvalidIdentityToken", 400, "not signed")
        refused(b64(sign(response_xml(pair), "_a1", OTHER)), "InvalidIdentityToken", 400,
                "does not verify")
        refused(b64(sign(response_xml(pair, not_on_or_after=time.time() - 600), "_a1", IDP)),
                "ExpiredTokenException", 400, "expired")
        refused(b64(sign(response_xml(pair, audience="https://evil.example.com"), "_a1", IDP)),
                "InvalidIdentityToken", 400, "audience")
        refused(b64(sign(response_xml(pair, recipient="https://evil.example.com/acs"), "_a1",
                         IDP)), "InvalidIdentityToken", 400, "Recipient")
        refused(b64(sign(response_xml(["%s,%s" % (role.replace("Dev", "Other"), provider)]),
                         "_a1", IDP)), "AccessDenied", 403)
        refused(b64(sign(response_xml(pair, subject="mallory@example.com"), "_a1", IDP)),
                "AccessDenied", 403)
        refused(b64(sign(response_xml(pair, issuer="https://evil.example.com"), "_a1", IDP)),
                "InvalidIdentityToken", 400, "Issuer")
        # Signature wrapping: the signed assertion hidden in Extensions, its signature moved into
        # an unsigned evil assertion where the reader looks.
        signed = sign(response_xml(pair, subject="mallory@example.com"), "_a1", IDP)
        start, end = signed.index("<saml:Assertion"), signed.index("</saml:Assertion>") + 17
        original = signed[start:end]
        sig_start = original.index("<ds:Signature")
        sig_end = original.index("</ds:Signature>") + len("</ds:Signature>")
        signature, hidden = original[sig_start:sig_end], original[:sig_start] + original[sig_end:]
        evil_xml = response_xml(pair, assertion_id="_evil")
        evil = evil_xml[evil_xml.index("<saml:Assertion"):
                        evil_xml.index("</saml:Assertion>") + 17]
        at = evil.index("</saml:Issuer>") + len("</saml:Issuer>")
        evil = evil[:at] + signature + evil[at:]
        wrapped = (signed[:start] + "<samlp:Extensions>" + hidden + "</samlp:Extensions>" + evil +
                   signed[end:])
        refused(b64(wrapped), "InvalidIdentityToken", 400, "must reference exactly that element")
        # An external entity is refused before any parsing.
        refused(b64('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<r>&x;</r>'), "InvalidIdentityToken", 400, "document type declarations")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(role, "arn:aws:iam::%s:saml-provider/Nope" % ACCOUNT,
                        b64(sign(response_xml(pair), "_a1", IDP)))
        self.assertError(ctx, "InvalidIdentityToken", 400, "Specified provider doesn't exist")

    def test_attribute_conditions_and_duration(self):
        provider = self.make_provider()
        role = self.make_role(provider, condition={
            "ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"},
            "StringEquals": {"saml:doc": "%s/Corp" % ACCOUNT, "saml:iss": ENTITY,
                             "saml:sub_type": "persistent"}})
        pair = ["%s,%s" % (role, provider)]
        affiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
        started = time.time()
        out = self.assume(role, provider, b64(sign(response_xml(
            pair, extra_attributes=[(affiliation, ["member", "staff"])]), "_a1", IDP)),
            DurationSeconds=900)
        expiry = out["Credentials"]["Expiration"].timestamp()
        self.assertLess(abs(expiry - (started + 900)), 5)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(role, provider, b64(sign(response_xml(
                pair, extra_attributes=[(affiliation, ["student"])]), "_a1", IDP)))
        self.assertError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(role, provider, b64(sign(response_xml(
                pair, extra_attributes=[(affiliation, ["staff"])]), "_a1", IDP)),
                DurationSeconds=7200)
        self.assertError(ctx, "ValidationError", 400, "MaxSessionDuration")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(role, provider, b64(sign(response_xml(
                pair, session_name=None, extra_attributes=[(affiliation, ["staff"])]), "_a1",
                IDP)))
        self.assertError(ctx, "InvalidIdentityToken", 400, "RoleSessionName")


if __name__ == "__main__":
    unittest.main()
