"""Issue 4 end to end: the IAM role, policy, attachment, inline-policy and OIDC-provider
operations over the AWS Query protocol, driven by boto3 against a real `irsa serve`."""
import json
import unittest
import urllib.parse

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx
from iam_helpers import IamTestCase, RawCapture

ACCOUNT = fx.ACCOUNT_ID
PROVIDER_HOST = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT, PROVIDER_HOST)
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

# Whitespace, '*' and ':' in a trust policy exercise the strict percent-encoding.
TRUST = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "%s"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringLike": {"%s:sub": "system:serviceaccount:default:*"},
        "StringEquals": {"%s:aud": "sts.amazonaws.com"}
      }
    }
  ]
}""" % (PROVIDER_ARN, PROVIDER_HOST, PROVIDER_HOST)

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::my-pod-secrets-bucket/*"}],
})


def policy_doc(action="s3:GetObject", resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


def client(server, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, validate=True):
    return boto3.client("iam", endpoint_url=server.http, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1},
                                      parameter_validation=validate))


class IamApiTest(IamTestCase):
    def create_role(self, name="my-role", **kw):
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **kw)["Role"]

    def create_policy(self, name="my-policy", document=POLICY, **kw):
        return self.iam.create_policy(PolicyName=name, PolicyDocument=document, **kw)["Policy"]

    # ---- roles ----

    def test_create_and_get_role_round_trip_the_trust_policy(self):
        raw = RawCapture(self.iam)
        role = self.create_role(Path="/irsa/", Description="my-role-description",
                                MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "a b"}])
        self.assertEqual(role["RoleName"], "my-role")
        self.assertEqual(role["Path"], "/irsa/")
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/irsa/my-role" % ACCOUNT)
        self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.assertEqual(role["MaxSessionDuration"], 7200)
        self.assertEqual(role["Tags"], [{"Key": "team", "Value": "a b"}])
        self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(TRUST))
        self.assertIsNotNone(role["CreateDate"].tzinfo)

        got = self.iam.get_role(RoleName="MY-ROLE")["Role"]  # names are case-insensitive
        self.assertEqual(got["RoleName"], "my-role")
        self.assertEqual(got["RoleId"], role["RoleId"])
        self.assertEqual(got["Description"], "my-role-description")
        self.assertEqual(got["AssumeRolePolicyDocument"], json.loads(TRUST))
        self.assertEqual(got["RoleLastUsed"], {})
        # On the wire: exactly the stored text, strictly percent-encoded, ISO-8601 Z dates.
        encoded = raw.element("AssumeRolePolicyDocument")
        self.assertEqual(urllib.parse.unquote(encoded), TRUST)
        self.assertIn("%20", encoded)
        self.assertIn("%2A", encoded)
        self.assertNotIn("+", encoded)
        self.assertNotIn("*", encoded)
        self.assertRegex(raw.element("CreateDate"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("<RoleLastUsed/>", raw.bodies[-1])

    def test_role_names_are_unique_case_insensitively(self):
        self.create_role("My-Role")
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.create_role("my-role")
        self.assertError(ctx, "EntityAlreadyExists", 409, "Role with name my-role already exists.")

    def test_get_missing_role(self):
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_role(RoleName="nope")
        self.assertError(ctx, "NoSuchEntity", 404, "The role with name nope cannot be found.")

    def test_role_validation_errors(self):
        iam = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.create_role(RoleName="bad name!", AssumeRolePolicyDocument=TRUST)
        self.assertError(ctx, "ValidationError", 400,
                         "1 validation error detected: Value 'bad name!' at 'roleName' failed to "
                         "satisfy constraint: Member must satisfy regular expression pattern: "
                         "[\\w+=,.@-]+")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=60,
                            Path="nopath")
        self.assertError(ctx, "ValidationError", 400,
                         "2 validation errors detected: Value 'nopath' at 'path' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: "
                         "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); Value '60' at "
                         "'maxSessionDuration' failed to satisfy constraint: Member must have "
                         "value greater than or equal to 3600")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_role(RoleName="x" * 65)
        self.assertIn("Member must have length less than or equal to 64",
                      self.assertError(ctx, "ValidationError", 400))

    def test_malformed_and_oversized_trust_policies(self):
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
            self.iam.create_role(RoleName="r", AssumeRolePolicyDocument="{not json")
        self.assertError(ctx, "MalformedPolicyDocument", 400)
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
            self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=POLICY)  # no Principal
        self.assertError(ctx, "MalformedPolicyDocument", 400)
        subs = ["system:serviceaccount:ns%03d:sa" % i for i in range(80)]
        big = json.loads(TRUST)
        big["Statement"][0]["Condition"]["StringLike"] = {PROVIDER_HOST + ":sub": subs}
        big_text = json.dumps(big, separators=(",", ":"))
        self.assertGreater(len(big_text), 2048)
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=big_text)
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")
        self.create_role("r")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.update_assume_role_policy(RoleName="r", PolicyDocument=big_text)
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")
        # Whitespace does not count toward the quota.
        padded = json.dumps(json.loads(TRUST), indent=80)
        self.assertGreater(len(padded), 2048)
        self.iam.update_assume_role_policy(RoleName="r", PolicyDocument=padded)
        self.assertEqual(self.iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"],
                         json.loads(TRUST))

    def test_update_role_description_and_trust_policy(self):
        self.create_role()
        raw = RawCapture(self.iam)
        out = self.iam.update_role(RoleName="my-role", Description="new", MaxSessionDuration=43200)
        self.assertIn("<UpdateRoleResult>", raw.bodies[-1])
        self.assertEqual(set(out) - {"ResponseMetadata"}, set())
        role = self.iam.get_role(RoleName="my-role")["Role"]
        self.assertEqual((role["Description"], role["MaxSessionDuration"]), ("new", 43200))
        role = self.iam.update_role_description(RoleName="my-role", Description="newer")["Role"]
        self.assertEqual(role["Description"], "newer")
        self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(TRUST))
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.update_role(RoleName="nope", Description="x")

        # A web-identity trust without a "sub" condition is accepted; the lint warning is logged.
        loose = json.loads(TRUST)
        del loose["Statement"][0]["Condition"]["StringLike"]
        self.iam.update_assume_role_policy(RoleName="my-role", PolicyDocument=json.dumps(loose))
        self.assertEqual(self.iam.get_role(RoleName="my-role")["Role"]["AssumeRolePolicyDocument"],
                         loose)
        log = self.server.wait_for_log(
            lambda text: "web-identity-without-sub" in text and "my-role" in text)
        warnings = [line for line in log.splitlines()
                    if "trust policy warning" in line and "web-identity-without-sub" in line]
        self.assertTrue(warnings, log[-3000:])
        self.assertIn("arn:aws:iam::%s:role/my-role" % ACCOUNT, warnings[-1])
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException):
            self.iam.update_assume_role_policy(RoleName="my-role", PolicyDocument="[]")

    def test_list_roles_paginates_and_omits_detail(self):
        names = ["role-%02d" % i for i in range(7)]
        for name in names:
            self.create_role(name, Tags=[{"Key": "k", "Value": "v"}])
        self.create_role("other", Path="/other/")
        first = self.iam.list_roles(MaxItems=3)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["Roles"]), 3)
        self.assertTrue(first["Marker"])
        second = self.iam.list_roles(MaxItems=3, Marker=first["Marker"])
        self.assertEqual(len(second["Roles"]), 3)
        seen = []
        for page in self.iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2}):
            seen += page["Roles"]
        self.assertEqual(sorted(r["RoleName"] for r in seen), sorted(names + ["other"]))
        for role in seen:
            self.assertNotIn("Tags", role)
            self.assertNotIn("RoleLastUsed", role)
            self.assertNotIn("PermissionsBoundary", role)
            self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(TRUST))
        only = self.iam.list_roles(PathPrefix="/other/")
        self.assertEqual([r["RoleName"] for r in only["Roles"]], ["other"])
        self.assertFalse(only["IsTruncated"])
        self.assertNotIn("Marker", only)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.list_roles(Marker="not-a-marker")
        self.assertError(ctx, "InvalidInput", 400)

    def test_role_tags(self):
        self.create_role(Tags=[{"Key": "team", "Value": "a"}])
        self.iam.tag_role(RoleName="my-role", Tags=[{"Key": "TEAM", "Value": "b"},
                                                     {"Key": "env", "Value": "prod"}])
        tags = self.iam.list_role_tags(RoleName="my-role")
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags["Tags"]),
                         [("TEAM", "b"), ("env", "prod")])
        self.assertFalse(tags["IsTruncated"])
        page = self.iam.list_role_tags(RoleName="my-role", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_role_tags(RoleName="my-role", Marker=page["Marker"])
        self.assertEqual(len(page["Tags"]) + len(rest["Tags"]), 2)
        self.iam.untag_role(RoleName="my-role", TagKeys=["team"])
        self.assertEqual(self.iam.list_role_tags(RoleName="my-role")["Tags"],
                         [{"Key": "env", "Value": "prod"}])
        self.iam.untag_role(RoleName="my-role", TagKeys=["env"])
        self.assertEqual(self.iam.list_role_tags(RoleName="my-role")["Tags"], [])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.tag_role(RoleName="nope", Tags=[{"Key": "k", "Value": "v"}])
        iam = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.tag_role(RoleName="my-role", Tags=[{"Key": "bad<key", "Value": "v"}])
        self.assertIn("at 'tags.1.member.key'", self.assertError(ctx, "ValidationError", 400))
        self.iam.tag_role(RoleName="my-role",
                          Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(30)])
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.tag_role(RoleName="my-role",
                              Tags=[{"Key": "x%d" % i, "Value": "v"} for i in range(30)])
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for TagsPerRole: 50")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.tag_role(RoleName="my-role",
                         Tags=[{"Key": "y%d" % i, "Value": "v"} for i in range(51)])
        self.assertIn("at 'tags' failed to satisfy constraint: Member must have length less "
                      "than or equal to 50", self.assertError(ctx, "ValidationError", 400))
        self.assertEqual(len(self.iam.list_role_tags(RoleName="my-role")["Tags"]), 30)

    def test_permissions_boundary(self):
        boundary = self.create_policy("boundary")
        self.create_role()
        self.iam.put_role_permissions_boundary(RoleName="my-role",
                                               PermissionsBoundary=boundary["Arn"])
        role = self.iam.get_role(RoleName="my-role")["Role"]
        self.assertEqual(role["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                          "PermissionsBoundaryArn": boundary["Arn"]})
        self.assertEqual(
            self.iam.get_policy(PolicyArn=boundary["Arn"])["Policy"]["PermissionsBoundaryUsageCount"],
            1)
        self.iam.delete_role_permissions_boundary(RoleName="my-role")
        self.assertNotIn("PermissionsBoundary", self.iam.get_role(RoleName="my-role")["Role"])
        missing = "arn:aws:iam::%s:policy/missing" % ACCOUNT
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.put_role_permissions_boundary(RoleName="my-role", PermissionsBoundary=missing)
        self.assertError(ctx, "NoSuchEntity", 404,
                         "Scope ARN: %s does not exist or is not attachable." % missing)
        role = self.create_role("bounded", PermissionsBoundary=boundary["Arn"])
        self.assertEqual(role["PermissionsBoundary"]["PermissionsBoundaryArn"], boundary["Arn"])

    # ---- attachments ----

    def test_attach_detach_and_list_attached_role_policies(self):
        self.create_role()
        arns = [self.create_policy("p%d" % i)["Arn"] for i in range(3)]
        for arn in arns:
            self.iam.attach_role_policy(RoleName="my-role", PolicyArn=arn)
        self.iam.attach_role_policy(RoleName="my-role", PolicyArn=arns[0])  # idempotent
        first = self.iam.list_attached_role_policies(RoleName="my-role", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        second = self.iam.list_attached_role_policies(RoleName="my-role", Marker=first["Marker"])
        self.assertFalse(second["IsTruncated"])
        got = first["AttachedPolicies"] + second["AttachedPolicies"]
        self.assertEqual(sorted(p["PolicyArn"] for p in got), sorted(arns))
        self.assertEqual(sorted(p["PolicyName"] for p in got), ["p0", "p1", "p2"])
        self.assertEqual(self.iam.get_policy(PolicyArn=arns[0])["Policy"]["AttachmentCount"], 1)
        self.iam.detach_role_policy(RoleName="my-role", PolicyArn=arns[0])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.detach_role_policy(RoleName="my-role", PolicyArn=arns[0])
        self.assertError(ctx, "NoSuchEntity", 404, "Policy %s was not found." % arns[0])
        missing = "arn:aws:iam::%s:policy/missing" % ACCOUNT
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.attach_role_policy(RoleName="my-role", PolicyArn=missing)
        self.assertError(ctx, "NoSuchEntity", 404,
                         "Policy %s does not exist or is not attachable." % missing)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.attach_role_policy(RoleName="nope", PolicyArn=arns[1])
        self.assertError(ctx, "NoSuchEntity", 404, "The role with name nope cannot be found.")

    def test_attached_policies_per_role_quota(self):
        self.create_role()
        for i in range(10):
            arn = self.create_policy("q%d" % i)["Arn"]
            self.iam.attach_role_policy(RoleName="my-role", PolicyArn=arn)
        extra = self.create_policy("q10")["Arn"]
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.attach_role_policy(RoleName="my-role", PolicyArn=extra)
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["AttachedPoliciesPerRoleQuota"], 10)
        self.assertEqual(summary["AssumeRolePolicySizeQuota"], 2048)
        self.assertEqual(summary["VersionsPerPolicyQuota"], 5)
        self.assertEqual(summary["Roles"], 1)
        self.assertEqual(summary["Policies"], 11)

    def test_delete_conflicts(self):
        self.create_role()
        arn = self.create_policy()["Arn"]
        self.iam.attach_role_policy(RoleName="my-role", PolicyArn=arn)
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_role(RoleName="my-role")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must detach all policies first.")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_policy(PolicyArn=arn)
        self.assertError(ctx, "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
        self.iam.detach_role_policy(RoleName="my-role", PolicyArn=arn)
        self.iam.put_role_policy(RoleName="my-role", PolicyName="inline", PolicyDocument=POLICY)
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_role(RoleName="my-role")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName="my-role", PolicyName="inline")
        self.iam.delete_role(RoleName="my-role")
        self.iam.delete_policy(PolicyArn=arn)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.get_role(RoleName="my-role")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_policy(PolicyArn=arn)
        self.assertError(ctx, "NoSuchEntity", 404, "Policy %s was not found." % arn)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.delete_role(RoleName="my-role")

    # ---- inline role policies ----

    def test_inline_role_policies(self):
        self.create_role()
        raw = RawCapture(self.iam)
        doc = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
        self.iam.put_role_policy(RoleName="my-role", PolicyName="b-inline", PolicyDocument=doc)
        got = self.iam.get_role_policy(RoleName="MY-ROLE", PolicyName="b-inline")
        self.assertEqual(got["RoleName"], "my-role")
        self.assertEqual(got["PolicyName"], "b-inline")
        self.assertEqual(got["PolicyDocument"], json.loads(doc))
        self.assertEqual(urllib.parse.unquote(raw.element("PolicyDocument")), doc)
        self.assertIn("%2A", raw.element("PolicyDocument"))
        for name in ("a-inline", "c-inline"):
            self.iam.put_role_policy(RoleName="my-role", PolicyName=name, PolicyDocument=POLICY)
        # Put replaces.
        self.iam.put_role_policy(RoleName="my-role", PolicyName="b-inline", PolicyDocument=POLICY)
        self.assertEqual(self.iam.get_role_policy(RoleName="my-role",
                                                  PolicyName="b-inline")["PolicyDocument"],
                         json.loads(POLICY))
        first = self.iam.list_role_policies(RoleName="my-role", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        second = self.iam.list_role_policies(RoleName="my-role", MaxItems=2,
                                             Marker=first["Marker"])
        self.assertEqual(first["PolicyNames"] + second["PolicyNames"],
                         ["a-inline", "b-inline", "c-inline"])
        self.assertFalse(second["IsTruncated"])
        names = []
        for page in self.iam.get_paginator("list_role_policies").paginate(
                RoleName="my-role", PaginationConfig={"PageSize": 1}):
            names += page["PolicyNames"]
        self.assertEqual(names, ["a-inline", "b-inline", "c-inline"])
        self.iam.delete_role_policy(RoleName="my-role", PolicyName="a-inline")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_role_policy(RoleName="my-role", PolicyName="a-inline")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The role policy with name a-inline cannot be found.")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.delete_role_policy(RoleName="my-role", PolicyName="a-inline")
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException):
            self.iam.put_role_policy(RoleName="my-role", PolicyName="bad",
                                     PolicyDocument='{"Statement": 1}')
        big = policy_doc(["s3:GetObject%04d" % i for i in range(700)])
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.put_role_policy(RoleName="my-role", PolicyName="big", PolicyDocument=big)
        self.assertError(ctx, "LimitExceeded", 409,
                         "Maximum policy size of 10240 bytes exceeded for role my-role")

    # ---- managed policies and versions ----

    def test_create_get_and_list_policies(self):
        raw = RawCapture(self.iam)
        created = self.create_policy(Path="/team/", Description="reads secrets",
                                     Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(created["PolicyName"], "my-policy")
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:policy/team/my-policy" % ACCOUNT)
        self.assertEqual(created["Path"], "/team/")
        self.assertEqual(created["DefaultVersionId"], "v1")
        self.assertEqual(created["AttachmentCount"], 0)
        self.assertEqual(created["PermissionsBoundaryUsageCount"], 0)
        self.assertTrue(created["IsAttachable"])
        self.assertRegex(created["PolicyId"], r"^ANPA[A-Z0-9]{17}$")
        self.assertEqual(created["CreateDate"], created["UpdateDate"])
        self.assertEqual(created["Tags"], [{"Key": "k", "Value": "v"}])
        self.assertRegex(raw.element("UpdateDate"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        got = self.iam.get_policy(PolicyArn=created["Arn"])["Policy"]
        self.assertEqual(got["Description"], "reads secrets")
        self.assertEqual(got["PolicyId"], created["PolicyId"])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.create_policy("MY-POLICY")
        self.assertError(ctx, "EntityAlreadyExists", 409,
                         "A policy called MY-POLICY already exists. Duplicate names are not "
                         "allowed.")
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException):
            self.create_policy("bad", document=TRUST)  # a Principal in an identity policy
        for i in range(4):
            self.create_policy("extra-%d" % i)
        first = self.iam.list_policies(Scope="Local", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        local = []
        for page in self.iam.get_paginator("list_policies").paginate(
                Scope="Local", PaginationConfig={"PageSize": 2}):
            local += page["Policies"]
        self.assertEqual(sorted(p["PolicyName"] for p in local),
                         ["extra-0", "extra-1", "extra-2", "extra-3", "my-policy"])
        for p in local:
            self.assertNotIn("Tags", p)
            self.assertNotIn("Description", p)
        aws = self.iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
        self.assertIn(S3_READ_ONLY, [p["Arn"] for p in aws])
        self.assertTrue(all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws))
        self.assertEqual(self.iam.list_policies(Scope="Local", PathPrefix="/team/")["Policies"][0]
                         ["PolicyName"], "my-policy")
        self.assertEqual(self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"], [])
        iam = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.list_policies(Scope="Mine")
        self.assertError(ctx, "ValidationError", 400,
                         "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy "
                         "constraint: Member must satisfy enum value set: [All, AWS, Local]")

    def test_policy_versions(self):
        arn = self.create_policy()["Arn"]
        raw = RawCapture(self.iam)
        docs = {"v1": POLICY}
        for n in range(2, 6):
            doc = policy_doc("s3:List*", "arn:aws:s3:::bucket-%d" % n)
            version = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc,
                                                     SetAsDefault=(n == 3))["PolicyVersion"]
            self.assertEqual(version["VersionId"], "v%d" % n)
            self.assertEqual(version["IsDefaultVersion"], n == 3)
            self.assertNotIn("Document", version)
            docs["v%d" % n] = doc
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v3")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY)
        self.assertError(ctx, "LimitExceeded", 409,
                         "A managed policy can have up to 5 versions. Before you create a new "
                         "version, you must delete an existing version.")
        for vid, doc in docs.items():
            version = self.iam.get_policy_version(PolicyArn=arn, VersionId=vid)["PolicyVersion"]
            self.assertEqual(version["Document"], json.loads(doc))
            self.assertEqual(urllib.parse.unquote(raw.element("Document")), doc)
            self.assertEqual(version["IsDefaultVersion"], vid == "v3")
        first = self.iam.list_policy_versions(PolicyArn=arn, MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        listed = []
        for page in self.iam.get_paginator("list_policy_versions").paginate(
                PolicyArn=arn, PaginationConfig={"PageSize": 2}):
            listed += page["Versions"]
        self.assertEqual([v["VersionId"] for v in listed], ["v5", "v4", "v3", "v2", "v1"])
        self.assertEqual([v["IsDefaultVersion"] for v in listed], [False, False, True, False, False])
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete the default version of a policy.")
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v1")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_policy_version(PolicyArn=arn, VersionId="v9")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "Policy %s version v9 does not exist or is not attachable." % arn)
        with self.assertRaises(self.iam.exceptions.DeleteConflictException):
            self.iam.delete_policy(PolicyArn=arn)  # non-default versions remain
        for vid in ("v2", "v3", "v4", "v5"):
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=vid)
        # Version numbers are not reused.
        v6 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY)["PolicyVersion"]
        self.assertEqual(v6["VersionId"], "v6")
        self.iam.delete_policy_version(PolicyArn=arn, VersionId="v6")
        self.iam.delete_policy(PolicyArn=arn)
        iam = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_policy_version(PolicyArn=arn, VersionId="1")
        self.assertIn("at 'versionId'", self.assertError(ctx, "ValidationError", 400))

    def test_policy_tags(self):
        arn = self.create_policy()["Arn"]
        self.iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"},
                                                 {"Key": "b", "Value": "2"}])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.iam.untag_policy(PolicyArn=arn, TagKeys=["A"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"],
                         [{"Key": "b", "Value": "2"}])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["Tags"],
                         [{"Key": "b", "Value": "2"}])
        missing = "arn:aws:iam::%s:policy/missing" % ACCOUNT
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.list_policy_tags(PolicyArn=missing)

    def test_aws_managed_policies(self):
        policy = self.iam.get_policy(PolicyArn=S3_READ_ONLY)["Policy"]
        self.assertEqual(policy["PolicyName"], "AmazonS3ReadOnlyAccess")
        self.assertEqual(policy["Path"], "/")
        version = self.iam.get_policy_version(PolicyArn=S3_READ_ONLY,
                                              VersionId=policy["DefaultVersionId"])
        self.assertIn("Statement", version["PolicyVersion"]["Document"])
        self.create_role()
        self.iam.attach_role_policy(RoleName="my-role", PolicyArn=S3_READ_ONLY)
        attached = self.iam.list_attached_role_policies(RoleName="my-role")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AmazonS3ReadOnlyAccess",
                                     "PolicyArn": S3_READ_ONLY}])
        self.assertEqual(self.iam.get_policy(PolicyArn=S3_READ_ONLY)["Policy"]["AttachmentCount"],
                         1)
        only = self.iam.list_policies(OnlyAttached=True)["Policies"]
        self.assertEqual([p["Arn"] for p in only], [S3_READ_ONLY])
        self.iam.detach_role_policy(RoleName="my-role", PolicyArn=S3_READ_ONLY)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_policy(PolicyArn=S3_READ_ONLY)
        self.assertIn(ctx.exception.response["Error"]["Code"],
                      ("AccessDenied", "UnmodifiableEntity"))
        with self.assertRaises(botocore.exceptions.ClientError):
            self.iam.create_policy_version(PolicyArn=S3_READ_ONLY, PolicyDocument=POLICY)
        self.assertEqual(self.iam.get_policy(PolicyArn=S3_READ_ONLY)["Policy"]["DefaultVersionId"],
                         policy["DefaultVersionId"])

    def test_list_entities_for_policy(self):
        arn = self.create_policy()["Arn"]
        role = self.create_role()
        user = self.iam.create_user(UserName="bob")["User"]
        self.iam.attach_role_policy(RoleName="my-role", PolicyArn=arn)
        self.iam.attach_user_policy(UserName="bob", PolicyArn=arn)
        out = self.iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual(out["PolicyRoles"], [{"RoleName": "my-role", "RoleId": role["RoleId"]}])
        self.assertEqual(out["PolicyUsers"], [{"UserName": "bob", "UserId": user["UserId"]}])
        self.assertEqual(out["PolicyGroups"], [])
        self.assertFalse(out["IsTruncated"])
        roles_only = self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
        self.assertEqual(roles_only["PolicyUsers"], [])
        self.assertEqual(len(roles_only["PolicyRoles"]), 1)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 2)

    # ---- users' policies ----

    def test_user_policies(self):
        self.iam.create_user(UserName="bob")
        arn = self.create_policy()["Arn"]
        self.iam.attach_user_policy(UserName="bob", PolicyArn=arn)
        self.iam.attach_user_policy(UserName="bob", PolicyArn=S3_READ_ONLY)
        attached = self.iam.list_attached_user_policies(UserName="bob", MaxItems=1)
        self.assertTrue(attached["IsTruncated"])
        rest = self.iam.list_attached_user_policies(UserName="bob", Marker=attached["Marker"])
        self.assertEqual(sorted(p["PolicyArn"] for p in attached["AttachedPolicies"] +
                                rest["AttachedPolicies"]), sorted([arn, S3_READ_ONLY]))
        self.iam.detach_user_policy(UserName="bob", PolicyArn=S3_READ_ONLY)
        self.assertEqual(self.iam.list_attached_user_policies(UserName="bob")["AttachedPolicies"],
                         [{"PolicyName": "my-policy", "PolicyArn": arn}])
        raw = RawCapture(self.iam)
        self.iam.put_user_policy(UserName="bob", PolicyName="inline", PolicyDocument=POLICY)
        got = self.iam.get_user_policy(UserName="bob", PolicyName="inline")
        self.assertEqual((got["UserName"], got["PolicyName"]), ("bob", "inline"))
        self.assertEqual(got["PolicyDocument"], json.loads(POLICY))
        self.assertEqual(urllib.parse.unquote(raw.element("PolicyDocument")), POLICY)
        self.assertEqual(self.iam.list_user_policies(UserName="bob")["PolicyNames"], ["inline"])
        with self.assertRaises(self.iam.exceptions.DeleteConflictException):
            self.iam.delete_user(UserName="bob")
        self.iam.delete_user_policy(UserName="bob", PolicyName="inline")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_user_policy(UserName="bob", PolicyName="inline")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The user policy with name inline cannot be found.")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.attach_user_policy(UserName="nobody", PolicyArn=arn)

    # ---- OIDC providers ----

    def test_oidc_provider_lifecycle(self):
        created = self.iam.create_open_id_connect_provider(
            Url="https://%s" % PROVIDER_HOST.replace("/id/", ":443/id/", 1),
            ClientIDList=["sts.amazonaws.com"], ThumbprintList=[THUMBPRINT],
            Tags=[{"Key": "cluster", "Value": "my-cluster"}])
        self.assertEqual(created["OpenIDConnectProviderArn"], PROVIDER_ARN)
        self.assertEqual(created["Tags"], [{"Key": "cluster", "Value": "my-cluster"}])
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.assertEqual(got["Url"], PROVIDER_HOST)
        self.assertEqual(got["ClientIDList"], ["sts.amazonaws.com"])
        self.assertEqual(got["ThumbprintList"], [THUMBPRINT])
        self.assertIsNotNone(got["CreateDate"].tzinfo)
        self.assertEqual(got["Tags"], [{"Key": "cluster", "Value": "my-cluster"}])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.iam.create_open_id_connect_provider(Url="https://" + PROVIDER_HOST,
                                                     ClientIDList=["sts.amazonaws.com"])
        self.assertError(ctx, "EntityAlreadyExists", 409)
        with self.assertRaises(self.iam.exceptions.InvalidInputException) as ctx:
            self.iam.create_open_id_connect_provider(Url="http://insecure.example.com")
        self.assertError(ctx, "InvalidInput", 400, "Invalid Open ID Connect Provider URL")
        other = self.iam.create_open_id_connect_provider(
            Url="https://issuer.example.com/")["OpenIDConnectProviderArn"]
        self.assertEqual(other, "arn:aws:iam::%s:oidc-provider/issuer.example.com" % ACCOUNT)
        listed = self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        self.assertEqual(sorted(p["Arn"] for p in listed), sorted([PROVIDER_ARN, other]))

        self.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN,
                                                           ClientID="my-aud")
        self.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN,
                                                           ClientID="my-aud")  # idempotent
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.assertEqual(sorted(got["ClientIDList"]), ["my-aud", "sts.amazonaws.com"])
        self.iam.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=PROVIDER_ARN, ClientID="sts.amazonaws.com")
        self.iam.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=PROVIDER_ARN, ClientID="sts.amazonaws.com")
        new_thumb = "A" * 40
        self.iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=PROVIDER_ARN,
                                                            ThumbprintList=[new_thumb])
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.assertEqual(got["ClientIDList"], ["my-aud"])
        self.assertEqual([t.lower() for t in got["ThumbprintList"]], [new_thumb.lower()])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.update_open_id_connect_provider_thumbprint(
                OpenIDConnectProviderArn=PROVIDER_ARN, ThumbprintList=["z" * 40])
        self.assertError(ctx, "InvalidInput", 400)
        iam = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=PROVIDER_ARN,
                                                           ThumbprintList=["abc"])
        self.assertError(ctx, "ValidationError", 400,
                         "1 validation error detected: Value 'abc' at 'thumbprintList.1.member' "
                         "failed to satisfy constraint: Member must have length greater than or "
                         "equal to 40")

        self.iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN,
                                              Tags=[{"Key": "env", "Value": "dev"}])
        tags = self.iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.assertEqual(sorted(t["Key"] for t in tags["Tags"]), ["cluster", "env"])
        self.assertFalse(tags["IsTruncated"])
        self.iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN,
                                                TagKeys=["cluster", "env"])
        self.assertEqual(self.iam.list_open_id_connect_provider_tags(
            OpenIDConnectProviderArn=PROVIDER_ARN)["Tags"], [])

        self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER_ARN)
        self.assertError(ctx, "NoSuchEntity", 404,
                         "OpenIDConnect Provider not found for arn %s" % PROVIDER_ARN)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=PROVIDER_ARN, ClientID="x")
        listed = self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        self.assertEqual([p["Arn"] for p in listed], [other])

    # ---- authorization of a non-root caller ----

    def test_user_allowed_and_denied_by_attached_policies(self):
        allowed = self.create_role("allowed-role")
        self.create_role("other-role")
        self.iam.create_user(UserName="carol")
        key = self.iam.create_access_key(UserName="carol")["AccessKey"]
        policy = self.create_policy("get-one-role",
                                    document=policy_doc("iam:GetRole", allowed["Arn"]))
        self.iam.attach_user_policy(UserName="carol", PolicyArn=policy["Arn"])
        carol = client(self.server, key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(carol.get_role(RoleName="allowed-role")["Role"]["Arn"], allowed["Arn"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.get_role(RoleName="other-role")
        message = self.assertError(ctx, "AccessDenied", 403)
        self.assertIn("User: arn:aws:iam::%s:user/carol is not authorized to perform: iam:GetRole "
                      "on resource: arn:aws:iam::%s:role/other-role" % (ACCOUNT, ACCOUNT), message)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.create_role(RoleName="x", AssumeRolePolicyDocument=TRUST)
        self.assertIn("iam:CreateRole", self.assertError(ctx, "AccessDenied", 403))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.list_roles()
        self.assertIn("iam:ListRoles", self.assertError(ctx, "AccessDenied", 403))
        # An explicit Deny beats the Allow, from the next request on.
        self.iam.put_user_policy(UserName="carol", PolicyName="deny",
                                 PolicyDocument=policy_doc("iam:Get*", "*", effect="Deny"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.get_role(RoleName="allowed-role")
        message = self.assertError(ctx, "AccessDenied", 403)
        self.assertIn("iam:GetRole", message)
        self.assertIn("explicit deny", message.lower())
        self.iam.delete_user_policy(UserName="carol", PolicyName="deny")
        self.assertEqual(carol.get_role(RoleName="allowed-role")["Role"]["RoleName"],
                         "allowed-role")


class QuotaFlagTest(unittest.TestCase):
    """`irsa serve --quota NAME=N` overrides IAM's default quotas."""

    def test_quota_override_is_enforced_and_reported(self):
        server = fx.IrsaServer(tls=False,
                               extra_args=["--quota", "RolesPerAccount=2,PoliciesPerRole=1"]).start()
        try:
            iam = client(server)
            for name in ("first", "second"):
                iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
            with self.assertRaises(iam.exceptions.LimitExceededException) as ctx:
                iam.create_role(RoleName="third", AssumeRolePolicyDocument=TRUST)
            self.assertEqual(ctx.exception.response["Error"]["Message"],
                             "Cannot exceed quota for RolesPerAccount: 2")
            arn = iam.create_policy(PolicyName="p", PolicyDocument=POLICY)["Policy"]["Arn"]
            iam.attach_role_policy(RoleName="first", PolicyArn=arn)
            arn2 = iam.create_policy(PolicyName="p2", PolicyDocument=POLICY)["Policy"]["Arn"]
            with self.assertRaises(iam.exceptions.LimitExceededException) as ctx:
                iam.attach_role_policy(RoleName="first", PolicyArn=arn2)
            self.assertIn("PoliciesPerRole: 1", ctx.exception.response["Error"]["Message"])
        finally:
            server.stop()

    def test_unknown_quota_name_stops_serve_with_a_clear_message(self):
        server = fx.IrsaServer(tls=False, extra_args=["--quota", "RolesPerAcount=5"])
        try:
            with self.assertRaises(RuntimeError) as ctx:
                server.start()
        finally:
            server.stop()
        self.assertIn("Unknown quota", str(ctx.exception))
        self.assertIn("RolesPerAccount", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
