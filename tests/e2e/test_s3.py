"""S3 served by `irsa serve` and enforced by IAM (issue 13), with real clients: boto3, the AWS CLI
v2 (/usr/bin/aws) and v1 (`aws` on PATH), the JavaScript SDK v3 S3 client, presigned URLs fetched
by urllib. Enforcement bites:
identity policies, bucket policies (explicit deny, anonymous "*"), and the walkthrough's pod
reading its bucket through `irsa exec`. See docs/s3.md."""
import hashlib
import http.client
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

import irsa_fixture as fx
import sigv4

ACCOUNT_ID = fx.ACCOUNT_ID
MiB = 1 << 20
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_MODULES = os.path.join(ROOT, "build", "js", "node_modules")
JS_V3_S3 = os.path.join(ROOT, "tests", "e2e", "sdk", "js_v3_s3.cjs")
HAVE_JS_V3_S3 = shutil.which("node") is not None and os.path.isdir(
    os.path.join(NODE_MODULES, "@aws-sdk", "client-s3"))
needs_js_v3_s3 = unittest.skipUnless(
    HAVE_JS_V3_S3, "node or npm @aws-sdk/client-s3 missing (scripts/install-js-deps.sh)")


def s3_client(endpoint, key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None, verify=None,
              **config):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token, verify=verify,
                        config=Config(signature_version="s3v4", **config))


def error_code(call):
    """The S3 error code `call` fails with (fails the test if it succeeds)."""
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("expected an S3 error")


def fetch(url, method="GET", data=None, context=None):
    """(status, body) of a plain urllib request: no signature at all."""
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def run_js_v3_s3(env, bucket, *calls):
    """Runs tests/e2e/sdk/js_v3_s3.cjs with `env` (plus NODE_PATH); its JSON result."""
    env = dict(env)
    env["NODE_PATH"] = NODE_MODULES
    out = subprocess.run(["node", JS_V3_S3, bucket] + list(calls), capture_output=True,
                         text=True, env=env, timeout=120)
    if out.returncode != 0:
        raise AssertionError("js_v3_s3.cjs failed: %s%s" % (out.stdout, out.stderr))
    return json.loads(out.stdout)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class S3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=True).start()
        cls.tmp = tempfile.mkdtemp(prefix="irsa-s3-e2e-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.s3 = s3_client(self.server.http)
        self.s3_tls = s3_client(self.server.https, verify=self.server.ca_bundle)
        self.iam = boto3.client("iam", endpoint_url=self.server.http, region_name="us-east-1",
                                aws_access_key_id=fx.ADMIN_KEY_ID,
                                aws_secret_access_key=fx.ADMIN_SECRET)
        self.sts = boto3.client("sts", endpoint_url=self.server.http, region_name="us-east-1",
                                aws_access_key_id=fx.ADMIN_KEY_ID,
                                aws_secret_access_key=fx.ADMIN_SECRET)

    def file_of(self, name, size):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(hashlib.sha256(name.encode()).digest() * (size // 32) + b"x" * (size % 32))
        return path

    def role_session(self, name, identity_policy, tls=False):
        """An S3 client (over TLS if `tls`) with the credentials of a fresh role (assumed by the
        account root) whose only permissions are `identity_policy`."""
        trust = policy({"Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
                        "Action": "sts:AssumeRole"})
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        self.iam.put_role_policy(RoleName=name, PolicyName="s3", PolicyDocument=identity_policy)
        creds = self.sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT_ID, name),
                                     RoleSessionName="e2e")["Credentials"]
        return s3_client(self.server.https if tls else self.server.http, creds["AccessKeyId"],
                         creds["SecretAccessKey"], creds["SessionToken"],
                         verify=self.server.ca_bundle if tls else None)

    # --- boto3 ---------------------------------------------------------------------------------

    def test_boto3_buckets_and_objects_over_http_and_tls(self):
        s3 = self.s3
        s3.create_bucket(Bucket="objects")
        self.assertIn("objects", [b["Name"] for b in s3.list_buckets()["Buckets"]])
        self.assertEqual(error_code(lambda: s3.create_bucket(Bucket="Bad_Name")),
                         "InvalidBucketName")
        # Signed payload over HTTP; UNSIGNED-PAYLOAD / aws-chunked trailers over TLS.
        s3.put_object(Bucket="objects", Key="dir/a.txt", Body=b"alpha", Metadata={"who": "me"},
                      ContentType="text/plain")
        self.s3_tls.put_object(Bucket="objects", Key="dir/b.txt", Body=b"bravo" * 1000)
        self.s3_tls.put_object(Bucket="objects", Key="top.txt", Body=b"top")
        got = s3.get_object(Bucket="objects", Key="dir/a.txt")
        self.assertEqual(got["Body"].read(), b"alpha")
        self.assertEqual(got["Metadata"], {"who": "me"})
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(b"alpha").hexdigest())
        self.assertEqual(self.s3_tls.get_object(Bucket="objects", Key="dir/b.txt")["Body"].read(),
                         b"bravo" * 1000)
        ranged = s3.get_object(Bucket="objects", Key="dir/b.txt", Range="bytes=5-9")
        self.assertEqual(ranged["Body"].read(), b"bravo")
        self.assertEqual(ranged["ContentRange"], "bytes 5-9/5000")
        self.assertEqual(error_code(lambda: s3.get_object(Bucket="objects", Key="nope")),
                         "NoSuchKey")
        self.assertEqual(error_code(lambda: s3.get_object(Bucket="no-such-bucket", Key="k")),
                         "NoSuchBucket")

        listing = s3.list_objects_v2(Bucket="objects", Delimiter="/")
        self.assertEqual([c["Prefix"] for c in listing["CommonPrefixes"]], ["dir/"])
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["top.txt"])
        listing = s3.list_objects_v2(Bucket="objects", Prefix="dir/", MaxKeys=1)
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["dir/a.txt"])
        self.assertTrue(listing["IsTruncated"])
        rest = s3.list_objects_v2(Bucket="objects", Prefix="dir/",
                                  ContinuationToken=listing["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in rest["Contents"]], ["dir/b.txt"])
        v1 = s3.list_objects(Bucket="objects")
        self.assertEqual([o["Key"] for o in v1["Contents"]], ["dir/a.txt", "dir/b.txt", "top.txt"])

        s3.copy_object(Bucket="objects", Key="copy.txt",
                       CopySource={"Bucket": "objects", "Key": "dir/a.txt"})
        self.assertEqual(s3.get_object(Bucket="objects", Key="copy.txt")["Body"].read(), b"alpha")
        s3.put_object_tagging(Bucket="objects", Key="copy.txt",
                              Tagging={"TagSet": [{"Key": "team", "Value": "blue"}]})
        self.assertEqual(s3.get_object_tagging(Bucket="objects", Key="copy.txt")["TagSet"],
                         [{"Key": "team", "Value": "blue"}])

        s3.delete_object(Bucket="objects", Key="copy.txt")
        deleted = s3.delete_objects(Bucket="objects", Delete={"Objects": [
            {"Key": "dir/a.txt"}, {"Key": "dir/b.txt"}, {"Key": "absent"}]})
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]),
                         ["absent", "dir/a.txt", "dir/b.txt"])
        self.assertEqual(error_code(lambda: s3.delete_bucket(Bucket="objects")), "BucketNotEmpty")
        s3.delete_object(Bucket="objects", Key="top.txt")
        s3.delete_bucket(Bucket="objects")
        self.assertNotIn("objects", [b["Name"] for b in s3.list_buckets()["Buckets"]])

    def test_boto3_multipart_upload_file_and_download(self):
        self.s3.create_bucket(Bucket="multipart")
        source = self.file_of("twelve.bin", 12 * MiB + 123)
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
                                max_concurrency=2)
        for client, key in ((self.s3, "plain.bin"), (self.s3_tls, "tls.bin")):
            client.upload_file(source, "multipart", key, Config=config)
            head = client.head_object(Bucket="multipart", Key=key)
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])
            self.assertEqual(head["ContentLength"], 12 * MiB + 123)
            target = os.path.join(self.tmp, "down-" + key)
            client.download_file("multipart", key, target)
            with open(source, "rb") as a, open(target, "rb") as b:
                self.assertEqual(hashlib.sha256(a.read()).digest(),
                                 hashlib.sha256(b.read()).digest())
        # Explicit multipart calls: list uploads and parts, abort.
        upload = self.s3.create_multipart_upload(Bucket="multipart", Key="aborted")
        self.s3.upload_part(Bucket="multipart", Key="aborted", UploadId=upload["UploadId"],
                            PartNumber=1, Body=b"part")
        uploads = self.s3.list_multipart_uploads(Bucket="multipart")["Uploads"]
        self.assertEqual([u["Key"] for u in uploads], ["aborted"])
        parts = self.s3.list_parts(Bucket="multipart", Key="aborted",
                                   UploadId=upload["UploadId"])["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 4)])
        self.s3.abort_multipart_upload(Bucket="multipart", Key="aborted",
                                       UploadId=upload["UploadId"])
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="multipart"))

    def test_presigned_get_fetched_by_urllib(self):
        self.s3.create_bucket(Bucket="presigned")
        self.s3.put_object(Bucket="presigned", Key="file name.txt", Body=b"shared")
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": "presigned", "Key": "file name.txt"}, ExpiresIn=300)
        self.assertIn("X-Amz-Signature=", url)
        self.assertEqual(fetch(url), (200, b"shared"))
        # Tampered: another key under the same signature.
        status, body = fetch(url.replace("file%20name.txt", "other.txt"))
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        # Signature Version 2 is refused, not mistaken for an anonymous request.
        v2 = boto3.client("s3", endpoint_url=self.server.http, region_name="us-east-1",
                          aws_access_key_id=fx.ADMIN_KEY_ID, aws_secret_access_key=fx.ADMIN_SECRET,
                          config=Config(signature_version="s3"))
        status, body = fetch(v2.generate_presigned_url(
            "get_object", Params={"Bucket": "presigned", "Key": "file name.txt"}))
        self.assertEqual(status, 400)
        self.assertIn(b"Please use AWS4-HMAC-SHA256", body)

    def test_payload_hash_rules(self):
        """UNSIGNED-PAYLOAD only over TLS; a declared SHA-256 must be the body's."""
        self.s3.create_bucket(Bucket="payloads")
        context = ssl.create_default_context(cafile=self.server.ca_bundle)

        def put(base, key, content_sha256, body="data"):
            url = "%s/payloads/%s" % (base, key)
            headers = sigv4.sign("PUT", url, body, fx.ADMIN_KEY_ID, fx.ADMIN_SECRET,
                                 service="s3", content_sha256=content_sha256)
            request = urllib.request.Request(url, method="PUT", data=body.encode(),
                                             headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10,
                                            context=context if base.startswith("https") else
                                            None) as r:
                    return r.status, r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()

        status, body = put(self.server.http, "a", "UNSIGNED-PAYLOAD")
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidRequest</Code>", body)
        self.assertEqual(put(self.server.https, "a", "UNSIGNED-PAYLOAD")[0], 200)
        self.assertEqual(put(self.server.http, "b", hashlib.sha256(b"data").hexdigest())[0], 200)
        status, body = put(self.server.http, "c", hashlib.sha256(b"other").hexdigest())
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>XAmzContentSHA256Mismatch</Code>", body)
        self.assertEqual(sorted(o["Key"] for o in self.s3.list_objects_v2(
            Bucket="payloads")["Contents"]), ["a", "b"])

    def test_virtual_hosted_addressing(self):
        """A request signed by botocore for http://BUCKET.s3.localhost:PORT/key, sent to irsa's
        listener with that Host."""
        self.s3.create_bucket(Bucket="hosted")
        self.s3.put_object(Bucket="hosted", Key="dir/v.txt", Body=b"virtual")
        port = urllib.parse.urlsplit(self.server.http).port
        host = "hosted.s3.localhost:%d" % port
        request = botocore.awsrequest.AWSRequest(method="GET", url="http://%s/dir/v.txt" % host)
        botocore.auth.S3SigV4Auth(
            botocore.credentials.Credentials(fx.ADMIN_KEY_ID, fx.ADMIN_SECRET), "s3",
            "us-east-1").add_auth(request)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = dict(request.headers.items())
        headers["Host"] = host
        connection.request("GET", "/dir/v.txt", headers=headers)
        response = connection.getresponse()
        self.addCleanup(connection.close)
        self.assertEqual((response.status, response.read()), (200, b"virtual"))

    def test_body_limit_is_entity_too_large(self):
        server = fx.IrsaServer(tls=False, extra_args=["--s3-max-body-bytes", str(MiB)]).start()
        self.addCleanup(server.stop)
        s3 = s3_client(server.http)
        s3.create_bucket(Bucket="limited")
        s3.put_object(Bucket="limited", Key="fits", Body=b"x" * MiB)
        self.assertEqual(error_code(
            lambda: s3.put_object(Bucket="limited", Key="big", Body=b"x" * (MiB + 1))),
            "EntityTooLarge")
        # The other endpoints keep --max-body-bytes (1 MiB by default) although the HTTP server
        # now reads S3 bodies of up to --s3-max-body-bytes.
        status, body = fetch(server.http + "/", method="POST",
                             data=b"Action=ListRoles&Version=2010-05-08&" + b"x" * (2 * MiB))
        self.assertEqual(status, 413)
        self.assertIn(b"RequestEntityTooLarge", body)

    @needs_js_v3_s3
    def test_javascript_sdk_v3(self):
        for endpoint, bucket in ((self.server.http, "js-plain"), (self.server.https, "js-tls")):
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"AWS_ACCESS_KEY_ID": fx.ADMIN_KEY_ID,
                        "AWS_SECRET_ACCESS_KEY": fx.ADMIN_SECRET, "AWS_REGION": "us-east-1",
                        "AWS_ENDPOINT_URL_S3": endpoint, "HOME": self.tmp,
                        "NODE_EXTRA_CA_CERTS": self.server.ca_bundle})
            result = run_js_v3_s3(env, bucket, "create", "put", "get", "list", "head", "delete")
            etag = '"%s"' % hashlib.md5(b"from js v3").hexdigest()
            self.assertEqual(result, {"create": "ok", "put": etag, "get": "from js v3",
                                      "list": ["js/v3.txt"], "head": etag, "delete": "ok"},
                             endpoint)

    # --- AWS CLI -------------------------------------------------------------------------------

    def cli_round_trip(self, cli, bucket):
        env = fx.cli_env(self.server, home=self.tmp)

        def aws(*args):
            out = subprocess.run([cli, "--endpoint-url", self.server.http, "s3"] + list(args),
                                 capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(out.returncode, 0, "aws s3 %s\n%s%s" % (" ".join(args), out.stdout,
                                                                       out.stderr))
            return out.stdout

        self.assertIn("make_bucket: " + bucket, aws("mb", "s3://" + bucket))
        small = self.file_of(bucket + "-small.txt", 1000)
        large = self.file_of(bucket + "-large.bin", 9 * MiB)  # above the CLI's 8 MB: multipart
        aws("cp", small, "s3://%s/docs/small.txt" % bucket)
        aws("cp", large, "s3://%s/large.bin" % bucket)
        listing = aws("ls", "s3://%s/" % bucket)
        self.assertIn("PRE docs/", listing)
        self.assertRegex(listing, r"%d large\.bin" % (9 * MiB))
        self.assertIn("small.txt", aws("ls", "--recursive", "s3://" + bucket))
        self.assertIn(bucket, aws("ls"))
        for name, path in (("docs/small.txt", small), ("large.bin", large)):
            target = os.path.join(self.tmp, bucket + "-down-" + os.path.basename(name))
            aws("cp", "s3://%s/%s" % (bucket, name), target)
            with open(path, "rb") as a, open(target, "rb") as b:
                self.assertEqual(a.read(), b.read(), name)
        # sync up, then down into an empty directory; a second sync has nothing to do.
        tree = os.path.join(self.tmp, bucket + "-tree")
        os.makedirs(os.path.join(tree, "sub"))
        for name in ("one.txt", "sub/two.txt"):
            with open(os.path.join(tree, name), "w") as f:
                f.write(name)
        self.assertIn("upload:", aws("sync", tree, "s3://%s/tree/" % bucket))
        self.assertEqual(aws("sync", tree, "s3://%s/tree/" % bucket).strip(), "")
        back = os.path.join(self.tmp, bucket + "-back")
        aws("sync", "s3://%s/tree/" % bucket, back)
        with open(os.path.join(back, "sub", "two.txt")) as f:
            self.assertEqual(f.read(), "sub/two.txt")
        aws("rm", "--recursive", "s3://%s/tree/" % bucket)
        aws("rm", "s3://%s/docs/small.txt" % bucket)
        aws("rm", "s3://%s/large.bin" % bucket)
        self.assertEqual(aws("ls", "s3://%s/" % bucket).strip(), "")
        aws("rb", "s3://" + bucket)

    def test_aws_cli_v2_mb_cp_ls_sync_rm(self):
        self.assertIsNotNone(fx.aws_v2(), "AWS CLI v2 expected at /usr/bin/aws")
        self.cli_round_trip(fx.aws_v2(), "cli-v2")

    def test_aws_cli_v1_mb_cp_ls_sync_rm(self):
        cli = fx.aws_v1()
        if cli is None:
            self.skipTest("AWS CLI v1 is not on PATH")
        self.cli_round_trip(cli, "cli-v1")

    # --- enforcement ---------------------------------------------------------------------------

    def test_identity_policy_allows_one_bucket_and_nothing_else(self):
        for bucket in ("readable", "unreadable"):
            self.s3.create_bucket(Bucket=bucket)
            self.s3.put_object(Bucket=bucket, Key="data.txt", Body=bucket.encode())
        reader = self.role_session("reader", policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::readable/*"}))
        self.assertEqual(reader.get_object(Bucket="readable", Key="data.txt")["Body"].read(),
                         b"readable")
        for call in (lambda: reader.get_object(Bucket="unreadable", Key="data.txt"),
                     lambda: reader.put_object(Bucket="readable", Key="new.txt", Body=b"no"),
                     lambda: reader.list_objects_v2(Bucket="readable"),
                     lambda: reader.delete_object(Bucket="readable", Key="data.txt"),
                     lambda: reader.get_object(Bucket="no-such-bucket", Key="k")):
            self.assertEqual(error_code(call), "AccessDenied")
        try:
            reader.put_object(Bucket="readable", Key="new.txt", Body=b"no")
        except botocore.exceptions.ClientError as e:
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 403)
            self.assertIn("assumed-role/reader/e2e is not authorized to perform: s3:PutObject",
                          e.response["Error"]["Message"])
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="readable", Prefix="new"))

        # Condition keys: s3:prefix limits a listing grant.
        lister = self.role_session("lister", policy(
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::readable",
             "Condition": {"StringEquals": {"s3:prefix": "public/"}}}))
        lister.list_objects_v2(Bucket="readable", Prefix="public/")
        self.assertEqual(error_code(lambda: lister.list_objects_v2(Bucket="readable")),
                         "AccessDenied")

        # DeleteObjects is decided key by key.
        deleter = self.role_session("deleter", policy(
            {"Effect": "Allow", "Action": "s3:DeleteObject",
             "Resource": "arn:aws:s3:::readable/tmp/*"}))
        self.s3.put_object(Bucket="readable", Key="tmp/x", Body=b"x")
        result = deleter.delete_objects(Bucket="readable", Delete={"Objects": [
            {"Key": "tmp/x"}, {"Key": "data.txt"}]})
        self.assertEqual([d["Key"] for d in result["Deleted"]], ["tmp/x"])
        self.assertEqual([(e["Key"], e["Code"]) for e in result["Errors"]],
                         [("data.txt", "AccessDenied")])

    def test_condition_keys_in_bucket_and_identity_policies(self):
        self.s3.create_bucket(Bucket="conditions")
        self.s3.put_object(Bucket="conditions", Key="open.txt", Body=b"open",
                           Tagging="class=public")
        self.s3.put_object(Bucket="conditions", Key="closed.txt", Body=b"closed",
                           Tagging="class=secret")
        # The usual bucket policy: TLS only (aws:SecureTransport).
        self.s3.put_bucket_policy(Bucket="conditions", Policy=policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::conditions", "arn:aws:s3:::conditions/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        self.assertEqual(error_code(lambda: self.s3.get_object(Bucket="conditions",
                                                               Key="open.txt")), "AccessDenied")
        self.assertEqual(self.s3_tls.get_object(Bucket="conditions",
                                                Key="open.txt")["Body"].read(), b"open")
        # s3:ExistingObjectTag: a role reads only objects tagged class=public.
        tagged_tls = self.role_session("tagged-reader", policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::conditions/*",
             "Condition": {"StringEquals": {"s3:ExistingObjectTag/class": "public"}}}), tls=True)
        self.assertEqual(tagged_tls.get_object(Bucket="conditions",
                                               Key="open.txt")["Body"].read(), b"open")
        self.assertEqual(error_code(lambda: tagged_tls.get_object(Bucket="conditions",
                                                                  Key="closed.txt")),
                         "AccessDenied")
        # s3:RequestObjectTag: uploads must carry the tag.
        writer_tls = self.role_session("tagged-writer", policy(
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::conditions/*",
             "Condition": {"StringEquals": {"s3:RequestObjectTag/class": "public"}}}), tls=True)
        writer_tls.put_object(Bucket="conditions", Key="new.txt", Body=b"n", Tagging="class=public")
        self.assertEqual(error_code(lambda: writer_tls.put_object(Bucket="conditions",
                                                                  Key="new2.txt", Body=b"n")),
                         "AccessDenied")

    def test_bucket_policy_grants_and_explicit_deny_bites(self):
        self.s3.create_bucket(Bucket="guarded")
        self.s3.put_object(Bucket="guarded", Key="secret.txt", Body=b"s")
        everything = self.role_session("everything", policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        nothing = self.role_session("nothing", policy(
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}))
        self.assertEqual(everything.get_object(Bucket="guarded", Key="secret.txt")["Body"].read(),
                         b"s")
        self.assertEqual(error_code(lambda: nothing.get_object(Bucket="guarded",
                                                               Key="secret.txt")), "AccessDenied")
        self.s3.put_bucket_policy(Bucket="guarded", Policy=policy(
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::%s:role/everything" % ACCOUNT_ID},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::guarded/*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/nothing" % ACCOUNT_ID},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::guarded/*"}))
        self.assertEqual(error_code(lambda: everything.get_object(Bucket="guarded",
                                                                  Key="secret.txt")),
                         "AccessDenied")
        # The same account: a bucket policy grant suffices.
        self.assertEqual(nothing.get_object(Bucket="guarded", Key="secret.txt")["Body"].read(),
                         b"s")
        self.assertEqual(json.loads(self.s3.get_bucket_policy(Bucket="guarded")["Policy"])[
            "Statement"][0]["Effect"], "Deny")
        self.assertFalse(self.s3.get_bucket_policy_status(Bucket="guarded")["PolicyStatus"][
            "IsPublic"])
        self.s3.delete_bucket_policy(Bucket="guarded")
        everything.get_object(Bucket="guarded", Key="secret.txt")
        self.assertEqual(error_code(lambda: nothing.get_object(Bucket="guarded",
                                                               Key="secret.txt")), "AccessDenied")

    def test_anonymous_only_where_a_bucket_policy_allows_everyone(self):
        self.s3.create_bucket(Bucket="public-site")
        self.s3.put_object(Bucket="public-site", Key="index.html", Body=b"<h1>hi</h1>")
        url = self.server.http + "/public-site/index.html"
        status, body = fetch(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.s3.put_bucket_policy(Bucket="public-site", Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::public-site/*"}))
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket="public-site")["PolicyStatus"][
            "IsPublic"])
        self.assertEqual(fetch(url), (200, b"<h1>hi</h1>"))
        # Over TLS too, and nothing beyond the grant.
        context = ssl.create_default_context(cafile=self.server.ca_bundle)
        self.assertEqual(fetch(self.server.https + "/public-site/index.html", context=context),
                         (200, b"<h1>hi</h1>"))
        status, body = fetch(self.server.http + "/public-site/new.html", method="PUT",
                             data=b"defaced")
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        status, body = fetch(self.server.http + "/public-site?list-type=2")
        self.assertEqual(status, 403)
        # A signed request that fails its signature is not treated as anonymous.
        bad = s3_client(self.server.http, fx.ADMIN_KEY_ID, "wrong" * 8)
        self.assertEqual(error_code(lambda: bad.get_object(Bucket="public-site",
                                                           Key="index.html")),
                         "SignatureDoesNotMatch")


class S3CrossAccountTest(unittest.TestCase):
    """A bucket of another account: the caller's identity policy and the bucket policy must both
    allow. The second account is bootstrapped by restarting the node with another --account-id on
    the same data directory (both accounts then live in its store)."""

    OTHER = ("444455556666", "AKIAIRSATESTOTHER001", "irsaTestOtherSecretKey000000000000000000")

    def test_cross_account_needs_identity_and_bucket_policy(self):
        first = fx.IrsaServer(tls=False).start()
        self.addCleanup(shutil.rmtree, first.data_dir, True)
        iam = boto3.client("iam", endpoint_url=first.http, region_name="us-east-1",
                           aws_access_key_id=fx.ADMIN_KEY_ID,
                           aws_secret_access_key=fx.ADMIN_SECRET)
        trust = policy({"Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
                        "Action": "sts:AssumeRole"})
        for name, action in (("cross-reader", "s3:GetObject"),
                             ("cross-none", "sts:GetCallerIdentity")):
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy(
                {"Effect": "Allow", "Action": action, "Resource": "*"}))
        first.stop(remove=False)

        server = fx.IrsaServer(tls=False, data_dir=first.data_dir, store=first.store,
                               account=self.OTHER).start()
        self.addCleanup(server.stop)
        owner = s3_client(server.http, self.OTHER[1], self.OTHER[2])
        owner.create_bucket(Bucket="foreign-bucket")
        owner.put_object(Bucket="foreign-bucket", Key="data.txt", Body=b"theirs")
        # The first account's root cannot take the name, nor read the bucket without a grant.
        mine = s3_client(server.http)
        self.assertEqual(error_code(lambda: mine.create_bucket(Bucket="foreign-bucket")),
                         "BucketAlreadyExists")
        self.assertNotIn("foreign-bucket", [b["Name"] for b in mine.list_buckets()["Buckets"]])
        sts = boto3.client("sts", endpoint_url=server.http, region_name="us-east-1",
                           aws_access_key_id=fx.ADMIN_KEY_ID, aws_secret_access_key=fx.ADMIN_SECRET)

        def session(role):
            creds = sts.assume_role(RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT_ID, role),
                                    RoleSessionName="cross")["Credentials"]
            return s3_client(server.http, creds["AccessKeyId"], creds["SecretAccessKey"],
                             creds["SessionToken"])

        reader, none = session("cross-reader"), session("cross-none")
        get = lambda client: client.get_object(Bucket="foreign-bucket", Key="data.txt")
        self.assertEqual(error_code(lambda: get(reader)), "AccessDenied")  # no bucket policy
        self.assertEqual(error_code(lambda: get(mine)), "AccessDenied")  # not even the root
        owner.put_bucket_policy(Bucket="foreign-bucket", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::foreign-bucket/*"}))
        self.assertEqual(get(reader)["Body"].read(), b"theirs")
        self.assertEqual(get(mine)["Body"].read(), b"theirs")
        # Both sides must allow: the bucket policy alone does not grant the role without it.
        self.assertEqual(error_code(lambda: get(none)), "AccessDenied")
        self.assertEqual(error_code(lambda: reader.put_object(Bucket="foreign-bucket", Key="x",
                                                              Body=b"x")), "AccessDenied")


class S3WalkthroughTest(unittest.TestCase):
    """The walkthrough's last step: a pod (irsa exec) whose role allows s3:GetObject on
    my-pod-secrets-bucket reads its config and is refused everything else."""

    PROG = """import json
import boto3
import botocore.exceptions

s3 = boto3.client("s3")


def attempt(call):
    try:
        return call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


print(json.dumps({
    "config": attempt(lambda: s3.get_object(Bucket="my-pod-secrets-bucket",
                                            Key="config.json")["Body"].read().decode()),
    "put": attempt(lambda: s3.put_object(Bucket="my-pod-secrets-bucket", Key="x",
                                         Body=b"x") and "allowed"),
    "other": attempt(lambda: s3.get_object(Bucket="other-bucket",
                                           Key="config.json") and "allowed"),
}))
"""

    def setUp(self):
        self.server = fx.IrsaServer(tls=True).start()
        self.addCleanup(self.server.stop)
        self.workdir = tempfile.mkdtemp(prefix="irsa-s3-walkthrough-")
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def irsa(self, *args, env=None):
        args = list(args)
        cut = args.index("--") if "--" in args else len(args)
        cmd = [fx.binary()] + args[:cut] + ["--data-dir", self.server.data_dir] + args[cut:]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=self.workdir, env=env,
                             timeout=60)
        self.assertEqual(out.returncode, 0, "irsa %s\n%s%s" % (" ".join(args), out.stdout,
                                                                out.stderr))
        return out

    def run_pod(self, *command):
        """The JSON a command prints when run as the walkthrough's pod (default: prog.py)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": fx.ADMIN_KEY_ID, "AWS_SECRET_ACCESS_KEY": fx.ADMIN_SECRET,
                    "HOME": self.workdir, "TMPDIR": self.workdir,
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                    "NODE_PATH": NODE_MODULES,
                    "JS_S3_KEY": "config.json"})
        out = self.irsa("exec", "--cluster", "my-cluster", "--namespace", "default",
                        "--service-account", "my-service-account", "--",
                        *(command or ("python3", "prog.py")), env=env)
        self.last_stderr = out.stderr
        return json.loads(out.stdout)

    def test_pod_reads_its_bucket_via_irsa_exec(self):
        admin = s3_client(self.server.http)
        iam = boto3.client("iam", endpoint_url=self.server.http, region_name="us-east-1",
                           aws_access_key_id=fx.ADMIN_KEY_ID, aws_secret_access_key=fx.ADMIN_SECRET)
        for bucket in ("my-pod-secrets-bucket", "other-bucket"):
            admin.create_bucket(Bucket=bucket)
            admin.put_object(Bucket=bucket, Key="config.json", Body=b'{"db": "secret"}')
        # The walkthrough's policy, verbatim: its Resource is the bucket, not its objects.
        walkthrough = policy({"Effect": "Allow", "Action": "s3:GetObject",
                              "Resource": "arn:aws:s3:::my-pod-secrets-bucket"})
        iam.create_policy(PolicyName="my-policy", PolicyDocument=walkthrough)
        self.irsa("cluster", "create", "my-cluster")
        self.irsa("create", "iamserviceaccount", "--name", "my-service-account", "--namespace",
                  "default", "--cluster", "my-cluster", "--role-name", "my-role",
                  "--attach-policy-arn", "arn:aws:iam::%s:policy/my-policy" % ACCOUNT_ID,
                  "--approve")
        with open(os.path.join(self.workdir, "prog.py"), "w") as f:
            f.write(self.PROG)
        # As in AWS, s3:GetObject on arn:aws:s3:::my-pod-secrets-bucket grants no object.
        self.assertEqual(self.run_pod()["config"], "AccessDenied")

        # The policy with the object ARN: the pod reads its config, and nothing more.
        iam.create_policy_version(
            PolicyArn="arn:aws:iam::%s:policy/my-policy" % ACCOUNT_ID, SetAsDefault=True,
            PolicyDocument=policy({"Effect": "Allow", "Action": "s3:GetObject",
                                   "Resource": "arn:aws:s3:::my-pod-secrets-bucket/*"}))
        result = self.run_pod()
        self.assertEqual(json.loads(result["config"]), {"db": "secret"})
        self.assertEqual(result["put"], "AccessDenied")
        self.assertEqual(result["other"], "AccessDenied")
        # The JavaScript SDK v3 in the same pod: its own web-identity chain, AWS_ENDPOINT_URL_S3.
        if HAVE_JS_V3_S3:
            result = self.run_pod("node", JS_V3_S3, "my-pod-secrets-bucket", "get", "put")
            self.assertEqual(result, {"get": '{"db": "secret"}', "put": "AccessDenied"},
                             self.last_stderr[-2000:])


if __name__ == "__main__":
    unittest.main()
