/* SPDX-License-Identifier: MIT */
/* Hypervisor.h - declaration-only shim of Apple's Hypervisor.framework (arm64 API) for syntax checks on Linux.
 *
 * Written for wfisleep's QEMU check from public API references (Apple's
 * Hypervisor documentation; the arm64 types and prototypes as documented by
 * the Rust binding crates ahv, applevisor-sys, hv). It declares what QEMU's
 * hvf code (target/arm/hvf, accel/hvf) uses: nothing here is implemented or
 * linkable. Enumerator values follow the public API where it is documented
 * (system registers use the architectural encoding
 * op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, which QEMU 10.2 verifies at
 * compile time); where a value is not observable by QEMU it is only
 * distinct.
 */
#ifndef WFISLEEP_SHIM_HYPERVISOR_H
#define WFISLEEP_SHIM_HYPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <os/object.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- return codes (mach_error_t style) ---------------------------------- */
typedef int32_t hv_return_t;
enum {
    HV_SUCCESS = 0,
    HV_ERROR = (int32_t)0xfae94001,
    HV_BUSY = (int32_t)0xfae94002,
    HV_BAD_ARGUMENT = (int32_t)0xfae94003,
    HV_ILLEGAL_GUEST_STATE = (int32_t)0xfae94004,
    HV_NO_RESOURCES = (int32_t)0xfae94005,
    HV_NO_DEVICE = (int32_t)0xfae94006,
    HV_DENIED = (int32_t)0xfae94007,
    HV_EXISTS = (int32_t)0xfae94008,
    HV_UNSUPPORTED = (int32_t)0xfae9400f,
};

/* ---- basic types ---------------------------------------------------------- */
typedef uint64_t hv_vcpu_t;
typedef uint64_t hv_ipa_t;
typedef uint64_t hv_exception_syndrome_t;
typedef uint64_t hv_exception_address_t;

/* Configuration objects are OS objects released with os_release(). */
typedef struct hv_vm_config_s *hv_vm_config_t;
typedef struct hv_vcpu_config_s *hv_vcpu_config_t;

typedef uint64_t hv_memory_flags_t;
#define HV_MEMORY_READ (1ULL << 0)
#define HV_MEMORY_WRITE (1ULL << 1)
#define HV_MEMORY_EXEC (1ULL << 2)

/* ---- exits ----------------------------------------------------------------- */
typedef uint32_t hv_exit_reason_t;
enum {
    HV_EXIT_REASON_CANCELED = 0,
    HV_EXIT_REASON_EXCEPTION = 1,
    HV_EXIT_REASON_VTIMER_ACTIVATED = 2,
    HV_EXIT_REASON_UNKNOWN = 3,
};

typedef struct hv_vcpu_exit_exception_t {
    hv_exception_syndrome_t syndrome;       /* ESR_EL2 */
    hv_exception_address_t virtual_address; /* FAR_EL2 */
    hv_ipa_t physical_address;              /* faulting IPA */
} hv_vcpu_exit_exception_t;

typedef struct hv_vcpu_exit_t {
    hv_exit_reason_t reason;
    hv_vcpu_exit_exception_t exception;
} hv_vcpu_exit_t;

/* ---- interrupts ------------------------------------------------------------ */
typedef uint32_t hv_interrupt_type_t;
enum {
    HV_INTERRUPT_TYPE_IRQ = 0,
    HV_INTERRUPT_TYPE_FIQ = 1,
};

/* ---- general purpose registers ---------------------------------------------- */
typedef uint32_t hv_reg_t;
enum {
    HV_REG_X0, HV_REG_X1, HV_REG_X2, HV_REG_X3, HV_REG_X4, HV_REG_X5, HV_REG_X6,
    HV_REG_X7, HV_REG_X8, HV_REG_X9, HV_REG_X10, HV_REG_X11, HV_REG_X12,
    HV_REG_X13, HV_REG_X14, HV_REG_X15, HV_REG_X16, HV_REG_X17, HV_REG_X18,
    HV_REG_X19, HV_REG_X20, HV_REG_X21, HV_REG_X22, HV_REG_X23, HV_REG_X24,
    HV_REG_X25, HV_REG_X26, HV_REG_X27, HV_REG_X28, HV_REG_X29, HV_REG_X30,
    HV_REG_PC,   /* 31 */
    HV_REG_FPCR, /* 32 */
    HV_REG_FPSR, /* 33 */
    HV_REG_CPSR, /* 34 */
    HV_REG_FP = HV_REG_X29,
    HV_REG_LR = HV_REG_X30,
};

/* ---- SIMD & FP registers ---------------------------------------------------- */
typedef uint32_t hv_simd_fp_reg_t;
enum {
    HV_SIMD_FP_REG_Q0, HV_SIMD_FP_REG_Q1, HV_SIMD_FP_REG_Q2, HV_SIMD_FP_REG_Q3,
    HV_SIMD_FP_REG_Q4, HV_SIMD_FP_REG_Q5, HV_SIMD_FP_REG_Q6, HV_SIMD_FP_REG_Q7,
    HV_SIMD_FP_REG_Q8, HV_SIMD_FP_REG_Q9, HV_SIMD_FP_REG_Q10, HV_SIMD_FP_REG_Q11,
    HV_SIMD_FP_REG_Q12, HV_SIMD_FP_REG_Q13, HV_SIMD_FP_REG_Q14, HV_SIMD_FP_REG_Q15,
    HV_SIMD_FP_REG_Q16, HV_SIMD_FP_REG_Q17, HV_SIMD_FP_REG_Q18, HV_SIMD_FP_REG_Q19,
    HV_SIMD_FP_REG_Q20, HV_SIMD_FP_REG_Q21, HV_SIMD_FP_REG_Q22, HV_SIMD_FP_REG_Q23,
    HV_SIMD_FP_REG_Q24, HV_SIMD_FP_REG_Q25, HV_SIMD_FP_REG_Q26, HV_SIMD_FP_REG_Q27,
    HV_SIMD_FP_REG_Q28, HV_SIMD_FP_REG_Q29, HV_SIMD_FP_REG_Q30, HV_SIMD_FP_REG_Q31,
};
/* A 128-bit vector value (Apple: a 16 x uint8 clang ext_vector). */
typedef uint8_t hv_simd_fp_uchar16_t __attribute__((vector_size(16)));

/* ---- feature (ID) registers of a vCPU configuration ---------------------------- */
typedef uint32_t hv_feature_reg_t;
enum {
    HV_FEATURE_REG_ID_AA64DFR0_EL1 = 0,
    HV_FEATURE_REG_ID_AA64DFR1_EL1 = 1,
    HV_FEATURE_REG_ID_AA64ISAR0_EL1 = 2,
    HV_FEATURE_REG_ID_AA64ISAR1_EL1 = 3,
    HV_FEATURE_REG_ID_AA64MMFR0_EL1 = 4,
    HV_FEATURE_REG_ID_AA64MMFR1_EL1 = 5,
    HV_FEATURE_REG_ID_AA64MMFR2_EL1 = 6,
    HV_FEATURE_REG_ID_AA64PFR0_EL1 = 7,
    HV_FEATURE_REG_ID_AA64PFR1_EL1 = 8,
    HV_FEATURE_REG_CTR_EL0 = 9,
    HV_FEATURE_REG_CLIDR_EL1 = 10,
    HV_FEATURE_REG_DCZID_EL0 = 11,
};

/* ---- system registers ------------------------------------------------------- */
#define WFIS_HV_SYSREG(op0, op1, crn, crm, op2) \
    (((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
/* Debug breakpoint/watchpoint register quadruple n: op0 2, op1 0, CRn 0, CRm n. */
#define WFIS_HV_DBG(n)                                    \
    HV_SYS_REG_DBGBVR##n##_EL1 = WFIS_HV_SYSREG(2, 0, 0, n, 4), \
    HV_SYS_REG_DBGBCR##n##_EL1 = WFIS_HV_SYSREG(2, 0, 0, n, 5), \
    HV_SYS_REG_DBGWVR##n##_EL1 = WFIS_HV_SYSREG(2, 0, 0, n, 6), \
    HV_SYS_REG_DBGWCR##n##_EL1 = WFIS_HV_SYSREG(2, 0, 0, n, 7)

typedef uint16_t hv_sys_reg_t;
enum {
    WFIS_HV_DBG(0), WFIS_HV_DBG(1), WFIS_HV_DBG(2), WFIS_HV_DBG(3),
    WFIS_HV_DBG(4), WFIS_HV_DBG(5), WFIS_HV_DBG(6), WFIS_HV_DBG(7),
    WFIS_HV_DBG(8), WFIS_HV_DBG(9), WFIS_HV_DBG(10), WFIS_HV_DBG(11),
    WFIS_HV_DBG(12), WFIS_HV_DBG(13), WFIS_HV_DBG(14), WFIS_HV_DBG(15),
    HV_SYS_REG_MDCCINT_EL1 = WFIS_HV_SYSREG(2, 0, 0, 2, 0),
    HV_SYS_REG_MDSCR_EL1 = WFIS_HV_SYSREG(2, 0, 0, 2, 2),
    HV_SYS_REG_MIDR_EL1 = WFIS_HV_SYSREG(3, 0, 0, 0, 0),
    HV_SYS_REG_MPIDR_EL1 = WFIS_HV_SYSREG(3, 0, 0, 0, 5),
    HV_SYS_REG_ID_AA64PFR0_EL1 = WFIS_HV_SYSREG(3, 0, 0, 4, 0),
    HV_SYS_REG_ID_AA64PFR1_EL1 = WFIS_HV_SYSREG(3, 0, 0, 4, 1),
    HV_SYS_REG_ID_AA64DFR0_EL1 = WFIS_HV_SYSREG(3, 0, 0, 5, 0),
    HV_SYS_REG_ID_AA64DFR1_EL1 = WFIS_HV_SYSREG(3, 0, 0, 5, 1),
    HV_SYS_REG_ID_AA64ISAR0_EL1 = WFIS_HV_SYSREG(3, 0, 0, 6, 0),
    HV_SYS_REG_ID_AA64ISAR1_EL1 = WFIS_HV_SYSREG(3, 0, 0, 6, 1),
    HV_SYS_REG_ID_AA64MMFR0_EL1 = WFIS_HV_SYSREG(3, 0, 0, 7, 0),
    HV_SYS_REG_ID_AA64MMFR1_EL1 = WFIS_HV_SYSREG(3, 0, 0, 7, 1),
    HV_SYS_REG_ID_AA64MMFR2_EL1 = WFIS_HV_SYSREG(3, 0, 0, 7, 2),
    HV_SYS_REG_SCTLR_EL1 = WFIS_HV_SYSREG(3, 0, 1, 0, 0),
    HV_SYS_REG_CPACR_EL1 = WFIS_HV_SYSREG(3, 0, 1, 0, 2),
    HV_SYS_REG_TTBR0_EL1 = WFIS_HV_SYSREG(3, 0, 2, 0, 0),
    HV_SYS_REG_TTBR1_EL1 = WFIS_HV_SYSREG(3, 0, 2, 0, 1),
    HV_SYS_REG_TCR_EL1 = WFIS_HV_SYSREG(3, 0, 2, 0, 2),
    HV_SYS_REG_APIAKEYLO_EL1 = WFIS_HV_SYSREG(3, 0, 2, 1, 0),
    HV_SYS_REG_APIAKEYHI_EL1 = WFIS_HV_SYSREG(3, 0, 2, 1, 1),
    HV_SYS_REG_APIBKEYLO_EL1 = WFIS_HV_SYSREG(3, 0, 2, 1, 2),
    HV_SYS_REG_APIBKEYHI_EL1 = WFIS_HV_SYSREG(3, 0, 2, 1, 3),
    HV_SYS_REG_APDAKEYLO_EL1 = WFIS_HV_SYSREG(3, 0, 2, 2, 0),
    HV_SYS_REG_APDAKEYHI_EL1 = WFIS_HV_SYSREG(3, 0, 2, 2, 1),
    HV_SYS_REG_APDBKEYLO_EL1 = WFIS_HV_SYSREG(3, 0, 2, 2, 2),
    HV_SYS_REG_APDBKEYHI_EL1 = WFIS_HV_SYSREG(3, 0, 2, 2, 3),
    HV_SYS_REG_APGAKEYLO_EL1 = WFIS_HV_SYSREG(3, 0, 2, 3, 0),
    HV_SYS_REG_APGAKEYHI_EL1 = WFIS_HV_SYSREG(3, 0, 2, 3, 1),
    HV_SYS_REG_SPSR_EL1 = WFIS_HV_SYSREG(3, 0, 4, 0, 0),
    HV_SYS_REG_ELR_EL1 = WFIS_HV_SYSREG(3, 0, 4, 0, 1),
    HV_SYS_REG_SP_EL0 = WFIS_HV_SYSREG(3, 0, 4, 1, 0),
    HV_SYS_REG_AFSR0_EL1 = WFIS_HV_SYSREG(3, 0, 5, 1, 0),
    HV_SYS_REG_AFSR1_EL1 = WFIS_HV_SYSREG(3, 0, 5, 1, 1),
    HV_SYS_REG_ESR_EL1 = WFIS_HV_SYSREG(3, 0, 5, 2, 0),
    HV_SYS_REG_FAR_EL1 = WFIS_HV_SYSREG(3, 0, 6, 0, 0),
    HV_SYS_REG_PAR_EL1 = WFIS_HV_SYSREG(3, 0, 7, 4, 0),
    HV_SYS_REG_MAIR_EL1 = WFIS_HV_SYSREG(3, 0, 10, 2, 0),
    HV_SYS_REG_AMAIR_EL1 = WFIS_HV_SYSREG(3, 0, 10, 3, 0),
    HV_SYS_REG_VBAR_EL1 = WFIS_HV_SYSREG(3, 0, 12, 0, 0),
    HV_SYS_REG_CONTEXTIDR_EL1 = WFIS_HV_SYSREG(3, 0, 13, 0, 1),
    HV_SYS_REG_TPIDR_EL1 = WFIS_HV_SYSREG(3, 0, 13, 0, 4),
    HV_SYS_REG_CNTKCTL_EL1 = WFIS_HV_SYSREG(3, 0, 14, 1, 0),
    HV_SYS_REG_CSSELR_EL1 = WFIS_HV_SYSREG(3, 2, 0, 0, 0),
    HV_SYS_REG_TPIDR_EL0 = WFIS_HV_SYSREG(3, 3, 13, 0, 2),
    HV_SYS_REG_TPIDRRO_EL0 = WFIS_HV_SYSREG(3, 3, 13, 0, 3),
    HV_SYS_REG_CNTV_CTL_EL0 = WFIS_HV_SYSREG(3, 3, 14, 3, 1),
    HV_SYS_REG_CNTV_CVAL_EL0 = WFIS_HV_SYSREG(3, 3, 14, 3, 2),
    HV_SYS_REG_SP_EL1 = WFIS_HV_SYSREG(3, 4, 4, 1, 0),
};

/* ---- VM ---------------------------------------------------------------------- */
hv_vm_config_t hv_vm_config_create(void);
hv_return_t hv_vm_config_get_max_ipa_size(uint32_t *ipa_bit_length);
hv_return_t hv_vm_config_get_default_ipa_size(uint32_t *ipa_bit_length);
hv_return_t hv_vm_config_set_ipa_size(hv_vm_config_t config, uint32_t ipa_bit_length);
hv_return_t hv_vm_config_get_ipa_size(hv_vm_config_t config, uint32_t *ipa_bit_length);
hv_return_t hv_vm_create(hv_vm_config_t config);
hv_return_t hv_vm_destroy(void);
hv_return_t hv_vm_map(void *addr, hv_ipa_t ipa, size_t size, hv_memory_flags_t flags);
hv_return_t hv_vm_unmap(hv_ipa_t ipa, size_t size);
hv_return_t hv_vm_protect(hv_ipa_t ipa, size_t size, hv_memory_flags_t flags);

/* ---- vCPU -------------------------------------------------------------------- */
hv_vcpu_config_t hv_vcpu_config_create(void);
hv_return_t hv_vcpu_config_get_feature_reg(hv_vcpu_config_t config, hv_feature_reg_t feature_reg,
                                           uint64_t *value);
/* Creates a vCPU bound to the calling thread; *exit points at its exit record. */
hv_return_t hv_vcpu_create(hv_vcpu_t *vcpu, hv_vcpu_exit_t **exit, hv_vcpu_config_t config);
hv_return_t hv_vcpu_destroy(hv_vcpu_t vcpu);
hv_return_t hv_vcpu_run(hv_vcpu_t vcpu);
/* Any thread: makes the listed vCPUs leave hv_vcpu_run (HV_EXIT_REASON_CANCELED). */
hv_return_t hv_vcpus_exit(hv_vcpu_t *vcpus, uint32_t vcpu_count);
hv_return_t hv_vcpu_get_exec_time(hv_vcpu_t vcpu, uint64_t *time);

hv_return_t hv_vcpu_get_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t *value);
hv_return_t hv_vcpu_set_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t value);
hv_return_t hv_vcpu_get_simd_fp_reg(hv_vcpu_t vcpu, hv_simd_fp_reg_t reg,
                                    hv_simd_fp_uchar16_t *value);
hv_return_t hv_vcpu_set_simd_fp_reg(hv_vcpu_t vcpu, hv_simd_fp_reg_t reg,
                                    hv_simd_fp_uchar16_t value);
hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg, uint64_t *value);
hv_return_t hv_vcpu_set_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg, uint64_t value);

hv_return_t hv_vcpu_get_pending_interrupt(hv_vcpu_t vcpu, hv_interrupt_type_t type, bool *pending);
hv_return_t hv_vcpu_set_pending_interrupt(hv_vcpu_t vcpu, hv_interrupt_type_t type, bool pending);

hv_return_t hv_vcpu_get_trap_debug_exceptions(hv_vcpu_t vcpu, bool *value);
hv_return_t hv_vcpu_set_trap_debug_exceptions(hv_vcpu_t vcpu, bool value);
hv_return_t hv_vcpu_get_trap_debug_reg_accesses(hv_vcpu_t vcpu, bool *value);
hv_return_t hv_vcpu_set_trap_debug_reg_accesses(hv_vcpu_t vcpu, bool value);

/* Virtual timer: masked = its interrupt does not exit to the VMM. */
hv_return_t hv_vcpu_get_vtimer_mask(hv_vcpu_t vcpu, bool *vtimer_is_masked);
hv_return_t hv_vcpu_set_vtimer_mask(hv_vcpu_t vcpu, bool vtimer_is_masked);
/* CNTVCT_EL0 = mach_absolute_time() - offset. */
hv_return_t hv_vcpu_get_vtimer_offset(hv_vcpu_t vcpu, uint64_t *vtimer_offset);
hv_return_t hv_vcpu_set_vtimer_offset(hv_vcpu_t vcpu, uint64_t vtimer_offset);

#ifdef __cplusplus
}
#endif

#endif /* WFISLEEP_SHIM_HYPERVISOR_H */
