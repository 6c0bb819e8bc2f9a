// watchdog.h - shared by the stress suites: aborts a stress test with a message when its progress
// counter stops moving.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace wfisleep_test {

// A lost kick leaves a thread blocked forever; the watchdog turns that hang
// into a failure that names what stalled, well before the ctest timeout.
class Watchdog {
  public:
    Watchdog(const std::atomic<uint64_t> &progress, const char *what,
             std::chrono::seconds limit = std::chrono::seconds(20))
        : thread_([this, &progress, what, limit] {
              uint64_t last = progress.load();
              auto changed = std::chrono::steady_clock::now();
              while (!stop_.load()) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(20));
                  const uint64_t now = progress.load();
                  if (now != last) {
                      last = now;
                      changed = std::chrono::steady_clock::now();
                  } else if (std::chrono::steady_clock::now() - changed > limit) {
                      std::fprintf(stderr,
                                   "watchdog: %s made no progress for %lld s (stuck at %llu): "
                                   "a wait missed its kick\n",
                                   what, static_cast<long long>(limit.count()),
                                   static_cast<unsigned long long>(now));
                      std::abort();
                  }
              }
          }) {}
    ~Watchdog() {
        stop_.store(true);
        thread_.join();
    }
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

  private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace wfisleep_test
