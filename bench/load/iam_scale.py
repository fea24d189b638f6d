#!/usr/bin/env python3
"""IAM at scale: create N roles with an attached managed policy, get them, list them all.

boto3 from --workers processes (each with its own client; processes, not threads, because one
Python interpreter cannot issue more than ~1k botocore calls/s). Phases, each timed:
  create  CreateRole + AttachRolePolicy per role (2 calls per role)
  get     GetRole for every role, in shuffled order
  list    ListRoles paged to the end (MaxItems=1000 per page)
The same load runs against moto (--peer moto, default when importable) with --peer-roles roles
(default min(N, 2000), to bound the duration) and the ratio of rates is reported.

Default N=10000. For 100,000 roles:  bench/load/iam_scale.py --roles 100000 --peer none
(about 200,000 create calls; expect minutes, and ~100 MB of SQLite). Prints one JSON object.
"""
import argparse
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import loadlib as L

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::bench-bucket", "arn:aws:s3:::bench-bucket/*"]}]})

_client = None


def _client_for(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("iam", endpoint_url=endpoint, region_name=L.REGION,
                        aws_access_key_id=L.ADMIN_KEY_ID, aws_secret_access_key=L.ADMIN_SECRET,
                        config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                      max_pool_connections=4))


def _init(endpoint):
    global _client
    _client = _client_for(endpoint)


def _create(job):
    names, policy_arn = job
    errors = 0
    for name in names:
        try:
            _client.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST,
                                Description="load benchmark role")
            _client.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        except Exception:  # noqa: BLE001 - counted and reported
            errors += 1
    return errors


def _get(names):
    errors = 0
    for name in names:
        try:
            _client.get_role(RoleName=name)
        except Exception:  # noqa: BLE001
            errors += 1
    return errors


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def run(endpoint, n, workers, prefix):
    client = _client_for(endpoint)
    policy_arn = client.create_policy(PolicyName=prefix + "-policy",
                                      PolicyDocument=POLICY)["Policy"]["Arn"]
    names = ["%s-role-%06d" % (prefix, i) for i in range(n)]
    out = {"roles": n, "workers": workers}
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(endpoint,)) as ex:
        list(ex.map(_get, [[]] * workers))  # start the workers and their clients untimed
        load = L.wait_idle_note()
        t0 = time.time()
        errors = sum(ex.map(_create, [(c, policy_arn) for c in _chunks(names, 50)]))
        secs = time.time() - t0
        out["create"] = {"seconds": round(secs, 2), "roles_per_s": round(n / secs, 1),
                         "calls_per_s": round(2 * n / secs, 1), "errors": errors,
                         "loadavg_before": load}
        L.log("%s create: %.0f roles/s (%d errors)" % (endpoint, n / secs, errors))

        shuffled = names[:]
        random.Random(1).shuffle(shuffled)
        load = L.wait_idle_note()
        t0 = time.time()
        errors = sum(ex.map(_get, _chunks(shuffled, 100)))
        secs = time.time() - t0
        out["get"] = {"seconds": round(secs, 2), "calls_per_s": round(n / secs, 1),
                      "errors": errors, "loadavg_before": load}
        L.log("%s get: %.0f calls/s" % (endpoint, n / secs))

    t0 = time.time()
    pages = listed = 0
    kwargs = {"MaxItems": 1000}
    while True:
        page = client.list_roles(**kwargs)
        pages += 1
        listed += len(page["Roles"])
        if not page.get("IsTruncated"):
            break
        kwargs["Marker"] = page["Marker"]
    secs = time.time() - t0
    out["list"] = {"seconds": round(secs, 2), "pages": pages, "roles_listed": listed,
                   "roles_per_s": round(listed / secs, 1) if secs else None,
                   "complete": listed >= n}
    L.log("%s list: %d roles in %d pages, %.2fs" % (endpoint, listed, pages, secs))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--roles", type=int, default=10000)
    p.add_argument("--workers", type=int, default=4, help="client processes")
    p.add_argument("--peer", choices=["moto", "none", "auto"], default="auto")
    p.add_argument("--peer-roles", type=int, default=None, help="default min(N, 2000)")
    p.add_argument("--server-threads", type=int, default=None, help="irsa --threads")
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args()

    binary = L.irsa_binary(build=not args.no_build)
    result = {"benchmark": "IAM create/get/list roles at scale (boto3)", "machine": L.machine(),
              "irsa_binary": binary, "irsa_build_type": L.build_type(binary)}
    # IAM's default RolesPerAccount quota (1000) is raised for the run.
    quota = ["--quota", "RolesPerAccount=%d" % max(1000, args.roles + 100)]
    with L.Irsa(binary, threads=args.server_threads, extra_args=quota) as srv:
        result["irsa"] = run(srv.http, args.roles, args.workers, "irsa")
        try:
            result["irsa"]["sqlite_bytes"] = sum(
                os.path.getsize(os.path.join(srv.data_dir, f)) for f in os.listdir(srv.data_dir)
                if f.startswith("irsa.db"))
        except OSError:
            pass

    peer = args.peer
    if peer == "auto":
        peer = "moto" if L.Moto.available() else "none"
    if peer == "moto":
        n = args.peer_roles or min(args.roles, 2000)
        with L.Moto() as m:
            result["moto"] = run(m.http, n, args.workers, "moto")
            result["moto"]["version"] = L.Moto.version()
        result["ratio_irsa_over_moto"] = {
            "create": round(result["irsa"]["create"]["roles_per_s"]
                            / result["moto"]["create"]["roles_per_s"], 1),
            "get": round(result["irsa"]["get"]["calls_per_s"]
                         / result["moto"]["get"]["calls_per_s"], 1),
        }
    result["machine"]["loadavg_end"] = L.wait_idle_note()
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
