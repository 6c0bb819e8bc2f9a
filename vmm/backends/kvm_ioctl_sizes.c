/* kvm_ioctl_sizes.c - KVM ioctl numbers whose size field C++ gets wrong.
 *
 * linux/kvm.h (Debian 12) declares flexible arrays through an empty struct,
 * which has size 0 in C but 1 in C++; the ioctl numbers built from those
 * structs differ in C++ and the kernel rejects them (EINVAL). Compiled as C,
 * these are the kernel's numbers. See docs/testbed.md. */
#include "kvm_ioctl_sizes.h"

#include <linux/kvm.h>

const unsigned long wfis_kvm_get_supported_cpuid = KVM_GET_SUPPORTED_CPUID;
const unsigned long wfis_kvm_set_cpuid2 = KVM_SET_CPUID2;
const unsigned long wfis_kvm_get_msrs = KVM_GET_MSRS;
const unsigned long wfis_kvm_set_msrs = KVM_SET_MSRS;
const unsigned long wfis_kvm_set_signal_mask = KVM_SET_SIGNAL_MASK;
const unsigned long wfis_sizeof_kvm_cpuid2 = sizeof(struct kvm_cpuid2);
const unsigned long wfis_sizeof_kvm_msrs = sizeof(struct kvm_msrs);
const unsigned long wfis_sizeof_kvm_signal_mask = sizeof(struct kvm_signal_mask);
