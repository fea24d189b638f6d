"""Issue 14, "Bugs found in implemented operations", with boto3 against a real `irsa serve`: the
tag limit of one request is a ValidationError, GetPolicy answers an empty tag list, S3 access point
ARNs carry a region, trust policies name only STS assumption actions, and a provider ARN in a
trust policy needs its account."""
import json

import botocore

from iam_helpers import ACCOUNT, IamTestCase, RawCapture, client, policy_doc


def trust(principal, action):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": action}]})


class IamGrammarFixesTest(IamTestCase):
    def test_more_than_50_tags_is_a_validation_error(self):
        tags = [{"Key": "k%d" % i, "Value": "v"} for i in range(51)]
        iam = client(self.server, validate=False)
        calls = [
            lambda: iam.create_policy(PolicyName="p", PolicyDocument=policy_doc("s3:*"),
                                      Tags=tags),
            lambda: iam.create_role(RoleName="r", Tags=tags, AssumeRolePolicyDocument=trust(
                {"AWS": ACCOUNT}, "sts:AssumeRole")),
            lambda: iam.create_user(UserName="u", Tags=tags),
        ]
        for call in calls:
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertEqual(self.assertError(ctx, "ValidationError", 400),
                             "1 validation error detected: Value '[...]' at 'tags' failed to "
                             "satisfy constraint: Member must have length less than or equal to 50")
        arn = self.iam.create_policy(PolicyName="p", PolicyDocument=policy_doc("s3:*"))[
            "Policy"]["Arn"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.tag_policy(PolicyArn=arn, Tags=tags)
        self.assertError(ctx, "ValidationError", 400)
        self.iam.create_user(UserName="u")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.tag_user(UserName="u", Tags=tags)
        self.assertError(ctx, "ValidationError", 400)

    def test_get_policy_answers_an_empty_tag_list(self):
        arn = self.iam.create_policy(PolicyName="p", PolicyDocument=policy_doc("s3:*"))[
            "Policy"]["Arn"]
        raw = RawCapture(self.iam)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["Tags"], [])
        self.assertIn("<Tags/>", raw.bodies[-1])
        self.assertNotIn("Tags", self.iam.list_policies(Scope="Local")["Policies"][0])

    def test_s3_access_point_arns_carry_a_region(self):
        for resource in ["arn:aws:s3:us-east-1:111122223333:accesspoint/x",
                         "arn:aws:s3:us-east-1:111122223333:accesspoint/x/object/*",
                         "arn:aws:s3:*:111122223333:job/*"]:
            self.iam.create_policy(PolicyName="p", PolicyDocument=policy_doc("s3:*", resource))
            self.iam.delete_policy(PolicyArn="arn:aws:iam::%s:policy/p" % ACCOUNT)
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
            self.iam.create_policy(PolicyName="p",
                                   PolicyDocument=policy_doc("s3:*", "arn:aws:s3:us-east-1::b/*"))
        self.assertError(ctx, "MalformedPolicyDocument", 400,
                         "Resource arn:aws:s3:us-east-1::b/* can not contain region information.")

    def test_trust_policy_actions_and_principals(self):
        principal = {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}
        for action in ["sts:BadAssumeRole", ["sts:AssumeRole", "s3:GetObject"]]:
            with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
                self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(principal,
                                                                                  action))
            self.assertError(ctx, "MalformedPolicyDocument", 400,
                             "AssumeRole policy may only specify STS AssumeRole actions.")
        self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(principal, [
            "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]))
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
            self.iam.update_assume_role_policy(RoleName="r", PolicyDocument=trust(
                principal, "sts:BadAssumeRole"))
        self.assertError(ctx, "MalformedPolicyDocument", 400,
                         "AssumeRole policy may only specify STS AssumeRole actions.")
        federated = {"Federated": "arn:aws:iam:::oidc-provider/oidc.example.com"}
        with self.assertRaises(self.iam.exceptions.MalformedPolicyDocumentException) as ctx:
            self.iam.create_role(RoleName="w", AssumeRolePolicyDocument=trust(
                federated, "sts:AssumeRoleWithWebIdentity"))
        self.assertError(ctx, "MalformedPolicyDocument", 400,
                         'Invalid principal in policy: "Federated":'
                         '"arn:aws:iam:::oidc-provider/oidc.example.com"')
