/* main.c - per-vCPU boot sequence: setup, BOOT line, workload, report, END. */
#include "config.h"
#include "console.h"
#include "guest.h"
#include "hist.h"
#include "io.h"
#include "kvmclock.h"
#include "lapic.h"
#include "libc.h"
#include "percpu.h"
#include "ring.h"
#include "strutil.h"
#include "timer.h"
#include "trap.h"
#include "tsc.h"
#include "workload.h"

struct percpu guest_percpu[GUEST_MAX_CPUS];

static struct guest_config cfg;       /* written by vCPU 0 before setup_state */
static int on_wfis_vmm;               /* WFIS_PORT_MAGIC answered */
static const char *tsc_src = "host";  /* host | calibrated */
static volatile uint32_t setup_state; /* 0 running, 1 done, 2 failed */
static volatile uint32_t reported;    /* vCPUs that printed their report */
/* The workload window (ABI "Workload window"): vCPUs arrived at its start
 * and end, and vCPU 0's MARK lines printed. */
static volatile uint32_t at_start, at_end, start_marked, end_marked;

/* Multiboot v1 info: flags at 0, cmdline address at 16 (valid if bit 2). */
static const char *multiboot_cmdline(uint32_t magic, uint32_t mbi) {
    if (magic != WFIS_MULTIBOOT_EAX || !mbi) return 0;
    const volatile uint32_t *info = (const volatile uint32_t *)(uintptr_t)mbi;
    if (!(info[0] & (1u << 2)) || !info[4]) return 0;
    return (const char *)(uintptr_t)info[4];
}

void guest_exit(uint32_t v) {
    outl(WFIS_PORT_EXIT, v);
    for (;;) __asm__ volatile("cli; hlt");
}

void guest_fail(void) {
    char buf[64];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS END status=fail vcpus=");
    line_u64(&l, cfg.vcpus);
    console_line(buf);
    guest_exit(WFIS_EXIT_FAIL);
}

static void fail_setup(uint32_t cpu, const char *what, const char *detail) {
    char buf[201];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS ERROR cpu=");
    line_u64(&l, cpu);
    line_str(&l, " ");
    line_str(&l, what);
    if (detail) {
        line_str(&l, ": ");
        line_str(&l, detail);
    }
    console_line(buf);
    setup_state = 2;
    guest_fail();
}

static void choose_tsc_khz(void) {
    if (cfg.tsc_khz) {
        tsc_set_khz(cfg.tsc_khz);
        return;
    }
    if (on_wfis_vmm) {
        uint32_t khz = inl(WFIS_PORT_TSC_KHZ);
        if (khz < 1000 || khz > 100000000)
            fail_setup(0, "host gave no usable TSC frequency on WFIS_PORT_TSC_KHZ", 0);
        tsc_set_khz(khz);
        return;
    }
    /* QEMU with KVM publishes the scale KVM itself uses (kvmclock): exact,
     * where PIT windows were seen to agree on a value 19% off on this
     * machine's nested KVM. */
    uint32_t khz = kvmclock_tsc_khz();
    if (khz) {
        tsc_set_khz(khz);
        return;
    }
    tsc_src = "calibrated";
    khz = tsc_calibrate_pit();
    if (khz < 1000) fail_setup(0, "TSC calibration against PIT channel 2 failed", "pass tsc_khz=");
    tsc_set_khz(khz);
}

static void choose_timer(void) {
    if (cfg.timer == TIMER_REQ_PV || (cfg.timer == TIMER_REQ_AUTO && on_wfis_vmm)) {
        if (!on_wfis_vmm)
            fail_setup(0, "timer=pv needs the wfisleep VMM", "WFIS_PORT_MAGIC did not answer");
        guest_timer_kind = TIMER_PV;
        return;
    }
    const char *err = lapic_global_init();
    if (err) fail_setup(0, "timer=lapic", err);
    lapic_cpu_init();
    if (lapic_cpuid_has_tsc_deadline() && lapic_probe_tsc_deadline()) {
        guest_timer_kind = TIMER_TSC_DEADLINE;
        return;
    }
    err = lapic_calibrate_oneshot();
    if (err) fail_setup(0, "timer=lapic", err);
    guest_timer_kind = TIMER_LAPIC_ONESHOT;
}

/* QEMU starts only vCPU 0; the others get INIT/SIPI into a real-mode
 * trampoline that joins the common entry. They wait for setup_state. */
static void start_other_vcpus(void) {
    extern const char ap_trampoline_start[], ap_trampoline_end[];
    memcpy((void *)(uintptr_t)GUEST_AP_TRAMPOLINE, ap_trampoline_start,
           (size_t)(ap_trampoline_end - ap_trampoline_start));
    lapic_start_others(GUEST_AP_TRAMPOLINE >> 12);
}

/* vCPU 0: everything shared, then releases the others. */
static void global_setup(uint32_t magic, uint32_t mbi) {
    on_wfis_vmm = inl(WFIS_PORT_MAGIC) == WFIS_MAGIC;
    config_parse(multiboot_cmdline(magic, mbi), &cfg);
    if (magic != WFIS_MULTIBOOT_EAX)
        fail_setup(0, "not started by a multiboot loader", "EAX is not 0x2BADB002");
    if (cfg.error[0]) fail_setup(0, "command line", cfg.error);
    if (!on_wfis_vmm) {
        /* SeaBIOS leaves the PIT routed to vector 8 through the 8259. */
        outb(0x21, 0xff);
        outb(0xa1, 0xff);
    }
    choose_tsc_khz();
    idt_load();
    choose_timer();
    if (!on_wfis_vmm && cfg.vcpus > 1) start_other_vcpus();
    __atomic_store_n(&setup_state, 1, __ATOMIC_RELEASE);
}

static void print_boot(uint32_t cpu) {
    char buf[201];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS BOOT v=3 cpu=");
    line_u64(&l, cpu);
    line_str(&l, " vcpus=");
    line_u64(&l, cfg.vcpus);
    line_str(&l, " timer=");
    line_str(&l, timer_kind_name(guest_timer_kind));
    line_str(&l, " tsc_khz=");
    line_u64(&l, guest_tsc_khz);
    line_str(&l, " tsc_src=");
    line_str(&l, tsc_src);
    line_str(&l, " workload=");
    line_str(&l, workload_name(cfg.workload));
    if (cfg.unknown[0]) {
        line_str(&l, " unknown=");
        line_str(&l, cfg.unknown);
    }
    console_line(buf);
}

static void kv(struct line *l, const char *key, uint64_t v) {
    line_str(l, " ");
    line_str(l, key);
    line_str(l, "=");
    line_u64(l, v);
}

static void report(const struct percpu *c, uint64_t end) {
    char buf[201];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS CPU");
    kv(&l, "cpu", c->index);
    kv(&l, "timer_irqs", c->timer_irqs);
    kv(&l, "timer_armed", c->timer_armed);
    kv(&l, "dev_irqs", c->dev_irqs);
    kv(&l, "dev_acks", c->dev_acks);
    kv(&l, "work_units", c->work_units);
    kv(&l, "run_ms", tsc_to_ms(end - c->start_tsc));
    kv(&l, "halts", c->halts);
    kv(&l, "spurious", c->spurious);
    kv(&l, "missed", c->missed);
    kv(&l, "dropped", c->dropped);
    console_lock();
    console_puts(buf);
    hist_report(c);
    console_unlock();
}

/* vCPU 0: waits until *count reaches every vCPU; after 5 s it reports that
 * only so many `what` and fails the run. */
static void wait_all(volatile uint32_t *count, const char *what) {
    uint64_t t0 = rdtsc();
    uint64_t limit = (uint64_t)5000 * guest_tsc_khz;
    while (__atomic_load_n(count, __ATOMIC_ACQUIRE) < cfg.vcpus) {
        if (rdtsc() - t0 > limit) {
            char buf[120];
            struct line l;
            line_init(&l, buf, sizeof buf);
            line_str(&l, "WFIS ERROR cpu=0 only ");
            line_u64(&l, *count);
            line_str(&l, " of vcpus=");
            line_u64(&l, cfg.vcpus);
            line_str(&l, " ");
            line_str(&l, what);
            line_str(&l, " within 5 s");
            console_line(buf);
            guest_fail();
        }
        cpu_relax();
    }
}

/* One side of the workload window: every vCPU arrives; vCPU 0 prints the
 * MARK line once all have, and the others go on only after it did. */
static void window_edge(uint32_t cpu, volatile uint32_t *arrived, volatile uint32_t *marked,
                        const char *line, const char *what) {
    __atomic_fetch_add(arrived, 1, __ATOMIC_RELEASE);
    if (cpu == 0) {
        wait_all(arrived, what);
        console_line(line);
        __atomic_store_n(marked, 1, __ATOMIC_RELEASE);
        return;
    }
    while (!__atomic_load_n(marked, __ATOMIC_ACQUIRE)) cpu_relax();
}

/* After its own report, vCPU 0 waits for the others, then ends the run. */
static void finish(void) {
    wait_all(&reported, "reported");
    char buf[64];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS END status=ok vcpus=");
    line_u64(&l, cfg.vcpus);
    console_line(buf);
    guest_exit(WFIS_EXIT_OK);
}

void guest_main(uint32_t magic, uint32_t mbi, uint32_t cpu) {
    struct percpu *c = &guest_percpu[cpu];
    c->index = cpu;
    c->end_tsc = UINT64_MAX;
    if (cpu == 0) {
        global_setup(magic, mbi);
    } else {
        while (__atomic_load_n(&setup_state, __ATOMIC_ACQUIRE) == 0) cpu_relax();
        if (setup_state != 1)
            for (;;) __asm__ volatile("cli; hlt");
        idt_load();
        if (guest_timer_kind != TIMER_PV) lapic_cpu_init();
    }
    timer_cpu_init();
    print_boot(cpu);
    if (cfg.crash == CRASH_UD) __asm__ volatile("ud2");
    if (cfg.crash == CRASH_PF) /* the identity map ends at 4 GiB */
        (void)*(volatile uint64_t *)(uintptr_t)0x100000000ull;
    ring_init(c);
    window_edge(cpu, &at_start, &start_marked, "WFIS MARK start", "ready to start");
    outl(WFIS_PORT_READY, cpu);
    workload_run(c, &cfg);
    window_edge(cpu, &at_end, &end_marked, "WFIS MARK end", "finished the workload");
    report(c, rdtsc());
    __atomic_fetch_add(&reported, 1, __ATOMIC_RELEASE);
    if (cpu == 0) finish();
    /* Other vCPUs idle with no timer until the host stops the VM. */
    for (;;) sti_hlt();
}
