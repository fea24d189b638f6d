// The background job that rotates hosted clusters' signing keys when `irsa serve
// --key-rotation-seconds N` asks for it: every `period` it calls ClusterRegistry::RotateDueKeys
// (which rotates keys older than N and drops retired keys past their publication window) and,
// when given, OutboundIssuers::RotateDueKeys(N) for the account issuers of outbound web identity
// federation, and logs what it did.
//
// Thread-safety: Start and Stop are called by the thread that owns the job; Stop joins the
// worker and is idempotent. The registry must outlive the job.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "oidc/clusters.h"
#include "oidc/outbound_issuers.h"

namespace irsa::server {

class KeyRotationJob {
 public:
  // `outbound` may be null; otherwise it must outlive the job.
  KeyRotationJob(oidc::ClusterRegistry& clusters, std::chrono::seconds period,
                 oidc::OutboundIssuers* outbound = nullptr)
      : clusters_(clusters), period_(period), outbound_(outbound) {}
  ~KeyRotationJob() { Stop(); }
  KeyRotationJob(const KeyRotationJob&) = delete;
  KeyRotationJob& operator=(const KeyRotationJob&) = delete;

  void Start();
  void Stop();

 private:
  oidc::ClusterRegistry& clusters_;
  const std::chrono::seconds period_;
  oidc::OutboundIssuers* outbound_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread worker_;
};

}  // namespace irsa::server
