"""Issue 14: IAM groups, memberships and group policies with boto3 (and the AWS CLI), and the
rest of the user operations (UpdateUser, user tags, user permissions boundaries). A member's
real requests, SimulatePrincipalPolicy and ListEntitiesForPolicy all see its groups."""
import json
import subprocess

import botocore

import irsa_fixture as fx
from iam_helpers import ACCOUNT, IamTestCase, RawCapture, client, policy_doc


class GroupsTest(IamTestCase):
    def test_group_lifecycle_and_listing(self):
        group = self.iam.create_group(GroupName="Admins", Path="/ops/")["Group"]
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/ops/Admins" % ACCOUNT)
        self.assertRegex(group["GroupId"], r"^AGPA[A-Z2-7]{17}$")
        self.iam.create_group(GroupName="Devs")
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.iam.create_group(GroupName="admins")
        self.assertError(ctx, "EntityAlreadyExists", 409, "Group with name admins already exists.")
        page = self.iam.list_groups(MaxItems=1)
        self.assertEqual([g["GroupName"] for g in page["Groups"]], ["Admins"])
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_groups(Marker=page["Marker"])
        self.assertEqual([g["GroupName"] for g in rest["Groups"]], ["Devs"])
        names = [g["GroupName"] for p in self.iam.get_paginator("list_groups").paginate(
            PaginationConfig={"PageSize": 1}) for g in p["Groups"]]
        self.assertEqual(names, ["Admins", "Devs"])
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups(PathPrefix="/ops/")["Groups"]], ["Admins"])
        self.iam.update_group(GroupName="Devs", NewGroupName="Developers", NewPath="/eng/")
        got = self.iam.get_group(GroupName="developers")
        self.assertEqual(got["Group"]["Arn"], "arn:aws:iam::%s:group/eng/Developers" % ACCOUNT)
        self.assertEqual(got["Users"], [])
        self.iam.delete_group(GroupName="Developers")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_group(GroupName="Developers")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The group with name Developers cannot be found.")

    def test_membership_quota_and_delete_conflicts(self):
        self.iam.create_group(GroupName="g")
        self.iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
        self.iam.add_user_to_group(GroupName="g", UserName="alice")
        raw = RawCapture(self.iam)
        members = self.iam.get_group(GroupName="g")["Users"]
        self.assertEqual([u["UserName"] for u in members], ["alice"])
        self.assertNotIn("<Tags>", raw.bodies[-1])  # listings omit tags
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="alice")["Groups"]], ["g"])
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_group(GroupName="g")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must remove users from group first.")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_user(UserName="alice")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must remove user from all groups first.")
        for i in range(9):
            self.iam.create_group(GroupName="g%d" % i)
            self.iam.add_user_to_group(GroupName="g%d" % i, UserName="alice")
        self.iam.create_group(GroupName="eleventh")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.add_user_to_group(GroupName="eleventh", UserName="alice")
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10")
        self.iam.remove_user_from_group(GroupName="g", UserName="alice")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.remove_user_from_group(GroupName="g", UserName="alice")
        self.iam.delete_group(GroupName="g")

    def test_group_policies_govern_members(self):
        self.iam.create_user(UserName="alice")
        self.iam.create_group(GroupName="readers")
        alice = self.user_client("alice")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            alice.list_roles()
        self.assertError(ctx, "AccessDenied", 403)
        self.iam.add_user_to_group(GroupName="readers", UserName="alice")
        self.iam.put_group_policy(GroupName="readers", PolicyName="list-roles",
                                  PolicyDocument=policy_doc("iam:ListRoles"))
        self.assertEqual(self.iam.list_group_policies(GroupName="readers")["PolicyNames"],
                         ["list-roles"])
        got = self.iam.get_group_policy(GroupName="readers", PolicyName="list-roles")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], "iam:ListRoles")
        alice.list_roles()  # allowed through the group's inline policy
        policy = self.iam.create_policy(PolicyName="list-users",
                                        PolicyDocument=policy_doc("iam:ListUsers"))["Policy"]
        self.iam.attach_group_policy(GroupName="readers", PolicyArn=policy["Arn"])
        self.assertEqual(
            [p["PolicyName"] for p in
             self.iam.list_attached_group_policies(GroupName="readers")["AttachedPolicies"]],
            ["list-users"])
        alice.list_users()  # allowed through the group's managed policy
        entities = self.iam.list_entities_for_policy(PolicyArn=policy["Arn"])
        self.assertEqual([g["GroupName"] for g in entities["PolicyGroups"]], ["readers"])
        self.assertEqual(self.iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"],
                         1)
        simulated = self.iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:user/alice" % ACCOUNT,
            ActionNames=["iam:ListRoles", "iam:ListUsers", "iam:DeleteUser"])["EvaluationResults"]
        self.assertEqual([r["EvalDecision"] for r in simulated],
                         ["allowed", "allowed", "implicitDeny"])
        self.assertEqual(simulated[0]["MatchedStatements"][0]["SourcePolicyType"], "group")
        self.assertEqual(simulated[0]["MatchedStatements"][0]["SourcePolicyId"], "list-roles")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException):
            self.iam.delete_group(GroupName="readers")
        self.iam.remove_user_from_group(GroupName="readers", UserName="alice")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            alice.list_roles()
        self.assertError(ctx, "AccessDenied", 403)
        self.iam.detach_group_policy(GroupName="readers", PolicyArn=policy["Arn"])
        self.iam.delete_group_policy(GroupName="readers", PolicyName="list-roles")
        self.iam.delete_group(GroupName="readers")

    def test_group_policy_quota(self):
        self.iam.create_group(GroupName="g")
        arns = [self.iam.create_policy(PolicyName="p%d" % i,
                                       PolicyDocument=policy_doc("s3:GetObject"))["Policy"]["Arn"]
                for i in range(11)]
        for arn in arns[:10]:
            self.iam.attach_group_policy(GroupName="g", PolicyArn=arn)
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.attach_group_policy(GroupName="g", PolicyArn=arns[10])
        self.assertError(ctx, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 10")

    def test_group_resource_authorization(self):
        self.iam.create_user(UserName="bob")
        self.iam.create_group(GroupName="mine", Path="/team/")
        self.iam.create_group(GroupName="theirs")
        self.iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=policy_doc(
            "iam:GetGroup", "arn:aws:iam::%s:group/team/*" % ACCOUNT))
        bob = self.user_client("bob")
        bob.get_group(GroupName="mine")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            bob.get_group(GroupName="theirs")
        self.assertIn("arn:aws:iam::%s:group/theirs" % ACCOUNT,
                      self.assertError(ctx, "AccessDenied", 403))

    def test_groups_with_the_cli(self):
        aws = fx.aws_v1() or fx.aws_v2()
        if not aws:
            self.skipTest("no AWS CLI")
        env = fx.cli_env(self.server)

        def run(*args):
            out = subprocess.run([aws, "iam", *args, "--output", "json"], env=env,
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout) if out.stdout.strip() else {}

        run("create-group", "--group-name", "cli-group")
        run("create-user", "--user-name", "cli-user")
        run("add-user-to-group", "--group-name", "cli-group", "--user-name", "cli-user")
        got = run("get-group", "--group-name", "cli-group")
        self.assertEqual([u["UserName"] for u in got["Users"]], ["cli-user"])
        listed = run("list-groups-for-user", "--user-name", "cli-user")
        self.assertEqual([g["GroupName"] for g in listed["Groups"]], ["cli-group"])


class UsersCompleteTest(IamTestCase):
    def test_update_user_renames_every_reference(self):
        self.iam.create_user(UserName="alice")
        self.iam.create_group(GroupName="g")
        self.iam.add_user_to_group(GroupName="g", UserName="alice")
        self.iam.put_user_policy(UserName="alice", PolicyName="p",
                                 PolicyDocument=policy_doc("iam:GetUser"))
        key = self.iam.create_access_key(UserName="alice")["AccessKey"]
        self.iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/hr/")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.get_user(UserName="alice")
        user = self.iam.get_user(UserName="alicia")["User"]
        self.assertEqual(user["Arn"], "arn:aws:iam::%s:user/hr/alicia" % ACCOUNT)
        self.assertEqual([g["GroupName"] for g in
                          self.iam.list_groups_for_user(UserName="alicia")["Groups"]], ["g"])
        self.assertEqual(self.iam.list_user_policies(UserName="alicia")["PolicyNames"], ["p"])
        keys = self.iam.list_access_keys(UserName="alicia")["AccessKeyMetadata"]
        self.assertEqual([(k["AccessKeyId"], k["UserName"]) for k in keys],
                         [(key["AccessKeyId"], "alicia")])
        # The key still authenticates, now as the renamed user, who reads itself without UserName.
        renamed = client(self.server, key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
        self.assertEqual(renamed.get_user()["User"]["UserName"], "alicia")
        self.iam.create_user(UserName="bob")
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as ctx:
            self.iam.update_user(UserName="alicia", NewUserName="BOB")
        self.assertError(ctx, "EntityAlreadyExists", 409, "User with name BOB already exists.")

    def test_user_tags_and_boundaries(self):
        self.iam.create_user(UserName="alice")
        self.iam.tag_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"},
                                                  {"Key": "env", "Value": "prod"}])
        self.iam.untag_user(UserName="alice", TagKeys=["ENV"])
        self.assertEqual(self.iam.list_user_tags(UserName="alice")["Tags"],
                         [{"Key": "team", "Value": "blue"}])
        boundary = self.iam.create_policy(PolicyName="boundary",
                                          PolicyDocument=policy_doc("iam:*"))["Policy"]["Arn"]
        self.iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=boundary)
        user = self.iam.get_user(UserName="alice")["User"]
        self.assertEqual(user["PermissionsBoundary"]["PermissionsBoundaryArn"], boundary)
        raw = RawCapture(self.iam)
        listed = self.iam.list_users()["Users"]
        self.assertEqual([u["UserName"] for u in listed], ["alice"])
        self.assertNotIn("PermissionsBoundary", listed[0])  # AWS omits it in ListUsers
        self.assertNotIn("PermissionsBoundary", raw.bodies[-1])
        self.iam.delete_user_permissions_boundary(UserName="alice")
        self.assertNotIn("PermissionsBoundary", self.iam.get_user(UserName="alice")["User"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.put_user_permissions_boundary(
                UserName="alice", PermissionsBoundary="arn:aws:iam::%s:policy/none" % ACCOUNT)
        self.assertError(ctx, "NoSuchEntity", 404,
                         "Scope ARN: arn:aws:iam::%s:policy/none does not exist or is not "
                         "attachable." % ACCOUNT)
