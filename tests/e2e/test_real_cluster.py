"""What docs/real-cluster.md describes, as far as it can run without a cluster:

* KubeApiserverIssuerTest: a stand-in for a kube-apiserver's service-account issuer — HTTPS with
  its own cluster CA, discovery at /.well-known/openid-configuration naming jwks_uri
  /openid/v1/jwks, RS256 keys whose kid is base64url(SHA-256(SPKI DER)) as kube-apiserver computes
  it, tokens with the claims of a projected ServiceAccount token (jti, nbf, the kubernetes.io
  namespace/pod/serviceaccount/node claims). It is registered in irsa as step 4 registers a
  cluster (aws iam create-open-id-connect-provider with the CA's thumbprint, irsa trusting the CA
  through --oidc-ca-bundle), and a "pod" — the token in a file, AWS_ROLE_ARN,
  AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ENDPOINT_URL_STS as the webhook injects them — runs the AWS
  CLI v1 and boto3 (both honour AWS_ENDPOINT_URL_STS).
* ApiserverAdmissionReviewTest: the standalone `irsa webhook` (as the chart runs it, with
  --irsa-url, a CA ConfigMap and a transparent address) answers AdmissionReview bodies shaped as
  kube-apiserver sends them (a defaulted pod with the kube-api-access-* volume, userInfo,
  options); the JSONPatch is applied to the pod and the result validated against the Pod schema
  (tests/e2e/tools/validate_k8s.mjs, when scripts/install-js-deps.sh could install its packages).
"""
import base64
import hashlib
import http.server
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid

import boto3
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import irsa_fixture as fx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE_ARN = "arn:aws:iam::111122223333:role/my-role"
SA = "my-service-account"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_cluster_pki(directory):
    """A cluster CA and an apiserver serving certificate for localhost signed by it."""
    ca_key, ca = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    key, csr, cert = (os.path.join(directory, n) for n in ("apiserver.key", "apiserver.csr",
                                                          "apiserver.crt"))
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
            "-days", "2", "-subj", "/CN=kubernetes")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=kube-apiserver")
    ext = os.path.join(directory, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,DNS:kubernetes.default.svc,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return ca, cert, key


class KubeApiserverIssuer:
    """The service-account issuer endpoints of a kube-apiserver, and tokens as it mints them."""

    def __init__(self, cert, key):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        spki = self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = b64url(hashlib.sha256(spki).digest())
        self.hits = []
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                issuer.hits.append(self.path)
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/openid/v1/jwks",
                            "response_types_supported": ["id_token"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/openid/v1/jwks":
                    numbers = issuer.key.public_key().public_numbers()
                    enc = lambda n: b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))
                    body = {"keys": [{"use": "sig", "kty": "RSA", "kid": issuer.kid,
                                      "alg": "RS256", "n": enc(numbers.n), "e": enc(numbers.e)}]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://localhost:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def token(self, namespace="default", service_account=SA, audience="sts.amazonaws.com"):
        now = int(time.time())
        claims = {
            "aud": [audience], "exp": now + 86400, "iat": now, "iss": self.url,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": {
                "namespace": namespace,
                "node": {"name": "kind-worker", "uid": str(uuid.uuid4())},
                "pod": {"name": "aws", "uid": str(uuid.uuid4())},
                "serviceaccount": {"name": service_account, "uid": str(uuid.uuid4())}},
            "nbf": now, "sub": "system:serviceaccount:%s:%s" % (namespace, service_account)}
        signing_input = (b64url(json.dumps({"alg": "RS256", "kid": self.kid}).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class KubeApiserverIssuerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="irsa-real-cluster-")
        cls.ca, cert, key = make_cluster_pki(cls.dir)
        cls.issuer = KubeApiserverIssuer(cert, key)
        cls.server = fx.IrsaServer(extra_args=["--oidc-ca-bundle", cls.ca]).start()
        cls.env = fx.cli_env(cls.server)
        thumbprint = subprocess.run(
            ["openssl", "x509", "-in", cls.ca, "-noout", "-fingerprint", "-sha1"],
            capture_output=True, text=True, check=True).stdout.split("=")[1].strip().replace(":", "")
        host = cls.issuer.url[len("https://"):]
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/" + host},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                host + ":sub": "system:serviceaccount:default:" + SA,
                host + ":aud": "sts.amazonaws.com"}}}]}
        for args in (["iam", "create-open-id-connect-provider", "--url", cls.issuer.url,
                      "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", thumbprint],
                     ["iam", "create-role", "--role-name", "my-role",
                      "--assume-role-policy-document", json.dumps(trust)]):
            subprocess.run(["aws", "--endpoint-url", cls.server.http] + args, env=cls.env,
                           check=True, capture_output=True, timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.issuer.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def pod_env(self, token):
        """The environment the webhook gives a container, with the projected token file."""
        path = os.path.join(self.dir, "token-%s" % uuid.uuid4().hex)
        with open(path, "w") as f:
            f.write(token)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ROLE_ARN": ROLE_ARN, "AWS_WEB_IDENTITY_TOKEN_FILE": path,
                    "AWS_ENDPOINT_URL_STS": self.server.http, "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                    "AWS_EC2_METADATA_DISABLED": "true", "HOME": self.dir})
        return env

    def test_aws_cli_v1_in_a_pod_assumes_the_role_with_the_apiserver_token(self):
        out = subprocess.run(["aws", "sts", "get-caller-identity", "--output", "json"],
                             env=self.pod_env(self.issuer.token()), capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        arn = json.loads(out.stdout)["Arn"]
        self.assertTrue(arn.startswith("arn:aws:sts::111122223333:assumed-role/my-role/"), arn)
        # irsa read the discovery document, then the jwks_uri it names.
        self.assertIn("/.well-known/openid-configuration", self.issuer.hits)
        self.assertIn("/openid/v1/jwks", self.issuer.hits)

    def test_boto3_in_a_pod_and_the_trust_policy_binds_the_service_account(self):
        program = ("import boto3\nprint(boto3.client('sts').get_caller_identity()['Arn'])\n")
        out = subprocess.run(["python3", "-c", program], env=self.pod_env(self.issuer.token()),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("assumed-role/my-role/", out.stdout)
        out = subprocess.run(["python3", "-c", program],
                             env=self.pod_env(self.issuer.token(service_account="other")),
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("AccessDenied", out.stderr)
        self.assertIn("system:serviceaccount:default:other", out.stderr)


# A pod as kube-apiserver sends it to a mutating webhook: defaults applied, the
# kube-api-access-* projected volume added by the ServiceAccount admission plugin.
APISERVER_POD = {
    "kind": "Pod", "apiVersion": "v1",
    "metadata": {"generateName": "aws-", "namespace": "default",
                 "creationTimestamp": None, "labels": {"run": "aws"},
                 "managedFields": [{"manager": "kubectl-run", "operation": "Update",
                                    "apiVersion": "v1", "time": "2026-01-01T00:00:00Z",
                                    "fieldsType": "FieldsV1",
                                    "fieldsV1": {"f:metadata": {"f:labels": {".": {},
                                                                            "f:run": {}}}}}]},
    "spec": {
        "volumes": [{"name": "kube-api-access-x7k2p", "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt",
                               "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                    "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}],
            "defaultMode": 420}}],
        "containers": [{
            "name": "aws", "image": "amazon/aws-cli", "args": ["sts", "get-caller-identity"],
            "resources": {},
            "volumeMounts": [{"name": "kube-api-access-x7k2p", "readOnly": True,
                              "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "imagePullPolicy": "Always"}],
        "restartPolicy": "Never", "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst", "serviceAccountName": SA, "serviceAccount": SA,
        "securityContext": {}, "schedulerName": "default-scheduler",
        "tolerations": [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
             "effect": "NoExecute", "tolerationSeconds": 300}],
        "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"},
    "status": {}}


def apiserver_review(pod, namespace="default"):
    return {
        "kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": namespace, "operation": "CREATE",
            "userInfo": {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins",
                                                                   "system:authenticated"]},
            "object": pod, "oldObject": None, "dryRun": False,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1",
                        "fieldManager": "kubectl-run"}}}


def apply_patch(document, patch):
    """RFC 6902 `add` operations, as kube-apiserver applies the webhook's JSONPatch."""
    document = json.loads(json.dumps(document))
    for op in patch:
        assert op["op"] == "add", op
        parts = op["path"].lstrip("/").split("/")
        parent = document
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if isinstance(parent, list):
            parent.insert(len(parent) if last == "-" else int(last), op["value"])
        else:
            parent[last] = op["value"]
    return document


class ApiserverAdmissionReviewTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from test_webhook import WebhookFixture  # irsa serve, cluster c1, its kubeconfig
        cls.f = WebhookFixture().start()
        cls.f.kubectl_create_sa(SA, {"eks.amazonaws.com/role-arn": ROLE_ARN})
        cls.f.kubectl_create_sa("legacy-sdk", {"eks.amazonaws.com/role-arn": ROLE_ARN,
                                               "irsa.dev/transparent-endpoints": "true"})
        tls = os.path.join(cls.f.server.data_dir, "tls")
        cls.log = open(os.path.join(cls.f.server.data_dir, "webhook.log"), "wb")
        cls.proc = subprocess.Popen(
            [fx.binary(), "webhook", "--listen-tls", "127.0.0.1:0",
             "--tls-cert", os.path.join(tls, "server.pem"),
             "--tls-key", os.path.join(tls, "server.key"), "--kubeconfig", cls.f.kubeconfig,
             "--irsa-url", "https://irsa.irsa-system.svc",
             "--ca-bundle-config-map", "irsa-ca-bundle",
             "--transparent-address", "10.96.0.53"],
            stdout=subprocess.PIPE, stderr=cls.log, text=True)
        line = cls.proc.stdout.readline()
        assert "listening on https://" in line, line
        cls.url = line.split("listening on ")[1].split()[0]

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=15)
        cls.proc.stdout.close()
        cls.log.close()
        cls.f.stop()

    def mutate(self, pod):
        review = apiserver_review(pod)
        req = urllib.request.Request(self.url + "/mutate", data=json.dumps(review).encode(),
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10, context=self.f.context) as resp:
            answer = json.load(resp)
        response = answer["response"]
        self.assertEqual(answer["apiVersion"], "admission.k8s.io/v1")
        self.assertEqual(response["uid"], review["request"]["uid"])
        self.assertIs(response["allowed"], True)
        self.assertEqual(response["patchType"], "JSONPatch")
        return apply_patch(pod, json.loads(base64.b64decode(response["patch"])))

    def assert_valid_pod(self, pod):
        node = shutil.which("node")
        modules = os.path.join(ROOT, "build", "js", "node_modules")
        installed = node and subprocess.run(
            [os.path.join(ROOT, "scripts", "install-js-deps.sh")], capture_output=True,
            timeout=600).returncode == 0
        if not installed:
            self.skipTest("the Pod schema check needs node and scripts/install-js-deps.sh")
        path = os.path.join(self.f.server.data_dir, "patched-pod.json")
        with open(path, "w") as f:
            json.dump(pod, f)  # JSON is YAML
        out = subprocess.run([node, os.path.join(ROOT, "tests", "e2e", "tools",
                                                 "validate_k8s.mjs"), modules, path],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_apiserver_pod_gets_token_role_endpoints_and_ca(self):
        pod = self.mutate(APISERVER_POD)
        container = pod["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        self.assertEqual(env["AWS_ROLE_ARN"], ROLE_ARN)
        self.assertEqual(env["AWS_WEB_IDENTITY_TOKEN_FILE"],
                         "/var/run/secrets/eks.amazonaws.com/serviceaccount/token")
        for service in ("STS", "IAM", "S3"):
            self.assertEqual(env["AWS_ENDPOINT_URL_" + service], "https://irsa.irsa-system.svc")
        self.assertEqual(env["AWS_CA_BUNDLE"], "/var/run/secrets/irsa/ca-bundle/ca-bundle.crt")
        self.assertEqual(env["NODE_EXTRA_CA_CERTS"], env["AWS_CA_BUNDLE"])
        volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
        self.assertIn("kube-api-access-x7k2p", volumes)  # the apiserver's volume is kept
        self.assertEqual(volumes["aws-iam-token"]["projected"]["sources"][0],
                         {"serviceAccountToken": {"audience": "sts.amazonaws.com",
                                                  "expirationSeconds": 86400, "path": "token"}})
        self.assertEqual(volumes["irsa-ca-bundle"]["configMap"]["name"], "irsa-ca-bundle")
        mounts = [m["name"] for m in container["volumeMounts"]]
        self.assertEqual(mounts, ["kube-api-access-x7k2p", "aws-iam-token", "irsa-ca-bundle"])
        self.assertNotIn("hostAliases", pod["spec"])
        # What the apiserver sent is kept (defaults, tolerations, managed fields).
        self.assertEqual(container["terminationMessagePath"], "/dev/termination-log")
        self.assertEqual(len(pod["spec"]["tolerations"]), 2)
        self.assert_valid_pod(pod)

    def test_transparent_service_account_gets_host_aliases_and_every_ca_variable(self):
        source = json.loads(json.dumps(APISERVER_POD))
        source["spec"]["serviceAccountName"] = source["spec"]["serviceAccount"] = "legacy-sdk"
        source["spec"]["hostAliases"] = [{"ip": "10.0.0.9", "hostnames": ["db.internal"]}]
        pod = self.mutate(source)
        env = {e["name"]: e.get("value") for e in pod["spec"]["containers"][0]["env"]}
        self.assertNotIn("AWS_ENDPOINT_URL_STS", env)
        for name in ("AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE",
                     "REQUESTS_CA_BUNDLE"):
            self.assertEqual(env[name], "/var/run/secrets/irsa/ca-bundle/ca-bundle.crt")
        aliases = pod["spec"]["hostAliases"]
        self.assertEqual(aliases[0], {"ip": "10.0.0.9", "hostnames": ["db.internal"]})
        self.assertEqual(aliases[1]["ip"], "10.96.0.53")
        self.assertIn("sts.amazonaws.com", aliases[1]["hostnames"])
        self.assertIn("sts.us-east-1.amazonaws.com", aliases[1]["hostnames"])
        self.assert_valid_pod(pod)


if __name__ == "__main__":
    unittest.main()
