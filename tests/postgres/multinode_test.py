"""Issue 7 end to end: three `irsa serve` nodes sharing one PostgreSQL database, as behind a load
balancer (docs/multi-node.md). Run through scripts/with-postgres.sh (ctest: e2e_postgres_multinode).

The nodes share the store URL, the master key, the admin credentials and account id and the issuer
URL base. Checked: a write on one node is read on the others within the staleness bound (1 s,
docs/storage.md) — also through the caches of credentials, policies and cluster keys; STS
credentials minted on one node work on another; hosted issuer documents are identical on every
node; a node killed with SIGKILL in the middle of writes leaves the database consistent; a database
restart under load fails requests cleanly (500 ServiceFailure) and every node recovers.
"""
import base64
import concurrent.futures
import itertools
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import botocore
from botocore.config import Config

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID
ISSUER_BASE = "https://irsa-lb.example.test"  # the load balancer's URL, the same on every node
STALENESS = 1.0  # seconds: the documented bound (docs/storage.md)
CLUSTER = "shared-cluster"
AUD = "sts.amazonaws.com"

STORE = None
MASTER_KEY = None  # the file every node and offline command reads the master key from
NODES = []  # three running nodes: A, B, C
ISSUER = None  # the cluster's issuer URL
PROVIDER = None  # its IAM OIDC provider's ARN
_NAMES = itertools.count(1)


def unique(prefix):
    return "%s-%d" % (prefix, next(_NAMES))


def new_node():
    return fx.IrsaServer(tls=False, store=STORE, reset_endpoint=False,
                         extra_args=["--master-key-file", MASTER_KEY,
                                     "--issuer-url-base", ISSUER_BASE, "--store-pool-size", "2"])


def setUpModule():
    global STORE, MASTER_KEY, ISSUER, PROVIDER
    STORE = fx.create_postgres_database()
    MASTER_KEY = os.path.join(tempfile.mkdtemp(prefix="irsa-multinode-"), "master.key")
    with open(os.open(MASTER_KEY, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    NODES.extend(new_node() for _ in range(3))
    try:
        # All at once on an empty database: migrations and bootstrap race and must agree.
        with concurrent.futures.ThreadPoolExecutor(len(NODES)) as pool:
            list(pool.map(lambda node: node.start(), NODES))
        irsa_cli("cluster", "create", CLUSTER, node=NODES[0])
        ISSUER = client(NODES[1], "eks").describe_cluster(name=CLUSTER)["cluster"]["identity"][
            "oidc"]["issuer"]
        PROVIDER = client(NODES[2], "iam").create_open_id_connect_provider(
            Url=ISSUER, ClientIDList=[AUD])["OpenIDConnectProviderArn"]
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    for node in NODES:
        node.stop()
    if MASTER_KEY:
        shutil.rmtree(os.path.dirname(MASTER_KEY), ignore_errors=True)


def client(node, service, creds=None, signed=True):
    kw = {}
    if creds is not None:
        kw = {"aws_access_key_id": creds["AccessKeyId"],
              "aws_secret_access_key": creds["SecretAccessKey"],
              "aws_session_token": creds.get("SessionToken")}
    elif signed:
        kw = {"aws_access_key_id": fx.ADMIN_KEY_ID, "aws_secret_access_key": fx.ADMIN_SECRET}
    config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=15)
    if not signed:
        config = config.merge(Config(signature_version=botocore.UNSIGNED))
    return boto3.client(service, endpoint_url=node.http, region_name="us-east-1", config=config,
                        **kw)


def irsa_cli(*args, node):
    """Runs an offline `irsa` command on `node`'s data directory (and so its store)."""
    out = subprocess.run([fx.binary(), *args, "--data-dir", node.data_dir,
                          "--master-key-file", MASTER_KEY],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise AssertionError("irsa %s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout.strip()


def policy_doc(action, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]})


def account_trust():
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
        "Action": "sts:AssumeRole"}]})


def web_identity_trust(provider_arn, sub):
    host = provider_arn.split(":oidc-provider/", 1)[1]
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {host + ":aud": AUD, host + ":sub": sub}}}]})


def error_code(err):
    return err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"]


def http_get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


class MultiNodeTestCase(unittest.TestCase):
    def eventually(self, check, bound=STALENESS, what="the change"):
        """Polls `check` (which raises on failure) until it passes; returns its value.

        Fails unless an attempt begun within `bound` seconds passes."""
        started = time.monotonic()
        while True:
            attempt_started = time.monotonic()
            try:
                return check()
            except (AssertionError, botocore.exceptions.ClientError) as err:
                if attempt_started - started > bound:
                    self.fail("%s not seen within %.1f s: %s" % (what, bound, err))
            time.sleep(0.02)

    def assertDenied(self, call, *args, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            call(*args, **kw)
        self.assertEqual(error_code(ctx.exception), ("AccessDenied", 403))


class ReplicationTest(MultiNodeTestCase):
    def test_offline_commands_use_the_nodes_store(self):
        for node in NODES:
            with open(os.path.join(node.data_dir, "store_url")) as f:
                self.assertEqual(f.read().strip(), STORE)
            self.assertEqual(os.stat(os.path.join(node.data_dir, "store_url")).st_mode & 0o777,
                             0o600)
            # The cluster created offline on node A's directory is in the shared database.
            listed = irsa_cli("cluster", "list", node=node)
            self.assertIn(CLUSTER, listed)
            self.assertFalse(os.path.exists(os.path.join(node.data_dir, "irsa.db")))
            self.assertFalse(os.path.exists(os.path.join(node.data_dir, "master.key")))

    def test_iam_writes_on_one_node_are_read_on_the_others(self):
        a, others = NODES[0], NODES[1:]
        iam = client(a, "iam")
        user, role, policy = unique("user"), unique("role"), unique("policy")
        iam.create_user(UserName=user, Path="/team/")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=account_trust())
        arn = iam.create_policy(PolicyName=policy,
                                PolicyDocument=policy_doc("s3:GetObject"))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
        for node in others:
            other = client(node, "iam")

            def check():
                self.assertEqual(other.get_user(UserName=user)["User"]["Path"], "/team/")
                got = other.get_role(RoleName=role)["Role"]
                self.assertEqual(got["AssumeRolePolicyDocument"], json.loads(account_trust()))
                self.assertEqual(other.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1)
                attached = other.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
                self.assertEqual([p["PolicyArn"] for p in attached], [arn])

            self.eventually(check, what="node A's writes on " + node.http)

    def test_policy_changes_reach_every_nodes_authorizer(self):
        a, b, c = NODES
        user = unique("dev")
        iam_a = client(a, "iam")
        iam_a.create_user(UserName=user)
        key = iam_a.create_access_key(UserName=user)["AccessKey"]
        dev = {node: client(node, "iam", creds=key) for node in NODES}
        # The new key authenticates on C; nothing is allowed yet.
        self.eventually(lambda: client(c, "sts", creds=key).get_caller_identity(),
                        what="the new access key on C")
        self.assertDenied(dev[c].list_roles)
        self.assertDenied(dev[b].list_roles)

        iam_a.put_user_policy(UserName=user, PolicyName="list-roles",
                              PolicyDocument=policy_doc("iam:ListRoles"))
        for node in (b, c):
            self.eventually(dev[node].list_roles, what="the granted permission on " + node.http)

        client(b, "iam").delete_user_policy(UserName=user, PolicyName="list-roles")
        for node in (a, c):
            self.eventually(lambda: self.assertDenied(dev[node].list_roles),
                            what="the revoked permission on " + node.http)


class StsAcrossNodesTest(MultiNodeTestCase):
    def check_session(self, creds, node, role):
        """The session credentials `creds` of `role` work on `node`: identity, allow, deny."""
        ident = client(node, "sts", creds=creds).get_caller_identity()
        self.assertEqual(ident["Account"], ACCOUNT)
        self.assertTrue(ident["Arn"].startswith(
            "arn:aws:sts::%s:assumed-role/%s/" % (ACCOUNT, role)), ident["Arn"])
        iam = client(node, "iam", creds=creds)
        self.assertEqual(iam.get_role(RoleName=role)["Role"]["RoleName"], role)
        self.assertDenied(iam.list_users)
        self.assertDenied(iam.create_user, UserName=unique("nope"))

    def test_assume_role_on_one_node_used_on_the_others(self):
        a, b, c = NODES
        role = unique("reader")
        iam = client(a, "iam")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=account_trust())
        iam.put_role_policy(RoleName=role, PolicyName="get-role",
                            PolicyDocument=policy_doc("iam:GetRole"))
        out = self.eventually(lambda: client(b, "sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT, role), RoleSessionName="on-b"),
            what="the role on B")
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        for node in (c, a):
            self.check_session(creds, node, role)

    def test_web_identity_tokens_are_exchanged_on_any_node(self):
        a, b, c = NODES
        self.assertTrue(ISSUER.startswith(ISSUER_BASE + "/id/"), ISSUER)
        iam = client(a, "iam")
        role, sa = unique("pod-role"), unique("sa")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=web_identity_trust(
            PROVIDER, "system:serviceaccount:default:" + sa))
        iam.put_role_policy(RoleName=role, PolicyName="get-role",
                            PolicyDocument=policy_doc("iam:GetRole"))
        token = irsa_cli("token", "--cluster", CLUSTER, "--service-account", sa, node=c)
        for here, there in ((b, c), (c, a), (a, b)):
            out = self.eventually(lambda: client(here, "sts", signed=False)
                                  .assume_role_with_web_identity(
                                      RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT, role),
                                      RoleSessionName="pod", WebIdentityToken=token),
                                  what="the provider and role on " + here.http)
            self.assertEqual(out["SubjectFromWebIdentityToken"],
                             "system:serviceaccount:default:" + sa)
            self.check_session(out["Credentials"], there, role)
        other = irsa_cli("token", "--cluster", CLUSTER, "--service-account", unique("sa"), node=a)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(c, "sts", signed=False).assume_role_with_web_identity(
                RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT, role), RoleSessionName="pod",
                WebIdentityToken=other)
        self.assertEqual(error_code(ctx.exception), ("AccessDenied", 403))

    def issuer_documents(self, node, issuer_path):
        status, discovery = http_get(node.http + issuer_path + "/.well-known/openid-configuration")
        self.assertEqual(status, 200)
        status, keys = http_get(node.http + issuer_path + "/keys")
        self.assertEqual(status, 200)
        return json.loads(discovery), json.loads(keys)

    def test_issuer_documents_are_identical_on_every_node_also_after_rotation(self):
        issuer = ISSUER
        path = issuer[len(ISSUER_BASE):]
        documents = [self.issuer_documents(node, path) for node in NODES]
        discovery, jwks = documents[0]
        self.assertEqual(discovery["issuer"], issuer)
        self.assertEqual(discovery["jwks_uri"], issuer + "/keys")
        self.assertGreaterEqual(len(jwks["keys"]), 1)
        for other in documents[1:]:
            self.assertEqual(other, documents[0])

        irsa_cli("cluster", "rotate-keys", CLUSTER, node=NODES[1])
        before = {k["kid"] for k in jwks["keys"]}
        for node in NODES:
            def rotated():
                kids = {k["kid"] for k in self.issuer_documents(node, path)[1]["keys"]}
                self.assertTrue(before < kids, (before, kids))  # new key, retired still there
                return kids

            kids = self.eventually(rotated, what="the rotated key on " + node.http)
            self.assertEqual(kids, {k["kid"] for k in self.issuer_documents(NODES[0], path)[1][
                "keys"]})

        # A token signed with the new key is accepted by every node.
        iam = client(NODES[2], "iam")
        role, sa = unique("rotated-role"), unique("sa")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=web_identity_trust(
            PROVIDER, "system:serviceaccount:default:" + sa))
        token = irsa_cli("token", "--cluster", CLUSTER, "--service-account", sa, node=NODES[0])
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        self.assertNotIn(header["kid"], before)
        for node in NODES:
            self.eventually(lambda: client(node, "sts", signed=False)
                            .assume_role_with_web_identity(
                                RoleArn="arn:aws:iam::%s:role/%s" % (ACCOUNT, role),
                                RoleSessionName="rotated", WebIdentityToken=token),
                            what="the new signing key in STS on " + node.http)


class KillMidWriteTest(MultiNodeTestCase):
    def test_sigkilled_node_leaves_the_database_consistent(self):
        a, b, _ = NODES
        iam = client(a, "iam")
        policy = unique("churn")
        arn = iam.create_policy(PolicyName=policy,
                                PolicyDocument=policy_doc("s3:GetObject", "arn:aws:s3:::v0/*"))[
            "Policy"]["Arn"]
        roles = [unique("churn-role") for _ in range(4)]
        for role in roles:
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=account_trust())

        victim = new_node()
        victim.start()
        acknowledged = {"default": 1, "roles": [], "ops": 0}
        lock = threading.Lock()
        stop = threading.Event()

        def versions():
            w = client(victim, "iam")
            previous = "v1"
            for n in itertools.count(1):
                if stop.is_set():
                    return
                try:
                    doc = policy_doc("s3:GetObject", "arn:aws:s3:::v%d/*" % n)
                    created = w.create_policy_version(PolicyArn=arn, PolicyDocument=doc,
                                                      SetAsDefault=True)["PolicyVersion"]
                    with lock:
                        acknowledged["default"] = int(created["VersionId"][1:])
                        acknowledged["ops"] += 1
                    w.delete_policy_version(PolicyArn=arn, VersionId=previous)
                    previous = created["VersionId"]
                except Exception:  # the node is being killed under us
                    return

        def attachments():
            w = client(victim, "iam")
            for n in itertools.count():
                if stop.is_set():
                    return
                try:
                    role = roles[n % len(roles)]
                    if (n // len(roles)) % 2 == 0:
                        w.attach_role_policy(RoleName=role, PolicyArn=arn)
                    else:
                        w.detach_role_policy(RoleName=role, PolicyArn=arn)
                    name = unique("churn-new")
                    w.create_role(RoleName=name, AssumeRolePolicyDocument=account_trust())
                    w.attach_role_policy(RoleName=name, PolicyArn=arn)
                    with lock:
                        acknowledged["roles"].append(name)
                        acknowledged["ops"] += 1
                except Exception:  # the node is being killed under us
                    return

        threads = [threading.Thread(target=versions), threading.Thread(target=attachments)]
        try:
            for t in threads:
                t.start()
            deadline = time.monotonic() + 30
            while acknowledged["ops"] < 20 and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertGreaterEqual(acknowledged["ops"], 20, "the writers made no progress")
            victim.kill9()
        finally:
            stop.set()
            for t in threads:
                t.join()
            victim.stop()

        # The dead session's locks are gone: the survivors write at once.
        client(b, "iam").create_user(UserName=unique("after-kill"))
        views = [self.consistent_view(node, arn, acknowledged) for node in (a, b)]
        self.assertEqual(views[0], views[1])

    def consistent_view(self, node, arn, acknowledged):
        """Checks the churned policy on `node`; returns what it saw."""
        iam = client(node, "iam")
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertLessEqual(len(listed), 5)
        defaults = [v["VersionId"] for v in listed if v["IsDefaultVersion"]]
        self.assertEqual(defaults, [policy["DefaultVersionId"]])
        self.assertGreaterEqual(int(defaults[0][1:]), acknowledged["default"])
        for v in listed:
            got = iam.get_policy_version(PolicyArn=arn, VersionId=v["VersionId"])["PolicyVersion"]
            document = got["Document"]  # botocore decodes the policy document
            if isinstance(document, str):
                document = json.loads(urllib.parse.unquote(document))
            resource = document["Statement"][0]["Resource"]
            self.assertEqual(resource, "arn:aws:s3:::v%d/*" % (int(v["VersionId"][1:]) - 1))

        entities = [r["RoleName"] for p in iam.get_paginator("list_entities_for_policy").paginate(
            PolicyArn=arn) for r in p["PolicyRoles"]]
        self.assertEqual(policy["AttachmentCount"], len(entities))
        roles = [r["RoleName"] for p in iam.get_paginator("list_roles").paginate()
                 for r in p["Roles"]]

        def attached_to(role):
            return [p["PolicyArn"] for p in
                    iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]]

        attached = sorted(role for role in roles if arn in attached_to(role))
        self.assertEqual(sorted(entities), attached)
        for role in acknowledged["roles"]:
            self.assertIn(role, attached)
        return policy, listed, attached


class DatabaseRestartTest(MultiNodeTestCase):
    def outage_error(self, node):
        """A request to `node` during the outage: 500 ServiceFailure in the AWS XML format."""
        iam = client(node, "iam")
        raw = {}
        iam.meta.events.register("before-parse.iam.*", lambda response_dict=None, **_: raw.update(
            status=response_dict["status_code"], body=response_dict["body"]))
        started = time.monotonic()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.get_user(UserName="outage-probe")
        self.assertLess(time.monotonic() - started, 6.0)  # connect_timeout is 5 s
        self.assertEqual(error_code(ctx.exception), ("ServiceFailure", 500))
        self.assertEqual(raw["status"], 500)
        root = ET.fromstring(raw["body"])
        self.assertEqual(root.tag.split("}")[-1], "ErrorResponse")
        ns = {"aws": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {}
        prefix = "aws:" if ns else ""
        self.assertEqual(root.findtext("%sError/%sCode" % (prefix, prefix), namespaces=ns),
                         "ServiceFailure")
        self.assertEqual(root.findtext("%sError/%sType" % (prefix, prefix), namespaces=ns),
                         "Receiver")
        self.assertTrue(root.findtext("%sRequestId" % prefix, namespaces=ns))

    def test_every_node_recovers_from_a_database_restart(self):
        stop_cmd, start_cmd = (os.environ.get("IRSA_TEST_POSTGRES_STOP"),
                               os.environ.get("IRSA_TEST_POSTGRES_START"))
        self.assertTrue(stop_cmd and start_cmd, "run through scripts/with-postgres.sh")
        user = unique("outage")
        client(NODES[0], "iam").create_user(UserName=user)

        outcomes = []
        done = threading.Event()

        def load():  # a request that needs the database every ~20 ms, round robin over the nodes
            clients = [client(node, "iam") for node in NODES]
            for n in itertools.count():
                if done.is_set():
                    return
                try:
                    clients[n % len(clients)].list_users(MaxItems=1)
                    outcomes.append("ok")
                except botocore.exceptions.ClientError as err:
                    outcomes.append("%s %d" % error_code(err))
                except Exception as err:  # a dropped connection or a crash: never expected
                    outcomes.append(repr(err))
                time.sleep(0.02)

        loader = threading.Thread(target=load)
        loader.start()
        database_down = False
        try:
            self.eventually(lambda: self.assertGreaterEqual(outcomes.count("ok"), 10),
                            bound=10, what="the load")
            for node in NODES:  # a hot lookup: now in every node's row cache
                client(node, "iam").get_user(UserName=user)
            subprocess.run(stop_cmd, shell=True, check=True, timeout=60)
            database_down = True
            for node in NODES:
                self.outage_error(node)
                # The row cache keeps answering lookups it holds (docs/storage.md).
                self.assertEqual(client(node, "iam").get_user(UserName=user)["User"]["UserName"],
                                 user)
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                client(NODES[1], "iam").create_user(UserName=unique("during-outage"))
            self.assertEqual(error_code(ctx.exception), ("ServiceFailure", 500))
            for node in NODES:
                self.assertIsNone(node.proc.poll(), "a node died during the outage")
                self.assertEqual(http_get(node.http + "/healthz")[0], 200)
            failures_during_outage = outcomes.count("ServiceFailure 500")

            subprocess.run(start_cmd, shell=True, check=True, timeout=60)
            database_down = False
            for node in NODES:
                self.eventually(lambda: client(node, "iam").get_user(UserName=user), bound=10,
                                what="recovery of " + node.http)
            ok_after = outcomes.count("ok")
            self.eventually(lambda: self.assertGreaterEqual(outcomes.count("ok"), ok_after + 6),
                            bound=10, what="the load succeeding again")
        finally:
            done.set()
            loader.join()
            if database_down:
                subprocess.run(start_cmd, shell=True, timeout=60)

        self.assertGreater(failures_during_outage, 0, "the load never saw the outage")
        unexpected = [o for o in outcomes if o not in ("ok", "ServiceFailure 500")]
        self.assertEqual(unexpected, [])

        # Writes after the restart reach every node's caches within the bound again.
        b = NODES[1]
        name = unique("after-restart")
        iam_b = client(b, "iam")
        iam_b.create_user(UserName=name)
        key = iam_b.create_access_key(UserName=name)["AccessKey"]
        iam_b.put_user_policy(UserName=name, PolicyName="get-self", PolicyDocument=policy_doc(
            "iam:GetUser", "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)))
        for node in (NODES[0], NODES[2]):
            got = self.eventually(lambda: client(node, "iam", creds=key).get_user(UserName=name),
                                  what="a write after the restart on " + node.http)
            self.assertEqual(got["User"]["UserName"], name)


if __name__ == "__main__":
    unittest.main()
