#!/usr/bin/env python3
"""GetCallerIdentity throughput: SigV4-signed POSTs over keep-alive, driven by wrk.

Precomputes --requests distinct signed requests (each carries a signed `x-bench-seq` header, so
no two signatures are equal; a SigV4 signature is accepted for 15 minutes), writes them into a
Lua table, and lets wrk cycle through them. Runs against irsa and, with --peer moto (default when
moto is importable), against moto's server with the same load. Prints one JSON object.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import loadlib as L

BODY = "Action=GetCallerIdentity&Version=2011-06-15"


def signed_requests(base_url, n):
    url = base_url + "/"
    out = []
    for i in range(n):
        h = L.sigv4_headers("POST", url, BODY, L.ADMIN_KEY_ID, L.ADMIN_SECRET, "sts",
                            extra_headers={"x-bench-seq": str(i)})
        out.append(L.raw_request("POST", url, h, BODY))
    return out


def check_one(base_url, expect):
    url = base_url + "/"
    h = L.sigv4_headers("POST", url, BODY, L.ADMIN_KEY_ID, L.ADMIN_SECRET, "sts")
    status, text = L.http_post(url, h, BODY)
    if status != 200 or expect not in text:
        raise RuntimeError("GetCallerIdentity check failed: %s %s" % (status, text[:500]))


def measure(base_url, workdir, name, args, expect, server_pid=None):
    check_one(base_url, expect)
    script = L.write_wrk_script(workdir, signed_requests(base_url, args.requests), name)
    # A short warm-up so that connection set-up and first-touch costs stay out of the figure.
    L.run_wrk(base_url, script, args.wrk_threads, args.connections, 2)
    load = L.wait_idle_note()
    r = L.run_wrk(base_url, script, args.wrk_threads, args.connections, args.duration,
                  server_pid=server_pid)
    r["loadavg_before"] = load
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--server-threads", type=int, default=None, help="irsa --threads")
    p.add_argument("--requests", type=int, default=2000, help="distinct signed requests")
    p.add_argument("--peer", choices=["moto", "none", "auto"], default="auto")
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args()

    binary = L.irsa_binary(build=not args.no_build)
    result = {"benchmark": "sts:GetCallerIdentity (SigV4, keep-alive)",
              "machine": L.machine(), "irsa_binary": binary,
              "irsa_build_type": L.build_type(binary),
              "target_req_per_s": 40000}
    workdir = tempfile.mkdtemp(prefix="irsa-bench-gci-")
    try:
        with L.Irsa(binary, threads=args.server_threads) as srv:
            L.log("irsa at", srv.http)
            result["irsa"] = measure(srv.http, workdir, "irsa", args,
                                     "<Account>%s</Account>" % L.ACCOUNT_ID, srv.proc.pid)
        L.log("irsa: %.0f req/s, %s us server CPU per request" %
              (result["irsa"]["req_per_s"], result["irsa"].get("server_cpu_us_per_request")))
        result["target_met"] = result["irsa"]["req_per_s"] >= result["target_req_per_s"]

        peer = args.peer
        if peer == "auto":
            peer = "moto" if L.Moto.available() else "none"
        if peer == "moto":
            with L.Moto() as m:
                L.log("moto %s at %s" % (L.Moto.version(), m.http))
                result["moto"] = measure(m.http, workdir, "moto", args, "<Account>", m.proc.pid)
                result["moto"]["version"] = L.Moto.version()
            L.log("moto: %.0f req/s" % result["moto"]["req_per_s"])
            if result["moto"]["req_per_s"]:
                result["ratio_irsa_over_moto"] = round(
                    result["irsa"]["req_per_s"] / result["moto"]["req_per_s"], 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
