"""Issue 4 end to end: SimulatePrincipalPolicy and SimulateCustomPolicy driven by boto3 against a
real `irsa serve` (wire spec §3.9)."""
import json
import unittest

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})

# Statement 1: line 3 col 17 (after '[') .. line 4 col 59; statement 2: line 4 col 60 .. line 5
# col 69 (columns are 1-based; positions as AWS's CLI documentation shows them).
PRETTY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
  ]
}"""

CONDITIONAL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
                   "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                                 "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}],
})


def policy_doc(action, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


class IamSimulationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.iam = boto3.client("iam", endpoint_url=self.server.http, region_name="us-east-1",
                                aws_access_key_id=fx.ADMIN_KEY_ID,
                                aws_secret_access_key=fx.ADMIN_SECRET,
                                config=Config(retries={"max_attempts": 1}))
        self.role_arn = self.iam.create_role(RoleName="app",
                                             AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        self.iam.put_role_policy(RoleName="app", PolicyName="pretty", PolicyDocument=PRETTY)
        self.user_arn = self.iam.create_user(UserName="alice")["User"]["Arn"]
        self.iam.put_user_policy(UserName="alice", PolicyName="cond", PolicyDocument=CONDITIONAL)

    def test_decisions_and_matched_statements_with_positions(self):
        out = self.iam.simulate_principal_policy(
            PolicySourceArn=self.role_arn,
            ActionNames=["s3:GetObject", "s3:DeleteBucket", "ec2:RunInstances"])
        results = out["EvaluationResults"]
        self.assertFalse(out["IsTruncated"])
        self.assertEqual([r["EvalDecision"] for r in results],
                         ["allowed", "explicitDeny", "implicitDeny"])
        self.assertEqual(results[0]["EvalResourceName"], "*")
        self.assertEqual(results[0]["MatchedStatements"], [{
            "SourcePolicyId": "pretty", "SourcePolicyType": "role",
            "StartPosition": {"Line": 3, "Column": 17},
            "EndPosition": {"Line": 4, "Column": 59}}])
        self.assertEqual(results[1]["MatchedStatements"], [{
            "SourcePolicyId": "pretty", "SourcePolicyType": "role",
            "StartPosition": {"Line": 4, "Column": 60},
            "EndPosition": {"Line": 5, "Column": 69}}])
        self.assertEqual(results[2]["MatchedStatements"], [])
        self.assertNotIn("EvalDecisionDetails", results[0])

    def test_missing_context_values_then_context_entries_satisfy_the_condition(self):
        out = self.iam.simulate_principal_policy(PolicySourceArn=self.user_arn,
                                                 ActionNames=["ec2:StartInstances"])
        result = out["EvaluationResults"][0]
        self.assertEqual(result["EvalDecision"], "implicitDeny")
        self.assertEqual(result["MissingContextValues"], ["aws:RequestedRegion", "aws:SourceIp"])

        entries = [
            {"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["eu-west-1"],
             "ContextKeyType": "string"},
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.20.30.40"],
             "ContextKeyType": "ip"},
        ]
        out = self.iam.simulate_principal_policy(PolicySourceArn=self.user_arn,
                                                 ActionNames=["ec2:StartInstances"],
                                                 ContextEntries=entries)
        result = out["EvaluationResults"][0]
        self.assertEqual(result["EvalDecision"], "allowed")
        self.assertEqual(result["MissingContextValues"], [])
        self.assertEqual(result["MatchedStatements"][0]["SourcePolicyId"], "cond")
        self.assertEqual(result["MatchedStatements"][0]["SourcePolicyType"], "user")

        entries[1]["ContextKeyValues"] = ["192.168.1.1"]
        out = self.iam.simulate_principal_policy(PolicySourceArn=self.user_arn,
                                                 ActionNames=["ec2:StartInstances"],
                                                 ContextEntries=entries)
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "implicitDeny")

    def test_permissions_boundary_detail(self):
        boundary = self.iam.create_policy(PolicyName="boundary",
                                          PolicyDocument=policy_doc("s3:GetObject"))["Policy"]
        self.iam.put_role_permissions_boundary(RoleName="app",
                                               PermissionsBoundary=boundary["Arn"])
        out = self.iam.simulate_principal_policy(PolicySourceArn=self.role_arn,
                                                 ActionNames=["s3:GetObject", "s3:PutObject"])
        get, put = out["EvaluationResults"]
        self.assertEqual(get["EvalDecision"], "allowed")
        self.assertEqual(get["PermissionsBoundaryDecisionDetail"],
                         {"AllowedByPermissionsBoundary": True})
        self.assertEqual(put["EvalDecision"], "implicitDeny")
        self.assertEqual(put["PermissionsBoundaryDecisionDetail"],
                         {"AllowedByPermissionsBoundary": False})

    def test_custom_policy_simulation(self):
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[policy_doc("sqs:*"),
                             policy_doc("sqs:DeleteQueue", effect="Deny")],
            ActionNames=["sqs:SendMessage", "sqs:DeleteQueue", "sns:Publish"],
            ResourceArns=["arn:aws:sqs:us-east-1:%s:q" % ACCOUNT])
        send, delete, publish = out["EvaluationResults"]
        self.assertEqual(send["EvalDecision"], "allowed")
        self.assertEqual(send["MatchedStatements"][0]["SourcePolicyId"], "PolicyInputList.1")
        self.assertEqual(send["MatchedStatements"][0]["SourcePolicyType"], "none")
        self.assertEqual(send["EvalResourceName"], "arn:aws:sqs:us-east-1:%s:q" % ACCOUNT)
        self.assertEqual(send["EvalDecisionDetails"], {})
        self.assertEqual(delete["EvalDecision"], "explicitDeny")
        self.assertEqual(delete["MatchedStatements"][0]["SourcePolicyId"], "PolicyInputList.2")
        self.assertEqual(publish["EvalDecision"], "implicitDeny")

    def test_custom_policy_with_cross_account_resource_policy(self):
        bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": self.user_arn},
            "Action": "s3:GetObject", "Resource": "*"}]})
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[policy_doc("s3:GetObject")], ActionNames=["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::bucket/key"], ResourcePolicy=bucket_policy,
            ResourceOwner="444455556666", CallerArn=self.user_arn)
        result = out["EvaluationResults"][0]
        self.assertEqual(result["EvalDecision"], "allowed")
        self.assertEqual([s["SourcePolicyType"] for s in result["MatchedStatements"]],
                         ["none", "resource"])
        self.assertEqual(result["EvalDecisionDetails"],
                         {"IdentityPolicy": "allowed", "ResourcePolicy": "allowed"})

    def test_paging(self):
        kw = dict(PolicySourceArn=self.role_arn,
                  ActionNames=["s3:GetObject", "s3:PutObject", "s3:DeleteBucket"],
                  ResourceArns=["arn:aws:s3:::a", "arn:aws:s3:::b"])
        first = self.iam.simulate_principal_policy(MaxItems=4, **kw)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["EvaluationResults"]), 4)
        second = self.iam.simulate_principal_policy(MaxItems=4, Marker=first["Marker"], **kw)
        self.assertFalse(second["IsTruncated"])
        self.assertEqual([(r["EvalActionName"], r["EvalResourceName"])
                          for r in second["EvaluationResults"]],
                         [("s3:DeleteBucket", "arn:aws:s3:::a"),
                          ("s3:DeleteBucket", "arn:aws:s3:::b")])
        paginator = self.iam.get_paginator("simulate_principal_policy")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}, **kw))
        self.assertEqual(sum(len(p["EvaluationResults"]) for p in pages), 6)
        self.assertEqual(len(pages), 2)

    def test_unknown_principal_and_bad_inputs(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.simulate_principal_policy(
                PolicySourceArn="arn:aws:iam::%s:role/missing" % ACCOUNT,
                ActionNames=["s3:GetObject"])
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "NoSuchEntity")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.simulate_custom_policy(PolicyInputList=["{nope"],
                                            ActionNames=["s3:GetObject"])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "MalformedPolicyDocument")

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.simulate_custom_policy(
                PolicyInputList=[policy_doc("s3:*")], ActionNames=["s3:GetObject"],
                ContextEntries=[{"ContextKeyName": "aws:SourceIp",
                                 "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidInput")


if __name__ == "__main__":
    unittest.main()
