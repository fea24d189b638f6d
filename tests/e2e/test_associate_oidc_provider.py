"""`irsa utils associate-iam-oidc-provider --cluster C [--approve]` (eksctl's verb) on the data
directory of a real `irsa serve`, checked with boto3: the plan changes nothing, --approve creates
the provider (the issuer's URL, client id sts.amazonaws.com, the SHA-1 of DATA/tls/ca.pem) that a
web identity then assumes a role through, a rerun says it is already associated, an unknown
cluster fails; without a local CA the provider has no thumbprint."""
import hashlib
import os
import ssl
import subprocess
import unittest

import boto3

import iam_helpers
import irsa_fixture as fx


def associate(server, cluster, *extra):
    return subprocess.run([fx.binary(), "utils", "associate-iam-oidc-provider", "--cluster",
                           cluster, "--data-dir", server.data_dir] + list(extra),
                          capture_output=True, text=True, timeout=60)


def create_cluster(server, name):
    """The EKS way: CreateCluster as the account root; returns the issuer URL."""
    eks = iam_helpers.client(server, "eks")
    cluster = eks.create_cluster(name=name, roleArn="arn:aws:iam::%s:role/eks" % fx.ACCOUNT_ID,
                                 resourcesVpcConfig={"subnetIds": ["subnet-1"]})["cluster"]
    return cluster["identity"]["oidc"]["issuer"]


class AssociateWithLocalCaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.iam = iam_helpers.client(self.server)

    def provider_arns(self):
        return [p["Arn"] for p in self.iam.list_open_id_connect_providers()[
            "OpenIDConnectProviderList"]]

    def test_plan_approve_rerun(self):
        issuer = create_cluster(self.server, "c1")
        host_path = issuer[len("https://"):]
        arn = "arn:aws:iam::%s:oidc-provider/%s" % (fx.ACCOUNT_ID, host_path)

        plan = associate(self.server, "c1")
        self.assertEqual(plan.returncode, 0, plan.stderr)
        self.assertIn('(plan) would create IAM Open ID Connect provider for cluster "c1" in '
                      '"us-east-1": ' + arn, plan.stdout)
        self.assertIn("no changes were applied, run again with '--approve'", plan.stdout)
        self.assertEqual(self.provider_arns(), [])

        created = associate(self.server, "c1", "--approve")
        self.assertEqual(created.returncode, 0, created.stderr)
        self.assertIn('created IAM Open ID Connect provider for cluster "c1" in "us-east-1": ' +
                      arn, created.stdout)
        self.assertEqual(self.provider_arns(), [arn])
        provider = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(provider["Url"], host_path)
        self.assertEqual(provider["ClientIDList"], ["sts.amazonaws.com"])
        with open(os.path.join(self.server.data_dir, "tls", "ca.pem")) as f:
            ca_sha1 = hashlib.sha1(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()
        self.assertEqual(provider["ThumbprintList"], [ca_sha1])
        self.assertIn("thumbprint " + ca_sha1, created.stdout)

        for extra in (["--approve"], []):
            again = associate(self.server, "c1", *extra)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn('IAM Open ID Connect provider is already associated with cluster "c1" '
                          'in "us-east-1"', again.stdout)
        self.assertEqual(self.provider_arns(), [arn])

        # The provider is what a web identity needs: a role trusting it is assumed with a token
        # of the cluster.
        trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
                 '{"Federated": "%s"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": '
                 '{"StringEquals": {"%s:aud": "sts.amazonaws.com"}}}]}' % (arn, host_path))
        role = self.iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust)["Role"]
        token = subprocess.run([fx.binary(), "token", "--cluster", "c1", "--service-account",
                                "app", "--data-dir", self.server.data_dir], capture_output=True,
                               text=True, check=True, timeout=60).stdout.strip()
        sts = boto3.client("sts", endpoint_url=self.server.http, region_name="us-east-1")
        assumed = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1",
                                                    WebIdentityToken=token)
        self.assertEqual(assumed["Provider"], arn)

    def test_a_provider_without_the_client_id_gets_it(self):
        issuer = create_cluster(self.server, "c2")
        arn = self.iam.create_open_id_connect_provider(
            Url=issuer, ClientIDList=["other"], ThumbprintList=["a" * 40])[
            "OpenIDConnectProviderArn"]
        out = associate(self.server, "c2")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("(plan) would add client id sts.amazonaws.com to IAM Open ID Connect "
                      "provider " + arn, out.stdout)
        self.assertEqual(self.iam.get_open_id_connect_provider(
            OpenIDConnectProviderArn=arn)["ClientIDList"], ["other"])
        out = associate(self.server, "c2", "--approve")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("added client id sts.amazonaws.com to IAM Open ID Connect provider " + arn,
                      out.stdout)
        provider = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(sorted(provider["ClientIDList"]), ["other", "sts.amazonaws.com"])
        self.assertEqual(provider["ThumbprintList"], ["a" * 40])  # left as it was

    def test_unknown_cluster_is_an_error_and_changes_nothing(self):
        for extra in ([], ["--approve"]):
            out = associate(self.server, "nope", *extra)
            self.assertEqual(out.returncode, 1)
            self.assertIn("irsa utils associate-iam-oidc-provider: ResourceNotFoundException: "
                          "No cluster found for name: nope.", out.stderr)
        self.assertEqual(self.provider_arns(), [])


class AssociateWithoutLocalCaTest(unittest.TestCase):
    def test_no_local_ca_means_no_thumbprint(self):
        # No HTTPS listener: irsa generates no CA; the issuers are served behind a proxy.
        server = fx.IrsaServer(tls=False,
                               extra_args=["--issuer-url-base", "https://issuer.example"]).start()
        self.addCleanup(server.stop)
        self.assertFalse(os.path.exists(os.path.join(server.data_dir, "tls", "ca.pem")))
        issuer = create_cluster(server, "c1")
        self.assertTrue(issuer.startswith("https://issuer.example/id/"), issuer)
        out = associate(server, "c1", "--approve")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("no thumbprint", out.stdout)
        arn = "arn:aws:iam::%s:oidc-provider/%s" % (fx.ACCOUNT_ID, issuer[len("https://"):])
        provider = iam_helpers.client(server).get_open_id_connect_provider(
            OpenIDConnectProviderArn=arn)
        self.assertEqual(provider["ClientIDList"], ["sts.amazonaws.com"])
        self.assertEqual(provider.get("ThumbprintList", []), [])


if __name__ == "__main__":
    unittest.main()
