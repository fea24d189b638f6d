// The JavaScript SDK v3 S3 client (npm @aws-sdk/client-s3), default credential chain and
// AWS_ENDPOINT_URL_S3: runs the S3 calls named on the command line against BUCKET (object key
// $JS_S3_KEY, default js/v3.txt) and prints one JSON object with each call's result or error code.
//   node js_v3_s3.cjs BUCKET create put get list head delete
const {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command,
  HeadObjectCommand, DeleteObjectCommand,
} = require("@aws-sdk/client-s3");

const [bucket, ...calls] = process.argv.slice(2);
const s3 = new S3Client({ forcePathStyle: true });
const key = process.env.JS_S3_KEY || "js/v3.txt";
const steps = {
  create: () => s3.send(new CreateBucketCommand({ Bucket: bucket })).then(() => "ok"),
  put: () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "from js v3" }))
      .then((out) => out.ETag),
  get: () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      .then((out) => out.Body.transformToString()),
  list: () => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key.split("/")[0] }))
      .then((out) => (out.Contents || []).map((o) => o.Key)),
  head: () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then((out) => out.ETag),
  delete: () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).then(() => "ok"),
};

(async () => {
  const out = {};
  for (const call of calls) {
    try {
      out[call] = await steps[call]();
    } catch (err) {
      out[call] = err.name || err.Code || String(err);
      console.error(call + ": " + (err.name || "") + ": " + err.message);
    }
  }
  console.log(JSON.stringify(out));
})();
