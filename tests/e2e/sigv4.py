"""A small, independent SigV4 signer for hand-built requests in tests (not botocore's)."""
import datetime
import hashlib
import hmac
import urllib.parse


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sign(method, url, body, key_id, secret, region="us-east-1", service="sts", when=None,
         token=None, extra_headers=None, content_sha256=None):
    """Returns the headers (dict) that sign `method url body`. With `content_sha256`, that value
    is sent (and signed) as x-amz-content-sha256 and used as the canonical payload hash."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    parsed = urllib.parse.urlsplit(url)
    headers = {"host": parsed.netloc, "x-amz-date": amz_date}
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8"
    if token:
        headers["x-amz-security-token"] = token
    for k, v in (extra_headers or {}).items():
        headers[k.lower()] = v
    if content_sha256 is not None:
        headers["x-amz-content-sha256"] = content_sha256
    signed = sorted(headers)
    query = urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)
    canonical_query = "&".join(
        "%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
        for k, v in sorted(query))
    canonical = "\n".join([
        method, parsed.path or "/", canonical_query,
        "".join("%s:%s\n" % (h, " ".join(str(headers[h]).split())) for h in signed),
        ";".join(signed),
        content_sha256 if content_sha256 is not None
        else hashlib.sha256(body.encode("utf-8")).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    k = _hmac(("AWS4" + secret).encode("utf-8"), day)
    k = _hmac(k, region)
    k = _hmac(k, service)
    k = _hmac(k, "aws4_request")
    signature = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key_id, scope, ";".join(signed), signature)
    return headers
