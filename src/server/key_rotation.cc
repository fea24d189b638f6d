#include "server/key_rotation.h"

#include <string>

#include "base/log.h"

namespace irsa::server {

void KeyRotationJob::Start() {
  if (worker_.joinable()) return;
  worker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      Result<int> rotated = clusters_.RotateDueKeys();
      if (!rotated.ok()) {
        log::Error("scheduled key rotation failed", {{"error", rotated.error().message()}});
      } else if (*rotated > 0) {
        log::Info("rotated cluster signing keys", {{"clusters", std::to_string(*rotated)}});
      }
      if (outbound_ != nullptr) {
        Result<int> accounts =
            outbound_->RotateDueKeys(clusters_.options().rotation_period_seconds);
        if (!accounts.ok()) {
          log::Error("scheduled outbound issuer key rotation failed",
                     {{"error", accounts.error().message()}});
        } else if (*accounts > 0) {
          log::Info("rotated outbound issuer signing keys",
                    {{"accounts", std::to_string(*accounts)}});
        }
      }
      lock.lock();
    }
  });
}

void KeyRotationJob::Stop() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

}  // namespace irsa::server
