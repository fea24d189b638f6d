// The JavaScript SDK v2 (npm aws-sdk), default credential chain (web identity token file):
// prints the caller's ARN from STS GetCallerIdentity.
const AWS = require("aws-sdk");
new AWS.STS({ region: process.env.AWS_REGION }).getCallerIdentity({}, (err, data) => {
  if (err) {
    console.error(err.code, err.message);
    process.exit(1);
  }
  console.log(data.Arn);
});
