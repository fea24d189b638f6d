"""boto3, default credential chain (web identity token file): prints the caller's ARN."""
import boto3

print(boto3.client("sts").get_caller_identity()["Arn"])
