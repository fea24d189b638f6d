#!/usr/bin/env python3
"""S3 streaming benchmark: a large object up and down through boto3 against `irsa serve` on
loopback, with the server's peak memory per phase.

Phases (each on the same object size):
  put_object         one PutObject (a single streamed body; boto3 signs its SHA-256, which irsa
                     verifies at the end before the object becomes visible)
  upload_file        boto3's managed multipart upload (--part-size parts, --concurrency threads)
  get_object         one GetObject read to its end (one streamed response; the client hashes
                     what it reads as it goes, which is part of the time)
  download_file      boto3's managed download to a file (ranged GETs in parallel; the file is
                     verified after the timed part)

For each phase: seconds, MB/s (10^6 bytes per second of object bytes) and the server's peak RSS
during the phase (VmHWM from /proc/PID/status, reset before the phase by writing 5 to
/proc/PID/clear_refs), next to its RSS before the phase. The claim under test: the peak does not
grow with the object size (bodies move through fixed buffers, docs/s3.md).

    bench/load/s3_stream.py --size 5GiB            # the figures in docs/performance.md
    bench/load/s3_stream.py --size 256MiB --no-build
    bench/load/s3_stream.py --size 1GiB --forward   # through the forwarding backend

Prints one JSON object on stdout; progress on stderr. Needs disk for the source file and the download (in
--work-dir, default the temporary directory) and for two stored copies (in irsa's data directory,
a temporary directory): about 4x --size.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

import loadlib

UNITS = {"": 1, "B": 1, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30,
         "KB": 10**3, "MB": 10**6, "GB": 10**9}


def parse_size(text):
    t = text.strip().upper()
    digits = t.rstrip("KMGIB")
    unit = t[len(digits):]
    if unit not in UNITS:
        raise argparse.ArgumentTypeError("size like 5GiB, 256MiB or 1000000: %r" % text)
    return int(float(digits) * UNITS[unit])


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/%d/status" % (field, pid))


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux >= 4.0: clear_refs value 5)."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def make_file(path, size):
    """`size` bytes of incompressible data: one random MiB repeated, its first 8 bytes numbered so
    that no two MiB are equal."""
    block = bytearray(os.urandom(1 << 20))
    md5 = hashlib.md5()
    with open(path, "wb") as f:
        written, i = 0, 0
        while written < size:
            block[0:8] = i.to_bytes(8, "little")
            n = min(len(block), size - written)
            f.write(block[:n])
            md5.update(block[:n])
            written += n
            i += 1
    return md5.hexdigest()


def file_md5(path):
    md5 = hashlib.md5()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(8 << 20)
            if not chunk:
                return md5.hexdigest()
            md5.update(chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("5GiB"))
    parser.add_argument("--part-size", type=parse_size, default=parse_size("64MiB"))
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--phases", default="put_object,upload_file,get_object,download_file")
    parser.add_argument("--forward", action="store_true",
                        help="measure irsa with --s3-backend forward in front of a second irsa "
                             "(filesystem backend, HTTPS); RSS is the front node's")
    args = parser.parse_args()

    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    binary = loadlib.irsa_binary(build=not args.no_build)
    work = tempfile.mkdtemp(prefix="irsa-s3-bench-", dir=args.work_dir)
    source = os.path.join(work, "source.bin")
    target = os.path.join(work, "download.bin")
    result = {"benchmark": "s3_stream", "machine": loadlib.machine(),
              "build_type": loadlib.build_type(binary), "object_bytes": args.size,
              "part_bytes": args.part_size, "concurrency": args.concurrency, "phases": {}}
    server = None
    upstream = None
    try:
        loadlib.log("writing a %d-byte source file" % args.size)
        source_md5 = make_file(source, args.size)
        if args.forward:
            upstream = loadlib.Irsa(binary, tls=True, extra_args=["--no-access-log"])
            upstream.start()
            result["upstream_pid"] = upstream.proc.pid
            os.environ["IRSA_S3_FORWARD_ACCESS_KEY_ID"] = loadlib.ADMIN_KEY_ID
            os.environ["IRSA_S3_FORWARD_SECRET_ACCESS_KEY"] = loadlib.ADMIN_SECRET
            server = loadlib.Irsa(binary, extra_args=[
                "--no-access-log", "--s3-backend", "forward",
                "--s3-forward-endpoint", upstream.endpoints["https"],
                "--s3-forward-ca-bundle", upstream.endpoints["ca_bundle"]])
            result["backend"] = "forward"
        else:
            server = loadlib.Irsa(binary, extra_args=["--no-access-log"])
            result["backend"] = "local"
        server.start()
        pid = server.proc.pid
        s3 = boto3.client("s3", endpoint_url=server.http, region_name=loadlib.REGION,
                          aws_access_key_id=loadlib.ADMIN_KEY_ID,
                          aws_secret_access_key=loadlib.ADMIN_SECRET,
                          config=Config(signature_version="s3v4", read_timeout=600,
                                        retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="bench")
        transfer = TransferConfig(multipart_threshold=args.part_size,
                                  multipart_chunksize=args.part_size,
                                  max_concurrency=args.concurrency)
        result["server_rss_idle_kib"] = status_kib(pid, "VmRSS")

        def put_object():
            with open(source, "rb") as f:
                s3.put_object(Bucket="bench", Key="single", Body=f)

        def upload_file():
            s3.upload_file(source, "bench", "multipart", Config=transfer)

        def get_object():
            md5 = hashlib.md5()
            body = s3.get_object(Bucket="bench", Key="single")["Body"]
            for chunk in body.iter_chunks(1 << 20):
                md5.update(chunk)
            if md5.hexdigest() != source_md5:
                raise RuntimeError("get_object returned different bytes")

        def download_file():
            s3.download_file("bench", "multipart", target, Config=transfer)

            def verify():
                if file_md5(target) != source_md5:
                    raise RuntimeError("download_file returned different bytes")
                os.remove(target)
            return verify

        phases = {"put_object": put_object, "upload_file": upload_file,
                  "get_object": get_object, "download_file": download_file}
        for name in args.phases.split(","):
            rss_before = status_kib(pid, "VmRSS")
            reset_peak(pid)
            loadlib.log("phase", name)
            started = time.monotonic()
            verify = phases[name]()
            seconds = time.monotonic() - started
            if callable(verify):
                verify()  # outside the timed part (the client's own hashing of the file)
            peak = status_kib(pid, "VmHWM")
            result["phases"][name] = {
                "seconds": round(seconds, 2),
                "mb_per_s": round(args.size / seconds / 1e6, 1),
                "server_rss_before_kib": rss_before,
                "server_peak_rss_kib": peak,
                "server_peak_growth_kib": peak - rss_before,
            }
            loadlib.log(name, json.dumps(result["phases"][name]))
        result["server_peak_rss_kib_lifetime"] = max(
            p["server_peak_rss_kib"] for p in result["phases"].values())
    finally:
        if server:
            server.stop()
        if upstream:
            upstream.stop()
        shutil.rmtree(work, ignore_errors=True)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
