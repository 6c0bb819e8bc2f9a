// test_vcpu.h - test helper: a config parsed from up to two NAME=VALUE entries and one vCPU of it.
#pragma once

#include <gtest/gtest.h>

#include <cstring>

#include "wfisleep/wfisleep.h"

namespace wfisleep::test {

// Owns both; the vCPU's grace counts from created_ns.
struct TestVcpu {
    explicit TestVcpu(const char *a, const char *b = nullptr, uint64_t created_ns = 0) {
        const char *vars[] = {a, b, nullptr};
        EXPECT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
        v = wfisleep_vcpu_new(cfg, created_ns);
    }
    ~TestVcpu() {
        wfisleep_vcpu_free(v);
        wfisleep_config_free(cfg);
    }
    TestVcpu(const TestVcpu &) = delete;
    TestVcpu &operator=(const TestVcpu &) = delete;

    wfisleep_stats stats() const {
        wfisleep_stats s;
        memset(&s, 0, sizeof s);
        s.size = sizeof s;
        wfisleep_vcpu_stats(v, &s);
        return s;
    }
    wfisleep_config *cfg = nullptr;
    wfisleep_vcpu *v = nullptr;
};

}  // namespace wfisleep::test
