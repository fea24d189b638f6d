"""The seed walkthrough (assigning an IAM role to a Kubernetes service account), end to end against
a real `irsa serve`: the cluster made the EKS way (`aws eks create-cluster`, `aws eks
update-kubeconfig`, kubectl authenticating with `aws eks get-token`), its IAM OIDC provider with
`irsa utils associate-iam-oidc-provider`, then the walkthrough's commands verbatim with kubectl
and the AWS CLI (v2 at /usr/bin/aws and v1 on PATH; an `aws` shell function adds
--endpoint-url), its eksctl path with `irsa create iamserviceaccount`, and finally an unmodified
boto3 program run as a pod would run it with `irsa exec`.
See docs/walkthrough.md."""
import hashlib
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest

import irsa_fixture as fx

ACCOUNT_ID = fx.ACCOUNT_ID  # 111122223333, the walkthrough's account
KUBECTL = shutil.which("kubectl")
needs_kubectl = unittest.skipIf(KUBECTL is None, "kubectl is not installed")

# Step 1.1 of the walkthrough, verbatim.
MY_POLICY_STEP = """cat >my-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-pod-secrets-bucket"
    }
  ]
}
EOF
"""
MY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-pod-secrets-bucket"}]}

# AWS CLI step 1, verbatim.
SERVICE_ACCOUNT_STEP = """cat >my-service-account.yaml <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: my-service-account
  namespace: default
EOF
kubectl apply -f my-service-account.yaml
"""

# AWS CLI step 5, verbatim.
TRUST_STEP = """cat >trust-relationship.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::$account_id:oidc-provider/$oidc_provider"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "$oidc_provider:aud": "sts.amazonaws.com",
          "$oidc_provider:sub": "system:serviceaccount:$namespace:$service_account"
        }
      }
    }
  ]
}
EOF
"""

# Not in the walkthrough: a second policy so the program can show an allowed IAM call.
ROLE_READER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:GetRole",
     "Resource": "arn:aws:iam::%s:role/my-role" % ACCOUNT_ID}]}

# An unmodified boto3 program: default credential chain, no endpoint or region in the code.
PROG = """import json
import boto3
import botocore.exceptions

out = {}
out["arn"] = boto3.client("sts").get_caller_identity()["Arn"]
iam = boto3.client("iam")
out["get_role"] = iam.get_role(RoleName="my-role")["Role"]["Arn"]
try:
    iam.list_roles()
    out["list_roles"] = "allowed"
except botocore.exceptions.ClientError as e:
    out["list_roles"] = e.response["Error"]["Code"]
print(json.dumps(out))
"""

PROG_NO_CREDENTIALS = """import boto3
import botocore.exceptions

try:
    boto3.client("sts").get_caller_identity()
    print("found credentials")
except botocore.exceptions.NoCredentialsError as e:
    print("NoCredentialsError: %s" % e)
"""


class WalkthroughTest(unittest.TestCase):
    def setUp(self):
        self.server = fx.IrsaServer(tls=True).start()
        self.addCleanup(self.server.stop)
        self.workdir = tempfile.mkdtemp(prefix="irsa-walkthrough-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        self.data = self.server.data_dir
        self.kubeconfig = os.path.join(self.workdir, "kubeconfig")
        self.env = fx.cli_env(self.server, home=self.workdir)
        self.env["KUBECONFIG"] = self.kubeconfig
        # The setup of docs/walkthrough.md: the cluster as on EKS, as the account root.
        created = json.loads(self.sh(
            "aws eks create-cluster --name my-cluster --role-arn "
            "arn:aws:iam::111122223333:role/my-cluster-role "
            "--resources-vpc-config subnetIds=subnet-1"))
        self.assertEqual(created["cluster"]["status"], "CREATING")
        self.update_kubeconfig("/usr/bin/aws")

    # --- helpers -------------------------------------------------------------------------------

    def irsa(self, *args, check=True, env=None, timeout=60):
        args = list(args)
        cut = args.index("--") if "--" in args else len(args)
        cmd = [fx.binary()] + args[:cut] + ["--data-dir", self.data] + args[cut:]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=self.workdir, env=env,
                             timeout=timeout)
        if check:
            self.assertEqual(out.returncode, 0, "irsa %s\nstdout: %s\nstderr: %s" %
                             (" ".join(args), out.stdout, out.stderr))
        return out

    def sh(self, script, cli="/usr/bin/aws", variables=None):
        """Runs walkthrough lines in bash; `aws` always gets --endpoint-url."""
        env = dict(self.env)
        env.update(variables or {})
        env["AWS_CLI"] = cli
        env["IRSA_ENDPOINT"] = self.server.http
        prelude = 'aws() { "$AWS_CLI" --endpoint-url "$IRSA_ENDPOINT" "$@"; }\nset -e -o pipefail\n'
        out = subprocess.run(["bash", "-c", prelude + script], capture_output=True, text=True,
                             env=env, cwd=self.workdir, timeout=120)
        self.assertEqual(out.returncode, 0, "%s\nstdout: %s\nstderr: %s" %
                         (script, out.stdout, out.stderr))
        return out.stdout

    def update_kubeconfig(self, cli):
        """`aws eks update-kubeconfig` with `cli`, which then also runs as kubectl's exec plugin
        (`aws` first on PATH)."""
        bin_dir = os.path.join(self.workdir, "bin-" + hashlib.sha1(cli.encode()).hexdigest()[:8])
        if not os.path.isdir(bin_dir):
            os.mkdir(bin_dir)
            os.symlink(cli, os.path.join(bin_dir, "aws"))
        self.env["PATH"] = bin_dir + os.pathsep + os.environ["PATH"]
        self.sh('aws eks update-kubeconfig --name my-cluster --kubeconfig "$KUBECONFIG"', cli)
        with open(self.kubeconfig) as f:
            kubeconfig = f.read()
        self.assertIn("get-token", kubeconfig)
        self.assertNotIn("token:", kubeconfig)  # no static bearer token: the exec plugin only

    def exec_env(self):
        """The caller's environment for `irsa exec`: admin keys and a profile that must NOT reach
        the program."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": fx.ADMIN_KEY_ID, "AWS_SECRET_ACCESS_KEY": fx.ADMIN_SECRET,
                    "AWS_PROFILE": "irsa", "AWS_SESSION_TOKEN": "bogus", "HOME": self.workdir,
                    "TMPDIR": self.workdir})
        return env

    def thumbprint(self):
        with open(self.server.ca_bundle) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        return hashlib.sha1(der).hexdigest()

    def write(self, name, text):
        with open(os.path.join(self.workdir, name), "w") as f:
            f.write(text)

    # --- the walkthrough, AWS CLI path ---------------------------------------------------------

    def aws_cli_walkthrough(self, cli):
        v = {}
        self.update_kubeconfig(cli)
        # kubectl authenticates with `aws eks get-token` as the root key of the environment, the
        # cluster's creator.
        whoami = json.loads(self.sh("kubectl auth whoami -o json", cli))
        self.assertEqual(whoami["status"]["userInfo"]["username"],
                         "arn:aws:iam::%s:root" % ACCOUNT_ID)
        # 1. Create the IAM policy.
        self.sh(MY_POLICY_STEP, cli)
        created = json.loads(self.sh(
            "aws iam create-policy --policy-name my-policy --policy-document file://my-policy.json",
            cli))
        self.assertEqual(created["Policy"]["Arn"], "arn:aws:iam::%s:policy/my-policy" % ACCOUNT_ID)
        # 2. AWS CLI 1. The service account.
        out = self.sh(SERVICE_ACCOUNT_STEP, cli)
        self.assertIn("serviceaccount/my-service-account created", out)
        # 2. Account id.
        v["account_id"] = self.sh(
            'account_id=$(aws sts get-caller-identity --query "Account" --output text)\n'
            'printf %s "$account_id"', cli)
        self.assertEqual(v["account_id"], ACCOUNT_ID)
        # 3. The cluster's OIDC provider (host and path of the issuer).
        v["oidc_provider"] = self.sh(
            'oidc_provider=$(aws eks describe-cluster --name my-cluster --region $AWS_REGION '
            '--query "cluster.identity.oidc.issuer" --output text | sed -e "s/^https:\\/\\///")\n'
            'printf %s "$oidc_provider"', cli)
        self.assertRegex(v["oidc_provider"], r"^localhost:\d+/id/[0-9A-F]{32}$")
        # Prerequisite of the walkthrough: the cluster's IAM OIDC provider exists.
        provider_arn = "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT_ID, v["oidc_provider"])
        out = self.irsa("utils", "associate-iam-oidc-provider", "--cluster", "my-cluster",
                        "--approve").stdout
        self.assertIn('created IAM Open ID Connect provider for cluster "my-cluster" in '
                      '"us-east-1": ' + provider_arn, out)
        provider = json.loads(self.sh(
            'aws iam get-open-id-connect-provider --open-id-connect-provider-arn "%s"' %
            provider_arn, cli))
        self.assertEqual(provider["ClientIDList"], ["sts.amazonaws.com"])
        self.assertEqual(provider["ThumbprintList"], [self.thumbprint()])
        # 4.-8.
        v["namespace"] = "default"
        v["service_account"] = "my-service-account"
        self.sh(TRUST_STEP, cli, v)
        role = json.loads(self.sh(
            'aws iam create-role --role-name my-role --assume-role-policy-document '
            'file://trust-relationship.json --description "my-role-description"', cli, v))
        self.assertEqual(role["Role"]["Description"], "my-role-description")
        self.sh("aws iam attach-role-policy --role-name my-role "
                "--policy-arn=arn:aws:iam::$account_id:policy/my-policy", cli, v)
        out = self.sh("kubectl annotate serviceaccount -n $namespace $service_account "
                      "eks.amazonaws.com/role-arn=arn:aws:iam::$account_id:role/my-role", cli, v)
        self.assertIn("serviceaccount/my-service-account annotated", out)

        # Confirming the configuration.
        # 1. The trust policy.
        doc = json.loads(self.sh("aws iam get-role --role-name my-role "
                                 "--query Role.AssumeRolePolicyDocument", cli))
        provider = v["oidc_provider"]
        self.assertEqual(doc, {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT_ID, provider)},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                provider + ":sub": "system:serviceaccount:default:my-service-account",
                provider + ":aud": "sts.amazonaws.com"}}}]})
        # 2. The attached policy.
        out = self.sh("aws iam list-attached-role-policies --role-name my-role "
                      "--query AttachedPolicies[].PolicyArn --output text", cli)
        self.assertEqual(out.strip(), "arn:aws:iam::111122223333:policy/my-policy")
        # 3.-4. The policy's default version.
        v["policy_arn"] = "arn:aws:iam::111122223333:policy/my-policy"
        policy = json.loads(self.sh("aws iam get-policy --policy-arn $policy_arn", cli, v))["Policy"]
        self.assertEqual(policy["PolicyName"], "my-policy")
        self.assertEqual(policy["Arn"], "arn:aws:iam::111122223333:policy/my-policy")
        self.assertEqual(policy["Path"], "/")
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.assertRegex(policy["PolicyId"], r"^ANPA[A-Z0-9]{17}$")
        # 5. Its content.
        version = json.loads(self.sh(
            "aws iam get-policy-version --policy-arn $policy_arn --version-id v1", cli, v))
        self.assertEqual(version["PolicyVersion"]["Document"], MY_POLICY)
        self.assertEqual(version["PolicyVersion"]["VersionId"], "v1")
        self.assertTrue(version["PolicyVersion"]["IsDefaultVersion"])
        # 6. The annotated service account.
        out = self.sh("kubectl describe serviceaccount my-service-account -n default", cli)
        self.assertRegex(out, r"(?m)^Name:\s+my-service-account$")
        self.assertRegex(out, r"(?m)^Namespace:\s+default$")
        self.assertRegex(out, r"(?m)^Annotations:\s+eks\.amazonaws\.com/role-arn: "
                              r"arn:aws:iam::111122223333:role/my-role$")
        self.assertRegex(out, r"(?m)^Image pull secrets:\s+<none>$")
        return v

    @needs_kubectl
    def test_aws_cli_v2_walkthrough_then_boto3_via_irsa_exec(self):
        self.assertIsNotNone(fx.aws_v2(), "AWS CLI v2 expected at /usr/bin/aws")
        self.aws_cli_walkthrough("/usr/bin/aws")
        # A second policy lets the program make one IAM call the role allows.
        self.write("role-reader.json", json.dumps(ROLE_READER_POLICY))
        self.sh("aws iam create-policy --policy-name my-role-reader "
                "--policy-document file://role-reader.json\n"
                "aws iam attach-role-policy --role-name my-role "
                "--policy-arn arn:aws:iam::111122223333:policy/my-role-reader")
        self.write("prog.py", PROG)
        out = self.irsa("exec", "--cluster", "my-cluster", "--namespace", "default",
                        "--service-account", "my-service-account", "--", "python3", "prog.py",
                        env=self.exec_env())
        result = json.loads(out.stdout)
        self.assertRegex(result["arn"],
                         r"^arn:aws:sts::111122223333:assumed-role/my-role/[\w+=,.@-]+$")
        self.assertEqual(result["get_role"], "arn:aws:iam::111122223333:role/my-role")
        self.assertEqual(result["list_roles"], "AccessDenied")
        # The temp directory with the token is gone.
        self.assertEqual([n for n in os.listdir(self.workdir) if n.startswith("irsa-exec-")], [])

        # A service account without the annotation: no credentials at all.
        self.sh("kubectl create serviceaccount no-role-sa -n default")
        self.write("prog_no_credentials.py", PROG_NO_CREDENTIALS)
        out = self.irsa("exec", "--cluster", "my-cluster", "--namespace", "default",
                        "--service-account", "no-role-sa", "--", "python3",
                        "prog_no_credentials.py", env=self.exec_env())
        self.assertIn("NoCredentialsError", out.stdout)
        self.assertIn("has no eks.amazonaws.com/role-arn annotation", out.stderr)

    @needs_kubectl
    def test_aws_cli_v1_walkthrough(self):
        cli = fx.aws_v1()
        if cli is None:
            self.skipTest("AWS CLI v1 is not on PATH")
        self.aws_cli_walkthrough(cli)
        self.write("role-reader.json", json.dumps(ROLE_READER_POLICY))
        self.sh("aws iam create-policy --policy-name my-role-reader "
                "--policy-document file://role-reader.json\n"
                "aws iam attach-role-policy --role-name my-role "
                "--policy-arn arn:aws:iam::111122223333:policy/my-role-reader", cli=cli)
        self.write("prog.py", PROG)
        out = self.irsa("exec", "--cluster", "my-cluster", "--namespace", "default",
                        "--service-account", "my-service-account", "--", "python3", "prog.py",
                        env=self.exec_env())
        result = json.loads(out.stdout)
        self.assertRegex(result["arn"], r"^arn:aws:sts::111122223333:assumed-role/my-role/")
        self.assertEqual(result["get_role"], "arn:aws:iam::111122223333:role/my-role")
        self.assertEqual(result["list_roles"], "AccessDenied")

    # --- the walkthrough, eksctl path ----------------------------------------------------------

    def eksctl(self, *args, check=True):
        return self.irsa("create", "iamserviceaccount", *args, check=check)

    def test_eksctl_path_with_irsa_create_iamserviceaccount(self):
        self.sh(MY_POLICY_STEP)
        self.sh("aws iam create-policy --policy-name my-policy --policy-document file://my-policy.json")
        flags = ["--name", "my-service-account2", "--namespace", "default", "--cluster",
                 "my-cluster", "--role-name", "my-role2", "--attach-policy-arn",
                 "arn:aws:iam::111122223333:policy/my-policy"]
        # Without --approve: a plan, and nothing changes.
        plan = self.eksctl(*flags).stdout
        self.assertIn("[plan] create IAM OIDC provider", plan)
        self.assertIn("[plan] create IAM role my-role2", plan)
        self.assertIn("nothing was changed", plan)
        roles = json.loads(self.sh("aws iam list-roles"))["Roles"]
        self.assertNotIn("my-role2", [r["RoleName"] for r in roles])

        out = self.eksctl(*(flags + ["--approve"])).stdout
        self.assertIn("created IAM OIDC provider", out)
        self.assertIn("created IAM role arn:aws:iam::111122223333:role/my-role2", out)
        self.assertIn("attached policy arn:aws:iam::111122223333:policy/my-policy", out)
        self.assertIn("created ServiceAccount default/my-service-account2", out)

        issuer = json.loads(self.sh("aws eks describe-cluster --name my-cluster"))[
            "cluster"]["identity"]["oidc"]["issuer"]
        provider = issuer[len("https://"):]
        doc = json.loads(self.sh("aws iam get-role --role-name my-role2 "
                                 "--query Role.AssumeRolePolicyDocument"))
        self.assertEqual(doc, {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/" + provider},
            "Condition": {"StringEquals": {
                provider + ":sub": "system:serviceaccount:default:my-service-account2",
                provider + ":aud": "sts.amazonaws.com"}}}]})
        out = self.sh("aws iam list-attached-role-policies --role-name my-role2 "
                      "--query AttachedPolicies[].PolicyArn --output text")
        self.assertEqual(out.strip(), "arn:aws:iam::111122223333:policy/my-policy")
        providers = json.loads(self.sh("aws iam list-open-id-connect-providers"))
        self.assertEqual([p["Arn"] for p in providers["OpenIDConnectProviderList"]],
                         ["arn:aws:iam::111122223333:oidc-provider/" + provider])
        if KUBECTL:
            sa = json.loads(self.sh("kubectl get serviceaccount my-service-account2 -n default "
                                    "-o json"))
            self.assertEqual(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
                             "arn:aws:iam::111122223333:role/my-role2")
            self.assertEqual(sa["metadata"]["labels"]["app.kubernetes.io/managed-by"], "eksctl")

        # Idempotent: everything is reused or left alone, and said so.
        out = self.eksctl(*(flags + ["--approve"])).stdout
        self.assertIn("reused IAM OIDC provider", out)
        self.assertIn("reused existing IAM role arn:aws:iam::111122223333:role/my-role2", out)
        self.assertIn("was already attached", out)
        self.assertIn("ServiceAccount default/my-service-account2 exists: left alone", out)

        # An existing SA in a new namespace: created namespace, then left alone / overridden.
        if KUBECTL:
            self.sh("kubectl create namespace team\nkubectl create serviceaccount app -n team")
            other = ["--name", "app", "--namespace", "team", "--cluster", "my-cluster",
                     "--role-name", "team-app", "--attach-policy-arn",
                     "arn:aws:iam::111122223333:policy/my-policy", "--approve"]
            out = self.eksctl(*other).stdout
            self.assertIn("ServiceAccount team/app exists: left alone", out)
            sa = json.loads(self.sh("kubectl get serviceaccount app -n team -o json"))
            self.assertNotIn("annotations", sa["metadata"])
            out = self.eksctl(*(other + ["--override-existing-serviceaccounts"])).stdout
            self.assertIn("updated ServiceAccount team/app", out)
            sa = json.loads(self.sh("kubectl get serviceaccount app -n team -o json"))
            self.assertEqual(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
                             "arn:aws:iam::111122223333:role/team-app")

        # A namespace that does not exist is created; --role-only creates no SA.
        out = self.eksctl("--name", "worker", "--namespace", "jobs", "--cluster", "my-cluster",
                          "--role-name", "jobs-worker", "--approve").stdout
        self.assertIn("created namespace jobs", out)
        self.assertIn("created ServiceAccount jobs/worker", out)
        out = self.eksctl("--name", "ghost", "--cluster", "my-cluster", "--role-name",
                          "ghost-role", "--role-only", "--approve").stdout
        self.assertIn("created IAM role arn:aws:iam::111122223333:role/ghost-role", out)
        self.assertIn("--role-only", out)
        bad = self.eksctl("--name", "x", "--cluster", "my-cluster", "--role-name", "x",
                          "--attach-policy-arn", "arn:aws:iam::111122223333:policy/nope",
                          "--approve", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("nope", bad.stderr)

        # The eksctl-made SA works with irsa exec.
        self.write("whoami.py", "import boto3\n"
                   "print(boto3.client('sts').get_caller_identity()['Arn'])\n")
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account",
                        "my-service-account2", "--", "python3", "whoami.py", env=self.exec_env())
        self.assertRegex(out.stdout.strip(),
                         r"^arn:aws:sts::111122223333:assumed-role/my-role2/")

    # --- irsa exec details ---------------------------------------------------------------------

    def test_exec_token_environment_refresh_signals_and_errors(self):
        self.eksctl("--name", "app", "--cluster", "my-cluster", "--role-name", "app-role",
                    "--approve")
        inspect = """import json, os, stat, base64, time
path = os.environ["AWS_WEB_IDENTITY_TOKEN_FILE"]
def claims():
    with open(path) as f:
        token = f.read()
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
first = claims()
time.sleep(float(os.environ.get("WAIT", "0")))
second = claims()
print(json.dumps({
  "env": {k: v for k, v in os.environ.items() if k.startswith("AWS_")},
  "mode": oct(stat.S_IMODE(os.stat(path).st_mode)),
  "dir_mode": oct(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)),
  "first": first, "second": second}))
"""
        self.write("inspect.py", inspect)
        env = self.exec_env()
        env["AWS_REGION"] = "eu-west-1"
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "app", "--",
                        "python3", "inspect.py", env=env)
        r = json.loads(out.stdout)
        e = r["env"]
        self.assertEqual(e["AWS_ROLE_ARN"], "arn:aws:iam::111122223333:role/app-role")
        self.assertTrue(e["AWS_WEB_IDENTITY_TOKEN_FILE"].startswith(self.workdir + "/irsa-exec-"))
        self.assertTrue(e["AWS_WEB_IDENTITY_TOKEN_FILE"].endswith("/token"))
        self.assertEqual(e["AWS_ENDPOINT_URL_STS"], self.server.http)
        self.assertEqual(e["AWS_ENDPOINT_URL_IAM"], self.server.http)
        self.assertRegex(e["AWS_ROLE_SESSION_NAME"], r"^irsa-exec-default-app-[0-9a-f]{8}$")
        self.assertEqual(e["AWS_REGION"], "eu-west-1")  # the pod's own, kept
        for stripped in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                         "AWS_PROFILE"):
            self.assertNotIn(stripped, e)
        self.assertNotIn("AWS_STS_REGIONAL_ENDPOINTS", e)
        self.assertEqual(r["mode"], "0o600")
        self.assertEqual(r["dir_mode"], "0o700")
        claims = r["first"]
        self.assertEqual(claims["aud"], ["sts.amazonaws.com"])
        self.assertEqual(claims["sub"], "system:serviceaccount:default:app")
        self.assertEqual(claims["exp"] - claims["iat"], 86400)

        # Webhook flags and SA annotations: region, regional STS, audience, expiration.
        if KUBECTL:
            self.sh("kubectl annotate serviceaccount app -n default "
                    "eks.amazonaws.com/token-expiration=3600 "
                    "eks.amazonaws.com/audience=example.com")
            out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "app",
                            "--aws-default-region", "us-west-2", "--sts-regional-endpoint",
                            "--", "python3", "inspect.py", env=self.exec_env())
            r = json.loads(out.stdout)
            self.assertEqual(r["env"]["AWS_REGION"], "us-west-2")
            self.assertEqual(r["env"]["AWS_DEFAULT_REGION"], "us-west-2")
            self.assertEqual(r["env"]["AWS_STS_REGIONAL_ENDPOINTS"], "regional")
            self.assertEqual(r["first"]["aud"], ["example.com"])
            self.assertEqual(r["first"]["exp"] - r["first"]["iat"], 3600)

        # Refresh: the file is rewritten while the program runs.
        env = self.exec_env()
        env["WAIT"] = "2.6"
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "app",
                        "--refresh-interval", "1", "--", "python3", "inspect.py", env=env)
        r = json.loads(out.stdout)
        self.assertGreater(r["second"]["iat"], r["first"]["iat"])

        # Exit status and signals are passed through; the temp dir is removed.
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "app", "--",
                        "sh", "-c", "exit 7", check=False, env=self.exec_env())
        self.assertEqual(out.returncode, 7)
        args = [fx.binary(), "exec", "--cluster", "my-cluster", "--service-account", "app",
                "--data-dir", self.data, "--", "python3", "-c",
                "import signal, sys, time\n"
                "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
                "print('ready', flush=True)\ntime.sleep(60)\n"]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.exec_env(), cwd=self.workdir)
        self.assertEqual(proc.stdout.readline().strip(), "ready")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=20), 42)
        proc.stdout.close()
        proc.stderr.close()
        time.sleep(0.1)
        self.assertEqual([n for n in os.listdir(self.workdir) if n.startswith("irsa-exec-")], [])

        # Errors: missing service account, missing cluster, command not found.
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "nobody", "--",
                        "true", check=False, env=self.exec_env())
        self.assertNotEqual(out.returncode, 0)
        self.assertIn('ServiceAccount "nobody" not found in namespace "default"', out.stderr)
        out = self.irsa("exec", "--cluster", "no-cluster", "--service-account", "app", "--",
                        "true", check=False, env=self.exec_env())
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("No cluster found for name: no-cluster", out.stderr)
        out = self.irsa("exec", "--cluster", "my-cluster", "--service-account", "app", "--",
                        "no-such-command-xyz", check=False, env=self.exec_env())
        self.assertEqual(out.returncode, 127)
        self.assertIn("cannot run no-such-command-xyz", out.stderr)


if __name__ == "__main__":
    unittest.main()
