// The JavaScript SDK v3 (npm @aws-sdk/client-sts), default credential chain (web identity token
// file): prints the caller's ARN from STS GetCallerIdentity.
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
new STSClient({}).send(new GetCallerIdentityCommand({})).then(
  (out) => console.log(out.Arn),
  (err) => {
    console.error(err.name, err.message);
    process.exit(1);
  });
