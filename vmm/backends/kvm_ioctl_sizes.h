/* kvm_ioctl_sizes.h - the kernel's (C-sized) numbers of KVM ioctls that C++ miscomputes; see the .c
 * file. */
#ifndef WFIS_KVM_IOCTL_SIZES_H
#define WFIS_KVM_IOCTL_SIZES_H

#ifdef __cplusplus
extern "C" {
#endif

extern const unsigned long wfis_kvm_get_supported_cpuid;
extern const unsigned long wfis_kvm_set_cpuid2;
extern const unsigned long wfis_kvm_get_msrs;
extern const unsigned long wfis_kvm_set_msrs;
extern const unsigned long wfis_kvm_set_signal_mask;
/* C sizes of the headers in front of the flexible arrays. */
extern const unsigned long wfis_sizeof_kvm_cpuid2;
extern const unsigned long wfis_sizeof_kvm_msrs;
extern const unsigned long wfis_sizeof_kvm_signal_mask;

#ifdef __cplusplus
}
#endif

#endif
