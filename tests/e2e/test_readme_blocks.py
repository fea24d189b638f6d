"""The command blocks of README.md and docs/walkthrough.md, run exactly as written.

A block is the ```sh fence right after a `<!-- test: NAME -->` comment; the test knows which
names each document must have, so a block cannot silently lose its marker. Each document's blocks
run in order in one `bash -euo pipefail`, in a fresh directory, as a reader would paste them:

  * inside a private network namespace (`unshare --net`, loopback up; needs root, else the test
    is skipped), so irsa's default ports 127.0.0.1:8080 and :8443 are free as on a fresh machine
    and the blocks need no port rewriting;
  * with `irsa` on PATH and `aws` being the CLI under test: the AWS CLI v2 (/usr/bin/aws) and the
    AWS CLI v1 (the other `aws` on PATH), each in its own run;
  * the README's blocks next to `irsa serve --data-dir .data` (the README says to start it first);
    the walkthrough's blocks start it themselves (its first block).

Nothing else is added to the blocks except a trap that stops background jobs at the end.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import irsa_fixture as fx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = re.compile(r"<!-- test: ([\w-]+)[^>]*-->\n```sh\n(.*?)```", re.S)

README_BLOCKS = ["readme-quickstart", "readme-five-commands"]
WALKTHROUGH_BLOCKS = ["walkthrough-setup", "walkthrough-policy", "walkthrough-service-account",
                      "walkthrough-oidc-provider", "walkthrough-role", "walkthrough-eksctl",
                      "walkthrough-confirm", "walkthrough-exec", "walkthrough-s3"]


def blocks(document):
    with open(os.path.join(ROOT, document)) as f:
        return MARKER.findall(f.read())


def aws_clis():
    """{"v2": path, "v1": path} for the CLIs present."""
    found = {}
    candidates = ["/usr/bin/aws"] + [os.path.join(d, "aws") for d in
                                     os.environ.get("PATH", "").split(os.pathsep)]
    for path in candidates:
        if not os.access(path, os.X_OK) or path in found.values():
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True)
        version = (out.stdout + out.stderr).strip()
        major = "v2" if version.startswith("aws-cli/2.") else (
            "v1" if version.startswith("aws-cli/1.") else None)
        if major and major not in found:
            found[major] = path
    return found


def can_unshare_network():
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "--net", "ip", "link", "set", "lo", "up"],
                          capture_output=True).returncode == 0


NETNS = can_unshare_network()
CLIS = aws_clis()
KUBECTL = shutil.which("kubectl")


@unittest.skipUnless(NETNS, "needs root and unshare/ip (iproute2) for a private network namespace")
class DocumentBlocksTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="irsa-docs-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        os.symlink(fx.binary(), os.path.join(self.bin, "irsa"))
        self.work = os.path.join(self.dir, "work")
        os.mkdir(self.work)

    def run_script(self, cli, script):
        os.symlink(cli, os.path.join(self.bin, "aws"))
        path = os.path.join(self.dir, "script.sh")
        with open(path, "w") as f:
            f.write("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n")
            f.write("ip link set lo up\n")
            f.write(script)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and not k.startswith("IRSA_") and k != "KUBECONFIG"}
        env["PATH"] = self.bin + os.pathsep + env["PATH"]
        env["HOME"] = self.dir  # no ~/.aws, no ~/.kube
        env["AWS_PAGER"] = ""
        out = subprocess.run(["unshare", "--net", "bash", path], cwd=self.work, env=env,
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0,
                         "script failed:\n--- stdout\n%s\n--- stderr\n%s" % (out.stdout[-6000:],
                                                                            out.stderr[-6000:]))
        return out.stdout

    def document_script(self, document, expected):
        found = blocks(document)
        self.assertEqual([name for name, _ in found], expected,
                         "the test markers of %s changed" % document)
        return "".join(body for _, body in found)

    def check_readme(self, cli):
        script = ("irsa serve --data-dir .data >serve.log 2>&1 &\n"
                  "until [ -s .data/endpoints.json ]; do sleep 0.2; done\n" +
                  self.document_script("README.md", README_BLOCKS))
        out = self.run_script(cli, script)
        self.assertIn('"Arn": "arn:aws:iam::111122223333:root"', out)  # quickstart
        self.assertRegex(out, r'"Arn": "arn:aws:sts::111122223333:assumed-role/my-role/s1"')
        self.assertIn('"Provider": "arn:aws:iam::111122223333:oidc-provider/localhost:8443/id/',
                      out)
        # The README's claim about DATA/aws/config: ca_bundle, absolute, the generated CA.
        with open(os.path.join(self.work, ".data", "aws", "config")) as f:
            config = f.read()
        self.assertIn("ca_bundle = %s/.data/tls/ca.pem" % os.path.realpath(self.work), config)
        self.assertIn("endpoint_url = http://127.0.0.1:8080", config)

    def check_walkthrough(self, cli):
        out = self.run_script(cli, self.document_script("docs/walkthrough.md",
                                                         WALKTHROUGH_BLOCKS))
        # The setup made the cluster the EKS way and eksctl's verb its IAM OIDC provider.
        self.assertIn('"status": "CREATING"', out)
        self.assertIn('created IAM Open ID Connect provider for cluster "my-cluster" in '
                      '"us-east-1": arn:aws:iam::111122223333:oidc-provider/localhost:8443/id/', out)
        self.assertIn("eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/my-role", out)
        self.assertRegex(out, r"arn:aws:sts::111122223333:assumed-role/my-role/"
                              r"irsa-exec-default-my-service-account-[0-9a-f]{8}\n")
        self.assertIn('"DefaultVersionId": "v1"', out)
        # The last step: the pod reads its bucket and may not write it.
        self.assertIn('{"db": "secret"}\n\nPutObject: AccessDenied\n', out)

    @unittest.skipUnless("v2" in CLIS, "the AWS CLI v2 (/usr/bin/aws) is not installed")
    def test_readme_with_cli_v2(self):
        self.check_readme(CLIS["v2"])

    @unittest.skipUnless("v1" in CLIS, "the AWS CLI v1 is not on PATH")
    def test_readme_with_cli_v1(self):
        self.check_readme(CLIS["v1"])

    @unittest.skipUnless("v2" in CLIS and KUBECTL, "needs the AWS CLI v2 and kubectl")
    def test_walkthrough_with_cli_v2(self):
        self.check_walkthrough(CLIS["v2"])

    @unittest.skipUnless("v1" in CLIS and KUBECTL, "needs the AWS CLI v1 and kubectl")
    def test_walkthrough_with_cli_v1(self):
        self.check_walkthrough(CLIS["v1"])


if __name__ == "__main__":
    unittest.main()
