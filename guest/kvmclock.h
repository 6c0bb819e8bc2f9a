/* kvmclock.h - the TSC frequency KVM publishes through kvmclock (QEMU with -accel kvm). */
#ifndef WFIS_GUEST_KVMCLOCK_H
#define WFIS_GUEST_KVMCLOCK_H

#include <stdint.h>

/* Returns the guest TSC frequency in kHz from KVM's pvclock scale
 * (tsc_to_system_mul, tsc_shift), or 0 when the KVM signature or the
 * clocksource2 feature is absent. Enables kvmclock briefly on this vCPU and
 * turns it off again. */
uint32_t kvmclock_tsc_khz(void);

#endif
