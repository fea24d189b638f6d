#!/usr/bin/env python3
"""Generates s3_chunked_vectors.inc: S3 uploads as the installed botocore sends them, plus signed
aws-chunked uploads, as C++ aggregate initialisers for sigv4_chunked_test.cc.

 - "botocore-*": requests captured from a real botocore S3 client (put_object / upload_part) just
   before they would be sent: headers signed by S3SigV4Auth and the body exactly as botocore
   frames it (AwsChunkedWrapper with STREAMING-UNSIGNED-PAYLOAD-TRAILER over HTTPS; a plain body
   with x-amz-content-sha256 over HTTP).
 - "signed-*": STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] bodies. botocore does not send these,
   so the request signature comes from botocore's S3SigV4Auth (with the streaming marker as its
   payload hash) and the chunk and trailer signatures from the reference implementation below,
   written from AWS's documentation and checked against AWS's published example first.

Regenerate with
    python3 tests/unit/protocol/gen_s3_chunked_vectors.py > tests/unit/protocol/s3_chunked_vectors.inc
Fixed inputs only: the output is deterministic for a given botocore version.
"""
import base64
import datetime
import hashlib
import hmac
import io
import zlib

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.httpchecksum import AwsChunkedWrapper, BaseChecksum

NOW = datetime.datetime(2026, 11, 28, 10, 54, 42, tzinfo=datetime.timezone.utc)
NOW_UNIX = int(NOW.timestamp())
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

botocore.auth.get_current_datetime = lambda: NOW.replace(tzinfo=None)


def c_str(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = ['"']
    for b in data:
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F and c != "?":
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def payload(size, salt):
    """Printable, non-repeating test content."""
    text = b"".join(b"%s-%06d;" % (salt.encode(), i) for i in range(size // 10 + 1))
    return text[:size]


# ---- Reference implementation of AWS's chunk signing (documentation) ----

def hmac_sha256(key, msg):
    return hmac.new(key, msg.encode() if isinstance(msg, str) else msg, hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = hmac_sha256(("AWS4" + secret).encode(), date)
    k = hmac_sha256(k, region)
    k = hmac_sha256(k, service)
    return hmac_sha256(k, "aws4_request")


def chunk_signature(key, amz_date, scope, previous, data):
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                EMPTY_SHA256, hashlib.sha256(data).hexdigest()])
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def trailer_signature(key, amz_date, scope, previous, canonical_trailer):
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                                hashlib.sha256(canonical_trailer.encode()).hexdigest()])
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def signed_chunked_body(key, amz_date, scope, seed, data, chunk_size, trailer=None):
    body = bytearray()
    previous = seed
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for chunk in chunks:
        previous = chunk_signature(key, amz_date, scope, previous, chunk)
        body += b"%x;chunk-signature=%s\r\n" % (len(chunk), previous.encode())
        if chunk:
            body += chunk + b"\r\n"
    if trailer is None:
        body += b"\r\n"
    else:
        name, value = trailer
        canonical = "%s:%s\n" % (name, value)
        body += ("%s:%s\r\n" % (name, value)).encode()
        sig = trailer_signature(key, amz_date, scope, previous, canonical)
        body += b"x-amz-trailer-signature:%s\r\n\r\n" % sig.encode()
    return bytes(body)


def check_aws_published_example():
    """AWS's example: 65 KB of 'a' in 64 KB + 1 KB chunks, seed 4f232c43..."""
    key = signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3")
    scope = "20130524/us-east-1/s3/aws4_request"
    seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    s1 = chunk_signature(key, "20130524T000000Z", scope, seed, b"a" * 65536)
    s2 = chunk_signature(key, "20130524T000000Z", scope, s1, b"a" * 1024)
    s3 = chunk_signature(key, "20130524T000000Z", scope, s2, b"")
    assert s1 == "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", s1
    assert s2 == "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", s2
    assert s3 == "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9", s3


# ---- Output ----

# Unsigned headers that vary between machines and runs.
VOLATILE = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request"}


def emit(name, mode, method, target, headers, body, decoded):
    header_text = "".join("%s: %s\n" % (k.lower(), v) for k, v in headers
                          if k.lower() not in VOLATILE)
    print("    {%s, %s, %s, %s," % (c_str(name), c_str(mode), c_str(method), c_str(target)))
    print("     %s," % c_str(header_text))
    print("     std::string_view(%s, %d)," % (c_str(body), len(body)))
    print("     std::string_view(%s, %d), %s, %d}," % (c_str(decoded), len(decoded),
                                                     c_str(SECRET), NOW_UNIX))


class Captured(Exception):
    pass


def capture(endpoint, operation, **params):
    """The request a botocore S3 client sends for `operation`, headers and body."""
    session = botocore.session.get_session()
    client = session.create_client(
        "s3", region_name="us-east-1", endpoint_url=endpoint,
        aws_access_key_id=AKID, aws_secret_access_key=SECRET,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0}))
    seen = {}

    def before_send(request, **kwargs):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        seen["request"] = request
        seen["body"] = body or b""
        return AWSResponse(request.url, 200, {"ETag": '"x"'}, io.BytesIO(b""))

    client.meta.events.register("before-send.s3.*", before_send)
    try:
        getattr(client, operation)(**params)
    except Exception:  # the canned response may not parse: the request was captured anyway
        pass
    request = seen["request"]
    from urllib.parse import urlsplit
    parts = urlsplit(request.url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    headers = [("host", parts.netloc)]
    for k, v in request.headers.items():
        headers.append((k, v if isinstance(v, str) else v.decode()))
    return target, headers, seen["body"]


class Crc32cChecksum(BaseChecksum):
    """CRC32C in Python (botocore's own needs awscrt, which is not installed)."""

    def __init__(self):
        self._crc = 0

    def update(self, chunk):
        crc = self._crc ^ 0xFFFFFFFF
        for b in chunk:
            crc ^= b
            for _ in range(8):
                crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        self._crc = crc ^ 0xFFFFFFFF

    def digest(self):
        return self._crc.to_bytes(4, "big")


def botocore_vectors():
    small = payload(1000, "small")
    target, headers, body = capture("https://s3.example.com", "put_object",
                                    Bucket="bkt", Key="botocore/default.txt", Body=small)
    emit("botocore-put-https-crc32-trailer", "unsigned-trailer", "PUT", target, headers, body, small)

    for algorithm in ["SHA256", "SHA1", "CRC32"]:
        data = payload(3000, algorithm.lower())
        target, headers, body = capture("https://s3.example.com", "put_object", Bucket="bkt",
                                        Key="botocore/%s.bin" % algorithm.lower(), Body=data,
                                        ChecksumAlgorithm=algorithm)
        emit("botocore-put-https-%s-explicit" % algorithm.lower(), "unsigned-trailer", "PUT",
             target, headers, body, data)

    part = payload(5000, "part")
    target, headers, body = capture("https://s3.example.com", "upload_part", Bucket="bkt",
                                    Key="botocore/multipart.bin", UploadId="upload-id",
                                    PartNumber=3, Body=part, ChecksumAlgorithm="CRC32")
    emit("botocore-upload-part-https-crc32-trailer", "unsigned-trailer", "PUT", target, headers,
         body, part)

    empty = b""
    target, headers, body = capture("https://s3.example.com", "put_object",
                                    Bucket="bkt", Key="botocore/empty", Body=empty)
    emit("botocore-put-https-empty", "unsigned-trailer", "PUT", target, headers, body, empty)

    plain = payload(2000, "http")
    target, headers, body = capture("http://s3.example.com", "put_object",
                                    Bucket="bkt", Key="botocore/plain.txt", Body=plain)
    emit("botocore-put-http-sha256", "sha256", "PUT", target, headers, body, plain)

    # Several chunks (botocore's own chunk size is 1 MiB; same framing code, smaller chunks).
    for name, checksum_cls, header in [("crc32", None, "x-amz-checksum-crc32"),
                                       ("crc32c", Crc32cChecksum, "x-amz-checksum-crc32c")]:
        data = payload(2500, "multi-" + name)
        if checksum_cls is None:
            from botocore.httpchecksum import Crc32Checksum as checksum_cls  # noqa: N813
        wrapper = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=checksum_cls,
                                    checksum_name=header, chunk_size=1000)
        body = wrapper.read()
        req = AWSRequest(method="PUT", url="https://s3.example.com/bkt/chunks-" + name,
                         data=b"", headers={
                             "Content-Encoding": "aws-chunked",
                             "X-Amz-Trailer": header,
                             "X-Amz-Decoded-Content-Length": str(len(data)),
                         })
        req.context["checksum"] = {"request_algorithm": {"in": "trailer", "algorithm": name,
                                                         "name": header}}
        botocore.auth.S3SigV4Auth(Credentials(AKID, SECRET), "s3", "us-east-1").add_auth(req)
        headers = [("host", "s3.example.com")] + [
            (k, v if isinstance(v, str) else v.decode()) for k, v in req.headers.items()]
        emit("botocore-wrapper-%s-3-chunks" % name, "unsigned-trailer", "PUT",
             "/bkt/chunks-" + name, headers, body, data)


class StreamingAuth(botocore.auth.S3SigV4Auth):
    def __init__(self, marker, *args):
        super().__init__(*args)
        self._marker = marker

    def payload(self, request):
        return self._marker


def signed_vectors():
    key = signing_key(SECRET, "20261128", "us-east-1", "s3")
    scope = "20261128/us-east-1/s3/aws4_request"
    amz_date = "20261128T105442Z"
    for name, marker, trailer_alg, size, chunk in [
            ("signed-3-chunks", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", None, 20000, 8192),
            ("signed-1-chunk", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", None, 100, 8192),
            ("signed-empty", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", None, 0, 8192),
            ("signed-trailer-crc32", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "crc32",
             17000, 8192),
            ("signed-trailer-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "sha256",
             9000, 8192)]:
        data = payload(size, name)
        headers = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(size)}
        trailer = None
        if trailer_alg:
            header = "x-amz-checksum-" + trailer_alg
            headers["X-Amz-Trailer"] = header
            if trailer_alg == "crc32":
                value = base64.b64encode((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big"))
            else:
                value = base64.b64encode(hashlib.sha256(data).digest())
            trailer = (header, value.decode())
        req = AWSRequest(method="PUT", url="https://s3.example.com/bkt/" + name, data=b"",
                         headers=headers)
        StreamingAuth(marker, Credentials(AKID, SECRET), "s3", "us-east-1").add_auth(req)
        seed = req.headers["Authorization"].split("Signature=")[1]
        body = signed_chunked_body(key, amz_date, scope, seed, data, chunk, trailer)
        out_headers = [("host", "s3.example.com")] + [
            (k, v if isinstance(v, str) else v.decode()) for k, v in req.headers.items()]
        emit(name, "signed", "PUT", "/bkt/" + name, out_headers, body, data)


check_aws_published_example()
print("// Generated by gen_s3_chunked_vectors.py with botocore %s. Do not edit."
      % botocore.__version__)
print("// Fields: name, kind, method, target, headers (\"name: value\\n\"...), body as sent,")
print("// decoded payload, secret, signing time (Unix seconds).")
botocore_vectors()
signed_vectors()
