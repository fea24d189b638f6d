"""Clients nobody here wrote, under `irsa exec`: each exchanges its projected token with irsa
(AssumeRoleWithWebIdentity through its own default credential chain) and calls STS
GetCallerIdentity as the role.

| client | endpoint mode (AWS_ENDPOINT_URL_STS) | transparent mode (--transparent) |
| --- | --- | --- |
| AWS CLI v2 (Debian's /usr/bin/aws) | only from 2.13 (bookworm has 2.9) | yes |
| AWS CLI v1 (`aws` on PATH) | yes (>= 1.29) | yes |
| boto3 | yes (botocore >= 1.31) | yes |
| Go SDK v1 (Debian's golang-github-aws-aws-sdk-go-dev, GO111MODULE=off) | no | yes |
| JavaScript SDK v2 (npm aws-sdk) | no | yes |
| JavaScript SDK v3 (npm @aws-sdk/client-sts) | yes | yes |

Clients that ignore AWS_ENDPOINT_URL_STS are expected to fail in endpoint mode (they try
sts.amazonaws.com) and to pass in transparent mode; the test asserts both.

No real AWS name is ever resolved: irsa and every client run inside a private network
namespace (`ip netns`, loopback only, needs root), where irsa's HTTPS listener is
127.0.0.1:443 (transparent mode needs port 443) and there is no route and no DNS server. A
client whose package is missing is skipped with a message naming the package
(scripts/install-deps.sh installs the Debian ones, scripts/install-js-deps.sh the npm ones).
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import uuid

import irsa_fixture as fx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SDK_DIR = os.path.join(ROOT, "tests", "e2e", "sdk")
NODE_MODULES = os.path.join(ROOT, "build", "js", "node_modules")
ARN = re.compile(r"^arn:aws:sts::111122223333:assumed-role/app-role/irsa-exec-default-app-"
                 r"[0-9a-f]{8}$", re.M)


def version_of(command):
    out = subprocess.run(command + ["--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).strip()


def aws_cli(major):
    """Path of the AWS CLI v1 or v2, or None."""
    for path in ["/usr/bin/aws"] + [os.path.join(d, "aws")
                                    for d in os.environ.get("PATH", "").split(os.pathsep)]:
        if os.access(path, os.X_OK) and version_of([path]).startswith("aws-cli/%d." % major):
            return path
    return None


def cli_honours_endpoint_variables(path):
    m = re.match(r"aws-cli/(\d+)\.(\d+)", version_of([path]))
    major, minor = int(m.group(1)), int(m.group(2))
    return (major, minor) >= ((2, 13) if major == 2 else (1, 29))


def can_use_netns():
    return os.geteuid() == 0 and shutil.which("ip") is not None


def js_deps():
    if not shutil.which("node") or not shutil.which("npm"):
        return False
    return subprocess.run([os.path.join(ROOT, "scripts", "install-js-deps.sh")],
                          capture_output=True, timeout=600).returncode == 0


@unittest.skipUnless(can_use_netns(), "needs root and ip (iproute2) for a private network "
                                      "namespace")
class SdkMatrixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="irsa-sdk-matrix-")
        cls.netns = "irsa-sdk-" + uuid.uuid4().hex[:8]
        subprocess.run(["ip", "netns", "add", cls.netns], check=True)
        cls.in_netns(["ip", "link", "set", "lo", "up"], check=True)
        cls.data = os.path.join(cls.dir, "data")
        cls.log = open(os.path.join(cls.dir, "serve.log"), "wb")
        cls.server = subprocess.Popen(
            ["ip", "netns", "exec", cls.netns, fx.binary(), "serve", "--data-dir", cls.data,
             "--listen", "127.0.0.1:8080", "--listen-tls", "127.0.0.1:443"],
            stdout=cls.log, stderr=subprocess.STDOUT)
        endpoints = os.path.join(cls.data, "endpoints.json")
        fx.poll(lambda: os.path.exists(endpoints), bool, timeout=20)
        assert os.path.exists(endpoints), "irsa serve did not start"
        for args in (["cluster", "create", "c1"],
                     ["create", "iamserviceaccount", "--name", "app", "--cluster", "c1",
                      "--role-name", "app-role", "--approve"]):
            out = cls.in_netns([fx.binary()] + args + ["--data-dir", cls.data])
            assert out.returncode == 0, out.stderr
        cls.js = js_deps()
        cls.go_program = None
        if shutil.which("go") and os.path.isdir(
                "/usr/share/gocode/src/github.com/aws/aws-sdk-go/aws"):
            program = os.path.join(cls.dir, "go_v1_whoami")
            env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
                       GOCACHE=os.path.join(ROOT, "build", "gocache"))
            out = subprocess.run(["go", "build", "-o", program,
                                  os.path.join(SDK_DIR, "go_v1_whoami.go")],
                                 env=env, capture_output=True, text=True, timeout=600)
            assert out.returncode == 0, out.stderr
            cls.go_program = program

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=15)
        cls.log.close()
        subprocess.run(["ip", "netns", "delete", cls.netns])
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def in_netns(cls, command, check=False, env=None):
        return subprocess.run(["ip", "netns", "exec", cls.netns] + command, capture_output=True,
                              text=True, timeout=180, check=check, env=env)

    def exec_client(self, command, transparent):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IRSA_"))}
        env.update({"HOME": self.dir, "AWS_PAGER": "", "NODE_PATH": NODE_MODULES})
        args = [fx.binary(), "exec", "--data-dir", self.data, "--cluster", "c1",
                "--service-account", "app"]
        if transparent:
            args.append("--transparent")
        return self.in_netns(args + ["--"] + command, env=env)

    def check(self, command, endpoint_mode_works):
        with self.subTest(mode="transparent"):
            out = self.exec_client(command, transparent=True)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertRegex(out.stdout.strip(), ARN)
        with self.subTest(mode="endpoint", expected_to_work=endpoint_mode_works):
            out = self.exec_client(command, transparent=False)
            if endpoint_mode_works:
                self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
                self.assertRegex(out.stdout.strip(), ARN)
            else:
                # Expected to need transparent mode: it went for the real AWS name, which
                # cannot resolve here, and got no credentials.
                self.assertNotEqual(out.returncode, 0, out.stdout)
                self.assertIsNone(ARN.search(out.stdout))
                # (the JavaScript SDK v2 hides the STS error behind "Missing credentials")
                self.assertRegex(out.stdout + out.stderr, r"amazonaws\.com|Missing credentials")

    def test_aws_cli_v2(self):
        cli = aws_cli(2)
        if cli is None:
            self.skipTest("the AWS CLI v2 is not installed (Debian package awscli)")
        self.check([cli, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
                   cli_honours_endpoint_variables(cli))

    def test_aws_cli_v1(self):
        cli = aws_cli(1)
        if cli is None:
            self.skipTest("the AWS CLI v1 is not on PATH")
        self.check([cli, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
                   cli_honours_endpoint_variables(cli))

    def test_boto3(self):
        if subprocess.run(["python3", "-c", "import boto3"], capture_output=True).returncode:
            self.skipTest("boto3 is not installed for python3")
        self.check(["python3", os.path.join(SDK_DIR, "boto3_whoami.py")], True)

    def test_go_sdk_v1(self):
        if self.go_program is None:
            self.skipTest("needs golang-go and golang-github-aws-aws-sdk-go-dev")
        self.check([self.go_program], False)

    def test_javascript_sdk_v2(self):
        if not self.js:
            self.skipTest("needs node, npm and aws-sdk (scripts/install-js-deps.sh)")
        self.check(["node", os.path.join(SDK_DIR, "js_v2_whoami.cjs")], False)

    def test_javascript_sdk_v3(self):
        if not self.js:
            self.skipTest("needs node, npm and @aws-sdk/client-sts (scripts/install-js-deps.sh)")
        self.check(["node", os.path.join(SDK_DIR, "js_v3_whoami.cjs")], True)


if __name__ == "__main__":
    unittest.main()
