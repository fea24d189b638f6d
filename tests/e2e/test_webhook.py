"""The pod-identity webhook served by `irsa serve` at POST /webhook/<cluster>/mutate.

ServiceAccounts are created with kubectl against irsa's own Kubernetes API (irsa kubeconfig);
AdmissionReview documents are POSTed over HTTPS, verified with the server's CA bundle.
"""
import base64
import json
import os
import ssl
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
import uuid

from irsa_fixture import IrsaServer, binary

ROLE_ARN = "arn:aws:iam::111122223333:role/s3-reader"

# The upstream webhook's own expectation (wire spec §5.4; pkg/handler testdata
# rawPodWithoutVolumes): a pod with one container, SA annotated, default flags.
EXPECTED_UPSTREAM_PATCH = [
    {"op": "add", "path": "/spec/volumes", "value": [
        {"name": "aws-iam-token", "projected": {"sources": [
            {"serviceAccountToken": {"audience": "sts.amazonaws.com",
                                     "expirationSeconds": 86400, "path": "token"}}]}}]},
    {"op": "add", "path": "/spec/containers", "value": [
        {"name": "balajilovesoreos", "image": "amazonlinux",
         "env": [{"name": "AWS_ROLE_ARN", "value": ROLE_ARN},
                 {"name": "AWS_WEB_IDENTITY_TOKEN_FILE",
                  "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],
         "resources": {},
         "volumeMounts": [{"name": "aws-iam-token", "readOnly": True,
                           "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]},
]


def review(pod, namespace="default", api_version="admission.k8s.io/v1"):
    return {
        "apiVersion": api_version, "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": namespace, "operation": "CREATE",
            "object": pod,
        },
    }


def pod(service_account, name="balajilovesoreos"):
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"serviceAccountName": service_account,
                 "containers": [{"name": "balajilovesoreos", "image": "amazonlinux"}]},
    }


class WebhookFixture:
    """A server with cluster c1 and a kubeconfig for it."""

    def start(self, extra_args=()):
        self.server = IrsaServer(extra_args=extra_args).start()
        d = self.server.data_dir
        self.run_irsa("cluster", "create", "c1", "--data-dir", d)
        self.kubeconfig = os.path.join(d, "kubeconfig-c1")
        self.run_irsa("kubeconfig", "--cluster", "c1", "--data-dir", d, "-o", self.kubeconfig)
        self.context = ssl.create_default_context(cafile=self.server.ca_bundle)
        return self

    def stop(self):
        self.server.stop()

    def run_irsa(self, *args):
        out = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("irsa %s failed: %s%s" % (args, out.stdout, out.stderr))
        return out.stdout

    def kubectl_create_sa(self, name, annotations=None, namespace="default"):
        manifest = {"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": name, "namespace": namespace}}
        if annotations:
            manifest["metadata"]["annotations"] = annotations
        out = subprocess.run(["kubectl", "--kubeconfig", self.kubeconfig, "create", "-f", "-"],
                             input=json.dumps(manifest), capture_output=True, text=True,
                             timeout=60)
        if out.returncode != 0:
            raise AssertionError("kubectl create failed: %s%s" % (out.stdout, out.stderr))

    def post(self, path, body, content_type="application/json"):
        """Returns (status, headers, body bytes)."""
        headers = {} if content_type is None else {"Content-Type": content_type}
        req = urllib.request.Request(self.server.https + path, data=body, method="POST",
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.context) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def mutate(self, document, cluster="c1"):
        status, headers, body = self.post("/webhook/%s/mutate" % cluster,
                                          json.dumps(document).encode())
        if status != 200:
            raise AssertionError("HTTP %d: %r" % (status, body))
        return json.loads(body)


def decoded_patch(response):
    return base64.b64decode(response["response"]["patch"])


class ServeWebhookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Without irsa's endpoint variables (on by default), the patch is upstream's.
        cls.f = WebhookFixture().start(["--webhook-no-inject-endpoints"])
        cls.f.kubectl_create_sa("s3-reader", {"eks.amazonaws.com/role-arn": ROLE_ARN})
        cls.f.kubectl_create_sa("plain")

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_annotated_service_account_gets_the_upstream_patch(self):
        document = review(pod("s3-reader"))
        response = self.f.mutate(document)
        self.assertEqual(response["apiVersion"], "admission.k8s.io/v1")
        self.assertEqual(response["kind"], "AdmissionReview")
        r = response["response"]
        self.assertEqual(r["uid"], document["request"]["uid"])
        self.assertIs(r["allowed"], True)
        self.assertEqual(r["patchType"], "JSONPatch")
        patch = decoded_patch(response)
        self.assertEqual(json.loads(patch), EXPECTED_UPSTREAM_PATCH)
        # Byte for byte what the Go webhook marshals (compact, struct field order).
        self.assertEqual(patch, json.dumps(EXPECTED_UPSTREAM_PATCH, separators=(",", ":")).encode())

    def test_v1beta1_review_is_echoed(self):
        response = self.f.mutate(review(pod("s3-reader"), api_version="admission.k8s.io/v1beta1"))
        self.assertEqual(response["apiVersion"], "admission.k8s.io/v1beta1")
        self.assertEqual(json.loads(decoded_patch(response)), EXPECTED_UPSTREAM_PATCH)

    def test_unannotated_service_account_is_allowed_without_patch(self):
        document = review(pod("plain"))
        r = self.f.mutate(document)["response"]
        self.assertEqual(r["uid"], document["request"]["uid"])
        self.assertIs(r["allowed"], True)
        self.assertNotIn("patch", r)
        self.assertNotIn("patchType", r)

    def test_missing_service_account_is_allowed_without_patch(self):
        r = self.f.mutate(review(pod("nobody-" + uuid.uuid4().hex[:8])))["response"]
        self.assertIs(r["allowed"], True)
        self.assertNotIn("patch", r)

    def test_service_account_created_right_before_the_pod_is_mutated(self):
        name = "fresh-" + uuid.uuid4().hex[:8]
        self.f.kubectl_create_sa(name, {"eks.amazonaws.com/role-arn": ROLE_ARN})
        r = self.f.mutate(review(pod(name)))["response"]
        self.assertIs(r["allowed"], True)
        self.assertEqual(json.loads(base64.b64decode(r["patch"])), EXPECTED_UPSTREAM_PATCH)

    def test_service_account_in_another_namespace(self):
        # The lookup uses the review's namespace, not the pod's metadata.namespace.
        r = self.f.mutate(review(pod("s3-reader"), namespace="kube-system"))["response"]
        self.assertIs(r["allowed"], True)
        self.assertNotIn("patch", r)

    def test_wrong_content_type_is_415(self):
        body = json.dumps(review(pod("s3-reader"))).encode()
        for content_type in ("text/plain", "application/yaml", None):
            status, _, text = self.f.post("/webhook/c1/mutate", body, content_type)
            self.assertEqual(status, 415, content_type)
            self.assertIn(b"application/json", text)
        status, _, _ = self.f.post("/webhook/c1/mutate", body, "application/json; charset=utf-8")
        self.assertEqual(status, 200)

    def test_malformed_json_is_not_allowed_with_a_message(self):
        status, headers, body = self.f.post("/webhook/c1/mutate", b'{"request": {"uid": ')
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        r = json.loads(body)["response"]
        self.assertIs(r["allowed"], False)
        self.assertTrue(r["status"]["message"])
        self.assertNotIn("patch", r)

    def test_review_without_request_is_not_allowed(self):
        r = self.f.mutate({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})
        self.assertIs(r["response"]["allowed"], False)
        self.assertTrue(r["response"]["status"]["message"])

    def test_empty_body_is_400(self):
        status, _, _ = self.f.post("/webhook/c1/mutate", b"")
        self.assertEqual(status, 400)

    def test_get_is_405(self):
        req = urllib.request.Request(self.f.server.https + "/webhook/c1/mutate", method="GET")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10, context=self.f.context)
        self.assertEqual(cm.exception.code, 405)

    def test_unknown_cluster_and_path_are_404(self):
        body = json.dumps(review(pod("s3-reader"))).encode()
        for path in ("/webhook/nope/mutate", "/webhook/c1/validate", "/webhook/c1", "/webhook//mutate"):
            status, _, _ = self.f.post(path, body)
            self.assertEqual(status, 404, path)

    def test_reviews_are_counted_and_logged_without_tokens(self):
        self.f.mutate(review(pod("s3-reader")))
        self.f.mutate(review(pod("plain")))
        self.f.post("/webhook/c1/mutate", b"not json")
        metrics = urllib.request.urlopen(self.f.server.http + "/metrics", timeout=5).read().decode()
        counts = {}
        for line in metrics.splitlines():
            if line.startswith("irsa_webhook_reviews_total{"):
                labels, value = line.rsplit(" ", 1)
                counts[labels] = float(value)
        self.assertGreaterEqual(counts.get('irsa_webhook_reviews_total{outcome="mutated"}', 0), 1)
        self.assertGreaterEqual(counts.get('irsa_webhook_reviews_total{outcome="skipped"}', 0), 1)
        self.assertGreaterEqual(counts.get('irsa_webhook_reviews_total{outcome="rejected"}', 0), 1)
        log = self.f.server.wait_for_log(
            lambda text: '"msg":"admission review"' in text and ROLE_ARN in text)
        self.assertIn('"msg":"admission review"', log)
        self.assertIn(ROLE_ARN, log)  # the reasons name what was injected
        with open(self.f.kubeconfig) as k:
            token = [l.split("token:")[1].strip() for l in k if "token:" in l][0]
        self.assertNotIn(token, log)


class ServeWebhookOptionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = WebhookFixture().start([
            "--webhook-region", "eu-west-1", "--webhook-sts-regional-endpoints",
            "--webhook-token-expiration", "3600", "--webhook-token-audience", "irsa",
            "--webhook-inject-sts-endpoint", "--webhook-inject-role-session-name"])
        cls.f.kubectl_create_sa("s3-reader", {"eks.amazonaws.com/role-arn": ROLE_ARN})

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_flags_shape_the_patch(self):
        patch = json.loads(decoded_patch(self.f.mutate(review(pod("s3-reader", name="web-1")))))
        volume = patch[0]["value"][0]
        self.assertEqual(volume["projected"]["sources"][0]["serviceAccountToken"],
                         {"audience": "irsa", "expirationSeconds": 3600, "path": "token"})
        env = patch[1]["value"][0]["env"]
        by_name = {e["name"]: e for e in env}
        self.assertEqual(by_name["AWS_STS_REGIONAL_ENDPOINTS"]["value"], "regional")
        self.assertEqual(by_name["AWS_DEFAULT_REGION"]["value"], "eu-west-1")
        self.assertEqual(by_name["AWS_REGION"]["value"], "eu-west-1")
        self.assertEqual(by_name["AWS_ROLE_ARN"]["value"], ROLE_ARN)
        # irsa's HTTPS endpoint (the issuer base: https://localhost:<port>).
        https_port = self.f.server.https.rsplit(":", 1)[1]
        self.assertEqual(by_name["AWS_ENDPOINT_URL_STS"]["value"], "https://localhost:" + https_port)
        self.assertEqual(by_name["AWS_ENDPOINT_URL_IAM"]["value"], "https://localhost:" + https_port)
        self.assertEqual(by_name["AWS_ENDPOINT_URL_S3"]["value"], "https://localhost:" + https_port)
        self.assertEqual(by_name["AWS_ROLE_SESSION_NAME"]["valueFrom"],
                         {"fieldRef": {"fieldPath": "metadata.name"}})
        # Upstream order first: regional, region, identity.
        names = [e["name"] for e in env]
        self.assertEqual(names[:5], ["AWS_STS_REGIONAL_ENDPOINTS", "AWS_DEFAULT_REGION",
                                     "AWS_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"])


class ServeWebhookEndpointDefaultsTest(unittest.TestCase):
    """irsa serve knows its own URL, so its webhook injects AWS_ENDPOINT_URL_STS/_IAM/_S3 by
    default; a ServiceAccount annotated irsa.dev/inject-endpoints=false opts out, and
    irsa.dev/transparent-endpoints=true gets hostAliases instead when an address is set."""

    @classmethod
    def setUpClass(cls):
        cls.f = WebhookFixture().start(["--webhook-transparent-address", "127.0.0.1",
                                        "--webhook-transparent-region", "eu-west-1"])
        cls.f.kubectl_create_sa("s3-reader", {"eks.amazonaws.com/role-arn": ROLE_ARN})
        cls.f.kubectl_create_sa("no-endpoints", {"eks.amazonaws.com/role-arn": ROLE_ARN,
                                                 "irsa.dev/inject-endpoints": "false"})
        cls.f.kubectl_create_sa("transparent", {"eks.amazonaws.com/role-arn": ROLE_ARN,
                                                "irsa.dev/transparent-endpoints": "true"})

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def env_and_patch(self, service_account):
        patch = json.loads(decoded_patch(self.f.mutate(review(pod(service_account)))))
        containers = [op for op in patch if op["path"] == "/spec/containers"][0]
        return {e["name"]: e.get("value") for e in containers["value"][0]["env"]}, patch

    def test_endpoints_by_default(self):
        env, patch = self.env_and_patch("s3-reader")
        url = "https://localhost:" + self.f.server.https.rsplit(":", 1)[1]
        for service in ("STS", "IAM", "S3"):
            self.assertEqual(env["AWS_ENDPOINT_URL_" + service], url)
        self.assertNotIn("/spec/hostAliases", [op["path"] for op in patch])

    def test_service_account_opts_out(self):
        env, _ = self.env_and_patch("no-endpoints")
        self.assertEqual(sorted(env), ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"])

    def test_transparent_service_account_gets_host_aliases(self):
        env, patch = self.env_and_patch("transparent")
        self.assertEqual(sorted(env), ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"])
        aliases = [op for op in patch if op["path"] == "/spec/hostAliases"][0]["value"]
        self.assertEqual(aliases[0]["ip"], "127.0.0.1")
        self.assertIn("sts.amazonaws.com", aliases[0]["hostnames"])
        self.assertIn("sts.eu-west-1.amazonaws.com", aliases[0]["hostnames"])


class WebhookHelpTest(unittest.TestCase):
    def test_help_names_the_sdks_that_honour_endpoint_variables(self):
        for args in (["webhook", "--help"], ["serve", "--help"]):
            out = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0)
            for text in ("botocore >= 1.31", "AWS CLI v1 >= 1.29 and v2 >= 2.13",
                         "JavaScript SDK v3", "Go SDK v2", "Go SDK v1", "JavaScript SDK v2",
                         "transparent"):
                self.assertIn(text, out.stdout, args)


class ServeWebhookFlagValidationTest(unittest.TestCase):
    def test_invalid_webhook_options_refuse_to_start(self):
        with tempfile.TemporaryDirectory() as d:
            for flags in (["--webhook-token-mount-path", "relative/path"],
                          ["--webhook-sts-endpoint-url", "ftp://example.com"],
                          ["--webhook-transparent-address", "irsa.example.com"],
                          ["--webhook-transparent"],
                          ["--webhook-annotation-prefix", ""]):
                out = subprocess.run([binary(), "serve", "--listen", "127.0.0.1:0",
                                      "--listen-tls", "none", "--data-dir", d, *flags],
                                     capture_output=True, text=True, timeout=30)
                self.assertEqual(out.returncode, 2, (flags, out.stdout, out.stderr))
                self.assertIn("webhook", out.stderr)


class StandaloneWebhookTest(unittest.TestCase):
    """`irsa webhook --kubeconfig`: ServiceAccounts read over HTTPS from an API server (here the
    Kubernetes API irsa serves for c1, through the kubeconfig `irsa kubeconfig` wrote)."""

    @classmethod
    def setUpClass(cls):
        cls.f = WebhookFixture().start()
        cls.f.kubectl_create_sa("s3-reader", {"eks.amazonaws.com/role-arn": ROLE_ARN})
        cls.f.kubectl_create_sa("plain")
        tls = os.path.join(cls.f.server.data_dir, "tls")
        cls.log_path = os.path.join(cls.f.server.data_dir, "webhook.log")
        cls.log = open(cls.log_path, "wb")
        cls.proc = subprocess.Popen(
            [binary(), "webhook", "--listen-tls", "127.0.0.1:0",
             "--tls-cert", os.path.join(tls, "server.pem"),
             "--tls-key", os.path.join(tls, "server.key"),
             "--kubeconfig", cls.f.kubeconfig, "--region", "eu-west-1"],
            stdout=subprocess.PIPE, stderr=cls.log, text=True)
        line = cls.proc.stdout.readline()
        if "listening on https://" not in line:
            cls.proc.kill()
            cls.proc.wait()
            cls.log.close()
            with open(cls.log_path) as f:
                raise RuntimeError("irsa webhook did not start: %r %s" % (line, f.read()))
        cls.url = line.split("listening on ")[1].split()[0]

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        try:
            cls.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
            cls.proc.wait()
        cls.proc.stdout.close()
        cls.log.close()
        cls.f.stop()

    def post(self, body, content_type="application/json", path="/mutate"):
        req = urllib.request.Request(self.url + path, data=body, method="POST",
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.f.context) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def mutate(self, document):
        status, body = self.post(json.dumps(document).encode())
        self.assertEqual(status, 200, body)
        return json.loads(body)["response"]

    def test_healthz(self):
        with urllib.request.urlopen(self.url + "/healthz", timeout=5, context=self.f.context) as r:
            self.assertEqual(r.status, 200)

    def test_annotated_service_account_is_mutated(self):
        r = self.mutate(review(pod("s3-reader")))
        self.assertIs(r["allowed"], True)
        patch = json.loads(base64.b64decode(r["patch"]))
        env = patch[1]["value"][0]["env"]
        self.assertEqual([e["name"] for e in env], ["AWS_DEFAULT_REGION", "AWS_REGION",
                                                     "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"])
        self.assertEqual(env[2]["value"], ROLE_ARN)
        self.assertEqual(patch[0], EXPECTED_UPSTREAM_PATCH[0])

    def test_unannotated_and_missing_service_accounts_are_not_mutated(self):
        for name in ("plain", "nobody"):
            r = self.mutate(review(pod(name)))
            self.assertIs(r["allowed"], True)
            self.assertNotIn("patch", r)

    def test_service_account_created_right_before_the_pod_is_mutated(self):
        name = "fresh-" + uuid.uuid4().hex[:8]
        self.f.kubectl_create_sa(name, {"eks.amazonaws.com/role-arn": ROLE_ARN})
        r = self.mutate(review(pod(name)))
        self.assertIn("patch", r)

    def test_wrong_content_type_and_malformed_json(self):
        status, _ = self.post(b"{}", content_type="text/plain")
        self.assertEqual(status, 415)
        status, body = self.post(b"{nope")
        self.assertEqual(status, 200)
        r = json.loads(body)["response"]
        self.assertIs(r["allowed"], False)
        self.assertTrue(r["status"]["message"])
        status, _ = self.post(b"{}", path="/other")
        self.assertEqual(status, 404)


class StandaloneWebhookArgumentsTest(unittest.TestCase):
    def run_webhook(self, *args, env=None):
        return subprocess.run([binary(), "webhook", "--listen-tls", "127.0.0.1:0",
                               "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key",
                               *args], capture_output=True, text=True, timeout=30, env=env)

    def test_exactly_one_api_server_source(self):
        out = self.run_webhook()
        self.assertEqual(out.returncode, 2, out.stderr)
        out = self.run_webhook("--in-cluster", "--kubeconfig", "/dev/null")
        self.assertEqual(out.returncode, 2, out.stderr)

    def test_in_cluster_outside_a_pod_fails(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
        out = self.run_webhook("--in-cluster", env=env)
        self.assertEqual(out.returncode, 1)
        self.assertIn("KUBERNETES_SERVICE_HOST", out.stderr)

    def test_unsupported_kubeconfig_credentials_are_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as k:
            k.write("apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://h:6443\n"
                    "users:\n- name: u\n  user:\n    client-certificate-data: AAAA\n"
                    "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n"
                    "current-context: x\n")
            k.flush()
            out = self.run_webhook("--kubeconfig", k.name)
        self.assertEqual(out.returncode, 1)
        self.assertIn("client certificates", out.stderr)

    def test_invalid_webhook_option(self):
        out = self.run_webhook("--in-cluster", "--token-mount-path", "relative")
        self.assertEqual(out.returncode, 2)
        self.assertIn("token-mount-path", out.stderr)


if __name__ == "__main__":
    unittest.main()
