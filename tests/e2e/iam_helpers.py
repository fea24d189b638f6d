"""Shared pieces of the IAM end-to-end suites (test_iam_*.py): boto3 clients against a real
`irsa serve`, error assertions, and a raw-response capture."""
import json
import unittest
import xml.etree.ElementTree as ET

import boto3
from botocore.config import Config

import irsa_fixture as fx

ACCOUNT = fx.ACCOUNT_ID


def client(server, service="iam", key_id=fx.ADMIN_KEY_ID, secret=fx.ADMIN_SECRET, token=None,
           validate=True):
    return boto3.client(service, endpoint_url=server.http, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token,
                        config=Config(retries={"max_attempts": 1},
                                      parameter_validation=validate))


def policy_doc(action, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


class RawCapture:
    """Records the raw XML body of every response of `iam` (botocore's before-parse event)."""

    def __init__(self, iam):
        self.bodies = []
        iam.meta.events.register("before-parse.*.*", self._capture)

    def _capture(self, response_dict=None, **_):
        self.bodies.append(response_dict["body"].decode("utf-8"))

    def element(self, name):
        root = ET.fromstring(self.bodies[-1])
        node = root.find(".//{*}" + name)
        return None if node is None else (node.text or "")


class IamTestCase(unittest.TestCase):
    """One server per test class, reset before each test; self.iam is an admin client."""

    @classmethod
    def setUpClass(cls):
        cls.server = fx.IrsaServer(tls=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.iam = client(self.server)

    def assertError(self, ctx, code, status, message=None):
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(err["Message"], message)
        return err["Message"]

    def user_client(self, user_name, service="iam"):
        """A client signing as a new access key of `user_name`."""
        key = self.iam.create_access_key(UserName=user_name)["AccessKey"]
        return client(self.server, service, key["AccessKeyId"], key["SecretAccessKey"])
