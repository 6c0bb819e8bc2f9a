/* wfis_guest_abi.h - the contract between the test-bed guest and its hosts.
 *
 * Shared, unchanged, by the freestanding guest (guest/), our VMM (vmm/) and
 * the bench's report parser. C99, no includes but <stdint.h>. Version 3
 * (version 1 plus the records, keys and sample ring appended at the end;
 * version 3 makes the ring's samples signed, under a new ring magic).
 * Only append: never renumber a port, vector or report key.
 *
 * Hosts: our VMM `wfisleep-vm` (KVM, userspace or in-kernel irqchip) and
 * Debian's qemu-system-x86_64 (multiboot -kernel, -append for the command
 * line, -device isa-debug-exit,iobase=0xf4,iosize=0x04).
 */
#ifndef WFIS_GUEST_ABI_H
#define WFIS_GUEST_ABI_H

#include <stdint.h>

#define WFIS_ABI_VERSION 3

/* ---- boot ---------------------------------------------------------------
 * The guest is a 32-bit multiboot (v1) ELF that switches to long mode itself.
 * Every vCPU enters at the ELF entry point in 32-bit protected mode with
 * EAX = 0x2BADB002 and EBX = guest-physical address of the multiboot info
 * (flags bit 2 set, cmdline valid). QEMU starts only the bootstrap vCPU; our
 * VMM starts every vCPU at the entry itself, and each learns its index by
 * reading WFIS_PORT_CPU_ID (QEMU returns 0xffffffff there: the guest then
 * assumes index 0 and one vCPU). */
#define WFIS_MULTIBOOT_EAX 0x2BADB002u

/* Command line (space separated key=value; unknown keys are reported in the
 * boot line and ignored):
 *   timer=pv|lapic|auto  pv: WFIS_PORT_TIMER_* (our userspace VMM);
 *                         lapic: TSC-deadline if CPUID.1:ECX[24], else
 *                         one-shot LAPIC; auto (default): pv if
 *                         WFIS_PORT_MAGIC answers WFIS_MAGIC, else lapic.
 *   workload=idle|tickless|pingpong|burst|compute   (default idle)
 *   hz=N          idle: tick rate (default 1000)
 *   mean_ms=N     tickless: mean of the exponential one-shot interval (10)
 *   busy=N        compute: vCPUs with index < N compute, the rest idle (1)
 *   seconds=N     run length measured by the guest's TSC (default 2); the
 *                 guest then prints its report and exits via
 *                 WFIS_PORT_EXIT with WFIS_EXIT_OK
 *   ms=N          run length in ms (overrides seconds when given)
 *   tsc_khz=N     TSC frequency; when absent the guest asks
 *                 WFIS_PORT_TSC_KHZ, else calibrates with the PIT
 *   seed=N        PRNG seed for tickless intervals
 *   vcpus=N       vCPUs the host started (default 1) */

/* ---- I/O ports (all 32-bit `out`/`in` unless noted) --------------------- */
#define WFIS_PORT_COM1 0x3F8 /* 8-bit; 16550 THR at +0, LSR at +5 */
#define WFIS_PORT_EXIT                                              \
    0xF4                         /* write V: host exits with status \
                                    2V+1 (QEMU isa-debug-exit) */
#define WFIS_PORT_MAGIC 0x500    /* in: WFIS_MAGIC on our VMM */
#define WFIS_PORT_CPU_ID 0x504   /* in: index of the calling vCPU */
#define WFIS_PORT_TSC_KHZ 0x508  /* in: TSC frequency in kHz */
#define WFIS_PORT_TIMER_LO 0x510 /* out: low 32 bits of the deadline */
#define WFIS_PORT_TIMER_HI                            \
    0x514 /* out: high 32 bits; this write arms the   \
             per-vCPU timer at the absolute guest TSC \
             value HI:LO (0 disarms). A deadline in   \
             the past fires at once. */
#define WFIS_PORT_DEV_ACK                       \
    0x520 /* out: sequence number of the device \
             request being acknowledged */
#define WFIS_PORT_DEV_SEQ                                             \
    0x524                        /* in: sequence number of the newest \
                                    device request for this vCPU */
#define WFIS_PORT_DEV_DONE 0x528 /* out: burst: response sent for seq */
#define WFIS_PORT_READY                         \
    0x52C /* out: guest finished setup on this  \
             vCPU (value: vCPU index); the host \
             starts workload devices after it */

#define WFIS_MAGIC 0x57464953u /* "WFIS" */
#define WFIS_EXIT_OK 0x10      /* QEMU status 33 */
#define WFIS_EXIT_FAIL 0x11    /* QEMU status 35 */

/* ---- interrupt vectors -------------------------------------------------- */
#define WFIS_VEC_TIMER 0x20  /* pv timer or LAPIC timer */
#define WFIS_VEC_DEVICE 0x21 /* device request (pingpong, burst) */
#define WFIS_VEC_SPURIOUS 0xFF

/* ---- report (COM1 text, one record per line) ----------------------------
 *   WFIS BOOT v=1 cpu=<i> vcpus=<n> timer=pv|tsc-deadline|lapic-oneshot
 *        tsc_khz=<n> tsc_src=host|calibrated workload=<w>
 *   WFIS CPU cpu=<i> timer_irqs=<n> timer_armed=<n> dev_irqs=<n>
 *        dev_acks=<n> work_units=<n> run_ms=<n> halts=<n> spurious=<n>
 *   WFIS HIST cpu=<i> <bucket>:<count> ...     (non-zero buckets only; may
 *        repeat over several lines)
 *   WFIS END status=ok|fail vcpus=<n>
 * Timer lateness of one interrupt = (TSC at handler entry - programmed
 * deadline) converted to ns, clamped at 0, counted in the histogram below.
 * Every line is at most 200 characters. Hosts must treat the report as
 * untrusted input. */

/* Lateness histogram: buckets 0..255 are 1 us wide ([i, i+1) us); bucket
 * 256 + k for k in 0..WFIS_HIST_LOG_BUCKETS-1 covers [256 << k, 512 << k) us;
 * the last bucket also takes everything larger. */
#define WFIS_HIST_LINEAR 256u
#define WFIS_HIST_LOG_BUCKETS 16u
#define WFIS_HIST_BUCKETS (WFIS_HIST_LINEAR + WFIS_HIST_LOG_BUCKETS)

static inline uint32_t wfis_hist_bucket(uint64_t ns) {
    uint64_t us = ns / 1000u;
    if (us < WFIS_HIST_LINEAR) return (uint32_t)us;
    uint32_t k = 0;
    while (k + 1 < WFIS_HIST_LOG_BUCKETS && us >= ((uint64_t)WFIS_HIST_LINEAR << (k + 1))) k++;
    return WFIS_HIST_LINEAR + k;
}

/* Lower edge of a bucket in us. */
static inline uint64_t wfis_hist_lower_us(uint32_t bucket) {
    if (bucket < WFIS_HIST_LINEAR) return bucket;
    return (uint64_t)WFIS_HIST_LINEAR << (bucket - WFIS_HIST_LINEAR);
}

/* ---- appended by the guest (still version 1) -----------------------------
 * Further report records (hosts may ignore them; both end in an END line):
 *   WFIS ERROR cpu=<i> <text>   setup failed (bad command line value, no
 *        usable TSC frequency, timer=pv without our VMM, ...); the text
 *        names the input and what is accepted.
 *   WFIS FAULT cpu=<i> vector=<n> error=0x<hex> rip=0x<hex> cr2=0x<hex>
 *        an exception (vector < 32, not NMI).
 *   Either is followed by "WFIS END status=fail" and WFIS_EXIT_FAIL.
 * BOOT line: a trailing " unknown=<k>[,<k>...]" lists ignored keys.
 * tsc_src=host: tsc_khz=, WFIS_PORT_TSC_KHZ, or (QEMU with -accel kvm) the
 * scale KVM publishes through kvmclock; calibrated: PIT channel 2 (TCG).
 * vCPUs under QEMU: with vcpus=N > 1 (and -smp N) vCPU 0 starts the others
 * with INIT/SIPI (real-mode trampoline at 0x8000) and each takes its index
 * from its initial APIC ID, as WFIS_PORT_CPU_ID does not answer there.
 * Command line key (test only):
 *   crash=ud|pf   after the BOOT line raise #UD, or #PF by reading
 *                 0x100000000 (the identity map ends at 4 GiB).
 * Counting: timer_irqs counts WFIS_VEC_TIMER interrupts that found their
 * deadline due (within 20 us); one that came earlier, or with no deadline
 * armed, is re-armed/ignored and counted in spurious, so timer_irqs +
 * spurious = every timer interrupt taken. After its WFIS CPU line a vCPU
 * takes no further interrupt (cli; hlt; vCPU 0 instead waits with
 * interrupts off and exits). */

/* ---- appended in version 2 -----------------------------------------------
 * BOOT line: v=2. Hosts accept v=1 (no ring, no MARK, no missed/dropped).
 *
 * Workload window. When every vCPU has finished its setup, vCPU 0 prints
 *   WFIS MARK start
 * and only then do the vCPUs start their workload; when every vCPU's
 * workload has ended, vCPU 0 prints
 *   WFIS MARK end
 * before any vCPU prints its WFIS CPU line. Each vCPU writes
 * WFIS_PORT_READY after WFIS MARK start, right before its workload. A host
 * measures its own CPU
 * between the two lines: boot, setup and the report are outside.
 *
 * Missed ticks. idle's tick keeps a fixed grid; an interrupt that arrives
 * more than a period late skips the grid points it passed. Each skipped
 * point counts as missed and, as a sample, is late by (TSC at handler entry
 * - its own grid time). missed ticks are not in the histogram.
 * WFIS CPU line: trailing keys missed=<n> (skipped grid points) and
 * dropped=<n> (samples the ring had no room for).
 *
 * Sample ring. Every lateness sample (each timer interrupt that found its
 * deadline due, as in the histogram; each missed tick; and a deadline still
 * armed when the guest's clock passed the end of the run, taken then: the
 * host's and guest's clocks differ by about a microsecond) is stored
 * exactly, per vCPU, in guest RAM at a fixed guest-physical address, so the
 * host can read it after the run (our VMM directly; QEMU through a shared
 * file backing guest RAM). vCPU i's ring starts at
 *   WFIS_RING_GPA + i * WFIS_RING_STRIDE
 * with a struct wfis_ring header followed by `capacity` uint32_t samples in
 * ns (clamped to UINT32_MAX). Overflow rule: the first `capacity` samples
 * are kept in arrival order; every later one is only counted in `dropped`.
 * The guest writes the header before its workload starts (magic last) and
 * owns it until its WFIS CPU line; `stored` <= capacity always holds for a
 * well-behaved guest, and a host must check it (the guest is untrusted).
 * Guest RAM must reach WFIS_RING_GPA + WFIS_RING_MAX_CPUS * WFIS_RING_STRIDE
 * (32 MiB); vCPUs at or above WFIS_RING_MAX_CPUS have no ring. */
#define WFIS_RING_GPA 0x01000000u /* 16 MiB */
#define WFIS_RING_STRIDE 0x40000u /* 256 KiB per vCPU */
#define WFIS_RING_MAX_CPUS 64u
#define WFIS_RING_MAGIC 0x474E4952u /* "RING" */
#define WFIS_RING_HEADER_BYTES 64u
#define WFIS_RING_CAPACITY ((WFIS_RING_STRIDE - WFIS_RING_HEADER_BYTES) / 4u) /* 65520 */

struct wfis_ring {
    uint32_t magic;    /* WFIS_RING_MAGIC once the header is valid */
    uint32_t capacity; /* WFIS_RING_CAPACITY */
    uint64_t stored;   /* samples[0..stored) are valid */
    uint64_t dropped;  /* samples that found the ring full */
    uint64_t missed;   /* missed ticks among the samples (stored or dropped) */
    uint8_t reserved[WFIS_RING_HEADER_BYTES - 32];
    /* uint32_t samples[capacity] follow */
};

/* ---- appended in version 3 -----------------------------------------------
 * BOOT line: v=3. Signed ring samples: a timer interrupt taken before its
 * deadline (within the 20 us early slack above; an earlier one is still
 * re-armed and counted as spurious) is a negative sample, now - deadline,
 * where version 2 recorded 0. The ring's header then carries
 * WFIS_RING_MAGIC_SIGNED and its samples are int32_t ns, clamped to
 * [INT32_MIN, INT32_MAX] (about +-2.1 s; a missed tick later than that is
 * stored as INT32_MAX). A host that finds WFIS_RING_MAGIC reads a version 2
 * ring: uint32_t samples, never negative. The histogram has no bucket below
 * 0: an early interrupt counts in bucket 0 there, as before. */
#define WFIS_RING_MAGIC_SIGNED 0x53474E52u /* "RNGS" */

#endif /* WFIS_GUEST_ABI_H */
