"""Issue 14: keys and certificates — GetAccessKeyLastUsed, inactive access keys, SSH public keys,
signing certificates, server certificates and service-specific credentials, with boto3 and the
AWS CLI. Key material is generated with the openssl CLI and ssh-keygen (when present)."""
import base64
import datetime
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import boto3
import botocore

import irsa_fixture as fx
from iam_helpers import ACCOUNT, IamTestCase, RawCapture, client


def run(*args, stdin=None):
    out = subprocess.run(list(args), input=stdin, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("%s failed: %s" % (args[0], out.stderr))
    return out.stdout


class Material:
    """Keys and certificates made once per test class in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="irsa-keys-")
        self.have_ssh_keygen = shutil.which("ssh-keygen") is not None

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def rsa_key(self, name, bits=2048):
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits,
            "-out", self.path(name + ".key"))
        return self.read(name + ".key")

    def public_pem(self, name):
        run("openssl", "pkey", "-in", self.path(name + ".key"), "-pubout",
            "-out", self.path(name + ".pub.pem"))
        return self.read(name + ".pub.pem")

    def openssh(self, name):
        """The OpenSSH form of key `name` (ssh-keygen when present, else built by hand)."""
        if self.have_ssh_keygen:
            return run("ssh-keygen", "-i", "-m", "PKCS8", "-f", self.path(name + ".pub.pem"))
        blob = ssh_blob_from_pem(self.path(name + ".pub.pem"))
        return "ssh-rsa " + base64.b64encode(blob).decode() + "\n"

    def self_signed(self, name, cn, days=365):
        run("openssl", "req", "-x509", "-new", "-key", self.path(name + ".key"),
            "-subj", "/CN=" + cn, "-days", str(days), "-out", self.path(name + ".crt"))
        return self.read(name + ".crt")

    def issued(self, name, ca, cn):
        """A certificate for key `name` signed by the self-signed `ca`."""
        run("openssl", "req", "-new", "-key", self.path(name + ".key"), "-subj", "/CN=" + cn,
            "-out", self.path(name + ".csr"))
        run("openssl", "x509", "-req", "-in", self.path(name + ".csr"),
            "-CA", self.path(ca + ".crt"), "-CAkey", self.path(ca + ".key"),
            "-set_serial", "7", "-days", "30", "-out", self.path(name + ".crt"))
        return self.read(name + ".crt")

    def expired(self, name):
        """A self-signed certificate for key `name` that expired in 2020 (`openssl ca` takes
        explicit dates)."""
        ca_dir = self.path(name + "-ca")
        os.makedirs(ca_dir, exist_ok=True)
        open(os.path.join(ca_dir, "index.txt"), "w").close()
        with open(os.path.join(ca_dir, "serial"), "w") as f:
            f.write("01\n")
        config = os.path.join(ca_dir, "ca.cnf")
        with open(config, "w") as f:
            f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\n"
                    "new_certs_dir = %s\nserial = %s/serial\ndefault_md = sha256\n"
                    "policy = p\n[p]\ncommonName = supplied\n" % (ca_dir, ca_dir, ca_dir))
        run("openssl", "req", "-new", "-key", self.path(name + ".key"), "-subj", "/CN=expired",
            "-out", self.path(name + "-old.csr"))
        run("openssl", "ca", "-config", config, "-selfsign", "-batch", "-notext",
            "-keyfile", self.path(name + ".key"), "-in", self.path(name + "-old.csr"),
            "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
            "-out", self.path(name + "-old.crt"))
        return self.read(name + "-old.crt")


def ssh_blob_from_pem(pem_path):
    """The ssh-rsa wire blob of an RSA public key PEM, from the openssl CLI's modulus and
    exponent (for machines without ssh-keygen)."""
    modulus = run("openssl", "rsa", "-pubin", "-in", pem_path, "-noout", "-modulus")
    n = int(modulus.strip().split("=", 1)[1], 16)
    text = run("openssl", "rsa", "-pubin", "-in", pem_path, "-noout", "-text")
    e = int(text.split("Exponent:")[1].split()[0])

    def mpint(value):
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return b"\x00" + raw if raw[0] & 0x80 else raw

    def string(raw):
        return struct.pack(">I", len(raw)) + raw
    return string(b"ssh-rsa") + string(mpint(e)) + string(mpint(n))


def md5_fingerprint(openssh_line):
    digest = hashlib.md5(base64.b64decode(openssh_line.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


class KeysCertsTestCase(IamTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.m = Material()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.m.dir, ignore_errors=True)
        super().tearDownClass()

    def cli(self, *args):
        aws = fx.aws_v1() or fx.aws_v2()
        if not aws:
            self.skipTest("no AWS CLI")
        out = subprocess.run([aws, "iam", *args, "--output", "json"],
                             env=fx.cli_env(self.server), capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else {}


class AccessKeyTest(KeysCertsTestCase):
    def test_last_used_is_recorded_per_key(self):
        self.iam.create_user(UserName="alice")
        key = self.iam.create_access_key(UserName="alice")["AccessKey"]
        never = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(never["UserName"], "alice")
        self.assertEqual(never["AccessKeyLastUsed"], {"ServiceName": "N/A", "Region": "N/A"})
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        eu = boto3.client(
            "sts", endpoint_url=self.server.http, region_name="eu-west-1",
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        self.assertEqual(eu.get_caller_identity()["Arn"],
                         "arn:aws:iam::%s:user/alice" % ACCOUNT)
        used = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        last = used["AccessKeyLastUsed"]
        self.assertEqual((last["ServiceName"], last["Region"]), ("sts", "eu-west-1"))
        self.assertGreaterEqual(last["LastUsedDate"], before)
        # A later use with another service replaces it.
        alice_iam = client(self.server, "iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError):
            alice_iam.list_users()  # denied, but authenticated: it counts as a use
        last = self.iam.get_access_key_last_used(
            AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual((last["ServiceName"], last["Region"]), ("iam", "us-east-1"))
        # The admin's own key, through the AWS CLI (root keys name the account).
        got = self.cli("get-access-key-last-used", "--access-key-id", fx.ADMIN_KEY_ID)
        self.assertEqual(got["AccessKeyLastUsed"]["ServiceName"], "iam")
        self.assertIn("LastUsedDate", got["AccessKeyLastUsed"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_access_key_last_used(AccessKeyId="AKIAAAAAAAAAAAAAAAAA")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")

    def test_last_used_is_authorized_on_the_keys_owner(self):
        self.iam.create_user(UserName="self")
        self.iam.create_user(UserName="other")
        other_key = self.iam.create_access_key(UserName="other")["AccessKey"]["AccessKeyId"]
        self.iam.put_user_policy(UserName="self", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetAccessKeyLastUsed",
                "Resource": "arn:aws:iam::%s:user/self" % ACCOUNT}]}))
        key = self.iam.create_access_key(UserName="self")["AccessKey"]
        mine = client(self.server, "iam", key["AccessKeyId"], key["SecretAccessKey"])
        got = mine.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(got["AccessKeyLastUsed"]["ServiceName"], "iam")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            mine.get_access_key_last_used(AccessKeyId=other_key)
        self.assertIn("user/other", self.assertError(ctx, "AccessDenied", 403))

    def test_last_used_survives_a_restart(self):
        self.iam.create_user(UserName="bob")
        key = self.iam.create_access_key(UserName="bob")["AccessKey"]
        bob = client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
        bob.get_caller_identity()
        # Stopping the node flushes the in-memory record to the store.
        self.server.stop(remove=False)
        self.server.start()
        last = client(self.server).get_access_key_last_used(
            AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual(last["ServiceName"], "sts")
        self.assertIn("LastUsedDate", last)

    def test_uses_are_written_by_the_periodic_flush_not_per_request(self):
        self.iam.create_user(UserName="dan")
        key = self.iam.create_access_key(UserName="dan")["AccessKey"]
        dan = client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
        dan.get_caller_identity()
        # Killed before the (60 s) flush: the use was only in memory, never a store write.
        self.server.kill9()
        self.server.start()
        last = client(self.server).get_access_key_last_used(
            AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual(last, {"ServiceName": "N/A", "Region": "N/A"})
        # With a 1 s flush interval the use reaches the store before the node is killed.
        self.server.stop(remove=False)
        fast = fx.IrsaServer(tls=False, data_dir=self.server.data_dir,
                             store=self.server.store,
                             extra_args=["--key-last-used-flush-seconds", "1"]).start()
        try:
            client(fast, "sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
            time.sleep(3.5)
            fast.kill9()
            fast.start()
            last = client(fast).get_access_key_last_used(
                AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
            self.assertEqual(last["ServiceName"], "sts")
            self.assertIn("LastUsedDate", last)
        finally:
            fast.stop(remove=False)
            self.server.start()

    def test_inactive_key_authenticates_nothing(self):
        self.iam.create_user(UserName="carol")
        self.iam.put_user_policy(UserName="carol", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
        key = self.iam.create_access_key(UserName="carol")["AccessKey"]
        iam = client(self.server, "iam", key["AccessKeyId"], key["SecretAccessKey"])
        sts = client(self.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
        iam.get_user()
        sts.get_caller_identity()
        self.iam.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        for call in (iam.get_user, sts.get_caller_identity, sts.get_session_token):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertError(ctx, "InvalidClientTokenId", 403,
                             "The security token included in the request is invalid.")
        listed = self.iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]
        self.assertEqual(listed[0]["Status"], "Inactive")
        self.iam.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"],
                                   Status="Active")
        self.assertEqual(iam.get_user()["User"]["UserName"], "carol")


class SshPublicKeyTest(KeysCertsTestCase):
    def test_lifecycle(self):
        m = self.m
        m.rsa_key("ssh1")
        pem = m.public_pem("ssh1")
        openssh = m.openssh("ssh1").strip() + " alice@laptop"
        self.iam.create_user(UserName="alice")
        key = self.iam.upload_ssh_public_key(UserName="alice",
                                             SSHPublicKeyBody=openssh)["SSHPublicKey"]
        self.assertRegex(key["SSHPublicKeyId"], r"^APKA[A-Z2-7]{17}$")
        self.assertEqual(key["Fingerprint"], md5_fingerprint(openssh))
        if m.have_ssh_keygen:
            with open(m.path("ssh1.pub"), "w") as f:
                f.write(openssh + "\n")
            shown = run("ssh-keygen", "-l", "-E", "md5", "-f", m.path("ssh1.pub"))
            self.assertIn("MD5:" + key["Fingerprint"], shown)
        self.assertEqual(key["Status"], "Active")
        self.assertEqual(key["UserName"], "alice")
        key_id = key["SSHPublicKeyId"]
        got = self.iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id,
                                          Encoding="SSH")["SSHPublicKey"]
        self.assertEqual(got["SSHPublicKeyBody"], openssh)
        got = self.iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id,
                                          Encoding="PEM")["SSHPublicKey"]
        self.assertEqual(got["SSHPublicKeyBody"].strip(), pem.strip())
        with self.assertRaises(self.iam.exceptions.DuplicateSSHPublicKeyException) as ctx:
            self.iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=pem)
        self.assertError(ctx, "DuplicateSSHPublicKey", 400)
        # PEM uploads: fingerprint of the same blob; reading back as SSH gives the OpenSSH form.
        m.rsa_key("ssh2")
        pem2 = m.public_pem("ssh2")
        second = self.iam.upload_ssh_public_key(UserName="alice",
                                                SSHPublicKeyBody=pem2)["SSHPublicKey"]
        as_ssh = self.iam.get_ssh_public_key(UserName="alice",
                                             SSHPublicKeyId=second["SSHPublicKeyId"],
                                             Encoding="SSH")["SSHPublicKey"]["SSHPublicKeyBody"]
        self.assertEqual(as_ssh.split()[:2], m.openssh("ssh2").split()[:2])
        self.assertEqual(second["Fingerprint"], md5_fingerprint(as_ssh))
        self.iam.update_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id,
                                       Status="Inactive")
        listed = self.iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"]
        self.assertEqual({k["SSHPublicKeyId"]: k["Status"] for k in listed},
                         {key_id: "Inactive", second["SSHPublicKeyId"]: "Active"})
        page = self.iam.list_ssh_public_keys(UserName="alice", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_ssh_public_keys(UserName="alice", Marker=page["Marker"])
        self.assertEqual(len(page["SSHPublicKeys"]) + len(rest["SSHPublicKeys"]), 2)
        self.assertFalse(rest["IsTruncated"])
        # A user holding SSH keys cannot be deleted; a rename carries them.
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as ctx:
            self.iam.delete_user(UserName="alice")
        self.assertError(ctx, "DeleteConflict", 409,
                         "Cannot delete entity, must delete SSH public keys first.")
        self.iam.update_user(UserName="alice", NewUserName="alicia")
        moved = self.iam.list_ssh_public_keys(UserName="alicia")["SSHPublicKeys"]
        self.assertEqual({k["UserName"] for k in moved}, {"alicia"})
        for k in moved:
            self.iam.delete_ssh_public_key(UserName="alicia", SSHPublicKeyId=k["SSHPublicKeyId"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as ctx:
            self.iam.get_ssh_public_key(UserName="alicia", SSHPublicKeyId=key_id, Encoding="SSH")
        self.assertError(ctx, "NoSuchEntity", 404,
                         "The Public Key with id %s cannot be found." % key_id)
        self.iam.delete_user(UserName="alicia")

    def test_refusals_and_quota(self):
        m = self.m
        self.iam.create_user(UserName="bob")
        with self.assertRaises(self.iam.exceptions.UnrecognizedPublicKeyEncodingException) as c:
            self.iam.upload_ssh_public_key(UserName="bob", SSHPublicKeyBody="hello world")
        self.assertError(c, "UnrecognizedPublicKeyEncoding", 400)
        with self.assertRaises(self.iam.exceptions.InvalidPublicKeyException) as c:
            self.iam.upload_ssh_public_key(UserName="bob",
                                           SSHPublicKeyBody="ssh-rsa AAAAB3NzaC1yc2EAAAAD bob")
        self.assertError(c, "InvalidPublicKey", 400)
        m.rsa_key("small", bits=1024)
        m.public_pem("small")
        with self.assertRaises(self.iam.exceptions.InvalidPublicKeyException) as c:
            self.iam.upload_ssh_public_key(UserName="bob", SSHPublicKeyBody=m.openssh("small"))
        self.assertIn("2048", self.assertError(c, "InvalidPublicKey", 400))
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", m.path("ec.key"))
        ec_pem = run("openssl", "pkey", "-in", m.path("ec.key"), "-pubout")
        with self.assertRaises(self.iam.exceptions.InvalidPublicKeyException):
            self.iam.upload_ssh_public_key(UserName="bob", SSHPublicKeyBody=ec_pem)
        m.rsa_key("valid")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.upload_ssh_public_key(UserName="nobody",
                                           SSHPublicKeyBody=m.public_pem("valid"))
        for i in range(5):
            m.rsa_key("q%d" % i)
            self.iam.upload_ssh_public_key(UserName="bob",
                                           SSHPublicKeyBody=m.public_pem("q%d" % i))
        m.rsa_key("q5")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as c:
            self.iam.upload_ssh_public_key(UserName="bob", SSHPublicKeyBody=m.public_pem("q5"))
        self.assertError(c, "LimitExceeded", 409,
                         "Cannot exceed quota for SSHPublicKeysPerUser: 5")
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            self.iam.update_ssh_public_key(UserName="bob", SSHPublicKeyId="APKAAAAAAAAAAAAAAAAAA",
                                           Status="Inactive")
        self.assertError(c, "NoSuchEntity", 404)
        key_id = self.iam.list_ssh_public_keys(
            UserName="bob")["SSHPublicKeys"][0]["SSHPublicKeyId"]
        with self.assertRaises(self.iam.exceptions.InvalidInputException) as c:
            self.iam.update_ssh_public_key(UserName="bob", SSHPublicKeyId=key_id,
                                           Status="Expired")
        self.assertError(c, "InvalidInput", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            self.iam.update_ssh_public_key(UserName="bob", SSHPublicKeyId=key_id, Status="Off")
        self.assertIn("[Active, Inactive, Expired]", self.assertError(c, "ValidationError", 400))
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            self.iam.get_ssh_public_key(UserName="bob", SSHPublicKeyId=key_id, Encoding="DER")
        self.assertIn("[SSH, PEM]", self.assertError(c, "ValidationError", 400))

    def test_upload_with_the_cli(self):
        self.m.rsa_key("cli")
        self.m.public_pem("cli")
        with open(self.m.path("cli.pub"), "w") as f:
            f.write(self.m.openssh("cli"))
        self.iam.create_user(UserName="dev")
        key = self.cli("upload-ssh-public-key", "--user-name", "dev",
                       "--ssh-public-key-body", "file://" + self.m.path("cli.pub"))
        self.assertEqual(key["SSHPublicKey"]["Fingerprint"],
                         md5_fingerprint(self.m.openssh("cli")))
        listed = self.cli("list-ssh-public-keys", "--user-name", "dev")
        self.assertEqual([k["SSHPublicKeyId"] for k in listed["SSHPublicKeys"]],
                         [key["SSHPublicKey"]["SSHPublicKeyId"]])


class SigningCertificateTest(KeysCertsTestCase):
    def test_lifecycle_and_refusals(self):
        m = self.m
        m.rsa_key("sign1")
        cert = m.self_signed("sign1", "alice signing")
        self.iam.create_user(UserName="alice")
        up = self.iam.upload_signing_certificate(UserName="alice",
                                                 CertificateBody=cert)["Certificate"]
        self.assertRegex(up["CertificateId"], r"^[A-Z2-7]{28}$")
        self.assertEqual((up["UserName"], up["Status"]), ("alice", "Active"))
        self.assertEqual(up["CertificateBody"], cert)
        with self.assertRaises(self.iam.exceptions.DuplicateCertificateException) as c:
            self.iam.upload_signing_certificate(UserName="alice", CertificateBody=cert)
        self.assertError(c, "DuplicateCertificate", 409)
        self.iam.create_user(UserName="bob")
        with self.assertRaises(self.iam.exceptions.DuplicateCertificateException):
            self.iam.upload_signing_certificate(UserName="bob", CertificateBody=cert)
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException) as c:
            self.iam.upload_signing_certificate(UserName="alice", CertificateBody="not a cert")
        self.assertError(c, "MalformedCertificate", 400)
        m.rsa_key("old")
        with self.assertRaises(self.iam.exceptions.InvalidCertificateException) as c:
            self.iam.upload_signing_certificate(UserName="alice", CertificateBody=m.expired("old"))
        self.assertError(c, "InvalidCertificate", 400, "The certificate has expired.")
        m.rsa_key("sign2")
        self.iam.upload_signing_certificate(UserName="alice",
                                            CertificateBody=m.self_signed("sign2", "two"))
        m.rsa_key("sign3")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as c:
            self.iam.upload_signing_certificate(UserName="alice",
                                                CertificateBody=m.self_signed("sign3", "three"))
        self.assertError(c, "LimitExceeded", 409,
                         "Cannot exceed quota for SigningCertificatesPerUser: 2")
        self.iam.update_signing_certificate(UserName="alice", CertificateId=up["CertificateId"],
                                            Status="Inactive")
        listed = self.iam.list_signing_certificates(UserName="alice")["Certificates"]
        self.assertEqual(len(listed), 2)
        self.assertEqual({c["CertificateId"]: c["Status"] for c in listed}[up["CertificateId"]],
                         "Inactive")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as c:
            self.iam.delete_user(UserName="alice")
        self.assertError(c, "DeleteConflict", 409,
                         "Cannot delete entity, must delete signing certificates first.")
        for c in listed:
            self.iam.delete_signing_certificate(UserName="alice", CertificateId=c["CertificateId"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as c:
            self.iam.delete_signing_certificate(UserName="alice",
                                                CertificateId=up["CertificateId"])
        self.assertError(c, "NoSuchEntity", 404,
                         "The Certificate with id %s cannot be found." % up["CertificateId"])
        self.iam.delete_user(UserName="alice")
        # Without UserName: the caller's (here the root user's) certificates.
        root = self.iam.upload_signing_certificate(CertificateBody=cert)["Certificate"]
        self.assertEqual(root["UserName"], ACCOUNT)
        self.assertEqual([c["CertificateId"] for c in
                          self.iam.list_signing_certificates()["Certificates"]],
                         [root["CertificateId"]])


class ServerCertificateTest(KeysCertsTestCase):
    def test_lifecycle(self):
        m = self.m
        m.rsa_key("ca")
        ca = m.self_signed("ca", "test CA", days=3650)
        key = m.rsa_key("web")
        body = m.issued("web", "ca", "www.example.com")
        raw = RawCapture(self.iam)
        meta = self.iam.upload_server_certificate(
            ServerCertificateName="web", Path="/cloudfront/", CertificateBody=body,
            PrivateKey=key, CertificateChain=ca,
            Tags=[{"Key": "team", "Value": "edge"}])["ServerCertificateMetadata"]
        self.assertNotIn("PRIVATE KEY", raw.bodies[-1])
        self.assertRegex(meta["ServerCertificateId"], r"^ASCA[A-Z2-7]{17}$")
        self.assertEqual(meta["Arn"],
                         "arn:aws:iam::%s:server-certificate/cloudfront/web" % ACCOUNT)
        expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
        self.assertLess(abs((meta["Expiration"] - expected).total_seconds()), 300)
        got = self.iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
        self.assertEqual(got["CertificateBody"], body)
        self.assertEqual(got["CertificateChain"], ca)
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "edge"}])
        self.assertNotIn("PRIVATE KEY", raw.bodies[-1])
        listed = self.iam.list_server_certificates(
            PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
        self.assertEqual([c["ServerCertificateName"] for c in listed], ["web"])
        self.assertEqual(
            self.iam.list_server_certificates(PathPrefix="/elb/")["ServerCertificateMetadataList"],
            [])
        self.iam.update_server_certificate(ServerCertificateName="web",
                                           NewServerCertificateName="www", NewPath="/elb/")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException) as c:
            self.iam.get_server_certificate(ServerCertificateName="web")
        self.assertError(c, "NoSuchEntity", 404,
                         "The Server Certificate with name web cannot be found.")
        moved = self.iam.get_server_certificate(
            ServerCertificateName="www")["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(moved["Arn"], "arn:aws:iam::%s:server-certificate/elb/www" % ACCOUNT)
        self.assertEqual(moved["ServerCertificateId"], meta["ServerCertificateId"])
        self.iam.tag_server_certificate(ServerCertificateName="www",
                                        Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_server_certificate(ServerCertificateName="www", TagKeys=["team"])
        self.assertEqual(
            self.iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"],
            [{"Key": "env", "Value": "prod"}])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException) as c:
            self.iam.upload_server_certificate(ServerCertificateName="WWW", CertificateBody=body,
                                               PrivateKey=key)
        self.assertError(c, "EntityAlreadyExists", 409,
                         "The Server Certificate with name WWW already exists.")
        self.iam.delete_server_certificate(ServerCertificateName="www")
        self.assertEqual(self.iam.list_server_certificates()["ServerCertificateMetadataList"], [])
        log = self.server.read_log()
        self.assertNotIn(key.splitlines()[1], log)

    def test_refusals(self):
        m = self.m
        key = m.rsa_key("srv")
        body = m.self_signed("srv", "srv.example.com")
        other = m.rsa_key("other")
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException) as c:
            self.iam.upload_server_certificate(ServerCertificateName="x", CertificateBody=body,
                                               PrivateKey=other)
        message = self.assertError(c, "MalformedCertificate", 400)
        self.assertIn("private key did not match", message)
        self.assertNotIn("PRIVATE", message)
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException):
            self.iam.upload_server_certificate(ServerCertificateName="x",
                                               CertificateBody="garbage", PrivateKey=key)
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException):
            self.iam.upload_server_certificate(ServerCertificateName="x", CertificateBody=body,
                                               PrivateKey="-----BEGIN PRIVATE KEY-----\nAAAA\n")
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException):
            self.iam.upload_server_certificate(ServerCertificateName="x", CertificateBody=body,
                                               PrivateKey=key, CertificateChain="not a chain")
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            self.iam.upload_server_certificate(ServerCertificateName="x", CertificateBody=body,
                                               PrivateKey=key + "\u0100")
        message = self.assertError(c, "ValidationError", 400)
        self.assertIn("*** Sensitive Data Redacted ***", message)
        self.assertNotIn(key.splitlines()[1], message)
        with self.assertRaises(self.iam.exceptions.MalformedCertificateException) as c:
            self.iam.upload_server_certificate(ServerCertificateName="x",
                                               CertificateBody=m.expired("srv"), PrivateKey=key)
        self.assertError(c, "MalformedCertificate", 400, "The certificate has expired.")
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            self.iam.upload_server_certificate(
                ServerCertificateName="x", CertificateBody=body, PrivateKey=key,
                Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)])
        self.assertIn("Member must have length less than or equal to 50",
                      self.assertError(c, "ValidationError", 400))
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.delete_server_certificate(ServerCertificateName="x")
        # Authorization names the certificate's ARN with its tags.
        self.iam.upload_server_certificate(ServerCertificateName="blue", CertificateBody=body,
                                           PrivateKey=key, Tags=[{"Key": "team", "Value": "b"}])
        self.iam.create_user(UserName="ops")
        self.iam.put_user_policy(UserName="ops", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetServerCertificate", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "b"}}}]}))
        ops = self.user_client("ops")
        ops.get_server_certificate(ServerCertificateName="blue")
        with self.assertRaises(botocore.exceptions.ClientError) as c:
            ops.delete_server_certificate(ServerCertificateName="blue")
        self.assertError(c, "AccessDenied", 403)

    def test_quota(self):
        m = self.m
        key = m.rsa_key("many")
        body = m.self_signed("many", "many")
        for i in range(20):
            self.iam.upload_server_certificate(ServerCertificateName="c%02d" % i,
                                               CertificateBody=body, PrivateKey=key)
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as c:
            self.iam.upload_server_certificate(ServerCertificateName="c20",
                                               CertificateBody=body, PrivateKey=key)
        self.assertError(c, "LimitExceeded", 409,
                         "Cannot exceed quota for ServerCertificatesPerAccount: 20")
        pages = list(self.iam.get_paginator("list_server_certificates").paginate(
            PaginationConfig={"PageSize": 7}))
        self.assertEqual(len(pages), 3)
        names = [c["ServerCertificateName"] for p in pages
                 for c in p["ServerCertificateMetadataList"]]
        self.assertEqual(names, ["c%02d" % i for i in range(20)])


class ServiceSpecificCredentialTest(KeysCertsTestCase):
    def test_lifecycle(self):
        self.iam.create_user(UserName="git")
        created = self.iam.create_service_specific_credential(
            UserName="git", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
        self.assertRegex(created["ServiceSpecificCredentialId"], r"^ACCA[A-Z2-7]{17}$")
        self.assertEqual(created["ServiceUserName"], "git-at-%s" % ACCOUNT)
        self.assertEqual(len(base64.b64decode(created["ServicePassword"])), 32)
        self.assertEqual(created["Status"], "Active")
        cred_id = created["ServiceSpecificCredentialId"]
        self.iam.create_service_specific_credential(UserName="git",
                                                    ServiceName="codecommit.amazonaws.com")
        with self.assertRaises(self.iam.exceptions.LimitExceededException) as c:
            self.iam.create_service_specific_credential(UserName="git",
                                                        ServiceName="codecommit.amazonaws.com")
        self.assertError(c, "LimitExceeded", 409,
                         "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
        # The quota is per service.
        self.iam.create_service_specific_credential(UserName="git",
                                                    ServiceName="cassandra.amazonaws.com")
        with self.assertRaises(self.iam.exceptions.ServiceNotSupportedException) as c:
            self.iam.create_service_specific_credential(UserName="git",
                                                        ServiceName="ec2.amazonaws.com")
        self.assertError(c, "NotSupportedService", 404)
        with self.assertRaises(self.iam.exceptions.InvalidInputException):
            self.iam.create_service_specific_credential(
                UserName="git", ServiceName="cassandra.amazonaws.com", CredentialAgeDays=30)
        raw = RawCapture(self.iam)
        listed = self.iam.list_service_specific_credentials(
            UserName="git")["ServiceSpecificCredentials"]
        self.assertEqual(len(listed), 3)
        self.assertNotIn("ServicePassword", raw.bodies[-1])
        only = self.iam.list_service_specific_credentials(
            UserName="git", ServiceName="cassandra.amazonaws.com")["ServiceSpecificCredentials"]
        self.assertEqual([c["ServiceName"] for c in only], ["cassandra.amazonaws.com"])
        self.iam.create_user(UserName="db")
        self.iam.create_service_specific_credential(UserName="db",
                                                    ServiceName="cassandra.amazonaws.com")
        everyone = self.iam.list_service_specific_credentials(
            AllUsers=True)["ServiceSpecificCredentials"]
        self.assertEqual(sorted(c["UserName"] for c in everyone), ["db", "git", "git", "git"])
        page = self.iam.list_service_specific_credentials(AllUsers=True, MaxItems=3)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_service_specific_credentials(AllUsers=True, Marker=page["Marker"])
        self.assertEqual(len(page["ServiceSpecificCredentials"]) +
                         len(rest["ServiceSpecificCredentials"]), 4)
        self.iam.delete_service_specific_credential(
            UserName="db",
            ServiceSpecificCredentialId=self.iam.list_service_specific_credentials(
                UserName="db")["ServiceSpecificCredentials"][0]["ServiceSpecificCredentialId"])
        reset = self.iam.reset_service_specific_credential(
            UserName="git", ServiceSpecificCredentialId=cred_id)["ServiceSpecificCredential"]
        self.assertNotEqual(reset["ServicePassword"], created["ServicePassword"])
        self.iam.update_service_specific_credential(UserName="git",
                                                    ServiceSpecificCredentialId=cred_id,
                                                    Status="Inactive")
        statuses = {c["ServiceSpecificCredentialId"]: c["Status"] for c in
                    self.iam.list_service_specific_credentials(
                        UserName="git")["ServiceSpecificCredentials"]}
        self.assertEqual(statuses[cred_id], "Inactive")
        with self.assertRaises(self.iam.exceptions.DeleteConflictException) as c:
            self.iam.delete_user(UserName="git")
        self.assertError(c, "DeleteConflict", 409,
                         "Cannot delete entity, must delete service specific credentials first.")
        for cred in self.iam.list_service_specific_credentials(
                UserName="git")["ServiceSpecificCredentials"]:
            self.iam.delete_service_specific_credential(
                UserName="git", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"])
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.delete_service_specific_credential(UserName="git",
                                                        ServiceSpecificCredentialId=cred_id)
        self.iam.delete_user(UserName="git")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.create_service_specific_credential(UserName="git",
                                                        ServiceName="codecommit.amazonaws.com")


if __name__ == "__main__":
    import unittest
    unittest.main()
