"""Issue 14: instance profiles and service-linked roles with boto3 and the AWS CLI."""
import json
import subprocess

import botocore

import irsa_fixture as fx
from iam_helpers import ACCOUNT, IamTestCase, RawCapture, client, policy_doc

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


class InstanceProfilesTest(IamTestCase):
    def test_profile_lifecycle_like_terraform(self):
        self.iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
        profile = self.iam.create_instance_profile(
            InstanceProfileName="web", Path="/app/",
            Tags=[{"Key": "team", "Value": "a"}])["InstanceProfile"]
        self.assertEqual(profile["Arn"], "arn:aws:iam::%s:instance-profile/app/web" % ACCOUNT)
        self.assertRegex(profile["InstanceProfileId"], r"^AIPA[A-Z2-7]{17}$")
        self.assertEqual(profile["Roles"], [])
        self.assertEqual(profile["Tags"], [{"Key": "team", "Value": "a"}])
        self.iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
        got = self.iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in got["Roles"]], ["web"])
        self.assertEqual(got["Roles"][0]["AssumeRolePolicyDocument"], json.loads(TRUST))
        self.iam.create_role(RoleName="api", AssumeRolePolicyDocument=TRUST)
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as ctx:
            self.iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="api")
        self.assertError(ctx, "LimitExceeded", 409,
                         "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_role(RoleName="web")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must remove roles from instance profile first.")
        # What Terraform does before deleting a role.
        for page in self.iam.get_paginator("list_instance_profiles_for_role").paginate(
                RoleName="web"):
            for p in page["InstanceProfiles"]:
                self.iam.remove_role_from_instance_profile(
                    InstanceProfileName=p["InstanceProfileName"], RoleName="web")
        self.iam.delete_role(RoleName="web")
        raw = RawCapture(self.iam)
        listed = self.iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]
        self.assertEqual([p["InstanceProfileName"] for p in listed], ["web"])
        self.assertNotIn("<Tags>", raw.bodies[-1])
        self.iam.tag_instance_profile(InstanceProfileName="web",
                                      Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["team"])
        self.assertEqual(self.iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"],
                         [{"Key": "env", "Value": "prod"}])
        self.iam.delete_instance_profile(InstanceProfileName="web")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_instance_profile(InstanceProfileName="web")
        self.assertError(ctx, "NoSuchEntity", 404, "Instance Profile web cannot be found.")

    def test_profile_tags_authorize(self):
        self.iam.create_user(UserName="ops")
        self.iam.create_instance_profile(InstanceProfileName="blue",
                                         Tags=[{"Key": "team", "Value": "blue"}])
        self.iam.create_instance_profile(InstanceProfileName="red",
                                         Tags=[{"Key": "team", "Value": "red"}])
        self.iam.put_user_policy(UserName="ops", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetInstanceProfile", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}]}))
        ops = self.user_client("ops")
        ops.get_instance_profile(InstanceProfileName="blue")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ops.get_instance_profile(InstanceProfileName="red")
        self.assertError(ctx, "AccessDenied", 403)

    def test_instance_profiles_with_the_cli(self):
        aws = fx.aws_v1() or fx.aws_v2()
        if not aws:
            self.skipTest("no AWS CLI")
        env = fx.cli_env(self.server)

        def run(*args):
            out = subprocess.run([aws, "iam", *args, "--output", "json"], env=env,
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout) if out.stdout.strip() else {}

        run("create-instance-profile", "--instance-profile-name", "cli")
        run("create-role", "--role-name", "cli", "--assume-role-policy-document", TRUST)
        run("add-role-to-instance-profile", "--instance-profile-name", "cli", "--role-name", "cli")
        listed = run("list-instance-profiles-for-role", "--role-name", "cli")
        self.assertEqual([p["InstanceProfileName"] for p in listed["InstanceProfiles"]], ["cli"])


class ServiceLinkedRolesTest(IamTestCase):
    def test_create_protect_and_delete(self):
        role = self.iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                                   Description="for ASGs")["Role"]
        self.assertEqual(role["RoleName"], "AWSServiceRoleForAutoScaling")
        self.assertEqual(role["Path"], "/aws-service-role/autoscaling.amazonaws.com/")
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"Service": "autoscaling.amazonaws.com"})
        with self.assertRaises(self.iam.exceptions.InvalidInputException) as ctx:
            self.iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
        self.assertError(ctx, "InvalidInput", 400,
                         "Service role name AWSServiceRoleForAutoScaling has been taken in this "
                         "account, please try a different suffix.")
        custom = self.iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                                     CustomSuffix="web")["Role"]
        self.assertEqual(custom["RoleName"], "AWSServiceRoleForAutoScaling_web")
        message = ("Cannot perform the operation on the protected role "
                   "'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS")
        with self.assertRaises(self.iam.exceptions.UnmodifiableEntityException) as ctx:
            self.iam.delete_role(RoleName="AWSServiceRoleForAutoScaling")
        self.assertError(ctx, "UnmodifiableEntity", 400, message)
        with self.assertRaises(self.iam.exceptions.UnmodifiableEntityException) as ctx:
            self.iam.update_assume_role_policy(RoleName="AWSServiceRoleForAutoScaling",
                                               PolicyDocument=TRUST)
        self.assertError(ctx, "UnmodifiableEntity", 400, message)
        task = self.iam.delete_service_linked_role(
            RoleName="AWSServiceRoleForAutoScaling")["DeletionTaskId"]
        self.assertTrue(task.startswith(
            "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/"))
        status = self.iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        self.assertEqual(status["Status"], "SUCCEEDED")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.get_role(RoleName="AWSServiceRoleForAutoScaling")

    def test_failed_deletion_reports_usage(self):
        self.iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
        self.iam.create_instance_profile(InstanceProfileName="p")
        self.iam.add_role_to_instance_profile(InstanceProfileName="p",
                                              RoleName="AWSServiceRoleForECS")
        task = self.iam.delete_service_linked_role(RoleName="AWSServiceRoleForECS")[
            "DeletionTaskId"]
        status = self.iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        self.assertEqual(status["Status"], "FAILED")
        self.assertEqual(status["Reason"]["RoleUsageList"][0]["Resources"],
                         ["arn:aws:iam::%s:instance-profile/p" % ACCOUNT])

    def test_aws_service_name_condition_key(self):
        self.iam.create_user(UserName="ops")
        self.iam.put_user_policy(UserName="ops", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
                "Condition": {"StringEquals": {"iam:AWSServiceName": "eks.amazonaws.com"}}}]}))
        ops = self.user_client("ops")
        self.assertEqual(ops.create_service_linked_role(
            AWSServiceName="eks.amazonaws.com")["Role"]["RoleName"], "AWSServiceRoleForAmazonEKS")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ops.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
        self.assertError(ctx, "AccessDenied", 403)
