"""Starts a real `irsa serve` on loopback for end-to-end tests and stops it afterwards.

Each IrsaServer gets a fresh temporary data directory, free ports (port 0), known bootstrap
credentials, and is stopped (SIGTERM, then SIGKILL after a grace period) by stop().
The binary is taken from $IRSA_BINARY (set by CTest).

Store: SQLite in the data directory, unless the server is given one (`store=`), or
IRSA_E2E_STORE=postgres is set: then each server gets a fresh database of its own on the
PostgreSQL server at $IRSA_TEST_POSTGRES_URL (started by scripts/with-postgres.sh).
"""
import datetime
import glob
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

ACCOUNT_ID = "111122223333"
ADMIN_KEY_ID = "AKIAIRSATESTADMIN001"
ADMIN_SECRET = "irsaTestAdminSecretKey0000000000000000000"[:40]


_DATABASE_NUMBERS = itertools.count(1)


def postgres_tool(name):
    """Path of a PostgreSQL client program (createdb, psql)."""
    directories = [os.environ.get("IRSA_TEST_POSTGRES_BIN", "")]
    directories += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in directories:
        candidate = os.path.join(directory, name)
        if directory and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if not found:
        raise RuntimeError("PostgreSQL client program %s not found" % name)
    return found


def create_postgres_database():
    """Creates an empty database next to $IRSA_TEST_POSTGRES_URL's and returns its URL."""
    base = os.environ.get("IRSA_TEST_POSTGRES_URL")
    if not base:
        raise RuntimeError("IRSA_TEST_POSTGRES_URL is not set (use scripts/with-postgres.sh)")
    url = urllib.parse.urlsplit(base)
    name = "irsa_e2e_%d_%d" % (os.getpid(), next(_DATABASE_NUMBERS))
    subprocess.run([postgres_tool("createdb"), "-h", url.hostname, "-p", str(url.port),
                    "-U", url.username or "postgres", name],
                   check=True, capture_output=True, timeout=30)
    return urllib.parse.urlunsplit(url._replace(path="/" + name))


def default_store():
    """The store for a server given none: None (SQLite), or a fresh PostgreSQL database."""
    kind = os.environ.get("IRSA_E2E_STORE", "sqlite")
    if kind == "sqlite":
        return None
    if kind == "postgres":
        return create_postgres_database()
    raise RuntimeError("IRSA_E2E_STORE must be sqlite or postgres, got %r" % kind)


def binary():
    path = os.environ.get("IRSA_BINARY")
    if not path:
        raise RuntimeError("IRSA_BINARY is not set (run the tests through ctest)")
    return path


class IrsaServer:
    def __init__(self, extra_args=(), data_dir=None, tls=True, env=None, store=None,
                 reset_endpoint=True, account=(ACCOUNT_ID, ADMIN_KEY_ID, ADMIN_SECRET)):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="irsa-e2e-")
        self.extra_args = list(extra_args)
        self.tls = tls
        self.env = env
        self.reset_endpoint = reset_endpoint
        self.account = account  # (account id, its root's bootstrap access key id, secret)
        if store is None and "--store" not in self.extra_args:
            store = default_store()
        self.store = store  # None: SQLite in the data directory
        self.proc = None
        self.endpoints = {}
        self.log_path = os.path.join(self.data_dir, "server.log")

    def start(self, timeout=20):
        args = [binary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                "--account-id", self.account[0], "--admin-access-key-id", self.account[1],
                "--admin-secret-access-key", self.account[2]]
        if self.reset_endpoint:
            args.append("--enable-reset-endpoint")
        args += ["--listen-tls", "127.0.0.1:0" if self.tls else "none"]
        if self.store:
            args += ["--store", self.store]
        args += self.extra_args
        endpoints_file = os.path.join(self.data_dir, "endpoints.json")
        if os.path.exists(endpoints_file):
            os.remove(endpoints_file)
        self.log = open(self.log_path, "ab")  # closed in stop()
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("irsa serve exited with %s:\n%s" % (self.proc.returncode, self.read_log()))
            if os.path.exists(endpoints_file):
                try:
                    with open(endpoints_file) as f:
                        self.endpoints = json.load(f)
                    urllib.request.urlopen(self.http + "/healthz", timeout=2).read()
                    return self
                except (ValueError, OSError):
                    pass
            time.sleep(0.05)
        raise RuntimeError("irsa serve did not become healthy:\n" + self.read_log())

    @property
    def http(self):
        return self.endpoints["http"]

    @property
    def https(self):
        return self.endpoints["https"]

    @property
    def ca_bundle(self):
        return self.endpoints["ca_bundle"]

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-20000:]
        except OSError:
            return ""

    def wait_for_log(self, predicate, timeout=5):
        """The log once predicate(log) holds, or at the deadline (the caller asserts). irsa writes
        its log in batches, so a line appears within ~20 ms of the request, not at once."""
        return poll(self.read_log, predicate, timeout)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self, remove=True):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and not self.log.closed:
            self.log.close()
        if remove and self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def reset(self):
        req = urllib.request.Request(self.http + "/_irsa/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=5).read()


def poll(read, predicate, timeout=5, interval=0.02):
    """Calls read() until predicate(value) holds or `timeout` seconds pass; returns the last
    value either way (the caller asserts on it)."""
    deadline = time.time() + timeout
    while True:
        value = read()
        if predicate(value) or time.time() >= deadline:
            return value
        time.sleep(interval)


def cli_env(server, key_id=ADMIN_KEY_ID, secret=ADMIN_SECRET, token=None, home=None):
    """Environment for running the AWS CLI against `server` with the given credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": server.http,
        "AWS_PAGER": "",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    })
    if token:
        env["AWS_SESSION_TOKEN"] = token
    if home:
        env["HOME"] = home
    return env


def aws_v1():
    """Path of AWS CLI v1 (the python one on PATH), or None."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "aws")
        if candidate != "/usr/bin/aws" and os.access(candidate, os.X_OK):
            out = subprocess.run([candidate, "--version"], capture_output=True, text=True)
            if "aws-cli/1." in out.stdout + out.stderr:
                return candidate
    return None


def aws_v2():
    """Path of AWS CLI v2 (Debian's awscli at /usr/bin/aws), or None."""
    candidate = "/usr/bin/aws"
    if os.access(candidate, os.X_OK):
        out = subprocess.run([candidate, "--version"], capture_output=True, text=True)
        if "aws-cli/2." in out.stdout + out.stderr:
            return candidate
    return None


class ClientErrorAssertions(unittest.TestCase):
    """Assertions on botocore ClientErrors and on the expiry of issued credentials."""

    def assertError(self, ctx, code, status, *fragments):
        """The error caught by `ctx` has `code`, HTTP `status` and every fragment in its
        message; returns the message."""
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status, err)
        for fragment in fragments:
            self.assertIn(fragment, err["Message"])
        return err["Message"]

    def assertExpiresIn(self, when, seconds, started):
        """`when` is `seconds` after the call, which began at `started` (time.time())."""
        if isinstance(when, str):
            when = datetime.datetime.fromisoformat(when.replace("Z", "+00:00"))
        self.assertGreaterEqual(when.timestamp(), int(started) + seconds - 1)
        self.assertLessEqual(when.timestamp(), time.time() + seconds + 1)
