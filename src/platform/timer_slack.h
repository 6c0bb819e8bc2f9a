// timer_slack.h - asks the platform to wake the calling thread's sleeps on time.
#pragma once

namespace wfisleep::platform {

// Lowers the calling thread's timer slack as far as the platform allows, once
// per thread (later calls are a no-op). Used by the adaptive policy, whose
// sleep ends a learned time before the guest deadline.
void lower_timer_slack_once() noexcept;

}  // namespace wfisleep::platform
