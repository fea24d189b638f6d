"""kubectl with IAM identities, as on EKS (issue 16), with real clients only: `aws eks
create-cluster` / `update-kubeconfig` (AWS CLI v2 at /usr/bin/aws and v1 on PATH), access entries
made with the AWS CLI v1 (v2 2.9 predates them), and kubectl whose exec plugin runs
`aws eks get-token` — as the cluster's creator, as an IAM user with a view entry and as an
assumed role with a namespace-scoped edit entry; and the refusals: RBAC's 403 where the entry
does not allow, 401 for a principal without an entry and for tokens of another cluster, expired
or tampered.
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request
import ssl

from irsa_fixture import ACCOUNT_ID, IrsaServer, cli_env

AWS_V2 = "/usr/bin/aws"
AWS_V1 = shutil.which("aws")
KUBECTL = shutil.which("kubectl")
CLUSTER = "demo"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
EDIT = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
    "Action": "sts:AssumeRole"}]})


def presign_token(cluster, key_id, secret, host, when, expires=60, session_token=None):
    """A k8s-aws-v1 token made by hand (not botocore): a presigned GetCallerIdentity signed at
    `when`, covering x-k8s-aws-id: <cluster>."""
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = "%s/us-east-1/sts/aws4_request" % amz_date[:8]
    params = {"Action": "GetCallerIdentity", "Version": "2011-06-15",
              "X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": key_id + "/" + scope,
              "X-Amz-Date": amz_date, "X-Amz-Expires": str(expires),
              "X-Amz-SignedHeaders": "host;x-k8s-aws-id"}
    if session_token:
        params["X-Amz-Security-Token"] = session_token
    query = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                                urllib.parse.quote(v, safe="-_.~"))
                     for k, v in sorted(params.items()))
    canonical = "\n".join(["GET", "/", query, "host:" + host, "x-k8s-aws-id:" + cluster, "",
                           "host;x-k8s-aws-id", hashlib.sha256(b"").hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], "us-east-1", "sts", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    url = "https://%s/?%s&X-Amz-Signature=%s" % (host, query, signature)
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


@unittest.skipIf(KUBECTL is None or AWS_V1 is None or not os.path.exists(AWS_V2),
                 "kubectl and both AWS CLIs are needed")
class KubectlWithIamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = IrsaServer().start()
        cls.workdir = tempfile.mkdtemp(prefix="irsa-kubectl-iam-")
        # `aws` in the kubeconfig's exec plugin is whichever `aws` is first on PATH: a directory
        # that makes it the CLI v2 one.
        cls.v2_bin = os.path.join(cls.workdir, "v2-bin")
        os.mkdir(cls.v2_bin)
        os.symlink(AWS_V2, os.path.join(cls.v2_bin, "aws"))
        cls.admin = cls.env()
        cls.aws(AWS_V2, "eks", "create-cluster", "--name", CLUSTER, "--role-arn",
                "arn:aws:iam::%s:role/eks" % ACCOUNT_ID,
                "--resources-vpc-config", "subnetIds=subnet-1")
        cls.aws(AWS_V2, "eks", "create-cluster", "--name", "other", "--role-arn",
                "arn:aws:iam::%s:role/eks" % ACCOUNT_ID,
                "--resources-vpc-config", "subnetIds=subnet-1")
        # viewer: an IAM user with AmazonEKSViewPolicy on the cluster.
        cls.viewer = cls.user("viewer")
        cls.aws(AWS_V1, "eks", "create-access-entry", "--cluster-name", CLUSTER,
                "--principal-arn", cls.viewer["arn"])
        cls.aws(AWS_V1, "eks", "associate-access-policy", "--cluster-name", CLUSTER,
                "--principal-arn", cls.viewer["arn"], "--policy-arn", VIEW,
                "--access-scope", "type=cluster")
        # deployer: a role with AmazonEKSEditPolicy in the namespace "team" only, and a
        # username naming the session.
        cls.role_arn = cls.aws(AWS_V1, "iam", "create-role", "--role-name", "deployer",
                               "--path", "/ci/", "--assume-role-policy-document",
                               TRUST)["Role"]["Arn"]
        cls.aws(AWS_V1, "eks", "create-access-entry", "--cluster-name", CLUSTER,
                "--principal-arn", cls.role_arn, "--username", "deployer:{{SessionName}}",
                "--kubernetes-groups", "deployers")
        cls.aws(AWS_V1, "eks", "associate-access-policy", "--cluster-name", CLUSTER,
                "--principal-arn", cls.role_arn, "--policy-arn", EDIT,
                "--access-scope", "type=namespace,namespaces=team")
        # stranger: an IAM user without an access entry.
        cls.stranger = cls.user("stranger")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------------

    @classmethod
    def env(cls, key_id=None, secret=None, token=None):
        kwargs = {"token": token, "home": cls.workdir}
        if key_id:
            kwargs.update(key_id=key_id, secret=secret)
        env = cli_env(cls.server, **kwargs)
        env["AWS_CA_BUNDLE"] = cls.server.ca_bundle
        return env

    @classmethod
    def aws(cls, cli, *args, env=None, check=True):
        out = subprocess.run([cli, "--endpoint-url", cls.server.http, "--output", "json"] +
                             list(args), env=env or cls.admin, capture_output=True, text=True,
                             timeout=60)
        if check and out.returncode != 0:
            raise AssertionError("%s %s failed: %s" % (cli, " ".join(args), out.stderr))
        return json.loads(out.stdout) if out.stdout.strip() else {}

    @classmethod
    def user(cls, name):
        arn = cls.aws(AWS_V1, "iam", "create-user", "--user-name", name)["User"]["Arn"]
        key = cls.aws(AWS_V1, "iam", "create-access-key", "--user-name", name)["AccessKey"]
        return {"arn": arn, "env": cls.env(key["AccessKeyId"], key["SecretAccessKey"]),
                "key_id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}

    def kubeconfig(self, cli=AWS_V2, name="kubeconfig"):
        path = os.path.join(self.workdir, name)
        out = subprocess.run([cli, "--endpoint-url", self.server.http, "eks", "update-kubeconfig",
                              "--name", CLUSTER, "--kubeconfig", path], env=self.admin,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return path

    def kubectl(self, kubeconfig, env, *args, aws_cli=AWS_V1):
        env = dict(env, KUBECONFIG=kubeconfig)
        if aws_cli == AWS_V2:
            env["PATH"] = self.v2_bin + os.pathsep + env["PATH"]
        return subprocess.run([KUBECTL] + list(args), env=env, capture_output=True, text=True,
                              timeout=60)

    def assume_deployer(self, session="alice@example.com"):
        creds = self.aws(AWS_V1, "sts", "assume-role", "--role-arn", self.role_arn,
                         "--role-session-name", session)["Credentials"]
        return self.env(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    def raw_get(self, token, path="/api/v1/namespaces/default/serviceaccounts"):
        """GET on the cluster's API with a bearer token: (status, JSON body)."""
        endpoint = self.aws(AWS_V2, "eks", "describe-cluster", "--name",
                            CLUSTER)["cluster"]["endpoint"]
        request = urllib.request.Request(endpoint + path,
                                         headers={"Authorization": "Bearer " + token})
        context = ssl.create_default_context(cafile=self.server.ca_bundle)
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    # --- update-kubeconfig ---------------------------------------------------------------------

    def test_describe_cluster_has_endpoint_ca_and_access_config(self):
        for cli in (AWS_V2, AWS_V1):
            cluster = self.aws(cli, "eks", "describe-cluster", "--name", CLUSTER)["cluster"]
            self.assertEqual(cluster["status"], "ACTIVE")
            self.assertRegex(cluster["endpoint"], r"^https://localhost:\d+/k8s/demo$")
            with open(self.server.ca_bundle) as f:
                self.assertEqual(base64.b64decode(cluster["certificateAuthority"]["data"]).decode(),
                                 f.read())
        # CLI v1 knows accessConfig (v2 2.9 predates it and drops it).
        cluster = self.aws(AWS_V1, "eks", "describe-cluster", "--name", CLUSTER)["cluster"]
        self.assertEqual(cluster["accessConfig"]["authenticationMode"], "API")
        created = self.aws(AWS_V1, "eks", "create-cluster", "--name", "short-lived", "--role-arn",
                           "arn:aws:iam::%s:role/eks" % ACCOUNT_ID,
                           "--resources-vpc-config", "subnetIds=subnet-1")["cluster"]
        self.assertEqual(created["status"], "CREATING")
        self.assertIn("endpoint", created)
        deleted = self.aws(AWS_V1, "eks", "delete-cluster", "--name", "short-lived")["cluster"]
        self.assertEqual(deleted["status"], "DELETING")

    def test_creator_uses_update_kubeconfig_of_both_clis_unchanged(self):
        for cli, name in ((AWS_V2, "kc-v2"), (AWS_V1, "kc-v1")):
            with self.subTest(cli=cli):
                path = self.kubeconfig(cli, name)
                with open(path) as f:
                    text = f.read()
                self.assertIn("/k8s/demo", text)
                self.assertIn("get-token", text)
                sa = "made-with-" + name
                out = self.kubectl(path, self.admin, "create", "serviceaccount", sa,
                                   "-n", "default", aws_cli=cli)
                self.assertEqual(out.returncode, 0, out.stderr)
                out = self.kubectl(path, self.admin, "get", "serviceaccount", sa, "-n", "default",
                                   "-o", "json", aws_cli=cli)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(json.loads(out.stdout)["metadata"]["name"], sa)
        out = self.kubectl(self.kubeconfig(), self.admin, "auth", "whoami", "-o", "json")
        self.assertEqual(out.returncode, 0, out.stderr)
        user = json.loads(out.stdout)["status"]["userInfo"]
        self.assertEqual(user["username"], "arn:aws:iam::%s:root" % ACCOUNT_ID)

    # --- access entries decide -----------------------------------------------------------------

    def test_view_entry_lists_but_may_not_delete(self):
        kc = self.kubeconfig()
        env = self.viewer["env"]
        out = self.kubectl(kc, env, "get", "serviceaccounts", "-n", "default")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("default", out.stdout)
        out = self.kubectl(kc, env, "delete", "serviceaccount", "default", "-n", "default")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn('Error from server (Forbidden): serviceaccounts "default" is forbidden: '
                      'User "%s" cannot delete resource "serviceaccounts" in API group "" in the '
                      'namespace "default"' % self.viewer["arn"], out.stderr)
        out = self.kubectl(kc, env, "auth", "can-i", "delete", "serviceaccounts")
        self.assertEqual(out.stdout.strip(), "no")
        out = self.kubectl(kc, env, "auth", "can-i", "list", "serviceaccounts")
        self.assertEqual(out.stdout.strip(), "yes")
        # Through the CLI v2 exec plugin too.
        out = self.kubectl(kc, env, "get", "serviceaccounts", "-n", "default", aws_cli=AWS_V2)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_assumed_role_edits_its_namespace_only(self):
        kc = self.kubeconfig()
        env = self.assume_deployer("alice@example.com")
        out = self.kubectl(kc, env, "auth", "whoami", "-o", "json")
        self.assertEqual(out.returncode, 0, out.stderr)
        user = json.loads(out.stdout)["status"]["userInfo"]
        self.assertEqual(user["username"], "deployer:alice-example.com")
        self.assertEqual(user["groups"], ["deployers", "system:authenticated"])
        self.assertEqual(user["extra"]["canonicalArn"], [self.role_arn])
        self.assertEqual(
            user["extra"]["arn"],
            ["arn:aws:sts::%s:assumed-role/deployer/alice@example.com" % ACCOUNT_ID])
        out = self.kubectl(kc, self.admin, "create", "namespace", "team")
        self.assertIn(out.returncode, (0, 1), out.stderr)  # 1: it exists (another test made it)
        out = self.kubectl(kc, env, "create", "serviceaccount", "builder", "-n", "team")
        self.assertEqual(out.returncode, 0, out.stderr)
        out = self.kubectl(kc, env, "create", "serviceaccount", "builder", "-n", "default")
        self.assertNotEqual(out.returncode, 0)
        # kubectl create prefixes "error: failed to create serviceaccount: " to the Status message.
        self.assertIn('serviceaccounts is forbidden: User '
                      '"deployer:alice-example.com" cannot create resource "serviceaccounts" in '
                      'API group "" in the namespace "default"', out.stderr)

    def test_principal_without_entry_is_unauthorized(self):
        out = self.kubectl(self.kubeconfig(), self.stranger["env"], "get", "serviceaccounts")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Unauthorized", out.stderr)

    # --- tokens irsa refuses -------------------------------------------------------------------

    def get_token(self, cluster, env):
        out = subprocess.run([AWS_V2, "eks", "get-token", "--cluster-name", cluster], env=env,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)["status"]["token"]

    def assert_unauthorized(self, token):
        status, body = self.raw_get(token)
        self.assertEqual(status, 401, body)
        self.assertEqual(body["kind"], "Status")
        self.assertEqual(body["reason"], "Unauthorized")
        # And kubectl, given the token as a static bearer token, says so.
        endpoint = self.aws(AWS_V2, "eks", "describe-cluster", "--name",
                            CLUSTER)["cluster"]["endpoint"]
        kc = os.path.join(self.workdir, "static-token-kubeconfig")
        with open(kc, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "c",
                       "clusters": [{"name": "c", "cluster": {
                           "server": endpoint, "certificate-authority": self.server.ca_bundle}}],
                       "users": [{"name": "u", "user": {"token": token}}],
                       "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}, f)
        out = self.kubectl(kc, self.viewer["env"], "get", "serviceaccounts")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("Unauthorized", out.stderr)

    def test_real_token_works_and_refusals_are_401(self):
        good = self.get_token(CLUSTER, self.viewer["env"])
        self.assertTrue(good.startswith("k8s-aws-v1."))
        status, body = self.raw_get(good)
        self.assertEqual(status, 200, body)
        with self.subTest("another cluster's token"):
            self.assert_unauthorized(self.get_token("other", self.viewer["env"]))
        with self.subTest("tampered"):
            url = base64.urlsafe_b64decode(good[len("k8s-aws-v1."):] + "==").decode()
            last = url[-1]
            url = url[:-1] + ("0" if last != "0" else "1")
            self.assert_unauthorized(
                "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("="))
        now = datetime.datetime.now(datetime.timezone.utc)
        host = "sts.us-east-1.amazonaws.com"
        with self.subTest("hand-made and fresh (the control)"):
            token = presign_token(CLUSTER, self.viewer["key_id"], self.viewer["secret"], host, now)
            self.assertEqual(self.raw_get(token)[0], 200)
        with self.subTest("two minutes old with X-Amz-Expires=60: good, as on EKS"):
            token = presign_token(CLUSTER, self.viewer["key_id"], self.viewer["secret"], host,
                                  now - datetime.timedelta(minutes=2), expires=60)
            self.assertEqual(self.raw_get(token)[0], 200)
        with self.subTest("expired (older than 15 minutes)"):
            token = presign_token(CLUSTER, self.viewer["key_id"], self.viewer["secret"], host,
                                  now - datetime.timedelta(minutes=16), expires=60)
            self.assert_unauthorized(token)
        with self.subTest("X-Amz-Expires over 15 minutes"):
            token = presign_token(CLUSTER, self.viewer["key_id"], self.viewer["secret"], host, now,
                                  expires=3600)
            self.assert_unauthorized(token)
        with self.subTest("signed more than 5 minutes ahead"):
            token = presign_token(CLUSTER, self.viewer["key_id"], self.viewer["secret"], host,
                                  now + datetime.timedelta(minutes=10))
            self.assert_unauthorized(token)


if __name__ == "__main__":
    unittest.main()
