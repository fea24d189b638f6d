#!/usr/bin/env python3
"""Renders the JSON results of run_all.sh (default /tmp/irsa-bench-results) as Markdown tables,
the form used in docs/performance.md. Usage: bench/load/report.py [DIR]"""
import json
import os
import re
import sys

D = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OUT", "/tmp/irsa-bench-results")


def load(name):
    try:
        with open(os.path.join(D, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def n(x, digits=0):
    return "—" if x is None else ("{:,.%df}" % digits).format(x)


def lat(r):
    l = r["latency_ms"]
    return "%s / %s / %s" % (n(l["p50"], 2), n(l["p90"], 2), n(l["p99"], 2))


def la(r):
    return ", ".join("%.1f" % x for x in r.get("loadavg_before", []))


out = []
g = load("getcalleridentity.json")
if g:
    out += ["### GetCallerIdentity (`getcalleridentity.sh`)", "",
            "| server | wrk | req/s | p50 / p90 / p99 ms | non-2xx | load avg before |",
            "| --- | --- | ---: | --- | ---: | --- |"]
    for who in ("irsa", "moto"):
        if who in g:
            r = g[who]
            out.append("| %s | `%s` | %s | %s | %d | %s |" % (
                who + (" " + r["version"] if "version" in r else ""), r["wrk"],
                n(r["req_per_s"]), lat(r), r["non_2xx"], la(r)))
    if "ratio_irsa_over_moto" in g:
        out.append("")
        out.append("irsa / moto: **%.1f×**. Target ≥ 40,000 req/s: **%s** (%.0f%% of target)." % (
            g["ratio_irsa_over_moto"], "met" if g["target_met"] else "missed",
            100 * g["irsa"]["req_per_s"] / 40000))
    out.append("")

for name, title in (("assume_role_web_identity.json", "2 cores shared by irsa and wrk"),
                    ("assume_role_web_identity_per_core.json",
                     "one core, irsa alone on CPU 0 (`--per-core`; target: half)")):
    a = load(name)
    if not a:
        continue
    out += ["### AssumeRoleWithWebIdentity (`assume_role_web_identity.sh`): %s" % title, "",
            "| tokens | load | wrk | req/s | server CPU/request | p50 / p90 / p99 ms | non-2xx "
            "| target | met |",
            "| --- | --- | --- | ---: | ---: | --- | ---: | --- | --- |"]
    for alg in ("ES256", "RS256"):
        if alg not in a:
            continue
        r = a[alg]
        s, h = r["saturation"], r["half_load"]
        cpu = s.get("server_cpu_us_per_request")
        out.append("| %s | saturation | `%s` | %s | %s | %s | %d | ≥ %s/s | %s |" % (
            alg, s["wrk"], n(s["req_per_s"]), "%.1f µs" % cpu if cpu else "—", lat(s),
            s["non_2xx"], n(r["target_req_per_s"]),
            "yes" if r["throughput_target_met"] else "**no** (%.0f%%)" % (
                100 * s["req_per_s"] / r["target_req_per_s"])))
        out.append("| %s | %.0f%% of saturation | `%s` | %s | — | %s | %d | p99 < 5 ms | %s |" % (
            alg, 100 * (h.get("fraction_of_saturation") or 0), h["wrk"], n(h["req_per_s"]),
            lat(h), h["non_2xx"], "yes" if r["p99_target_met"] else "**no**"))
    out.append("")

i = load("iam_scale.json")
if i:
    out += ["### IAM at scale (`iam_scale.py`)", "",
            "| server | roles | create roles/s (calls/s) | GetRole calls/s | ListRoles full | errors |",
            "| --- | ---: | --- | ---: | --- | ---: |"]
    for who in ("irsa", "moto"):
        if who in i:
            r = i[who]
            out.append("| %s | %s | %s (%s) | %s | %d roles, %d pages, %.2f s | %d |" % (
                who + (" " + r["version"] if "version" in r else ""), n(r["roles"]),
                n(r["create"]["roles_per_s"]), n(r["create"]["calls_per_s"]),
                n(r["get"]["calls_per_s"]), r["list"]["roles_listed"], r["list"]["pages"],
                r["list"]["seconds"], r["create"]["errors"] + r["get"]["errors"]))
    if "ratio_irsa_over_moto" in i:
        out.append("")
        out.append("irsa / moto: create **%.1f×**, get **%.1f×**." % (
            i["ratio_irsa_over_moto"]["create"], i["ratio_irsa_over_moto"]["get"]))
    out.append("")

for name in ("policy", "crypto", "sigv4"):
    path = os.path.join(D, "micro_%s.txt" % name)
    if not os.path.exists(path):
        continue
    with open(path) as f:
        text = f.read()
    rows = re.findall(r"^(BM_\S+)\s+([\d.]+) (ns|us|ms)\s+([\d.]+) (ns|us|ms)\s+(\d+)(.*)$",
                      text, re.M)
    out += ["### bench_%s" % name, "", "| benchmark | time | CPU | iterations |",
            "| --- | ---: | ---: | ---: |"]
    for b, t, tu, c, cu, it, _ in rows:
        out.append("| `%s` | %s %s | %s %s | %s |" % (b, t, tu, c, cu, it))
    out.append("")

print("\n".join(out))
