"""The command line itself: `irsa --version`, `irsa completion bash|zsh` (the scripts run in the
real shells), offline commands refusing to create a data directory, and `irsa exec` choosing a
fresh role session name per run."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import irsa_fixture as fx

ZSH = shutil.which("zsh")


def run(args, cwd=None, env=None, check=False):
    return subprocess.run([fx.binary()] + args, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=check)


class VersionTest(unittest.TestCase):
    def test_version_names_version_commit_and_build_type(self):
        out = run(["--version"], check=True).stdout.strip()
        self.assertRegex(out, r"^irsa \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,40}|unknown), "
                              r"(Release|Debug|RelWithDebInfo|MinSizeRel|unspecified) build\)$")
        # Inside this checkout the commit is git's (configure time, so any commit of the branch).
        if shutil.which("git"):
            probe = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=os.path.dirname(
                os.path.abspath(__file__)), capture_output=True, text=True)
            if probe.returncode == 0:
                commit = re.search(r"commit (\w+)", out).group(1)
                self.assertNotEqual(commit, "unknown")
                known = subprocess.run(["git", "cat-file", "-t", commit], cwd=os.path.dirname(
                    os.path.abspath(__file__)), capture_output=True, text=True)
                self.assertEqual(known.stdout.strip(), "commit")


class CompletionTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="irsa-completion-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def bash_complete(self, *words):
        """COMPREPLY of the generated bash function for the command line `words` (the last word
        is the one being completed)."""
        script = os.path.join(self.dir, "irsa.bash")
        with open(script, "w") as f:
            f.write(run(["completion", "bash"], check=True).stdout)
        line = " ".join("'%s'" % w for w in words)
        program = ('source %s\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_irsa\n'
                   'printf "%%s\\n" "${COMPREPLY[@]}"\ncomplete -p irsa\n' % (
                       script, line, len(words) - 1))
        out = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        self.assertEqual(out[-1], "complete -o default -F _irsa irsa")
        return [w for w in out[:-1] if w]

    def test_bash_completes_commands_subcommands_and_flags(self):
        self.assertEqual(self.bash_complete("irsa", "clu"), ["cluster"])
        top = self.bash_complete("irsa", "")
        for command in ("serve", "cluster", "token", "kubeconfig", "exec", "create", "policy",
                        "webhook", "completion", "--version"):
            self.assertIn(command, top)
        self.assertEqual(sorted(self.bash_complete("irsa", "cluster", "")),
                         sorted(["create", "delete", "describe", "list", "rotate-keys",
                                 "--help", "-h"]))
        self.assertIn("utils", top)
        self.assertEqual(self.bash_complete("irsa", "utils", "as"), ["associate-iam-oidc-provider"])
        self.assertIn("--approve",
                      self.bash_complete("irsa", "utils", "associate-iam-oidc-provider", "--ap"))
        self.assertIn("--role-session-name", self.bash_complete("irsa", "exec", "--ro"))
        self.assertIn("--listen-tls", self.bash_complete("irsa", "serve", "--listen"))
        # After a flag that takes a value, and after --, nothing: the shell completes file names.
        self.assertEqual(self.bash_complete("irsa", "exec", "--data-dir", ""), [])
        self.assertEqual(self.bash_complete("irsa", "exec", "--", "py"), [])
        # A flag without a value does not swallow the next word.
        self.assertIn("--cluster", self.bash_complete("irsa", "exec", "--verbose", "--clu"))

    @unittest.skipIf(ZSH is None, "zsh is not installed (scripts/install-deps.sh installs it)")
    def test_zsh_script_loads_and_registers_the_function(self):
        script = os.path.join(self.dir, "_irsa")
        with open(script, "w") as f:
            f.write(run(["completion", "zsh"], check=True).stdout)
        subprocess.run([ZSH, "-n", script], check=True)
        out = subprocess.run(
            [ZSH, "-f", "-c", "autoload -Uz compinit && compinit -u -D && source %s && "
             "print -r -- ${_comps[irsa]}" % script],
            capture_output=True, text=True, check=True, env=dict(os.environ, HOME=self.dir))
        self.assertEqual(out.stdout.strip(), "_irsa")

    def test_unknown_shell_is_refused(self):
        out = run(["completion", "fish"])
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("fish", out.stderr)


OFFLINE_COMMANDS = [
    ["cluster", "list"],
    ["cluster", "create", "c1"],
    ["cluster", "describe", "c1"],
    ["token", "--cluster", "c1", "--service-account", "sa"],
    ["kubeconfig", "--cluster", "c1"],
    ["create", "iamserviceaccount", "--name", "sa", "--cluster", "c1", "--role-name", "r",
     "--approve"],
    ["exec", "--cluster", "c1", "--service-account", "sa", "--", "true"],
    ["utils", "associate-iam-oidc-provider", "--cluster", "c1", "--approve"],
]


class OfflineDataDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="irsa-offline-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IRSA_")}

    def assert_refused(self, args, missing, env=None):
        out = run(args, cwd=self.dir, env=env or self.env)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn("NotFound: " + missing, out.stderr)
        self.assertIn("--data-dir", out.stderr)
        self.assertIn("IRSA_DATA_DIR", out.stderr)
        return out

    def test_every_offline_command_refuses_a_missing_data_directory(self):
        for args in OFFLINE_COMMANDS:
            with self.subTest(command=args[0]):
                self.assert_refused(args, "no irsa data directory at %s/.data" % self.dir)
                self.assertEqual(os.listdir(self.dir), [])  # nothing created
        env = dict(self.env, IRSA_DATA_DIR=os.path.join(self.dir, "elsewhere"))
        self.assert_refused(["cluster", "list"],
                            "no irsa data directory at %s/elsewhere" % self.dir, env=env)
        self.assertEqual(os.listdir(self.dir), [])

    def test_an_empty_directory_is_no_node_either(self):
        os.mkdir(os.path.join(self.dir, "empty"))
        self.assert_refused(["cluster", "list", "--data-dir", "empty"],
                            "no master key at %s/empty/master.key" % self.dir)
        self.assertEqual(os.listdir(os.path.join(self.dir, "empty")), [])

    def test_serve_still_creates_it_and_offline_commands_then_work(self):
        server = fx.IrsaServer(data_dir=os.path.join(self.dir, "node"))
        server.log_path = os.path.join(self.dir, "server.log")  # the fixture's is in the dir
        server.start()
        self.addCleanup(server.stop)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "node", "master.key")))
        out = run(["cluster", "list", "--data-dir", "node"], cwd=self.dir, env=self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        # A database elsewhere than the data directory must exist too.
        self.assert_refused(["cluster", "list", "--data-dir", "node", "--store",
                             "sqlite:%s/missing.db" % self.dir],
                            "no irsa database at %s/missing.db" % self.dir)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "missing.db")))


class ExecSessionNameTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer().start()
        cls.env = {k: v for k, v in os.environ.items()
                   if not k.startswith("IRSA_") and not k.startswith("AWS_")}
        cls.env["IRSA_DATA_DIR"] = cls.server.data_dir
        for args in (["cluster", "create", "c1"],
                     ["create", "iamserviceaccount", "--name", "app", "--cluster", "c1",
                      "--role-name", "app-role", "--approve"]):
            out = run(args, env=cls.env)
            assert out.returncode == 0, out.stderr

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def session_name(self, *extra):
        out = run(["exec", "--cluster", "c1", "--service-account", "app"] + list(extra) +
                  ["--", "sh", "-c", "echo $AWS_ROLE_SESSION_NAME"], env=self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout.strip()

    def test_each_run_gets_a_fresh_session_name(self):
        names = {self.session_name() for _ in range(3)}
        self.assertEqual(len(names), 3)
        for name in names:
            self.assertRegex(name, r"^irsa-exec-default-app-[0-9a-f]{8}$")

    def test_role_session_name_flag_is_kept(self):
        self.assertEqual(self.session_name("--role-session-name", "fixed-name"), "fixed-name")

    def test_long_names_keep_the_random_suffix_within_64_characters(self):
        out = run(["create", "iamserviceaccount", "--name", "s" * 60, "--cluster", "c1",
                   "--role-name", "long-role", "--approve"], env=self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        out = run(["exec", "--cluster", "c1", "--service-account", "s" * 60, "--", "sh", "-c",
                   "echo $AWS_ROLE_SESSION_NAME"], env=self.env)
        name = out.stdout.strip()
        self.assertEqual(len(name), 64)
        self.assertRegex(name, r"^irsa-exec-default-s+-[0-9a-f]{8}$")


class ServerCertificateNamesTest(unittest.TestCase):
    def names(self, data_dir):
        out = subprocess.run(["openssl", "x509", "-in", os.path.join(data_dir, "tls", "server.pem"),
                              "-noout", "-ext", "subjectAltName"], capture_output=True, text=True,
                             check=True).stdout
        return set(re.findall(r"(?:DNS|IP Address):([^,\s]+)", out))

    def test_generated_certificate_names_transparent_hosts_and_tls_sans(self):
        server = fx.IrsaServer(extra_args=["--region", "eu-west-1", "--tls-san",
                                           "irsa.irsa-system.svc"]).start()
        self.addCleanup(server.stop)
        names = self.names(server.data_dir)
        for name in ("localhost", "127.0.0.1", "irsa.irsa-system.svc", "sts.amazonaws.com",
                     "sts.eu-west-1.amazonaws.com", "eks.eu-west-1.amazonaws.com",
                     "iam.amazonaws.com", "s3.amazonaws.com"):
            self.assertIn(name, names)
        with open(server.ca_bundle) as f:
            ca = f.read()
        server.stop(remove=False)
        # Other names: a new server certificate from the same CA.
        again = fx.IrsaServer(data_dir=server.data_dir, extra_args=["--tls-san", "10.1.2.3"])
        again.start()
        self.addCleanup(again.stop)
        names = self.names(server.data_dir)
        self.assertIn("10.1.2.3", names)
        self.assertNotIn("irsa.irsa-system.svc", names)
        with open(server.ca_bundle) as f:
            self.assertEqual(f.read(), ca)
        subprocess.run(["openssl", "verify", "-CAfile", server.ca_bundle,
                        os.path.join(server.data_dir, "tls", "server.pem")], check=True,
                       capture_output=True)

    def test_exec_transparent_needs_port_443(self):
        server = fx.IrsaServer().start()  # HTTPS on a random port
        self.addCleanup(server.stop)
        env = {k: v for k, v in os.environ.items() if not k.startswith("IRSA_")}
        env["IRSA_DATA_DIR"] = server.data_dir
        for args in (["cluster", "create", "c1"],
                     ["create", "iamserviceaccount", "--name", "app", "--cluster", "c1",
                      "--role-name", "app-role", "--approve"]):
            self.assertEqual(run(args, env=env).returncode, 0)
        out = run(["exec", "--cluster", "c1", "--service-account", "app", "--transparent", "--",
                   "true"], env=env)
        self.assertEqual(out.returncode, 1)
        self.assertIn("must be on port 443", out.stderr)
        self.assertIn("--listen-tls 127.0.0.1:443", out.stderr)


class PolicyLintTest(unittest.TestCase):
    WALKTHROUGH_POLICY = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                          '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-pod-secrets-bucket"}]}')

    def test_walkthrough_policy_warns_object_action_on_bucket_arn(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "my-policy.json")
            with open(path, "w") as f:
                f.write(self.WALKTHROUGH_POLICY)
            out = run(["policy", "lint", path])
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("s3-object-action-on-bucket-arn", out.stdout + out.stderr)
            self.assertIn("arn:aws:s3:::my-pod-secrets-bucket/*", out.stdout + out.stderr)
            fixed = self.WALKTHROUGH_POLICY.replace('bucket"', 'bucket/*"')
            with open(path, "w") as f:
                f.write(fixed)
            out = run(["policy", "lint", path])
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            # The kind comes from the document's shape; --kind still overrides it.
            out = run(["policy", "lint", "--kind", "trust", path])
            self.assertEqual(out.returncode, 1)
            self.assertIn("prohibited field Resource", out.stderr)


if __name__ == "__main__":
    unittest.main()
