"""Shared helpers for the load benchmarks in bench/load/.

Everything runs on loopback: the servers (irsa, moto) are started in fresh temporary directories
on free ports and stopped again; wrk is driven with generated Lua scripts whose `done` hook prints
one JSON line of results. Standard library only (boto3 is imported by the scripts that need it).
"""
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUILD_DIR = os.environ.get("IRSA_BENCH_BUILD_DIR", os.path.join(REPO, "build", "bench"))

ACCOUNT_ID = "111122223333"
ADMIN_KEY_ID = "AKIAIRSABENCHADMIN01"
ADMIN_SECRET = "irsaBenchAdminSecretKey00000000000000000"[:40]
REGION = "us-east-1"


def log(*args):
    """Progress goes to stderr; stdout carries only the final JSON object."""
    print("[%s]" % time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Build and machine facts


def irsa_binary(build=True):
    """$IRSA_BIN, else build/bench/irsa (configured Release and built with ninja if asked)."""
    path = os.environ.get("IRSA_BIN")
    if path:
        return path
    path = os.path.join(BUILD_DIR, "irsa")
    if build:
        if not os.path.exists(os.path.join(BUILD_DIR, "build.ninja")):
            log("configuring a Release build in", BUILD_DIR)
            subprocess.run(["cmake", "-S", REPO, "-B", BUILD_DIR, "-G", "Ninja",
                            "-DCMAKE_BUILD_TYPE=Release", "-DIRSA_BENCH=ON", "-DIRSA_TESTS=OFF"],
                           check=True, stdout=sys.stderr)
        log("building irsa (Release)")
        subprocess.run(["ninja", "-C", BUILD_DIR, "irsa"], check=True, stdout=sys.stderr)
    if not os.path.exists(path):
        raise SystemExit("no irsa binary at %s (set IRSA_BIN)" % path)
    return path


def build_type(binary):
    cache = os.path.join(os.path.dirname(binary), "CMakeCache.txt")
    try:
        with open(cache) as f:
            m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", f.read(), re.M)
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model,
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "time_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Servers


class Irsa:
    """`irsa serve` on loopback in a fresh data directory; stderr (the access log) to /dev/null.

    The access log stays on (as in production): every request still renders its JSON line and
    writes it, to /dev/null, so the figures include that cost. Pass
    extra_args=["--no-access-log"] to measure without it.
    """

    def __init__(self, binary, tls=False, threads=None, extra_args=(), log_path=os.devnull,
                 cpus=None):
        self.binary = binary
        self.cpus = cpus  # e.g. "0": run irsa under `taskset -c` (all its threads on those CPUs)
        self.tls = tls
        self.threads = threads
        self.extra_args = list(extra_args)
        self.log_path = log_path
        self.data_dir = tempfile.mkdtemp(prefix="irsa-bench-")
        self.proc = None
        self.endpoints = {}

    def args(self):
        a = [self.binary, "serve", "--listen", "127.0.0.1:0",
             "--listen-tls", "127.0.0.1:0" if self.tls else "none",
             "--data-dir", self.data_dir, "--account-id", ACCOUNT_ID,
             "--admin-access-key-id", ADMIN_KEY_ID, "--admin-secret-access-key", ADMIN_SECRET]
        if self.threads:
            a += ["--threads", str(self.threads)]
        if self.cpus is not None:
            a = ["taskset", "-c", self.cpus] + a
        return a + self.extra_args

    def start(self, timeout=30):
        ep = os.path.join(self.data_dir, "endpoints.json")
        if os.path.exists(ep):
            os.remove(ep)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args(), stdout=self._log, stderr=self._log,
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("irsa serve exited with %s" % self.proc.returncode)
            if os.path.exists(ep):
                try:
                    with open(ep) as f:
                        self.endpoints = json.load(f)
                    urllib.request.urlopen(self.http + "/healthz", timeout=2).read()
                    return self
                except (ValueError, OSError, KeyError):
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("irsa serve did not become healthy in %ss" % timeout)

    @property
    def http(self):
        return self.endpoints["http"]

    def cli(self, *args, check=True):
        """Runs an offline `irsa` subcommand against this data directory."""
        out = subprocess.run([self.binary] + list(args) + ["--data-dir", self.data_dir],
                             capture_output=True, text=True, timeout=120)
        if check and out.returncode != 0:
            raise RuntimeError("irsa %s failed: %s" % (" ".join(args), out.stderr))
        return out.stdout

    def stop(self, remove=True):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._log.close()
        if remove:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Moto:
    """moto's standalone server (`python3 -m moto.server`) on a free loopback port."""

    def __init__(self, log_path=os.devnull):
        self.port = free_port()
        self.log_path = log_path
        self.proc = None

    @staticmethod
    def available():
        return subprocess.run([sys.executable, "-c", "import moto.server"],
                              capture_output=True).returncode == 0

    @staticmethod
    def version():
        out = subprocess.run([sys.executable, "-c", "import moto; print(moto.__version__)"],
                             capture_output=True, text=True)
        return out.stdout.strip()

    @property
    def http(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=60):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log, stderr=self._log, stdin=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("moto server exited with %s" % self.proc.returncode)
            try:
                urllib.request.urlopen(self.http + "/moto-api/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("moto server did not start in %ss" % timeout)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ---------------------------------------------------------------------------------------------
# SigV4 (an independent signer, as in tests/e2e/sigv4.py) and raw HTTP requests


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sigv4_headers(method, url, body, key_id, secret, service, region=REGION, extra_headers=None,
                  when=None):
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    parsed = urllib.parse.urlsplit(url)
    headers = {"host": parsed.netloc, "x-amz-date": amz_date,
               "content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    for k, v in (extra_headers or {}).items():
        headers[k.lower()] = v
    signed = sorted(headers)
    canonical = "\n".join([
        method, parsed.path or "/", "",
        "".join("%s:%s\n" % (h, " ".join(str(headers[h]).split())) for h in signed),
        ";".join(signed), hashlib.sha256(body.encode("utf-8")).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    k = _hmac(("AWS4" + secret).encode("utf-8"), day)
    for part in (region, service, "aws4_request"):
        k = _hmac(k, part)
    sig = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
        % (key_id, scope, ";".join(signed), sig))
    return headers


def raw_request(method, url, headers, body):
    """One HTTP/1.1 keep-alive request as bytes-on-the-wire text."""
    parsed = urllib.parse.urlsplit(url)
    lines = ["%s %s HTTP/1.1" % (method, parsed.path or "/")]
    h = dict(headers)
    h.setdefault("host", parsed.netloc)
    h["content-length"] = str(len(body.encode("utf-8")))
    for k, v in h.items():
        lines.append("%s: %s" % (k, v))
    return "\r\n".join(lines) + "\r\n\r\n" + body


def http_post(url, headers, body, timeout=10):
    req = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# wrk

_LUA = r"""
-- Generated by bench/load/loadlib.py: cycles through precomputed raw requests.
local reqs = dofile("%(data)s")
local n = #reqs
local counter = 0
local threads = {}

setup = function(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
  table.insert(threads, thread)
end

init = function(args)
  i = offset %% n
end

request = function()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end

done = function(summary, latency, requests)
  local p = function(q) return latency:percentile(q) end
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"latency_us":{"mean":%%.1f,"stdev":%%.1f,"max":%%d,"p50":%%d,"p75":%%d,"p90":%%d,' ..
    '"p99":%%d,"p99_9":%%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout,
    latency.mean, latency.stdev, latency.max, p(50), p(75), p(90), p(99), p(99.9)))
end
"""


def _lua_string(s):
    """A quoted Lua string literal (long brackets would turn CRLF into LF)."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) > 126:
            out.append("".join("\\%03d" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_wrk_script(workdir, raw_requests, name="bench"):
    data = os.path.join(workdir, name + "_requests.lua")
    with open(data, "w") as f:
        f.write("return {\n")
        for r in raw_requests:
            f.write(_lua_string(r) + ",\n")
        f.write("}\n")
    script = os.path.join(workdir, name + ".lua")
    with open(script, "w") as f:
        f.write(_LUA % {"data": data})
    return script


def process_cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (from /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url, script, threads=2, connections=64, duration=10, timeout="5s", server_pid=None,
            cpus=None):
    """Runs wrk with a request script. With server_pid, also reports the server's CPU cost per
    request (its user + system CPU time over the run / requests): a figure that, unlike req/s,
    survives a machine shared with other work. With cpus (e.g. "1"), wrk runs under taskset."""
    cmd = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % duration,
           "--timeout", timeout, "-s", script, url]
    if cpus is not None:
        cmd = ["taskset", "-c", cpus] + cmd
    log("running", " ".join(cmd[:-2]), url)
    cpu_before = process_cpu_seconds(server_pid) if server_pid else None
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    cpu_after = process_cpu_seconds(server_pid) if server_pid else None
    m = re.search(r"^WRKJSON (\{.*\})$", out.stdout, re.M)
    if not m:
        raise RuntimeError("wrk produced no result:\n%s\n%s" % (out.stdout, out.stderr))
    r = json.loads(m.group(1))
    secs = r["duration_us"] / 1e6
    lat = r["latency_us"]
    result = {
        "wrk": "-t%d -c%d -d%ds" % (threads, connections, duration) +
               ("" if cpus is None else " (CPU %s)" % cpus),
        "requests": r["requests"],
        "seconds": round(secs, 3),
        "req_per_s": round(r["requests"] / secs, 1) if secs else 0.0,
        "non_2xx": r["errors"]["status"],
        "socket_errors": {k: v for k, v in r["errors"].items() if k != "status" and v},
        "latency_ms": {k: round(v / 1000.0, 3) for k, v in lat.items()},
    }
    if server_pid and r["requests"] and secs:
        cpu = cpu_after - cpu_before
        result["server_cpu_us_per_request"] = round(cpu * 1e6 / r["requests"], 1)
        result["server_cores_busy"] = round(cpu / secs, 2)
    return result


def wait_idle_note():
    """Load average at the moment of measuring, for the record (the machine is shared)."""
    return [round(x, 2) for x in os.getloadavg()]
