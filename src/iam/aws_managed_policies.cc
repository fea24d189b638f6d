#include "iam/aws_managed_policies.h"

#include "base/strings.h"
#include "iam/lookup.h"
#include "iam/records.h"

namespace irsa::iam {
namespace {

// 2015-02-06T18:39:46Z, the creation date AWS reports for its original managed policies.
constexpr int64_t kSeedUnixSeconds = 1423247986;

std::string DerivedPolicyId(const std::string& name) {
  // FNV-1a, extended to 85 bits by hashing twice with different seeds; base32 A-Z2-7.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto fnv = [&](uint64_t seed) {
    uint64_t h = seed;
    for (unsigned char c : name) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    return h;
  };
  uint64_t a = fnv(14695981039346656037ULL);
  uint64_t b = fnv(0x9E3779B97F4A7C15ULL);
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i) {
    uint64_t& src = i < 12 ? a : b;
    id.push_back(kAlphabet[src & 31]);
    src >>= 5;
  }
  return id;
}

}  // namespace

const std::vector<AwsManagedPolicy>& AwsManagedPolicies() {
  static const std::vector<AwsManagedPolicy> kPolicies = {
      {"AdministratorAccess", "/", "Provides full access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
      {"ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudwatch:Describe*","cloudwatch:Get*","cloudwatch:List*","dynamodb:BatchGetItem","dynamodb:Describe*","dynamodb:GetItem","dynamodb:List*","dynamodb:Query","dynamodb:Scan","ec2:Describe*","ec2:Get*","ecr:BatchGetImage","ecr:Describe*","ecr:Get*","ecr:List*","eks:Describe*","eks:List*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","logs:Describe*","logs:Get*","logs:FilterLogEvents","s3:Describe*","s3:Get*","s3:List*","sqs:Get*","sqs:List*","sts:GetCallerIdentity"],"Resource":"*"}]})"},
      {"IAMReadOnlyAccess", "/", "Provides read only access to IAM via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]})"},
      {"AmazonS3ReadOnlyAccess", "/",
       "Provides read only access to all buckets via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]})"},
      {"AmazonS3FullAccess", "/",
       "Provides full access to all buckets via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]})"},
      {"AmazonDynamoDBReadOnlyAccess", "/",
       "Provides read only access to Amazon DynamoDB via the AWS Management Console.", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["application-autoscaling:DescribeScalableTargets","application-autoscaling:DescribeScalingActivities","application-autoscaling:DescribeScalingPolicies","cloudwatch:DescribeAlarmHistory","cloudwatch:DescribeAlarms","cloudwatch:DescribeAlarmsForMetric","cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:GetMetricData","dynamodb:BatchGetItem","dynamodb:Describe*","dynamodb:List*","dynamodb:GetAbacStatus","dynamodb:GetItem","dynamodb:GetResourcePolicy","dynamodb:Query","dynamodb:Scan","dynamodb:PartiQLSelect","iam:GetRole","iam:ListRoles","kms:DescribeKey","kms:ListAliases","sns:ListSubscriptionsByTopic","sns:ListTopics","tag:GetResources"],"Resource":"*"}]})"},
      {"AmazonSQSFullAccess", "/",
       "Provides full access to Amazon SQS via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]})"},
      {"CloudWatchAgentServerPolicy", "/",
       "Permissions required to use AmazonCloudWatchAgent on servers",
       R"({"Version":"2012-10-17","Statement":[{"Sid":"CWACloudWatchServerPermissions","Effect":"Allow","Action":["cloudwatch:PutMetricData","ec2:DescribeVolumes","ec2:DescribeTags","logs:PutLogEvents","logs:PutRetentionPolicy","logs:DescribeLogStreams","logs:DescribeLogGroups","logs:CreateLogStream","logs:CreateLogGroup","xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":"*"},{"Sid":"CWASSMServerPermissions","Effect":"Allow","Action":["ssm:GetParameter"],"Resource":"arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}]})"},
      {"AmazonEKS_CNI_Policy", "/",
       "This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it "
       "requires to modify the IP address configuration on your EKS worker nodes.",
       R"({"Version":"2012-10-17","Statement":[{"Sid":"AmazonEKSCNIPolicy","Effect":"Allow","Action":["ec2:AssignPrivateIpAddresses","ec2:AttachNetworkInterface","ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface","ec2:DescribeInstances","ec2:DescribeTags","ec2:DescribeNetworkInterfaces","ec2:DescribeInstanceTypes","ec2:DescribeSubnets","ec2:DetachNetworkInterface","ec2:ModifyNetworkInterfaceAttribute","ec2:UnassignPrivateIpAddresses"],"Resource":"*"},{"Sid":"AmazonEKSCNIPolicyENITag","Effect":"Allow","Action":["ec2:CreateTags"],"Resource":["arn:aws:ec2:*:*:network-interface/*"]}]})"},
      {"AmazonEC2ContainerRegistryReadOnly", "/",
       "Provides read-only access to Amazon EC2 Container Registry repositories.", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:GetRepositoryPolicy","ecr:DescribeRepositories","ecr:ListImages","ecr:DescribeImages","ecr:BatchGetImage","ecr:GetLifecyclePolicy","ecr:GetLifecyclePolicyPreview","ecr:ListTagsForResource","ecr:DescribeImageScanFindings"],"Resource":"*"}]})"},
  };
  return kPolicies;
}

Status SeedAwsManagedPolicies(const ServiceContext& ctx) {
  const std::string account = kAwsManagedAccount;
  const SystemTime created = FromUnixSeconds(kSeedUnixSeconds);
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    for (const AwsManagedPolicy& seed : AwsManagedPolicies()) {
      IRSA_TRY(auto row, tx.Get({account, kind::kPolicy, "", AsciiLower(seed.name)}));
      if (!row) {
        PolicyRecord policy;
        policy.name = seed.name;
        policy.id = DerivedPolicyId(seed.name);
        policy.path = seed.path;
        policy.arn = PolicyArn(account, seed.path, seed.name);
        policy.description = seed.description;
        policy.created = created;
        policy.updated = created;
        IRSA_RETURN_IF_ERROR(tx.Insert(PolicyRow(account, policy)));
        IRSA_RETURN_IF_ERROR(
            tx.Insert(PolicyVersionRow(account, seed.name, {"v1", seed.document, created})));
        continue;
      }
      IRSA_TRY(PolicyRecord policy, PolicyFromBody(row->body));
      if (policy.description != seed.description) {
        policy.description = seed.description;
        IRSA_RETURN_IF_ERROR(tx.Upsert(PolicyRow(account, policy)));
      }
      IRSA_TRY(auto version, tx.Get({account, kind::kPolicyVersion, AsciiLower(seed.name),
                                     policy.default_version_id}));
      IRSA_TRY(PolicyVersionRecord current,
               version ? PolicyVersionFromBody(version->body)
                       : Result<PolicyVersionRecord>(PolicyVersionRecord{}));
      if (!version || current.document != seed.document) {
        current.version_id = policy.default_version_id;
        current.document = seed.document;
        if (!version) current.created = created;
        IRSA_RETURN_IF_ERROR(tx.Upsert(PolicyVersionRow(account, seed.name, current)));
      }
    }
    return OkStatus();
  });
}

}  // namespace irsa::iam
