// `irsa create iamserviceaccount`, modelled on `eksctl create iamserviceaccount`
// (../shared/reference/irsa-wire-spec.md §6), without CloudFormation: it works on the data
// directory directly (IAM service functions, and the cluster's Kubernetes API in process).
//
//   irsa create iamserviceaccount --name N [--namespace NS] --cluster C [--role-name R]
//       [--attach-policy-arn ARN]... [--role-only] [--override-existing-serviceaccounts]
//       [--approve] [--data-dir D]
//
// Without --approve it prints the plan and changes nothing. With it, in order:
//   1. the IAM OIDC provider of the cluster's issuer, as `irsa utils associate-iam-oidc-provider`
//      makes it (eks/oidc_provider_association.h): created, or reused (the client id
//      sts.amazonaws.com is added when missing);
//   2. the role (default name eksctl-<cluster>-addon-iamserviceaccount-<ns>-<name>, at most 64
//      characters): created with eksctl's trust policy (StringEquals on <issuer-host-path>:sub =
//      system:serviceaccount:<ns>:<name> and :aud = sts.amazonaws.com), or, if a role of that name
//      exists, reused as it is (trust policy and settings unchanged; a warning when its trust
//      policy does not name this provider and subject);
//   3. the policies attached (idempotent; every ARN is checked before anything changes);
//   4. unless --role-only: the namespace created if missing; the ServiceAccount created with
//      annotation eks.amazonaws.com/role-arn and label app.kubernetes.io/managed-by=eksctl, or,
//      if it exists, left alone (with a message) unless --override-existing-serviceaccounts,
//      which merges that annotation and label into it.
// Every step prints what it created, reused, updated or left alone. Rerunning is safe.
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

// Adds `create` (if absent) and `create iamserviceaccount`.
void AddCreateIamServiceAccountCommand(CLI::App& app);

}  // namespace irsa::cli
