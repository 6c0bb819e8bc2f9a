// qemu11_main_loop_test.cc - the qemu11 model's one main loop serves every vCPU: each halt ends at
// its own deadline rounded up to whole milliseconds (in ns with ppoll), a disarmed timer kicks
// nobody.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "governors/qemu11_model.h"

namespace wfisvm {
namespace {

// What this shared machine may add by itself.
constexpr uint64_t kHostSlopNs = 15'000'000;

TEST(Qemu11MainLoop, OneLoopForEveryVcpu) {
    Qemu11Governor a(wfisleep_now_ns()), b(wfisleep_now_ns());
    EXPECT_EQ(a.main_loop(), b.main_loop());
    EXPECT_NE(a.main_loop(), nullptr);
}

TEST(Qemu11MainLoop, EachHaltEndsAtItsOwnDeadlineRoundedUpToMs) {
    // Three vCPUs halt at once with deadlines 3, 6 and 9 ms ahead: the one
    // loop fires each no earlier than its deadline and within the ms rounding.
    // That the 3 ms halt returns before the 9 ms one is checked over up to
    // three attempts: a loaded host can delay one thread's return past
    // another's now and then, a loop that held every halt to the last
    // deadline would fail every attempt.
    bool ordered = false;
    for (int attempt = 0; attempt < 3 && !ordered; attempt++) {
        std::vector<std::unique_ptr<Qemu11Governor>> govs;
        for (int i = 0; i < 3; i++)
            govs.push_back(std::make_unique<Qemu11Governor>(wfisleep_now_ns()));
        std::vector<uint64_t> took(3);
        std::vector<std::thread> vcpus;
        const uint64_t t0 = wfisleep_now_ns();
        for (int i = 0; i < 3; i++) {
            vcpus.emplace_back([&, i] {
                const uint64_t length = 3'000'000 * static_cast<uint64_t>(i + 1);
                govs[i]->idle(false, t0 + length);
                took[i] = wfisleep_now_ns() - t0;
            });
        }
        for (auto &t : vcpus) t.join();
        for (int i = 0; i < 3; i++) {
            const uint64_t length = 3'000'000 * static_cast<uint64_t>(i + 1);
            EXPECT_GE(took[i], length) << i;
            EXPECT_LE(took[i], length + 1'000'000 + kHostSlopNs) << i;
        }
        ordered = took[0] < took[2];
    }
    EXPECT_TRUE(ordered) << "the 3 ms halt never returned before the 9 ms one";
}

TEST(Qemu11MainLoop, WithPpollTheLoopWaitsInNanosecondsNotWholeMilliseconds) {
    Qemu11Governor ms(wfisleep_now_ns()), ns(wfisleep_now_ns(), true);
    EXPECT_NE(ms.main_loop(), ns.main_loop()) << "each kind of main loop is its own thread";
    // A halt 1.5 ms ahead: without ppoll the loop's poll is rounded up to
    // whole milliseconds (2 ms from an arm within the first 0.5 ms); with
    // ppoll it ends near the deadline. Neither ever ends before it. A loop
    // thread that runs late polls after the deadline has passed and fires
    // at once, so the difference is required in one of five tries, not all.
    constexpr uint64_t kAhead = 1'500'000, kRounded = 1'900'000;
    bool told_apart = false;
    for (int attempt = 0; attempt < 5 && !told_apart; attempt++) {
        uint64_t t0 = wfisleep_now_ns();
        ms.idle(false, t0 + kAhead);
        const uint64_t took_ms = wfisleep_now_ns() - t0;
        t0 = wfisleep_now_ns();
        ns.idle(false, t0 + kAhead);
        const uint64_t took_ns = wfisleep_now_ns() - t0;
        EXPECT_GE(took_ms, kAhead) << "no ppoll: never before the deadline";
        EXPECT_GE(took_ns, kAhead) << "ppoll: never before the deadline";
        told_apart = took_ms >= kRounded && took_ns < kRounded;
    }
    EXPECT_TRUE(told_apart) << "in five tries no halt showed the ms loop rounding up while the "
                               "ppoll loop did not";
}

TEST(Qemu11MainLoop, AHaltEndedByAKickLeavesNoTimerBehind) {
    Qemu11Governor g(wfisleep_now_ns());
    std::thread kicker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        g.kick();
    });
    g.idle(false, wfisleep_now_ns() + 20'000'000);  // the kick ends it; 20 ms timer disarmed
    kicker.join();
    // A later halt without a deadline is not ended by the old timer.
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
        g.kick();
    });
    const uint64_t t0 = wfisleep_now_ns();
    g.idle(false, WFISLEEP_NO_DEADLINE);
    EXPECT_GE(wfisleep_now_ns() - t0, 50'000'000u) << "a disarmed timer ended a later halt";
    late.join();
}

}  // namespace
}  // namespace wfisvm
