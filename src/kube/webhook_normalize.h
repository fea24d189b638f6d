// Reproduces the normalisation a Go program applies when it decodes a Kubernetes container into
// k8s.io/api/core/v1.Container (v0.36) and encodes it again — what the upstream
// amazon-eks-pod-identity-webhook does to every container it returns in its patch.
//
// Reproduced for the Go types listed below (the ones a webhook-mutated container almost always
// carries): Container, EnvVar, VolumeMount, ResourceRequirements, ContainerPort, Probe (with its
// inline ProbeHandler) and GRPCAction:
//   * known fields are emitted in Go struct declaration order;
//   * `omitempty` fields are dropped when null or zero ("" / false / 0 / empty array / empty map);
//     fields without it are always emitted with their zero value (Container.name → "",
//     VolumeMount.mountPath → "", GRPCAction.service → null, ContainerPort.containerPort → 0);
//   * non-pointer structs are always emitted (Container.resources → {} when absent);
//   * pointer fields are dropped only when null (`"securityContext": {}` stays);
//   * map fields (resources.limits / requests) are emitted with sorted keys.
// Deliberate differences from Go (documented in docs/webhook.md):
//   * unknown fields are kept (after the known ones, in their original order) instead of dropped;
//   * values of other types (securityContext, lifecycle, valueFrom, …) are copied verbatim;
//   * resource quantities are not canonicalised ("0.5" stays "0.5"; kube-apiserver
//     canonicalises them on admission anyway);
//   * keys match case-sensitively (Go's decoder also accepts "Name" for "name").
// A value of the wrong JSON type for a typed field (Go's "cannot unmarshal" error) is an
// InvalidInput error naming the field. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.h"

namespace irsa::kube {

// Normalises one element of spec.containers / spec.initContainers.
Result<boost::json::object> NormalizeGoContainer(const boost::json::value& container);

}  // namespace irsa::kube
