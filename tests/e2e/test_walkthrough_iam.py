"""The IAM steps of the seed walkthrough (assigning an IAM role to a Kubernetes service account),
run verbatim with AWS CLI v2 and v1 against a real `irsa serve`, with the sample outputs
asserted."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import irsa_fixture as fx

ACCOUNT_ID = fx.ACCOUNT_ID  # 111122223333, the walkthrough's account
OIDC_PROVIDER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
NAMESPACE = "default"
SERVICE_ACCOUNT = "my-service-account"

# cat >my-policy.json <<EOF … EOF
MY_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-pod-secrets-bucket"
    }
  ]
}
"""

# cat >trust-relationship.json <<EOF … EOF (with the variables expanded by the shell)
TRUST_RELATIONSHIP = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::%(account_id)s:oidc-provider/%(oidc_provider)s"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "%(oidc_provider)s:aud": "sts.amazonaws.com",
          "%(oidc_provider)s:sub": "system:serviceaccount:%(namespace)s:%(service_account)s"
        }
      }
    }
  ]
}
""" % {"account_id": ACCOUNT_ID, "oidc_provider": OIDC_PROVIDER, "namespace": NAMESPACE,
       "service_account": SERVICE_ACCOUNT}


class WalkthroughIamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.workdir = tempfile.mkdtemp(prefix="irsa-walkthrough-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        with open(os.path.join(self.workdir, "my-policy.json"), "w") as f:
            f.write(MY_POLICY)
        with open(os.path.join(self.workdir, "trust-relationship.json"), "w") as f:
            f.write(TRUST_RELATIONSHIP)

    def aws(self, cli, *args):
        env = fx.cli_env(self.server, home=self.workdir)
        cmd = [cli, "--endpoint-url", self.server.http] + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=self.workdir,
                             timeout=120)
        self.assertEqual(out.returncode, 0, "%s\nstdout: %s\nstderr: %s" %
                         (" ".join(args), out.stdout, out.stderr))
        return out.stdout

    def run_walkthrough(self, cli):
        # 1. aws iam create-policy --policy-name my-policy --policy-document file://my-policy.json
        created = json.loads(self.aws(cli, "iam", "create-policy", "--policy-name", "my-policy",
                                      "--policy-document", "file://my-policy.json"))
        self.assertEqual(created["Policy"]["Arn"],
                         "arn:aws:iam::%s:policy/my-policy" % ACCOUNT_ID)

        # account_id=$(aws sts get-caller-identity --query "Account" --output text)
        account_id = self.aws(cli, "sts", "get-caller-identity", "--query", "Account",
                              "--output", "text").strip()
        self.assertEqual(account_id, ACCOUNT_ID)

        # aws iam create-role --role-name my-role
        #   --assume-role-policy-document file://trust-relationship.json
        #   --description "my-role-description"
        role = json.loads(self.aws(cli, "iam", "create-role", "--role-name", "my-role",
                                   "--assume-role-policy-document",
                                   "file://trust-relationship.json",
                                   "--description", "my-role-description"))["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/my-role" % ACCOUNT_ID)
        self.assertEqual(role["Description"], "my-role-description")

        # aws iam attach-role-policy --role-name my-role
        #   --policy-arn=arn:aws:iam::$account_id:policy/my-policy
        self.assertEqual(self.aws(cli, "iam", "attach-role-policy", "--role-name", "my-role",
                                  "--policy-arn=arn:aws:iam::%s:policy/my-policy" % account_id),
                         "")

        # Confirm: aws iam get-role --role-name my-role --query Role.AssumeRolePolicyDocument
        printed = self.aws(cli, "iam", "get-role", "--role-name", "my-role", "--query",
                           "Role.AssumeRolePolicyDocument")
        self.assertEqual(json.loads(printed), json.loads(TRUST_RELATIONSHIP))
        # Key order is preserved, as in the sample output.
        self.assertLess(printed.index('"Effect"'), printed.index('"Principal"'))
        self.assertLess(printed.index('"Principal"'), printed.index('"Condition"'))

        # aws iam list-attached-role-policies --role-name my-role
        #   --query AttachedPolicies[].PolicyArn --output text
        text = self.aws(cli, "iam", "list-attached-role-policies", "--role-name", "my-role",
                        "--query", "AttachedPolicies[].PolicyArn", "--output", "text")
        self.assertEqual(text, "arn:aws:iam::111122223333:policy/my-policy\n")

        # export policy_arn=arn:aws:iam::111122223333:policy/my-policy
        policy_arn = "arn:aws:iam::111122223333:policy/my-policy"
        # aws iam get-policy --policy-arn $policy_arn
        policy = json.loads(self.aws(cli, "iam", "get-policy", "--policy-arn", policy_arn))
        self.assertEqual(policy["Policy"]["PolicyName"], "my-policy")
        self.assertEqual(policy["Policy"]["Arn"], policy_arn)
        self.assertEqual(policy["Policy"]["Path"], "/")
        self.assertEqual(policy["Policy"]["DefaultVersionId"], "v1")
        self.assertEqual(policy["Policy"]["PolicyId"], created["Policy"]["PolicyId"])
        self.assertEqual(policy["Policy"]["AttachmentCount"], 1)

        # aws iam get-policy-version --policy-arn $policy_arn --version-id v1
        version = json.loads(self.aws(cli, "iam", "get-policy-version", "--policy-arn",
                                      policy_arn, "--version-id", "v1"))
        self.assertEqual(version["PolicyVersion"]["Document"], json.loads(MY_POLICY))
        self.assertEqual(version["PolicyVersion"]["VersionId"], "v1")
        self.assertTrue(version["PolicyVersion"]["IsDefaultVersion"])

        # The provider key of the trust policy resolves to the provider once it is registered.
        provider = json.loads(self.aws(
            cli, "iam", "create-open-id-connect-provider", "--url", "https://" + OIDC_PROVIDER,
            "--client-id-list", "sts.amazonaws.com", "--thumbprint-list",
            "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"))
        self.assertEqual(provider["OpenIDConnectProviderArn"],
                         "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT_ID, OIDC_PROVIDER))
        url = self.aws(cli, "iam", "get-open-id-connect-provider",
                       "--open-id-connect-provider-arn", provider["OpenIDConnectProviderArn"],
                       "--query", "Url", "--output", "text")
        self.assertEqual(url, OIDC_PROVIDER + "\n")

    def test_walkthrough_with_aws_cli_v2(self):
        cli = fx.aws_v2()
        self.assertIsNotNone(cli, "AWS CLI v2 must be installed at /usr/bin/aws")
        self.run_walkthrough(cli)

    def test_walkthrough_with_aws_cli_v1(self):
        cli = fx.aws_v1()
        self.assertIsNotNone(cli, "AWS CLI v1 must be on PATH")
        self.run_walkthrough(cli)


if __name__ == "__main__":
    unittest.main()
