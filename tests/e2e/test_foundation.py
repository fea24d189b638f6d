"""Issue 2 end to end: irsa serve, SigV4, GetCallerIdentity and users/keys with real clients."""
import datetime
import json
import os
import re
import socket
import subprocess
import threading
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx
import sigv4

STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"


def client(server, service, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None,
           endpoint=None, verify=None, **config):
    return boto3.client(service, endpoint_url=endpoint or server.http, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token, verify=verify,
                        config=Config(retries={"max_attempts": 1}, **config))


def raw(server, method, path="/", body=b"", headers=None):
    req = urllib.request.Request(server.http + path, data=body if body else None, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def error_code(xml_text):
    root = ET.fromstring(xml_text)
    return root.find(".//{*}Code").text, root.find(".//{*}Message").text


class FoundationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_cli(self, cli, args, endpoint=None, **env_kw):
        env = fx.cli_env(self.server, **env_kw)
        cmd = [cli, "--endpoint-url", endpoint or self.server.http] + args
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)

    def test_boto3_get_caller_identity_as_root(self):
        ident = client(self.server, "sts").get_caller_identity()
        self.assertEqual(ident["Account"], fx.ACCOUNT_ID)
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:root" % fx.ACCOUNT_ID)
        self.assertEqual(ident["UserId"], fx.ACCOUNT_ID)
        self.assertTrue(ident["ResponseMetadata"]["RequestId"])

    def test_cli_v1_and_v2_over_http_and_https(self):
        clis = [c for c in (fx.aws_v1(), fx.aws_v2()) if c]
        self.assertEqual(len(clis), 2, "both AWS CLI v1 and v2 must be installed")
        for cli in clis:
            for endpoint, extra in ((self.server.http, []),
                                    (self.server.https, ["--ca-bundle", self.server.ca_bundle])):
                with self.subTest(cli=cli, endpoint=endpoint):
                    out = self.run_cli(cli, extra + ["sts", "get-caller-identity", "--query",
                                                     "Account", "--output", "text"],
                                       endpoint=endpoint)
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertEqual(out.stdout.strip(), fx.ACCOUNT_ID)

    def test_https_rejected_without_ca_bundle(self):
        sts = client(self.server, "sts", endpoint=self.server.https)
        with self.assertRaises(botocore.exceptions.SSLError):
            sts.get_caller_identity()
        ident = client(self.server, "sts", endpoint=self.server.https,
                       verify=self.server.ca_bundle).get_caller_identity()
        self.assertEqual(ident["Account"], fx.ACCOUNT_ID)

    def test_user_with_access_key_gets_own_arn(self):
        iam = client(self.server, "iam")
        user = iam.create_user(UserName="alice", Path="/team/")["User"]
        self.assertTrue(user["UserId"].startswith("AIDA"))
        self.assertEqual(len(user["UserId"]), 21)
        self.assertEqual(user["Arn"], "arn:aws:iam::%s:user/team/alice" % fx.ACCOUNT_ID)
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        self.assertTrue(key["AccessKeyId"].startswith("AKIA"))
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        ident = client(self.server, "sts", key["AccessKeyId"],
                       key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], user["Arn"])
        self.assertEqual(ident["UserId"], user["UserId"])
        for cli in filter(None, (fx.aws_v1(), fx.aws_v2())):
            out = self.run_cli(cli, ["sts", "get-caller-identity", "--query", "Arn", "--output",
                                     "text"], key_id=key["AccessKeyId"],
                               secret=key["SecretAccessKey"])
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.strip(), user["Arn"])

        # Listing, deactivation and deletion take effect on the next request.
        keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
        self.assertEqual([k["AccessKeyId"] for k in keys], [key["AccessKeyId"]])
        iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidClientTokenId")
        with self.assertRaises(iam.exceptions.DeleteConflictException):
            iam.delete_user(UserName="alice")
        iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="alice")
        with self.assertRaises(iam.exceptions.NoSuchEntityException):
            iam.get_user(UserName="alice")

    def test_user_errors(self):
        iam = client(self.server, "iam")
        iam.create_user(UserName="Bob")
        with self.assertRaises(iam.exceptions.EntityAlreadyExistsException) as ctx:
            iam.create_user(UserName="bob")
        self.assertIn("bob", ctx.exception.response["Error"]["Message"])
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        iam.create_access_key(UserName="Bob")
        iam.create_access_key(UserName="Bob")
        with self.assertRaises(iam.exceptions.LimitExceededException):
            iam.create_access_key(UserName="Bob")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.create_user(UserName="bad name!")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationError")
        self.assertIn("userName", ctx.exception.response["Error"]["Message"])

    def test_list_users_paginates(self):
        iam = client(self.server, "iam")
        for i in range(7):
            iam.create_user(UserName="page-user-%02d" % i, Path="/paged/")
        first = iam.list_users(PathPrefix="/paged/", MaxItems=3)
        self.assertTrue(first["IsTruncated"])
        names = [u["UserName"] for u in first["Users"]]
        pages = iam.get_paginator("list_users").paginate(PathPrefix="/paged/",
                                                          PaginationConfig={"PageSize": 3})
        all_names = [u["UserName"] for p in pages for u in p["Users"]]
        self.assertEqual(all_names, ["page-user-%02d" % i for i in range(7)])
        self.assertEqual(names, all_names[:3])

    def test_non_root_user_is_denied_iam_calls_without_policy(self):
        iam = client(self.server, "iam")
        iam.create_user(UserName="carol")
        key = iam.create_access_key(UserName="carol")["AccessKey"]
        carol = client(self.server, "iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.create_user(UserName="mallory")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        self.assertIn("iam:CreateUser", ctx.exception.response["Error"]["Message"])

    def test_sigv4_errors_with_real_client(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(self.server, "sts", secret="x" * 40).get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(self.server, "sts", key_id="AKIAUNKNOWNKEY000000").get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidClientTokenId")
        unsigned = boto3.client("sts", endpoint_url=self.server.http, region_name="us-east-1",
                                config=Config(signature_version=botocore.UNSIGNED))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            unsigned.get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "MissingAuthenticationToken")

    def test_sigv4_hand_built(self):
        body = "Action=GetCallerIdentity&Version=2011-06-15"
        url = self.server.http + "/"
        ok = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, region="eu-west-3")
        status, headers, text = raw(self.server, "POST", body=body.encode(), headers=ok)
        self.assertEqual(status, 200, text)
        self.assertIn("arn:aws:iam::%s:root" % fx.ACCOUNT_ID, text)
        self.assertTrue(headers.get("x-amzn-RequestId"))

        skewed = sigv4.sign("POST", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                            when=datetime.datetime.now(datetime.timezone.utc)
                            - datetime.timedelta(minutes=20))
        status, _, text = raw(self.server, "POST", body=body.encode(), headers=skewed)
        self.assertEqual((status, error_code(text)[0]), (403, "SignatureDoesNotMatch"))
        self.assertRegex(error_code(text)[1],
                         r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                         r"\(\d{8}T\d{6}Z - 5 min\.\)$")

        tampered = dict(ok)
        status, _, text = raw(self.server, "POST", body=(body + "&x=1").encode(), headers=tampered)
        self.assertEqual((status, error_code(text)[0]), (403, "SignatureDoesNotMatch"))

        broken = dict(ok)
        broken["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/sts/aws4_request" % fx.ADMIN_KEY_ID
        status, _, text = raw(self.server, "POST", body=body.encode(), headers=broken)
        self.assertEqual(error_code(text)[0], "IncompleteSignature")
        self.assertEqual(status, 400)

        status, _, text = raw(self.server, "POST", body=b"Action=NoSuchThing&Version=2011-06-15",
                              headers=sigv4.sign("POST", url, "Action=NoSuchThing&Version=2011-06-15",
                                                 fx.ADMIN_KEY_ID, fx.ADMIN_SECRET))
        self.assertEqual((status, error_code(text)[0]), (400, "InvalidAction"))

    def test_presigned_url(self):
        sts = client(self.server, "sts")
        # botocore signs query-protocol presigned URLs for POST unless told the method.
        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
        with urllib.request.urlopen(url, timeout=10) as resp:
            text = resp.read().decode()
        self.assertEqual(ET.fromstring(text).find(".//" + STS_NS + "Account").text, fx.ACCOUNT_ID)
        tampered = url.replace("Action=GetCallerIdentity", "Action=GetCallerIdentity&x=1")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(tampered, timeout=10)
        self.assertEqual(ctx.exception.code, 403)

    def test_malformed_http_and_oversized_body_keep_serving(self):
        host, port = self.server.http[len("http://"):].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            reply = s.recv(4096)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply)
        big = b"Action=GetCallerIdentity&Version=2011-06-15&pad=" + b"x" * (2 << 20)
        status, headers, _ = raw(self.server, "POST", body=big,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 413)
        self.assertTrue(headers.get("x-amzn-RequestId"))
        self.assertEqual(client(self.server, "sts").get_caller_identity()["Account"], fx.ACCOUNT_ID)

    def test_health_and_metrics(self):
        self.assertEqual(raw(self.server, "GET", "/healthz")[0], 200)
        self.assertEqual(raw(self.server, "GET", "/readyz")[0], 200)
        client(self.server, "sts").get_caller_identity()
        status, _, text = raw(self.server, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn('irsa_requests_total{service="sts",action="GetCallerIdentity"', text)
        self.assertIn("irsa_open_connections", text)


class AccessLogTest(unittest.TestCase):
    """The per-request access log is on by default; --no-access-log and IRSA_ACCESS_LOG=false
    turn it off (README, Configuration)."""

    def access_lines(self, extra_args=(), env=None):
        server = fx.IrsaServer(extra_args=extra_args, env=env, tls=False).start()
        try:
            client(server, "sts").get_caller_identity()
            server.stop(remove=False)  # flushes the batched log
            lines = [json.loads(l) for l in server.read_log().splitlines() if l.startswith("{")]
            return [l for l in lines if l.get("msg") == "access"]
        finally:
            server.stop()

    def test_on_by_default_and_never_logs_the_secret(self):
        lines = self.access_lines()
        sts = [l for l in lines if l.get("path") == "/" and l.get("method") == "POST"]
        self.assertEqual(len(sts), 1, lines)
        self.assertEqual(sts[0]["status"], 200)
        self.assertNotIn(fx.ADMIN_SECRET, json.dumps(lines))

    def test_flag_and_environment_turn_it_off(self):
        self.assertEqual(self.access_lines(extra_args=["--no-access-log"]), [])
        self.assertEqual(self.access_lines(env={"IRSA_ACCESS_LOG": "false"}), [])


class ConnectionLimitsTest(unittest.TestCase):
    """Issue 12: --max-connections-per-client refuses a client's extra connections, and at
    --max-connections the connection of another client idle the longest is closed to make room;
    boto3 from another address keeps being served."""

    def connect(self, server, source_ip):
        host, port = server.http[len("http://"):].split(":")
        return socket.create_connection((host, int(port)), timeout=5,
                                        source_address=(source_ip, 0))

    def get(self, s, path):
        """A keep-alive GET on socket s; returns (status line, body)."""
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            self.assertTrue(chunk, data)
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                  if l.lower().startswith(b"content-length:")][0]
        while len(body) < length:
            chunk = s.recv(65536)
            self.assertTrue(chunk, body)
            body += chunk
        return head.split(b"\r\n")[0].decode(), body.decode()

    def idle_connection(self, server, source_ip):
        """A keep-alive connection from source_ip that has completed one request."""
        s = self.connect(server, source_ip)
        self.assertEqual(self.get(s, "/healthz"), ("HTTP/1.1 200 OK", "ok"))
        return s

    def assert_closed_by_server(self, s):
        s.settimeout(5)
        try:
            self.assertEqual(s.recv(4096), b"")
        except ConnectionResetError:
            pass

    def test_per_client_cap_and_idle_eviction(self):
        server = fx.IrsaServer(extra_args=["--max-connections", "4",
                                           "--max-connections-per-client", "3"],
                               tls=False).start()
        sockets = []
        try:
            sockets = [self.idle_connection(server, "127.0.0.2") for _ in range(3)]
            extra = self.connect(server, "127.0.0.2")
            sockets.append(extra)
            self.assert_closed_by_server(extra)
            sockets.append(self.idle_connection(server, "127.0.0.3"))  # the 4th connection
            # boto3 (from 127.0.0.1) makes the 5th: the oldest idle connection (of 127.0.0.2)
            # is closed to make room.
            self.assertEqual(client(server, "sts").get_caller_identity()["Account"],
                             fx.ACCOUNT_ID)
            self.assert_closed_by_server(sockets[0])
            status, text = self.get(sockets[1], "/metrics")
            self.assertEqual(status, "HTTP/1.1 200 OK")
            self.assertIn('irsa_http_errors_total{reason="per_client_limit"} 1\n', text)
            self.assertIn("irsa_http_idle_evictions_total 1\n", text)
        finally:
            for s in sockets:
                s.close()
            server.stop()

    def test_environment_variables_set_the_limits(self):
        server = fx.IrsaServer(env={"IRSA_MAX_CONNECTIONS_PER_CLIENT": "1"}, tls=False).start()
        try:
            first = self.idle_connection(server, "127.0.0.2")
            second = self.connect(server, "127.0.0.2")
            self.assert_closed_by_server(second)
            first.close()
            second.close()
            self.assertEqual(client(server, "sts").get_caller_identity()["Account"],
                             fx.ACCOUNT_ID)
        finally:
            server.stop()


class RequestWorkersTest(unittest.TestCase):
    """Issue 18: routed requests run on the request workers (--worker-threads), off the IO
    threads; --worker-threads 0 runs them inline; a bad value is refused before serving."""

    @staticmethod
    def request_tasks_done(server):
        with urllib.request.urlopen(server.http + "/metrics", timeout=5) as response:
            text = response.read().decode()
        found = re.search(r'^irsa_worker_tasks_total\{pool="request",outcome="done"\} (\d+)$',
                          text, re.M)
        return int(found.group(1)) if found else 0

    def test_requests_run_on_the_workers(self):
        server = fx.IrsaServer(extra_args=["--worker-threads", "4"], tls=False).start()
        try:
            before = self.request_tasks_done(server)
            sts = client(server, "sts")
            for _ in range(5):
                self.assertEqual(sts.get_caller_identity()["Account"], fx.ACCOUNT_ID)
            # A task is counted once it has answered, so the last one may land a moment later.
            done = fx.poll(lambda: self.request_tasks_done(server) - before, lambda n: n >= 5)
            self.assertGreaterEqual(done, 5)
        finally:
            server.stop()

    def test_zero_workers_run_requests_inline(self):
        server = fx.IrsaServer(extra_args=["--worker-threads", "0"], tls=False).start()
        try:
            iam = client(server, "iam")
            iam.create_user(UserName="inline-user")
            self.assertEqual(iam.get_user(UserName="inline-user")["User"]["UserName"],
                             "inline-user")
            self.assertEqual(self.request_tasks_done(server), 0)
        finally:
            server.stop()

    def test_negative_worker_count_is_refused(self):
        result = subprocess.run([fx.binary(), "serve", "--worker-threads", "-1"],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--worker-threads", result.stderr + result.stdout)


class RestartTest(unittest.TestCase):
    def test_restart_keeps_credentials_and_kill9_loses_no_acknowledged_write(self):
        server = fx.IrsaServer(tls=False).start()
        try:
            iam = client(server, "iam")
            iam.create_user(UserName="durable")
            key = iam.create_access_key(UserName="durable")["AccessKey"]

            acknowledged = []
            stop = threading.Event()

            def writer():
                w = client(server, "iam")
                i = 0
                while not stop.is_set():
                    name = "kill9-%05d" % i
                    try:
                        w.create_user(UserName=name)
                        acknowledged.append(name)
                    except Exception:  # the server is being killed under us
                        return
                    i += 1

            t = threading.Thread(target=writer)
            t.start()
            while len(acknowledged) < 30:
                threading.Event().wait(0.01)
            server.kill9()
            stop.set()
            t.join()

            server.start()
            iam = client(server, "iam")
            names = {u["UserName"] for p in iam.get_paginator("list_users").paginate()
                     for u in p["Users"]}
            missing = [n for n in acknowledged if n not in names]
            self.assertEqual(missing, [])
            ident = client(server, "sts", key["AccessKeyId"],
                           key["SecretAccessKey"]).get_caller_identity()
            self.assertTrue(ident["Arn"].endswith(":user/durable"))
            admin = client(server, "sts").get_caller_identity()
            self.assertEqual(admin["Account"], fx.ACCOUNT_ID)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
