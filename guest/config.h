/* config.h - the guest's run configuration, parsed from the multiboot command line. */
#ifndef WFIS_GUEST_CONFIG_H
#define WFIS_GUEST_CONFIG_H

#include <stdint.h>

enum timer_request { TIMER_REQ_AUTO, TIMER_REQ_PV, TIMER_REQ_LAPIC };
enum workload { WL_IDLE, WL_TICKLESS, WL_PINGPONG, WL_BURST, WL_COMPUTE };
/* Test only: an exception raised on purpose after the BOOT line. */
enum crash { CRASH_NONE, CRASH_UD, CRASH_PF };

struct guest_config {
    enum timer_request timer;
    enum workload workload;
    uint32_t hz;      /* idle tick rate */
    uint32_t tick_hz; /* pingpong: a tick beside the requests (0: none) */
    uint32_t idle_hz; /* compute: the idle vCPUs' tick (0: none) */
    uint32_t mean_ms; /* tickless mean interval */
    uint32_t busy;    /* compute: vCPUs with index < busy compute */
    uint64_t run_ms;  /* seconds= or ms= */
    uint32_t tsc_khz; /* 0: not given */
    uint64_t seed;    /* tickless PRNG seed */
    uint32_t vcpus;   /* vCPUs the host started */
    enum crash crash; /* crash=ud|pf (test only) */
    char unknown[96]; /* comma-separated unknown keys, truncated */
    char error[160];  /* first parse error, empty when none */
};

/* Parses the NUL-terminated command line `cmdline` (may be 0: defaults)
 * into *cfg. Never fails: the first bad value is described in cfg->error,
 * unknown keys are listed in cfg->unknown. */
void config_parse(const char *cmdline, struct guest_config *cfg);

const char *workload_name(enum workload w);

#endif
