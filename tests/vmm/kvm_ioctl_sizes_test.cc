// kvm_ioctl_sizes_test.cc - the C-sized KVM ioctl numbers differ from what C++ computes from
// linux/kvm.h (struct sizes the kernel headers compute with C rules).
#include "backends/kvm_ioctl_sizes.h"

#include <gtest/gtest.h>
#include <linux/kvm.h>

namespace {

TEST(KvmIoctlSizes, HeadersHaveTheirCSizes) {
    EXPECT_EQ(wfis_sizeof_kvm_cpuid2, 8u);
    EXPECT_EQ(wfis_sizeof_kvm_msrs, 8u);
    EXPECT_EQ(wfis_sizeof_kvm_signal_mask, 4u);
}

TEST(KvmIoctlSizes, NumbersCarryTheCSize) {
    EXPECT_EQ(_IOC_SIZE(wfis_kvm_get_supported_cpuid), 8u);
    EXPECT_EQ(_IOC_SIZE(wfis_kvm_set_cpuid2), 8u);
    EXPECT_EQ(_IOC_SIZE(wfis_kvm_get_msrs), 8u);
    EXPECT_EQ(_IOC_SIZE(wfis_kvm_set_msrs), 8u);
    EXPECT_EQ(_IOC_SIZE(wfis_kvm_set_signal_mask), 4u);
    EXPECT_EQ(_IOC_NR(wfis_kvm_set_cpuid2), _IOC_NR(KVM_SET_CPUID2));
    // Where the C++ compiler sizes the empty flexible-array struct as 1 (g++
    // and clang++ with Debian 12's header), its own numbers are wrong.
    if (sizeof(kvm_cpuid2) != wfis_sizeof_kvm_cpuid2) {
        EXPECT_NE(static_cast<unsigned long>(KVM_SET_CPUID2), wfis_kvm_set_cpuid2);
    }
}

}  // namespace
