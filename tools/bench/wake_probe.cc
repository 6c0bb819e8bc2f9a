// wake_probe.cc - the probe thread: absolute-deadline sleeps on CLOCK_MONOTONIC.
#include "wake_probe.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

namespace wfisbench {

namespace {

int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until(int64_t t_ns) {
    timespec ts{};
    ts.tv_sec = t_ns / 1'000'000'000;
    ts.tv_nsec = t_ns % 1'000'000'000;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
}

}  // namespace

WakeProbe::~WakeProbe() {
    if (thread_.joinable()) stop();
}

void WakeProbe::start() {
    stop_ = false;
    oversleep_ns_.clear();
    thread_ = std::thread([this] { loop(); });
}

ProbeStats WakeProbe::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return probe_stats(std::move(oversleep_ns_), realtime_);
}

void WakeProbe::loop() {
    // Real-time priority: a sleeper the VM's own runnable threads cannot
    // delay, so what is left is the host's wake-up path (and the one below
    // it on a nested host). The default 50 us timer slack would be noise.
    sched_param sp{};
    sp.sched_priority = 1;
    realtime_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    int64_t next = now_ns() + kProbePeriodNs;
    while (!stop_.load(std::memory_order_relaxed)) {
        sleep_until(next);                             // the rest of the period, not measured
        const int64_t due = now_ns() + kProbeSleepNs;  // a fixed 1 ms from here
        sleep_until(due);
        oversleep_ns_.push_back(now_ns() - due);
        next += kProbePeriodNs;
        const int64_t t = now_ns();
        if (next < t) next = t + kProbePeriodNs - (t - next) % kProbePeriodNs;  // skip, not replay
    }
}

}  // namespace wfisbench
