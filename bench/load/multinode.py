#!/usr/bin/env python3
"""1 node vs 3 nodes on one PostgreSQL database: a mixed read load spread over the nodes.

Runs itself under scripts/with-postgres.sh (a throwaway PostgreSQL 15) unless
$IRSA_TEST_POSTGRES_URL is already set. Then, for each configuration:
  sqlite-1   one node on its own SQLite file (the single-node baseline)
  postgres-1 one node on the PostgreSQL database
  postgres-3 three nodes on the same database (same master key, admin key and issuer base)
it drives the same client load: --clients wrk processes (-t1 each, --connections in total), the
i-th aimed at node i mod N (an L4 load balancer's round robin over connections), each cycling
through precomputed SigV4-signed requests that alternate sts:GetCallerIdentity (no store access)
and iam:GetRole (one read transaction in the store). Prints one JSON object: requests/s summed
over the wrk processes, per configuration, the per-node split, and the cores used by irsa,
PostgreSQL and wrk during the run.
"""
import argparse
import base64
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import urllib.parse

import loadlib as L

GCI_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
ROLE = "bench-multinode-role"
GET_ROLE_BODY = "Action=GetRole&Version=2010-05-08&RoleName=" + ROLE
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % L.ACCOUNT_ID},
    "Action": "sts:AssumeRole"}]})
ISSUER_BASE = "https://irsa-lb.example.test"


def signed_requests(base_url, n):
    """n raw requests for the node at base_url, alternating GetCallerIdentity and GetRole."""
    url = base_url + "/"
    out = []
    for i in range(n):
        service, body = ("sts", GCI_BODY) if i % 2 == 0 else ("iam", GET_ROLE_BODY)
        h = L.sigv4_headers("POST", url, body, L.ADMIN_KEY_ID, L.ADMIN_SECRET, service,
                            extra_headers={"x-bench-seq": str(i)})
        out.append(L.raw_request("POST", url, h, body))
    return out


POLICY_NAME = "bench-multinode-policy"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def signed_writes(base_url, n, prefix):
    """n raw write requests for the node at base_url: CreateRole of a new role (named
    prefix-<i>, never repeated) alternating with AttachRolePolicy of the bench policy to the bench
    role (an idempotent write transaction)."""
    url = base_url + "/"
    policy_arn = "arn:aws:iam::%s:policy/%s" % (L.ACCOUNT_ID, POLICY_NAME)
    out = []
    for i in range(n):
        if i % 2 == 0:
            body = ("Action=CreateRole&Version=2010-05-08&RoleName=%s-%d&AssumeRolePolicyDocument=%s"
                    % (prefix, i, urllib.parse.quote(TRUST, safe="")))
        else:
            body = ("Action=AttachRolePolicy&Version=2010-05-08&RoleName=%s&PolicyArn=%s"
                    % (ROLE, urllib.parse.quote(policy_arn, safe="")))
        h = L.sigv4_headers("POST", url, body, L.ADMIN_KEY_ID, L.ADMIN_SECRET, "iam")
        out.append(L.raw_request("POST", url, h, body))
    return out


def create_policy(base_url):
    url = base_url + "/"
    body = "Action=CreatePolicy&Version=2010-05-08&PolicyName=%s&PolicyDocument=%s" % (
        POLICY_NAME, urllib.parse.quote(POLICY, safe=""))
    h = L.sigv4_headers("POST", url, body, L.ADMIN_KEY_ID, L.ADMIN_SECRET, "iam")
    status, text = L.http_post(url, h, body)
    if status != 200 and "EntityAlreadyExists" not in text:
        raise RuntimeError("CreatePolicy failed: %s %s" % (status, text[:300]))


def check_node(base_url):
    """The node answers both requests of the mix correctly."""
    url = base_url + "/"
    for service, body, expect in (("sts", GCI_BODY, "<Account>%s</Account>" % L.ACCOUNT_ID),
                                  ("iam", GET_ROLE_BODY, "<RoleName>%s</RoleName>" % ROLE)):
        h = L.sigv4_headers("POST", url, body, L.ADMIN_KEY_ID, L.ADMIN_SECRET, service)
        status, text = L.http_post(url, h, body)
        if status != 200 or expect not in text:
            raise RuntimeError("%s check failed on %s: %s %s" % (service, url, status, text[:300]))


def create_role(base_url):
    url = base_url + "/"
    body = "Action=CreateRole&Version=2010-05-08&RoleName=%s&AssumeRolePolicyDocument=%s" % (
        ROLE, urllib.parse.quote(TRUST, safe=""))
    h = L.sigv4_headers("POST", url, body, L.ADMIN_KEY_ID, L.ADMIN_SECRET, "iam")
    status, text = L.http_post(url, h, body)
    if status != 200 and "EntityAlreadyExists" not in text:
        raise RuntimeError("CreateRole failed: %s %s" % (status, text[:300]))


def process_cpu_seconds(pid):
    """utime + stime of a running process, in seconds (0 if it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_pids():
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as f:
                    if f.read().strip() == "postgres":
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def cpu_snapshot(nodes):
    """CPU seconds used so far by the irsa nodes, the PostgreSQL server and our children (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"irsa": sum(process_cpu_seconds(node.proc.pid) for node in nodes),
            "postgres": sum(process_cpu_seconds(pid) for pid in postgres_pids()),
            "wrk": children.ru_utime + children.ru_stime}


def drive(nodes, workdir, args, tag):
    """Runs args.clients wrk processes at once, the i-th against nodes[i % len(nodes)]."""
    per_client = max(1, args.connections // args.clients)
    if args.mix == "reads":
        scripts = [L.write_wrk_script(workdir, signed_requests(node.http, args.requests),
                                      "%s_node%d" % (tag, i)) for i, node in enumerate(nodes)]
    phase = [0]

    def script_for(i, k):
        if args.mix == "reads":
            return scripts[k]
        # Writes: every client and phase has its own role names (a name is created once).
        prefix = "w-%s-%d-%d" % (tag, phase[0], i)
        return L.write_wrk_script(workdir, signed_writes(nodes[k].http, args.requests, prefix),
                                  prefix)

    def run_all(duration):
        results = [None] * args.clients
        client_scripts = [script_for(i, i % len(nodes)) for i in range(args.clients)]
        phase[0] += 1

        def one(i):
            k = i % len(nodes)
            results[i] = L.run_wrk(nodes[k].http, client_scripts[i], 1, per_client, duration)
            results[i]["node"] = k

        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    run_all(2)  # warm-up: connections, caches, prepared statements
    load = L.wait_idle_note()
    before = cpu_snapshot(nodes)
    runs = run_all(args.duration)
    after = cpu_snapshot(nodes)
    per_node = [0.0] * len(nodes)
    for r in runs:
        per_node[r["node"]] += r["req_per_s"]
    return {
        "nodes": len(nodes),
        "req_per_s": round(sum(r["req_per_s"] for r in runs), 1),
        "req_per_s_per_node": [round(x, 1) for x in per_node],
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": [r["socket_errors"] for r in runs if r["socket_errors"]],
        "p99_ms_max": max(r["latency_ms"]["p99"] for r in runs),
        "p50_ms_max": max(r["latency_ms"]["p50"] for r in runs),
        "wrk": "%d x wrk -t1 -c%d -d%ds" % (args.clients, per_client, args.duration),
        "loadavg_before": load,
        # Cores busy during the run, by whom (a backend of a connection opened during the run is
        # counted only if it is still alive at the end; the pools keep theirs open).
        "cores_used": {k: round((after[k] - before[k]) / args.duration, 2) for k in after},
    }


def measure(binary, workdir, args, tag, node_count, store_args):
    quota = ["--quota", "RolesPerAccount=1000000"] if args.mix == "writes" else []
    nodes = [L.Irsa(binary, threads=args.server_threads,
                    extra_args=store_args + quota + args.server_arg)
             for _ in range(node_count)]
    try:
        for node in nodes:
            node.start()
        create_role(nodes[0].http)
        create_policy(nodes[0].http)
        for node in nodes:
            check_node(node.http)
        L.log("%s: %d node(s) up" % (tag, node_count))
        result = drive(nodes, workdir, args, tag)
    finally:
        for node in nodes:
            node.stop()
    L.log("%s: %.0f req/s (%s)" % (tag, result["req_per_s"], result["req_per_s_per_node"]))
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--connections", type=int, default=48, help="in total, over the wrk processes")
    p.add_argument("--clients", type=int, default=3, help="wrk processes (one thread each)")
    p.add_argument("--server-threads", type=int, default=None, help="irsa --threads per node")
    p.add_argument("--pool-size", type=int, default=None, help="irsa --store-pool-size per node")
    p.add_argument("--requests", type=int, default=2000, help="distinct signed requests per node")
    p.add_argument("--configs", default="sqlite-1,postgres-1,postgres-3",
                   help="comma-separated subset of sqlite-1, postgres-1, postgres-3")
    p.add_argument("--mix", choices=["reads", "writes"], default="reads",
                   help="reads: GetCallerIdentity + GetRole; writes: CreateRole + AttachRolePolicy")
    p.add_argument("--server-arg", action="append", default=[],
                   help="extra irsa serve argument for every node, e.g. --server-arg=--worker-threads=0")
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args()

    pg_url = os.environ.get("IRSA_TEST_POSTGRES_URL")
    if not pg_url:
        wrapper = os.path.join(L.REPO, "scripts", "with-postgres.sh")
        os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

    binary = L.irsa_binary(build=not args.no_build)
    master_key = base64.b64encode(os.urandom(32)).decode()
    shared = ["--store", pg_url, "--master-key", master_key, "--issuer-url-base", ISSUER_BASE]
    if args.pool_size:
        shared += ["--store-pool-size", str(args.pool_size)]
    result = {"benchmark": "1 vs 3 irsa nodes on one PostgreSQL: " + (
                  "GetCallerIdentity + GetRole" if args.mix == "reads"
                  else "CreateRole + AttachRolePolicy"),
              "machine": L.machine(), "irsa_binary": binary,
              "irsa_build_type": L.build_type(binary), "server_threads": args.server_threads,
              "pool_size": args.pool_size, "server_args": args.server_arg}
    workdir = tempfile.mkdtemp(prefix="irsa-bench-multinode-")
    try:
        for config in args.configs.split(","):
            store, count = {"sqlite-1": ([], 1), "postgres-1": (shared, 1),
                            "postgres-3": (shared, 3)}[config]
            result[config] = measure(binary, workdir, args, config, count, store)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if "postgres-1" in result and "postgres-3" in result and result["postgres-1"]["req_per_s"]:
        result["ratio_3_over_1"] = round(
            result["postgres-3"]["req_per_s"] / result["postgres-1"]["req_per_s"], 2)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
