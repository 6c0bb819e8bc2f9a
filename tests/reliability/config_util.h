// config_util.h - RAII config/vCPU handles for the reliability tests (C ABI only).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "wfisleep/wfisleep.h"

namespace wfisleep_rel {

struct ConfigDeleter {
    void operator()(wfisleep_config *c) const noexcept { wfisleep_config_free(c); }
};
struct VcpuDeleter {
    void operator()(wfisleep_vcpu *v) const noexcept { wfisleep_vcpu_free(v); }
};
using ConfigPtr = std::unique_ptr<wfisleep_config, ConfigDeleter>;
using VcpuPtr = std::unique_ptr<wfisleep_vcpu, VcpuDeleter>;

// Parses NAME=VALUE entries; fails the test on any error. Log lines are
// swallowed so stress output stays readable.
inline ConfigPtr make_config(std::initializer_list<const char *> entries) {
    wfisleep_set_log([](void *, const char *) {}, nullptr);
    std::vector<const char *> vars(entries);
    vars.push_back(nullptr);
    wfisleep_config *cfg = nullptr;
    char err[256] = {};
    const int rc = wfisleep_config_parse(&cfg, vars.data(), err, sizeof err);
    wfisleep_set_log(nullptr, nullptr);
    EXPECT_EQ(rc, 0) << err;
    return ConfigPtr(cfg);
}

inline wfisleep_stats stats_of(const wfisleep_vcpu *v) {
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    return s;
}

}  // namespace wfisleep_rel
