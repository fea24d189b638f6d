"""Packaging: the Containerfile, the Helm chart deploy/helm/irsa and the plain manifests.

Neither docker/podman nor helm can run here (no container runtime; helm is not packaged in Debian
bookworm and no other registry is reachable), so:

  * The Containerfile is checked against the binary it would contain: the Debian package of every
    shared library the built irsa links (readelf NEEDED, resolved with ldd, owned per dpkg -S)
    must be installed by name in its runtime stage (libc6 and libgcc-s1 too, although
    bookworm-slim has them: the list is the binary's, checked, not a guess about the base
    image); every library ldd lists must come from such a package or a dependency of one
    (apt-cache depends --recurse); every named package must exist in
    bookworm and none may be a -dev package; the image runs as a numeric non-root user and
    copies only the binary from the build stage.
  * The chart is rendered by tests/e2e/tools/render_chart.go — Go's text/template, Helm's own
    engine, built offline with Debian's Go packages — for its default values (SQLite), for
    values-postgres.yaml and for a values file turning every option on; every object is then
    validated by tests/e2e/tools/validate_k8s.mjs against the Kubernetes OpenAPI schema (the
    validators of the npm package kubernetes-models, ServiceMonitor from
    @kubernetes-models/prometheus-operator) and for unknown fields (as kubectl
    --validate=strict). The npm packages come from scripts/install-js-deps.sh (build/js).
  * deploy/kubernetes/*.yaml must equal a fresh rendering (scripts/render-manifests.sh).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import irsa_fixture as fx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tests", "e2e", "tools")
CHART = os.path.join(ROOT, "deploy", "helm", "irsa")
NODE_MODULES = os.path.join(ROOT, "build", "js", "node_modules")
GO = shutil.which("go")
NODE = shutil.which("node")
GO_YAML = os.path.isdir("/usr/share/gocode/src/gopkg.in/yaml.v3")


def ensure_js_deps():
    """Runs scripts/install-js-deps.sh (a no-op once build/js is complete); False if it fails."""
    if not NODE or not shutil.which("npm"):
        return False
    out = subprocess.run([os.path.join(ROOT, "scripts", "install-js-deps.sh")],
                         capture_output=True, text=True, timeout=600)
    return out.returncode == 0


JS_DEPS = ensure_js_deps()


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def containerfile_stages():
    """{stage name: text} of the Containerfile."""
    stages, name = {}, None
    for line in read("Containerfile").splitlines():
        m = re.match(r"FROM (\S+) AS (\w+)", line)
        if m:
            name = m.group(2)
            stages[name] = line + "\n"
        elif name:
            stages[name] += line + "\n"
    return stages


def runtime_packages():
    text = containerfile_stages()["runtime"].replace("\\\n", " ")
    m = re.search(r"apt-get install -y --no-install-recommends ([^&]+)&&", text)
    return m.group(1).split()


def package_of(path):
    for candidate in (path, re.sub(r"^/usr/lib/", "/lib/", path)):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":")[0]
    raise AssertionError("no Debian package owns " + path)


class ContainerfileTest(unittest.TestCase):
    def linked_libraries(self):
        """(NEEDED sonames, {soname: resolved path}) of the built binary."""
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                            subprocess.run(["readelf", "-d", fx.binary()], capture_output=True,
                                           text=True, check=True).stdout)
        resolved = {}
        for line in subprocess.run(["ldd", fx.binary()], capture_output=True, text=True,
                                   check=True).stdout.splitlines():
            m = re.match(r"\s*(\S+) => (/\S+)", line)
            if m:
                resolved[m.group(1)] = os.path.realpath(m.group(2))
        return needed, resolved

    def test_runtime_stage_installs_the_package_of_every_linked_library(self):
        listed = set(runtime_packages())
        needed, resolved = self.linked_libraries()
        self.assertIn("libsqlite3.so.0", needed)  # the check sees the real binary
        for soname in needed:
            package = package_of(resolved[soname])
            self.assertIn(package, listed,
                          "%s (%s) is linked but the runtime stage does not install it" % (
                              package, soname))
        # Libraries the direct ones pull in: from a listed package's dependencies or the base.
        depends = subprocess.run(
            ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
             "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"] + sorted(listed),
            capture_output=True, text=True).stdout
        reachable = set(re.findall(r"^(?:\s+(?:Pre)?Depends: )?<?([a-z0-9][\w.+-]*)>?$", depends,
                                   re.M)) | listed
        reachable = {p.split(":")[0] for p in reachable}
        for soname, path in resolved.items():
            package = package_of(path)
            self.assertIn(package, reachable,
                          "%s (%s) comes from no runtime package" % (package, soname))

    def test_runtime_packages_exist_and_are_not_development_packages(self):
        for package in runtime_packages():
            self.assertFalse(package.endswith("-dev"), package)
            out = subprocess.run(["apt-cache", "show", "--no-all-versions", package],
                                 capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, "%s is not a bookworm package" % package)

    def test_stages(self):
        stages = containerfile_stages()
        self.assertEqual(list(stages), ["build", "runtime"])
        self.assertTrue(stages["build"].startswith("FROM debian:bookworm AS build"))
        self.assertTrue(stages["runtime"].startswith("FROM debian:bookworm-slim AS runtime"))
        build = stages["build"]
        self.assertIn("scripts/install-deps.sh --build-only", build)
        self.assertIn("scripts/build.sh release irsa", build)
        runtime = stages["runtime"]
        self.assertEqual(re.findall(r"^COPY .*$", runtime, re.M),
                         ["COPY --from=build /out/irsa /usr/local/bin/irsa"])
        user = re.search(r"^USER (\d+):(\d+)$", runtime, re.M)
        self.assertIsNotNone(user)
        self.assertNotEqual(user.group(1), "0")
        ignored = read(".dockerignore").split()
        for entry in (".git", "build", ".data"):
            self.assertIn(entry, ignored)

    def test_build_only_dependencies_are_a_subset_that_exists(self):
        text = read("scripts/install-deps.sh")
        block = re.search(r"build_packages=\(\n(.*?)\n\)", text, re.S).group(1)
        packages = [w for line in block.splitlines() for w in line.split("#")[0].split()]
        self.assertIn("libjemalloc-dev", packages)
        for package in packages:
            out = subprocess.run(["apt-cache", "show", "--no-all-versions", package],
                                 capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, package)


@unittest.skipUnless(GO and GO_YAML, "needs golang-go and golang-gopkg-yaml.v3-dev "
                                     "(scripts/install-deps.sh)")
@unittest.skipUnless(JS_DEPS, "needs node, npm and the packages scripts/install-js-deps.sh "
                              "installs into build/js (it failed or npm is missing)")
class ChartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="irsa-chart-")
        cls.env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
                       GOCACHE=os.path.join(ROOT, "build", "gocache"))
        cls.renderer = os.path.join(cls.dir, "render_chart")
        subprocess.run([GO, "build", "-o", cls.renderer, os.path.join(TOOLS, "render_chart.go")],
                       env=cls.env, check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def render(self, *values_files, check=True):
        args = [self.renderer, CHART, "irsa", "irsa-system"]
        for f in values_files:
            args += ["-f", f]
        out = subprocess.run(args, capture_output=True, text=True)
        if check:
            self.assertEqual(out.returncode, 0, out.stderr)
        return out

    def validate(self, text):
        path = os.path.join(self.dir, "manifests.yaml")
        with open(path, "w") as f:
            f.write(text)
        objects = os.path.join(self.dir, "objects.json")
        out = subprocess.run([NODE, os.path.join(TOOLS, "validate_k8s.mjs"), NODE_MODULES,
                              "--json", objects, path], capture_output=True, text=True)
        with open(objects) as f:
            return out, json.load(f)

    def values_file(self, text):
        path = os.path.join(self.dir, "values-%d.yaml" % len(os.listdir(self.dir)))
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_valid(self, text):
        out, objects = self.validate(text)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertNotIn("INVALID", out.stdout)
        return {(o["kind"], o["metadata"]["name"]): o for o in objects}

    def test_default_values_sqlite_on_a_persistent_volume(self):
        objects = self.assert_valid(self.render().stdout)
        sts = objects[("StatefulSet", "irsa")]
        self.assertEqual(sts["spec"]["replicas"], 1)
        claim = sts["spec"]["volumeClaimTemplates"][0]
        self.assertEqual(claim["spec"]["resources"]["requests"]["storage"], "1Gi")
        container = sts["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(container["args"], ["serve"])
        self.assertEqual(container["readinessProbe"]["httpGet"]["path"], "/readyz")
        self.assertEqual(container["livenessProbe"]["httpGet"]["path"], "/healthz")
        self.assertIn("requests", container["resources"])
        self.assertTrue(container["securityContext"]["runAsNonRoot"])
        env = {e["name"]: e.get("value") for e in container["env"]}
        self.assertEqual(env["IRSA_ISSUER_URL_BASE"], "https://irsa.irsa-system.svc")
        self.assertIn("irsa.irsa-system.svc", env["IRSA_TLS_SANS"].split(","))
        service = objects[("Service", "irsa")]
        self.assertIn({"name": "https", "port": 443, "targetPort": "https"},
                      service["spec"]["ports"])
        hook = objects[("MutatingWebhookConfiguration", "irsa-webhook")]["webhooks"][0]
        self.assertEqual(hook["clientConfig"]["service"]["path"], "/mutate")
        args = objects[("Deployment", "irsa-webhook")]["spec"]["template"]["spec"][
            "containers"][0]["args"]
        self.assertIn("--irsa-url=https://irsa.irsa-system.svc", args)
        self.assertNotIn(("ServiceMonitor", "irsa"), objects)

    def test_postgres_replicas_servicemonitor_and_transparent_webhook(self):
        objects = self.assert_valid(
            self.render(os.path.join(CHART, "values-postgres.yaml")).stdout)
        deployment = objects[("Deployment", "irsa")]
        self.assertEqual(deployment["spec"]["replicas"], 3)
        self.assertNotIn(("StatefulSet", "irsa"), objects)
        env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        self.assertEqual(env["IRSA_MASTER_KEY"]["valueFrom"]["secretKeyRef"],
                         {"name": "irsa-master-key", "key": "master-key"})
        self.assertEqual(env["IRSA_STORE"]["valueFrom"]["secretKeyRef"]["name"], "irsa-store")
        monitor = objects[("ServiceMonitor", "irsa")]
        self.assertEqual(monitor["spec"]["endpoints"][0]["path"], "/metrics")
        self.assertIn(("ClusterRoleBinding", "irsa-service-account-issuer-discovery"), objects)
        args = objects[("Deployment", "irsa-webhook")]["spec"]["template"]["spec"][
            "containers"][0]["args"]
        self.assertIn("--transparent-address=10.96.0.53", args)
        self.assertIn("--ca-bundle-config-map=irsa-ca-bundle", args)

    def test_every_option_on_still_validates(self):
        values = self.values_file(
            "image: {tag: dev}\ntls: {extraSans: [irsa.example.com, 10.1.2.3]}\n"
            "admin: {existingSecret: irsa-admin}\nregion: eu-west-1\n"
            "serviceMonitor: {enabled: true}\nstore: {sqlite: {storageClassName: fast}}\n"
            "webhook: {injectEndpoints: false, region: eu-west-1, caBundle: Zm9v,"
            " certManagerInjectFrom: irsa-system/irsa-webhook, failurePolicy: Fail,"
            " transparent: {address: 10.96.0.53, allPods: true}}\n")
        objects = self.assert_valid(self.render(values).stdout)
        args = objects[("Deployment", "irsa-webhook")]["spec"]["template"]["spec"][
            "containers"][0]["args"]
        self.assertIn("--no-inject-endpoints", args)
        self.assertIn("--transparent", args)

    def test_postgres_without_its_secrets_is_refused(self):
        values = self.values_file("store: {kind: postgres, postgres: {urlSecret: {name: db}}}\n")
        out = self.render(values, check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("masterKey.existingSecret is required", out.stderr)

    def test_the_validator_bites(self):
        bad = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n"
               "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
               "    spec: {containers: [{name: c, image: i, imagee: typo}]}\n---\n"
               "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
               "spec: {ports: [{port: eighty}]}\n---\n"
               "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n")
        out, _ = self.validate(bad)
        self.assertEqual(out.returncode, 1)
        self.assertIn("containers[0].imagee: unknown field", out.stdout)
        self.assertIn("port must be integer", out.stdout)
        self.assertIn("Thing t: no schema", out.stdout)

    def test_committed_manifests_are_the_chart_rendered(self):
        for name, values in (("irsa-sqlite.yaml", ()),
                             ("irsa-postgres.yaml", (os.path.join(CHART, "values-postgres.yaml"),))):
            committed = read(os.path.join("deploy", "kubernetes", name))
            rendered = self.render(*values).stdout
            # The file is a two-line "# Generated by" header, then the rendering.
            self.assertTrue(committed.startswith("# Generated by scripts/render-manifests.sh"))
            self.assertEqual(committed.split("\n", 2)[2], rendered,
                             "%s is stale: run scripts/render-manifests.sh" % name)
            self.assert_valid(committed)


if __name__ == "__main__":
    unittest.main()
