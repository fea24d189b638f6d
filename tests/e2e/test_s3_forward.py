"""The forwarding S3 backend (issue 13, docs/s3.md "Where the bytes live"): `irsa serve
--s3-backend forward` keeps bucket records and policies and authorizes every request, and
forwards object bytes, re-signed with the upstream's own credentials, to a second irsa process
with the filesystem backend, its own account and its own keys (the upstream verifies SigV4 with
them). Bodies are streamed both ways; a body that fails verification never reaches the upstream
complete."""
import hashlib
import http.client
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import boto3
import botocore
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

import irsa_fixture as fx
import sigv4

MiB = 1 << 20
UPSTREAM = ("444455556666", "AKIAUPSTREAMKEY00001", "upstreamSecretKey0000000000000000000000")


def client(endpoint, key_id, secret, verify=None):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret, verify=verify,
                        config=Config(signature_version="s3v4", retries={"max_attempts": 1}))


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s for pid %d" % (field, pid))


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("expected an S3 error")


class S3ForwardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = fx.IrsaServer(tls=True, account=UPSTREAM).start()
        cls.front = cls.start_front(UPSTREAM[2])
        cls.s3 = client(cls.front.http, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET)
        cls.up = client(cls.upstream.https, UPSTREAM[1], UPSTREAM[2],
                        verify=cls.upstream.ca_bundle)
        cls.tmp = tempfile.mkdtemp(prefix="irsa-s3-forward-")

    @classmethod
    def start_front(cls, secret):
        return fx.IrsaServer(tls=False, extra_args=[
            "--s3-backend", "forward", "--s3-forward-endpoint", cls.upstream.https,
            "--s3-forward-ca-bundle", cls.upstream.ca_bundle],
            env={"IRSA_S3_FORWARD_ACCESS_KEY_ID": UPSTREAM[1],
                 "IRSA_S3_FORWARD_SECRET_ACCESS_KEY": secret}).start()

    @classmethod
    def tearDownClass(cls):
        cls.front.stop()
        cls.upstream.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_objects_live_upstream_and_every_operation_forwards(self):
        s3, up = self.s3, self.up
        s3.create_bucket(Bucket="fwd")
        self.assertIn("fwd", [b["Name"] for b in up.list_buckets()["Buckets"]])
        s3.put_object(Bucket="fwd", Key="dir/a.txt", Body=b"hello forward",
                      ContentType="text/plain", Metadata={"color": "blue"}, Tagging="k=v")
        # Stored upstream, under the upstream's account and keys.
        self.assertEqual(up.get_object(Bucket="fwd", Key="dir/a.txt")["Body"].read(),
                         b"hello forward")
        got = s3.get_object(Bucket="fwd", Key="dir/a.txt")
        self.assertEqual(got["Body"].read(), b"hello forward")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"color": "blue"})
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(b"hello forward").hexdigest())
        ranged = s3.get_object(Bucket="fwd", Key="dir/a.txt", Range="bytes=6-12")
        self.assertEqual((ranged["Body"].read(), ranged["ContentRange"]),
                         (b"forward", "bytes 6-12/13"))
        head = s3.head_object(Bucket="fwd", Key="dir/a.txt")
        self.assertEqual(head["ContentLength"], 13)
        self.assertEqual(error_of(lambda: s3.get_object(
            Bucket="fwd", Key="dir/a.txt", IfNoneMatch=got["ETag"])), ("304", 304))
        self.assertEqual(s3.get_object_tagging(Bucket="fwd", Key="dir/a.txt")["TagSet"],
                         [{"Key": "k", "Value": "v"}])
        s3.put_object_tagging(Bucket="fwd", Key="dir/a.txt",
                              Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
        self.assertEqual(up.get_object_tagging(Bucket="fwd", Key="dir/a.txt")["TagSet"],
                         [{"Key": "x", "Value": "y"}])
        s3.copy_object(Bucket="fwd", Key="b.txt", CopySource={"Bucket": "fwd", "Key": "dir/a.txt"})
        self.assertEqual(up.get_object(Bucket="fwd", Key="b.txt")["Body"].read(), b"hello forward")
        listing = s3.list_objects_v2(Bucket="fwd", Delimiter="/")
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["b.txt"])
        self.assertEqual([p["Prefix"] for p in listing["CommonPrefixes"]], ["dir/"])
        for key in ("sp ace+plus", "c/1", "c/2", "d"):
            s3.put_object(Bucket="fwd", Key=key, Body=key.encode())
        keys, token = [], None
        while True:
            page = s3.list_objects_v2(Bucket="fwd", MaxKeys=2, Delimiter="/",
                                      **({"ContinuationToken": token} if token else {}))
            keys += [o["Key"] for o in page.get("Contents", [])]
            keys += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(keys, ["b.txt", "c/", "d", "dir/", "sp ace+plus"])
        self.assertEqual(error_of(lambda: s3.get_object(Bucket="fwd", Key="nope")),
                         ("NoSuchKey", 404))
        s3.delete_object(Bucket="fwd", Key="b.txt")
        self.assertEqual(error_of(lambda: up.head_object(Bucket="fwd", Key="b.txt"))[1], 404)
        self.assertEqual(error_of(lambda: s3.delete_bucket(Bucket="fwd")),
                         ("BucketNotEmpty", 409))

    def test_multipart_and_the_cli_stream_through(self):
        s3, up = self.s3, self.up
        s3.create_bucket(Bucket="fwd-mp")
        source = os.path.join(self.tmp, "big.bin")
        with open(source, "wb") as f:
            f.write(os.urandom(20 * MiB + 3))
        with open(source, "rb") as f:
            digest = hashlib.md5(f.read()).hexdigest()
        config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB)
        s3.upload_file(source, "fwd-mp", "big.bin", Config=config)
        self.assertEqual(up.head_object(Bucket="fwd-mp", Key="big.bin")["ContentLength"],
                         20 * MiB + 3)
        target = os.path.join(self.tmp, "down.bin")
        s3.download_file("fwd-mp", "big.bin", target, Config=config)
        with open(target, "rb") as f:
            self.assertEqual(hashlib.md5(f.read()).hexdigest(), digest)
        # Explicit multipart calls: list, abort.
        upload = s3.create_multipart_upload(Bucket="fwd-mp", Key="pending")["UploadId"]
        s3.upload_part(Bucket="fwd-mp", Key="pending", UploadId=upload, PartNumber=1, Body=b"p1")
        parts = s3.list_parts(Bucket="fwd-mp", Key="pending", UploadId=upload)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 2)])
        self.assertEqual([u["UploadId"] for u in s3.list_multipart_uploads(
            Bucket="fwd-mp")["Uploads"]], [upload])
        s3.abort_multipart_upload(Bucket="fwd-mp", Key="pending", UploadId=upload)
        self.assertNotIn("Uploads", up.list_multipart_uploads(Bucket="fwd-mp"))
        # The AWS CLI: multipart up, ranged down.
        cli = fx.aws_v2() or fx.aws_v1()
        env = fx.cli_env(self.front, home=self.tmp)
        for args in (["cp", source, "s3://fwd-mp/cli.bin"],
                     ["cp", "s3://fwd-mp/cli.bin", target + ".cli"]):
            out = subprocess.run([cli, "--endpoint-url", self.front.http, "s3"] + args,
                                 capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        with open(target + ".cli", "rb") as f:
            self.assertEqual(hashlib.md5(f.read()).hexdigest(), digest)
        for key in ("big.bin", "cli.bin"):
            s3.delete_object(Bucket="fwd-mp", Key=key)
        s3.delete_bucket(Bucket="fwd-mp")
        self.assertNotIn("fwd-mp", [b["Name"] for b in up.list_buckets()["Buckets"]])

    def test_forwarded_bodies_stream_in_bounded_memory(self):
        s3 = self.s3
        s3.create_bucket(Bucket="fwd-mem")
        body = os.urandom(MiB) * 80  # 80 MiB, one PutObject
        pid = self.front.proc.pid

        def peak_growth(transfer):
            before = status_kib(pid, "VmRSS")
            with open("/proc/%d/clear_refs" % pid, "w") as f:
                f.write("5")
            transfer()
            return (status_kib(pid, "VmHWM") - before) * 1024

        growth = peak_growth(lambda: s3.put_object(Bucket="fwd-mem", Key="big", Body=body))
        self.assertLess(growth, 24 * MiB, "front peak RSS grew by %d bytes" % growth)
        received = hashlib.sha256()

        def get():
            for chunk in s3.get_object(Bucket="fwd-mem", Key="big")["Body"].iter_chunks(MiB):
                received.update(chunk)

        growth = peak_growth(get)
        self.assertLess(growth, 24 * MiB, "front peak RSS grew by %d bytes" % growth)
        self.assertEqual(received.digest(), hashlib.sha256(body).digest())
        s3.delete_object(Bucket="fwd-mem", Key="big")

    def test_refused_and_failed_uploads_never_reach_the_upstream(self):
        s3, up = self.s3, self.up
        s3.create_bucket(Bucket="fwd-guard")
        # Anonymous: refused by irsa's authorization before anything is forwarded.
        anonymous = boto3.client("s3", endpoint_url=self.front.http, region_name="us-east-1",
                                 config=Config(signature_version=botocore.UNSIGNED,
                                               retries={"max_attempts": 1}))
        self.assertEqual(error_of(lambda: anonymous.put_object(
            Bucket="fwd-guard", Key="anon", Body=b"x"))[0], "AccessDenied")
        # A body whose declared SHA-256 is wrong: verified at its end, never completed upstream.
        body = os.urandom(4 * MiB)
        url = "%s/fwd-guard/bad" % self.front.http
        headers = sigv4.sign("PUT", url, "", fx.ADMIN_KEY_ID, fx.ADMIN_SECRET, service="s3",
                             content_sha256=hashlib.sha256(b"other").hexdigest())
        parsed = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        connection.request("PUT", parsed.path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        self.assertEqual(response.status, 400, answer)
        self.assertIn(b"<Code>XAmzContentSHA256Mismatch</Code>", answer)
        self.assertEqual(up.list_objects_v2(Bucket="fwd-guard")["KeyCount"], 0)

    def test_upstream_refusing_irsas_credentials_is_an_internal_error(self):
        front = self.start_front("wrongSecret")
        self.addCleanup(front.stop)
        s3 = client(front.http, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET)
        code, status = error_of(lambda: s3.create_bucket(Bucket="fwd-badkeys"))
        self.assertEqual((code, status), ("InternalError", 500))
        self.assertNotIn("wrongSecret", front.read_log())


if __name__ == "__main__":
    unittest.main()
