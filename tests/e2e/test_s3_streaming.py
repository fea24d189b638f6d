"""S3 bodies are streamed (issue 13, docs/s3.md "Streaming"): uploads and downloads of objects far
larger than any buffer run in bounded server memory; a body whose verification fails at the end
(x-amz-content-sha256, an aws-chunked chunk signature) leaves nothing behind; the errors the HTTP
server produces itself for the S3 endpoint (503 when busy, 413, 400) are in S3's XML envelope.

Memory is asserted, not time: the server's peak RSS (VmHWM, reset before each transfer through
/proc/PID/clear_refs) grows by far less than the object during the transfer."""
import hashlib
import hmac
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3
from botocore.config import Config

import irsa_fixture as fx
import sigv4

MiB = 1 << 20
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=fx.ADMIN_KEY_ID, aws_secret_access_key=fx.ADMIN_SECRET,
                        config=Config(signature_version="s3v4", retries={"max_attempts": 1}))


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s for pid %d" % (field, pid))


def write_file(path, size):
    """`size` bytes, no two MiB alike; returns their MD5."""
    block = bytearray(os.urandom(MiB))
    md5 = hashlib.md5()
    with open(path, "wb") as f:
        for i in range((size + MiB - 1) // MiB):
            block[0:8] = i.to_bytes(8, "little")
            piece = block[:min(MiB, size - i * MiB)]
            f.write(piece)
            md5.update(piece)
    return md5.hexdigest()


def file_md5(path):
    md5 = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(8 * MiB), b""):
            md5.update(chunk)
    return md5.hexdigest()


def stored_files(root):
    """Regular files under the object directory (bodies, temporaries)."""
    return sorted(os.path.join(d, n) for d, _, names in os.walk(root) for n in names)


class S3StreamingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()
        cls.s3 = s3_client(cls.server.http)
        cls.tmp = tempfile.mkdtemp(prefix="irsa-s3-stream-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def measure(self, transfer):
        """Runs `transfer`; returns the growth of the server's peak RSS during it, in bytes."""
        pid = self.server.proc.pid
        before = status_kib(pid, "VmRSS")
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")  # VmHWM := VmRSS
        transfer()
        return (status_kib(pid, "VmHWM") - before) * 1024

    def test_large_transfers_run_in_bounded_memory(self):
        self.s3.create_bucket(Bucket="big")
        size = 256 * MiB
        source = os.path.join(self.tmp, "source.bin")
        digest = write_file(source, size)
        cli = fx.aws_v2() or fx.aws_v1()
        self.assertIsNotNone(cli, "an AWS CLI is needed")
        env = fx.cli_env(self.server, home=self.tmp)

        def aws(*args):
            out = subprocess.run([cli, "--endpoint-url", self.server.http, "s3"] + list(args),
                                 capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

        # `aws s3 cp`: multipart (8 MiB parts, 10 at a time) up, ranged GETs down.
        growth = self.measure(lambda: aws("cp", source, "s3://big/cli.bin"))
        self.assertLess(growth, 32 * MiB, "server peak RSS grew by %d bytes" % growth)
        target = os.path.join(self.tmp, "cli-down.bin")
        growth = self.measure(lambda: aws("cp", "s3://big/cli.bin", target))
        self.assertLess(growth, 32 * MiB, "server peak RSS grew by %d bytes" % growth)
        self.assertEqual(file_md5(target), digest)
        os.remove(target)

        # One PutObject of 96 MiB (above the 64 MiB the server once buffered), one GetObject.
        single = 96 * MiB
        with open(source, "rb") as f:
            head = f.read(single)

        def put():
            self.s3.put_object(Bucket="big", Key="single.bin", Body=head)

        growth = self.measure(put)
        self.assertLess(growth, 24 * MiB, "server peak RSS grew by %d bytes" % growth)
        received = hashlib.md5()

        def get():
            body = self.s3.get_object(Bucket="big", Key="single.bin")["Body"]
            for chunk in body.iter_chunks(MiB):
                received.update(chunk)

        growth = self.measure(get)
        self.assertLess(growth, 24 * MiB, "server peak RSS grew by %d bytes" % growth)
        self.assertEqual(received.hexdigest(), hashlib.md5(head).hexdigest())
        # A Range of the large object, streamed too.
        ranged = self.s3.get_object(Bucket="big", Key="cli.bin",
                                    Range="bytes=%d-%d" % (50 * MiB, 51 * MiB - 1))
        self.assertEqual(ranged["ContentLength"], MiB)
        self.assertEqual(ranged["Body"].read(), head[50 * MiB:51 * MiB])
        self.s3.delete_object(Bucket="big", Key="cli.bin")
        self.s3.delete_object(Bucket="big", Key="single.bin")
        os.remove(source)

    def signed_put(self, key, body, content_sha256, extra_headers=None):
        """PUT /verify/<key> signed with `content_sha256`; returns (status, body, signature
        headers)."""
        url = "%s/verify/%s" % (self.server.http, key)
        headers = sigv4.sign("PUT", url, "", fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, service="s3",
                             content_sha256=content_sha256, extra_headers=extra_headers)
        return url, headers

    def send(self, url, headers, body):
        parsed = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.addCleanup(connection.close)
        connection.request("PUT", parsed.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    def assert_nothing_left(self, key, files_before):
        self.assertEqual(stored_files(os.path.join(self.server.data_dir, "s3")), files_before)
        self.assertEqual(self.s3.list_objects_v2(Bucket="verify", Prefix=key).get("KeyCount"), 0)

    def test_failed_verification_at_the_end_leaves_nothing_behind(self):
        self.s3.create_bucket(Bucket="verify")
        files_before = stored_files(os.path.join(self.server.data_dir, "s3"))
        body = os.urandom(16 * MiB)

        # x-amz-content-sha256 of other bytes: noticed after the last byte.
        url, headers = self.signed_put("hashed", body, hashlib.sha256(b"other").hexdigest())
        status, answer = self.send(url, headers, body)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>XAmzContentSHA256Mismatch</Code>", answer)
        self.assert_nothing_left("hashed", files_before)

        # aws-chunked, STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signature is checked as
        # it arrives; one bad signature in the middle fails the whole upload.
        chunks = [body[i:i + 4 * MiB] for i in range(0, len(body), 4 * MiB)]

        def chunked(corrupt=None):
            url, headers = self.signed_put(
                "chunked", body, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                extra_headers={"content-encoding": "aws-chunked",
                               "x-amz-decoded-content-length": str(len(body))})
            amz_date = headers["x-amz-date"]
            credential = headers["authorization"].split("Credential=")[1].split(",")[0]
            scope = credential.split("/", 1)[1]
            previous = headers["authorization"].rsplit("Signature=", 1)[1]
            day, region, service = scope.split("/")[:3]
            key = ("AWS4" + fx.ADMIN_SECRET).encode()
            for part in (day, region, service, "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            wire = b""
            for i, chunk in enumerate(chunks + [b""]):
                to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                     EMPTY_SHA256, hashlib.sha256(chunk).hexdigest()])
                previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
                signature = previous if i != corrupt else "0" * 64
                wire += b"%x;chunk-signature=%s\r\n%s\r\n" % (len(chunk), signature.encode(),
                                                                chunk)
            return self.send(url, headers, wire)

        status, answer = chunked(corrupt=2)
        self.assertEqual(status, 403, answer)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", answer)
        self.assert_nothing_left("chunked", files_before)
        # The same upload with every signature right is stored.
        status, answer = chunked()
        self.assertEqual(status, 200, answer)
        stored = self.s3.get_object(Bucket="verify", Key="chunked")["Body"].read()
        self.assertEqual(hashlib.sha256(stored).digest(), hashlib.sha256(body).digest())
        self.s3.delete_object(Bucket="verify", Key="chunked")


class S3ServerErrorsTest(unittest.TestCase):
    """Errors the HTTP server answers itself, for S3 requests, in S3's envelope."""

    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False, extra_args=[
            "--s3-stream-threads", "1", "--s3-stream-queue", "1"]).start()
        cls.s3 = s3_client(cls.server.http)
        cls.s3.create_bucket(Bucket="errors")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def raw(self, request_bytes):
        parsed = urllib.parse.urlsplit(self.server.http)
        with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as s:
            s.sendall(request_bytes)
            data = b""
            while True:
                piece = s.recv(65536)
                if not piece:
                    return data
                data += piece

    def hold_upload(self, key):
        """Starts a signed PutObject of 1 MiB, sends half of the body and keeps the connection."""
        url = "%s/errors/%s" % (self.server.http, key)
        body = b"x" * MiB
        headers = sigv4.sign("PUT", url, "", fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, service="s3",
                             content_sha256=hashlib.sha256(body).hexdigest())
        parsed = urllib.parse.urlsplit(url)
        s = socket.create_connection((parsed.hostname, parsed.port), timeout=30)
        self.addCleanup(s.close)
        head = "PUT %s HTTP/1.1\r\n" % parsed.path
        head += "".join("%s: %s\r\n" % kv for kv in headers.items())
        head += "content-length: %d\r\n\r\n" % len(body)
        s.sendall(head.encode() + body[:MiB // 2])
        return s, body[MiB // 2:]

    def test_busy_stream_pool_is_slowdown_in_s3_xml(self):
        # One stream thread, one queue slot: the first upload holds the thread, the second waits,
        # the third is refused by the HTTP server itself.
        first, rest1 = self.hold_upload("one")
        time.sleep(0.3)
        second, rest2 = self.hold_upload("two")
        time.sleep(0.3)
        url = "%s/errors/three" % self.server.http
        headers = sigv4.sign("PUT", url, "", fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, service="s3",
                             content_sha256=hashlib.sha256(b"3").hexdigest())
        request = "PUT /errors/three HTTP/1.1\r\n" + "".join(
            "%s: %s\r\n" % kv for kv in headers.items()) + "content-length: 1\r\n\r\n3"
        answer = self.raw(request.encode())
        self.assertTrue(answer.startswith(b"HTTP/1.1 503"), answer[:200])
        self.assertIn(b"<Error><Code>SlowDown</Code>", answer)
        self.assertIn(b"<Resource>/errors/three</Resource>", answer)
        # The held uploads complete once their bodies arrive.
        for s, rest in ((first, rest1), (second, rest2)):
            s.sendall(rest)
            self.assertTrue(s.recv(65536).startswith(b"HTTP/1.1 200"))
        self.assertEqual(sorted(o["Key"] for o in self.s3.list_objects_v2(
            Bucket="errors")["Contents"]), ["one", "two"])

    def test_body_too_large_and_bad_request_are_s3_errors(self):
        # Not an upload (not streamed): the server's --max-body-bytes (1 MiB) applies.
        body = b"x" * (2 * MiB)
        request = ("DELETE /errors/k HTTP/1.1\r\nHost: %s\r\ncontent-length: %d\r\n\r\n"
                   % (urllib.parse.urlsplit(self.server.http).netloc, len(body)))
        answer = self.raw(request.encode() + body)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:200])
        self.assertIn(b"<Error><Code>EntityTooLarge</Code>", answer)
        # A malformed percent-encoding in the path of a virtual-hosted S3 request.
        answer = self.raw(b"GET /bad%zzkey HTTP/1.1\r\nHost: errors.s3.localhost\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:200])
        self.assertIn(b"<Error><Code>InvalidRequest</Code>", answer)
        # IAM/STS keep the Query envelope for the same errors.
        answer = self.raw(b"POST / HTTP/1.1\r\nHost: localhost\r\ncontent-length: %d\r\n\r\n"
                          % len(body) + body)
        self.assertIn(b"<ErrorResponse>", answer)
        self.assertNotIn(b"<Error><Code>EntityTooLarge", answer)


if __name__ == "__main__":
    unittest.main()
