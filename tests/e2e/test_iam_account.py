"""Issue 14, account operations: account aliases (unique across the installation's accounts),
GetAccountAuthorizationDetails (filters, pagination across users, groups, roles and policies),
SetSecurityTokenServicePreferences (seen in GetAccountSummary), GetContextKeysFor*Policy and
ListPoliciesGrantingServiceAccess, with boto3 and the AWS CLI (v1 and v2)."""
import json
import shutil
import subprocess

import boto3
import botocore
import botocore.config

import irsa_fixture as fx
from iam_helpers import ACCOUNT, IamTestCase, client, policy_doc

ALIAS_MESSAGE = ("The specified value for accountAlias is invalid. It must be a minimum length "
                 "of 3 characters and maximum length of 63 characters, contain only digits, "
                 "lowercase letters, and hyphens (-), but cannot begin or end with a hyphen.")

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
    "Action": "sts:AssumeRole"}]})
CONDITIONED = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::bucket/${aws:username}/*",
    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"},
                  "Bool": {"aws:SecureTransport": "true"}}}]})
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


class AccountAliasTest(IamTestCase):
    def test_alias_lifecycle(self):
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])
        self.iam.create_account_alias(AccountAlias="irsa-test-1")
        self.iam.create_account_alias(AccountAlias="irsa-test-1")  # its own alias again: ok
        listed = self.iam.list_account_aliases()
        self.assertEqual(listed["AccountAliases"], ["irsa-test-1"])
        self.assertFalse(listed["IsTruncated"])
        # One alias per account: a new one replaces it, as AWS does.
        self.iam.create_account_alias(AccountAlias="irsa-test-2")
        pages = list(self.iam.get_paginator("list_account_aliases").paginate(
            PaginationConfig={"PageSize": 1}))
        self.assertEqual([a for p in pages for a in p["AccountAliases"]], ["irsa-test-2"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.delete_account_alias(AccountAlias="irsa-test-1")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The account alias irsa-test-1 cannot be found.")
        self.iam.delete_account_alias(AccountAlias="irsa-test-2")
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])

    def test_alias_validation(self):
        for bad in ("my--alias", "-alias", "alias-", "Alias", "al_ias", "a" * 64):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.iam.create_account_alias(AccountAlias=bad)
            self.assertError(ctx, "ValidationError", 400, ALIAS_MESSAGE)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.create_account_alias(AccountAlias="ab")
        self.assertError(ctx, "ValidationError", 400, ALIAS_MESSAGE)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.create_account_alias()
        self.assertError(ctx, "ValidationError", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.list_account_aliases(MaxItems=0)
        self.assertError(ctx, "ValidationError", 400)

    def test_alias_needs_permission(self):
        self.iam.create_user(UserName="alice")
        alice = self.user_client("alice")
        for call in (lambda: alice.create_account_alias(AccountAlias="alice-alias"),
                     lambda: alice.list_account_aliases(),
                     lambda: alice.delete_account_alias(AccountAlias="alice-alias")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertError(ctx, "AccessDenied", 403)
        self.iam.put_user_policy(UserName="alice", PolicyName="alias", PolicyDocument=policy_doc(
            ["iam:CreateAccountAlias", "iam:ListAccountAliases"]))
        alice.create_account_alias(AccountAlias="alice-alias")
        self.assertEqual(alice.list_account_aliases()["AccountAliases"], ["alice-alias"])

    def test_alias_with_the_cli(self):
        clis = [c for c in (fx.aws_v1(), fx.aws_v2()) if c]
        if not clis:
            self.skipTest("no AWS CLI")
        env = fx.cli_env(self.server)
        for n, aws in enumerate(clis):
            alias = "cli-alias-%d" % n

            def run(*args):
                out = subprocess.run([aws, "iam", *args, "--output", "json",
                                      "--endpoint-url", self.server.http], env=env,
                                     capture_output=True, text=True, timeout=60)
                self.assertEqual(out.returncode, 0, out.stderr)
                return json.loads(out.stdout) if out.stdout.strip() else {}

            run("create-account-alias", "--account-alias", alias)
            self.assertEqual(run("list-account-aliases")["AccountAliases"], [alias])
            out = subprocess.run([aws, "iam", "create-account-alias", "--account-alias", "bad--x",
                                  "--endpoint-url", self.server.http],
                                 env=env, capture_output=True, text=True, timeout=60)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("ValidationError", out.stderr)


class AliasAcrossAccountsTest(IamTestCase):
    OTHER = ("444455556666", "AKIAIRSATESTOTHER001", "irsaTestOtherSecretKey000000000000000000")

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        pass

    def test_alias_is_unique_across_accounts(self):
        first = fx.IrsaServer(tls=False).start()
        self.addCleanup(shutil.rmtree, first.data_dir, True)
        client(first).create_account_alias(AccountAlias="shared-name")
        first.stop(remove=False)
        # The same store with a second account bootstrapped: both accounts live in it.
        server = fx.IrsaServer(tls=False, data_dir=first.data_dir, store=first.store,
                               account=self.OTHER).start()
        self.addCleanup(server.stop)
        other = client(server, key_id=self.OTHER[1], secret=self.OTHER[2])
        with self.assertRaises(other.exceptions.EntityAlreadyExistsException) as ctx:
            other.create_account_alias(AccountAlias="shared-name")
        self.assertError(ctx, "EntityAlreadyExists", 409,
                         "The account alias shared-name already exists.")
        self.assertEqual(other.list_account_aliases()["AccountAliases"], [])
        # Freed by its owner, the name can be taken.
        client(server).delete_account_alias(AccountAlias="shared-name")
        other.create_account_alias(AccountAlias="shared-name")
        self.assertEqual(other.list_account_aliases()["AccountAliases"], ["shared-name"])
        self.assertEqual(client(server).list_account_aliases()["AccountAliases"], [])


class AuthorizationDetailsTest(IamTestCase):
    def build_world(self):
        iam = self.iam
        local = iam.create_policy(PolicyName="S3Read",
                                  PolicyDocument=policy_doc("s3:GetObject"))["Policy"]["Arn"]
        iam.create_policy_version(PolicyArn=local, PolicyDocument=CONDITIONED, SetAsDefault=True)
        iam.create_user(UserName="alice", Path="/staff/", PermissionsBoundary=local,
                        Tags=[{"Key": "team", "Value": "blue"}])
        iam.create_user(UserName="bob")
        iam.create_group(GroupName="Admins")
        iam.add_user_to_group(GroupName="Admins", UserName="alice")
        iam.put_group_policy(GroupName="Admins", PolicyName="everything",
                             PolicyDocument=policy_doc("*"))
        iam.attach_group_policy(GroupName="Admins", PolicyArn=local)
        iam.put_user_policy(UserName="alice", PolicyName="not-iam", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}))
        iam.attach_user_policy(UserName="alice", PolicyArn=local)
        iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST,
                        Tags=[{"Key": "tier", "Value": "web"}])
        iam.put_role_policy(RoleName="app", PolicyName="deny-s3",
                            PolicyDocument=policy_doc("s3:*", effect="Deny"))
        iam.attach_role_policy(RoleName="app", PolicyArn=READ_ONLY)
        iam.create_instance_profile(InstanceProfileName="app-profile")
        iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
        return local

    def test_details_of_everything(self):
        local = self.build_world()
        got = self.iam.get_account_authorization_details()
        self.assertFalse(got["IsTruncated"])
        users = {u["UserName"]: u for u in got["UserDetailList"]}
        self.assertEqual(sorted(users), ["alice", "bob"])
        alice = users["alice"]
        self.assertEqual(alice["Path"], "/staff/")
        self.assertEqual(alice["Arn"], "arn:aws:iam::%s:user/staff/alice" % ACCOUNT)
        self.assertEqual(alice["GroupList"], ["Admins"])
        self.assertEqual(alice["UserPolicyList"][0]["PolicyName"], "not-iam")
        self.assertEqual(alice["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["NotAction"],
                         "iam:*")  # botocore decoded the URL-encoded document
        self.assertEqual(alice["AttachedManagedPolicies"],
                         [{"PolicyName": "S3Read", "PolicyArn": local}])
        self.assertEqual(alice["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                          "PermissionsBoundaryArn": local})
        self.assertEqual(alice["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertEqual(users["bob"]["GroupList"], [])
        self.assertNotIn("PermissionsBoundary", users["bob"])
        [group] = got["GroupDetailList"]
        self.assertEqual(group["GroupName"], "Admins")
        self.assertEqual(group["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"],
                         "*")
        self.assertEqual(group["AttachedManagedPolicies"][0]["PolicyArn"], local)
        [role] = got["RoleDetailList"]
        self.assertEqual(role["RoleName"], "app")
        self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(TRUST))
        [profile] = role["InstanceProfileList"]
        self.assertEqual(profile["InstanceProfileName"], "app-profile")
        self.assertEqual([r["RoleName"] for r in profile["Roles"]], ["app"])
        self.assertEqual(role["RolePolicyList"][0]["PolicyName"], "deny-s3")
        self.assertEqual(role["AttachedManagedPolicies"][0]["PolicyArn"], READ_ONLY)
        self.assertEqual(role["Tags"], [{"Key": "tier", "Value": "web"}])
        self.assertIn("RoleLastUsed", role)
        # The account's policy with every version's document, then only the AWS-managed policy
        # that is attached (not the whole AWS catalogue).
        self.assertEqual([p["Arn"] for p in got["Policies"]], [local, READ_ONLY])
        mine = got["Policies"][0]
        self.assertEqual(mine["DefaultVersionId"], "v2")
        self.assertEqual(mine["AttachmentCount"], 2)
        self.assertEqual(mine["PermissionsBoundaryUsageCount"], 1)
        versions = {v["VersionId"]: v for v in mine["PolicyVersionList"]}
        self.assertTrue(versions["v2"]["IsDefaultVersion"])
        self.assertFalse(versions["v1"]["IsDefaultVersion"])
        self.assertEqual(versions["v2"]["Document"], json.loads(CONDITIONED))
        self.assertEqual(versions["v1"]["Document"]["Statement"][0]["Action"], "s3:GetObject")

    def test_filters_and_pagination(self):
        self.build_world()
        only = self.iam.get_account_authorization_details(Filter=["Role", "AWSManagedPolicy"])
        self.assertEqual(only["UserDetailList"], [])
        self.assertEqual(only["GroupDetailList"], [])
        self.assertEqual([r["RoleName"] for r in only["RoleDetailList"]], ["app"])
        self.assertEqual([p["Arn"] for p in only["Policies"]], [READ_ONLY])
        local = self.iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])
        self.assertEqual([p["PolicyName"] for p in local["Policies"]], ["S3Read"])
        seen, pages = [], 0
        for page in self.iam.get_paginator("get_account_authorization_details").paginate(
                PaginationConfig={"PageSize": 2}):
            pages += 1
            count = sum(len(page[k]) for k in ("UserDetailList", "GroupDetailList",
                                                "RoleDetailList", "Policies"))
            self.assertLessEqual(count, 2)
            seen += ["user:" + u["UserName"] for u in page["UserDetailList"]]
            seen += ["group:" + g["GroupName"] for g in page["GroupDetailList"]]
            seen += ["role:" + r["RoleName"] for r in page["RoleDetailList"]]
            seen += ["policy:" + p["PolicyName"] for p in page["Policies"]]
        self.assertEqual(seen, ["user:alice", "user:bob", "group:Admins", "role:app",
                                "policy:S3Read", "policy:ReadOnlyAccess"])
        self.assertEqual(pages, 3)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.get_account_authorization_details(Filter=["Users"])
        self.assertError(ctx, "ValidationError", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_account_authorization_details(Marker="bm90LWlzc3VlZA")
        self.assertError(ctx, "InvalidInput", 400)

    def test_details_need_permission(self):
        self.iam.create_user(UserName="carol")
        carol = self.user_client("carol")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.get_account_authorization_details()
        self.assertError(ctx, "AccessDenied", 403)
        self.iam.put_user_policy(UserName="carol", PolicyName="gaad", PolicyDocument=policy_doc(
            "iam:GetAccountAuthorizationDetails"))
        names = [u["UserName"] for u in carol.get_account_authorization_details(
            Filter=["User"])["UserDetailList"]]
        self.assertEqual(names, ["carol"])

    def test_details_with_the_cli(self):
        clis = [c for c in (fx.aws_v1(), fx.aws_v2()) if c]
        if not clis:
            self.skipTest("no AWS CLI")
        local = self.build_world()
        env = fx.cli_env(self.server)
        for aws in clis:
            # The CLI paginates on its own (--page-size), merging the pages.
            # (CLI v2.9 predates AWS_ENDPOINT_URL: the endpoint is given on the command line.)
            out = subprocess.run([aws, "iam", "get-account-authorization-details", "--page-size",
                                  "2", "--output", "json", "--endpoint-url", self.server.http],
                                 env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            got = json.loads(out.stdout)
            self.assertEqual(sorted(u["UserName"] for u in got["UserDetailList"]),
                             ["alice", "bob"])
            self.assertEqual([r["RoleName"] for r in got["RoleDetailList"]], ["app"])
            self.assertEqual([p["Arn"] for p in got["Policies"]], [local, READ_ONLY])
            out = subprocess.run([aws, "iam", "get-account-authorization-details", "--filter",
                                  "Group", "--output", "json", "--endpoint-url",
                                  self.server.http], env=env, capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual([g["GroupName"] for g in json.loads(out.stdout)["GroupDetailList"]],
                             ["Admins"])


class StsPreferencesTest(IamTestCase):
    def test_token_version_in_the_account_summary(self):
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["GlobalEndpointTokenVersion"], 1)
        self.iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["GlobalEndpointTokenVersion"], 2)
        self.iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
        self.assertEqual(self.iam.get_account_summary()["SummaryMap"]
                         ["GlobalEndpointTokenVersion"], 1)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.set_security_token_service_preferences(GlobalEndpointTokenVersion="v3Token")
        self.assertError(ctx, "ValidationError", 400,
                         "1 validation error detected: Value 'v3Token' at "
                         "'globalEndpointTokenVersion' failed to satisfy constraint: Member must "
                         "satisfy enum value set: [v1Token, v2Token]")
        self.iam.create_user(UserName="dave")
        dave = self.user_client("dave")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            dave.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
        self.assertError(ctx, "AccessDenied", 403)


class PolicyInsightTest(IamTestCase):
    def setUp(self):
        super().setUp()
        AuthorizationDetailsTest.build_world(self)

    def test_context_keys_for_custom_policy(self):
        keys = self.iam.get_context_keys_for_custom_policy(
            PolicyInputList=[CONDITIONED, policy_doc("s3:GetObject")])["ContextKeyNames"]
        self.assertEqual(keys, ["aws:username", "aws:PrincipalTag/team", "aws:SecureTransport"])
        with self.assertRaises(self.iam.exceptions.InvalidInputException) as ctx:
            self.iam.get_context_keys_for_custom_policy(PolicyInputList=["{not json"])
        self.assertError(ctx, "InvalidInput", 400)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.get_context_keys_for_custom_policy()
        self.assertError(ctx, "ValidationError", 400)

    def test_context_keys_for_principal_policy(self):
        extra = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
            "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]})
        alice = "arn:aws:iam::%s:user/staff/alice" % ACCOUNT
        keys = self.iam.get_context_keys_for_principal_policy(
            PolicySourceArn=alice, PolicyInputList=[extra])["ContextKeyNames"]
        # Her own and her group's policies (S3Read's default version is CONDITIONED), the input.
        self.assertEqual(keys, ["aws:username", "aws:PrincipalTag/team", "aws:SecureTransport",
                                "s3:prefix"])
        group = self.iam.get_context_keys_for_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:group/Admins" % ACCOUNT)["ContextKeyNames"]
        self.assertEqual(group, ["aws:username", "aws:PrincipalTag/team", "aws:SecureTransport"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_context_keys_for_principal_policy(
                PolicySourceArn="arn:aws:iam::%s:user/alice" % ACCOUNT)  # wrong path
        self.assertError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(self.iam.exceptions.InvalidInputException) as ctx:
            self.iam.get_context_keys_for_principal_policy(PolicySourceArn="x" * 20)
        self.assertError(ctx, "InvalidInput", 400)

    def test_policies_granting_service_access(self):
        alice = "arn:aws:iam::%s:user/staff/alice" % ACCOUNT
        got = self.iam.list_policies_granting_service_access(
            Arn=alice, ServiceNamespaces=["s3", "iam"])
        self.assertFalse(got["IsTruncated"])
        by_ns = {e["ServiceNamespace"]: e["Policies"] for e in got["PoliciesGrantingServiceAccess"]}
        local = "arn:aws:iam::%s:policy/S3Read" % ACCOUNT
        self.assertEqual(by_ns["s3"], [
            {"PolicyName": "not-iam", "PolicyType": "INLINE", "EntityType": "USER",
             "EntityName": "alice"},
            {"PolicyName": "S3Read", "PolicyType": "MANAGED", "PolicyArn": local},
            {"PolicyName": "everything", "PolicyType": "INLINE", "EntityType": "GROUP",
             "EntityName": "Admins"}])
        self.assertEqual(by_ns["iam"], [
            {"PolicyName": "everything", "PolicyType": "INLINE", "EntityType": "GROUP",
             "EntityName": "Admins"}])
        role = self.iam.list_policies_granting_service_access(
            Arn="arn:aws:iam::%s:role/app" % ACCOUNT, ServiceNamespaces=["s3", "kms"])
        by_ns = {e["ServiceNamespace"]: e["Policies"]
                 for e in role["PoliciesGrantingServiceAccess"]}
        # The Deny grants nothing; ReadOnlyAccess has s3:Get* but nothing of kms.
        self.assertEqual([p["PolicyName"] for p in by_ns["s3"]], ["ReadOnlyAccess"])
        self.assertEqual(by_ns["kms"], [])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.list_policies_granting_service_access(
                Arn="arn:aws:iam::%s:user/nobody" % ACCOUNT, ServiceNamespaces=["s3"])
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The entity with ARN arn:aws:iam::%s:user/nobody cannot be found."
                         % ACCOUNT)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.list_policies_granting_service_access(Arn=alice, ServiceNamespaces=["s 3"])
        self.assertError(ctx, "ValidationError", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.list_policies_granting_service_access(Arn=alice)
        self.assertError(ctx, "ValidationError", 400)

    def test_insight_operations_are_authorized_on_the_entity(self):
        self.iam.create_user(UserName="erin")
        erin = self.user_client("erin")
        self.iam.put_user_policy(UserName="erin", PolicyName="roles-only", PolicyDocument=policy_doc(
            ["iam:ListPoliciesGrantingServiceAccess", "iam:GetContextKeysForPrincipalPolicy"],
            "arn:aws:iam::%s:role/*" % ACCOUNT))
        role = "arn:aws:iam::%s:role/app" % ACCOUNT
        erin.list_policies_granting_service_access(Arn=role, ServiceNamespaces=["s3"])
        erin.get_context_keys_for_principal_policy(PolicySourceArn=role)
        alice = "arn:aws:iam::%s:user/staff/alice" % ACCOUNT
        for call in (lambda: erin.list_policies_granting_service_access(
                         Arn=alice, ServiceNamespaces=["s3"]),
                     lambda: erin.get_context_keys_for_principal_policy(PolicySourceArn=alice),
                     lambda: erin.get_context_keys_for_custom_policy(
                         PolicyInputList=[CONDITIONED])):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertError(ctx, "AccessDenied", 403)

class ServiceLastAccessedTest(IamTestCase):
    """Reports computed from the node's record of authorized calls (iam/access_advisor.h)."""

    def test_reports_of_a_user_a_group_and_a_policy(self):
        iam = self.iam
        iam.create_user(UserName="alice")
        iam.create_user(UserName="bob")
        iam.create_group(GroupName="team")
        for user in ("alice", "bob"):
            iam.add_user_to_group(GroupName="team", UserName=user)
        policy = iam.create_policy(PolicyName="team-access", PolicyDocument=policy_doc(
            ["iam:ListRoles", "iam:GetUser", "s3:ListAllMyBuckets", "kms:Decrypt"]))["Policy"]
        iam.attach_group_policy(GroupName="team", PolicyArn=policy["Arn"])
        alice = self.user_client("alice")
        alice.list_roles()
        alice.get_user(UserName="alice")
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        s3 = boto3.client("s3", endpoint_url=self.server.http, region_name="eu-west-1",
                          aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"],
                          config=botocore.config.Config(signature_version="s3v4"))
        s3.list_buckets()
        with self.assertRaises(botocore.exceptions.ClientError):
            alice.list_users()  # denied: not a use

        alice_arn = "arn:aws:iam::%s:user/alice" % ACCOUNT
        job = iam.generate_service_last_accessed_details(Arn=alice_arn)["JobId"]
        self.assertEqual(len(job), 36)
        got = iam.get_service_last_accessed_details(JobId=job)
        self.assertEqual(got["JobStatus"], "COMPLETED")
        self.assertEqual(got["JobType"], "SERVICE_LEVEL")
        self.assertIn("JobCompletionDate", got)
        services = {s["ServiceNamespace"]: s for s in got["ServicesLastAccessed"]}
        self.assertEqual(sorted(services), ["iam", "kms", "s3"])
        self.assertEqual(services["iam"]["ServiceName"], "AWS Identity and Access Management")
        self.assertEqual(services["iam"]["LastAuthenticatedEntity"], alice_arn)
        self.assertEqual(services["iam"]["TotalAuthenticatedEntities"], 1)
        self.assertIn("LastAuthenticated", services["iam"])
        self.assertEqual(services["s3"]["LastAuthenticatedRegion"], "eu-west-1")
        self.assertNotIn("LastAuthenticated", services["kms"])
        self.assertEqual(services["kms"]["TotalAuthenticatedEntities"], 0)
        self.assertNotIn("TrackedActionsLastAccessed", services["iam"])
        page = iam.get_service_last_accessed_details(JobId=job, MaxItems=2)
        self.assertTrue(page["IsTruncated"])
        rest = iam.get_service_last_accessed_details(JobId=job, Marker=page["Marker"])
        self.assertEqual([s["ServiceNamespace"] for s in
                          page["ServicesLastAccessed"] + rest["ServicesLastAccessed"]],
                         ["iam", "kms", "s3"])

        actions = iam.get_service_last_accessed_details(
            JobId=iam.generate_service_last_accessed_details(
                Arn=alice_arn, Granularity="ACTION_LEVEL")["JobId"])
        self.assertEqual(actions["JobType"], "ACTION_LEVEL")
        iam_actions = [s for s in actions["ServicesLastAccessed"]
                       if s["ServiceNamespace"] == "iam"][0]["TrackedActionsLastAccessed"]
        self.assertEqual([a["ActionName"] for a in iam_actions], ["GetUser", "ListRoles"])

        # The group: its members; only alice used IAM.
        group_job = iam.generate_service_last_accessed_details(
            Arn="arn:aws:iam::%s:group/team" % ACCOUNT)["JobId"]
        grouped = {s["ServiceNamespace"]: s for s in iam.get_service_last_accessed_details(
            JobId=group_job)["ServicesLastAccessed"]}
        self.assertEqual(grouped["iam"]["TotalAuthenticatedEntities"], 1)
        entities = iam.get_service_last_accessed_details_with_entities(
            JobId=group_job, ServiceNamespace="iam")
        self.assertEqual(entities["JobStatus"], "COMPLETED")
        by_name = {e["EntityInfo"]["Name"]: e for e in entities["EntityDetailsList"]}
        self.assertEqual(sorted(by_name), ["alice", "bob"])
        self.assertEqual(by_name["alice"]["EntityInfo"]["Type"], "USER")
        self.assertEqual(by_name["alice"]["EntityInfo"]["Arn"], alice_arn)
        self.assertIn("LastAuthenticated", by_name["alice"])
        self.assertNotIn("LastAuthenticated", by_name["bob"])
        first = iam.get_service_last_accessed_details_with_entities(
            JobId=group_job, ServiceNamespace="iam", MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        second = iam.get_service_last_accessed_details_with_entities(
            JobId=group_job, ServiceNamespace="iam", Marker=first["Marker"])
        self.assertEqual([e["EntityInfo"]["Name"] for e in
                          first["EntityDetailsList"] + second["EntityDetailsList"]],
                         ["alice", "bob"])
        # The policy: attached to the group, one GROUP entity.
        policy_job = iam.generate_service_last_accessed_details(Arn=policy["Arn"])["JobId"]
        attached = iam.get_service_last_accessed_details_with_entities(
            JobId=policy_job, ServiceNamespace="s3")["EntityDetailsList"]
        self.assertEqual([(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"]) for e in attached],
                         [("team", "GROUP")])
        self.assertIn("LastAuthenticated", attached[0])

    def test_refusals(self):
        iam = self.iam
        with self.assertRaises(iam.exceptions.NoSuchEntityException) as ctx:
            iam.generate_service_last_accessed_details(
                Arn="arn:aws:iam::%s:user/nobody" % ACCOUNT)
        self.assertError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(iam.exceptions.InvalidInputException) as ctx:
            iam.generate_service_last_accessed_details(Arn="not-an-arn-but-long-enough")
        self.assertError(ctx, "InvalidInput", 400)
        missing = "00000000-0000-4000-8000-000000000000"
        with self.assertRaises(iam.exceptions.NoSuchEntityException) as ctx:
            iam.get_service_last_accessed_details(JobId=missing)
        self.assertError(ctx, "NoSuchEntity", 404,
                         "No such job with the specified job id %s." % missing)
        loose = client(self.server, validate=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.get_service_last_accessed_details(JobId="short")
        self.assertError(ctx, "ValidationError", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            loose.generate_service_last_accessed_details(
                Arn="arn:aws:iam::%s:user/x" % ACCOUNT, Granularity="EVERYTHING")
        self.assertError(ctx, "ValidationError", 400)
        iam.create_user(UserName="frank")
        frank = self.user_client("frank")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            frank.generate_service_last_accessed_details(
                Arn="arn:aws:iam::%s:user/frank" % ACCOUNT)
        self.assertError(ctx, "AccessDenied", 403)


if __name__ == "__main__":
    import unittest
    unittest.main()
