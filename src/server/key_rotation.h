// The background job that rotates hosted clusters' signing keys when `irsa serve
// --key-rotation-seconds N` asks for it: every `period` it calls ClusterRegistry::RotateDueKeys
// (which rotates keys older than N and drops retired keys past their publication window) and
// logs what it did.
//
// Thread-safety: Start and Stop are called by the thread that owns the job; Stop joins the
// worker and is idempotent. The registry must outlive the job.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "oidc/clusters.h"

namespace irsa::server {

class KeyRotationJob {
 public:
  KeyRotationJob(oidc::ClusterRegistry& clusters, std::chrono::seconds period)
      : clusters_(clusters), period_(period) {}
  ~KeyRotationJob() { Stop(); }
  KeyRotationJob(const KeyRotationJob&) = delete;
  KeyRotationJob& operator=(const KeyRotationJob&) = delete;

  void Start();
  void Stop();

 private:
  oidc::ClusterRegistry& clusters_;
  const std::chrono::seconds period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread worker_;
};

}  // namespace irsa::server
