// irq_state_test.cc - the kick patterns: which raises kick the governor (kicks=vector|qemu).
#include "irq_state.h"

#include <gtest/gtest.h>

#include "wfis_guest_abi.h"

namespace wfisvm {
namespace {

// Counts kicks; never waits.
class CountingGovernor final : public Governor {
  public:
    void idle(bool, uint64_t) override {}
    void kick() override { ++kicks; }
    wfisleep_stats stats() const override { return wfisleep_stats{}; }
    int kicks = 0;
};

TEST(IrqStateKicks, VectorPatternKicksOnlyANewlyPendingVector) {
    CountingGovernor gov;
    IrqState irq;
    irq.attach(nullptr, &gov, KickPattern::kVector);
    irq.raise(WFIS_VEC_DEVICE);
    irq.raise(WFIS_VEC_DEVICE);  // still pending: no kick
    EXPECT_EQ(gov.kicks, 1);
    const uint64_t gen = irq.generation();
    uint8_t v = 0;
    ASSERT_TRUE(irq.take(&v));
    EXPECT_EQ(v, WFIS_VEC_DEVICE);
    irq.raise(WFIS_VEC_DEVICE);  // newly pending again
    EXPECT_EQ(gov.kicks, 2);
    EXPECT_EQ(irq.generation(), gen + 1);
}

TEST(IrqStateKicks, QemuPatternKicksOnEveryDeviceInterruptButForcesNoExtraExit) {
    CountingGovernor gov;
    IrqState irq;
    irq.attach(nullptr, &gov, KickPattern::kQemu);
    irq.raise(WFIS_VEC_DEVICE);
    const uint64_t gen = irq.generation();
    irq.raise(WFIS_VEC_DEVICE);  // pending already: the wake word is set anyway
    irq.raise(WFIS_VEC_DEVICE);
    EXPECT_EQ(gov.kicks, 3);
    // The generation (what makes a running vCPU exit and deliver) moves
    // only for the newly pending vector.
    EXPECT_EQ(irq.generation(), gen);
}

TEST(IrqStateKicks, QemuPatternExcludesTimerVectors) {
    CountingGovernor gov;
    IrqState irq;
    irq.attach(nullptr, &gov, KickPattern::kQemu);
    irq.raise(WFIS_VEC_TIMER);
    irq.raise(WFIS_VEC_TIMER);
    EXPECT_EQ(gov.kicks, 1);
    irq.raise_local(WFIS_VEC_TIMER);
    EXPECT_EQ(gov.kicks, 1);
}

}  // namespace
}  // namespace wfisvm
