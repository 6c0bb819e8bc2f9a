/* capi_main.c - a C11 program using only wfisleep.h: links against the installed library.
 * WFISLEEP_EXPECTED_VERSION (MAJOR * 10000 + MINOR * 100 + PATCH) comes from
 * the build's project version on the command line, not from the header. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wfisleep/wfisleep.h>

#ifndef WFISLEEP_EXPECTED_VERSION
#error "build with -DWFISLEEP_EXPECTED_VERSION=<the project version as one number>"
#endif

/* Struct sizes of a consumer built against older headers, written out as
 * numbers so that a change of the current header cannot move them. */
enum {
    kStats01Size = 96,   /* wfisleep_stats up to poll_window_ns (0.1) */
    kStats02Size = 120,  /* ... up to preempted_ns (0.2) */
    kPlan2_02Size = 144, /* wfisleep_plan2 of 0.2 (8 phases) */
    kOutcome02Size = 96  /* wfisleep_outcome of 0.2 */
};

static int failures = 0;
#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "capi_main.c:%d: check failed: %s\n", __LINE__, #cond); \
            ++failures;                                                             \
        }                                                                           \
    } while (0)

static int lines_seen = 0;
static char last_line[256];

static void on_log(void *ctx, const char *line) {
    int *count = (int *)ctx;
    ++*count;
    snprintf(last_line, sizeof last_line, "%s", line);
}

int main(void) {
    char err[256];
    wfisleep_config *cfg = NULL;
    const char *vars[] = {"HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=0", NULL};
    wfisleep_set_log(on_log, &lines_seen);
    CHECK(wfisleep_config_parse(&cfg, vars, err, sizeof err) == 0);
    CHECK(cfg != NULL);
    CHECK(strcmp(wfisleep_config_policy(cfg), "seed") == 0);
    CHECK(lines_seen == 1);
    CHECK(strstr(last_line, "max 100 \xce\xbcs") != NULL);

    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    CHECK(v != NULL);
    uint64_t t = 1000;
    wfisleep_plan p = {0, 0, 0, 0};
    for (int i = 0; i < 600; ++i) {
        p = wfisleep_vcpu_plan(v, t, 0, WFISLEEP_NO_DEADLINE);
        t += p.sleep_ns + 1000;
    }
    CHECK(p.sleep_ns == 100000);
    CHECK(lines_seen == 2); /* the activation line */

    /* A kick before a wait ends it at once. */
    wfisleep_vcpu_kick(v);
    wfisleep_plan forever = {0, WFISLEEP_FOREVER, 0, 0};
    int kicked = 0;
    wfisleep_vcpu_wait(v, &forever, &kicked);
    CHECK(kicked == 1);

    wfisleep_stats s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    CHECK(s.idle_calls == 600);
    CHECK(s.kicks == 1);

    CHECK(wfisleep_ticks_to_ns(24, 24000000) == 1000);
    CHECK(wfisleep_counter_deadline_ns(10, 5, 4, 1000000000) == 10);
    CHECK(wfisleep_now_ns() > 0);

    /* 0.2: runtime version, trap_begin, plan2/wait2/done2, embedder names. */
    CHECK(wfisleep_version() == WFISLEEP_EXPECTED_VERSION);
    CHECK(WFISLEEP_VERSION == WFISLEEP_EXPECTED_VERSION);
    wfisleep_vcpu_kick(v);
    wfisleep_vcpu_trap_begin(v); /* discards the kick above */
    wfisleep_plan2 p2;
    memset(&p2, 0, sizeof p2);
    p2.size = sizeof p2;
    p2.start_ns = wfisleep_now_ns();
    p2.nphases = 1;
    p2.phase[0].kind = WFISLEEP_PHASE_SLEEP;
    p2.phase[0].end_ns = p2.start_ns + 1000000;
    wfisleep_outcome o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    wfisleep_vcpu_wait2(v, &p2, &o);
    CHECK((o.flags & WFISLEEP_OUTCOME_KICKED) == 0);
    CHECK(o.wake_ns[0] >= p2.phase[0].end_ns);
    wfisleep_vcpu_done2(v, &o);
    CHECK(wfisleep_vcpu_plan2(v, wfisleep_now_ns(), 1, WFISLEEP_NO_DEADLINE, &p2) == 0);
    CHECK(p2.nphases == 0);
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    CHECK(s.stale_kicks == 1);
    CHECK(s.kicks == 1);

    /* A 0.2 consumer: its structs are prefixes of today's. The library
     * fills no byte past the size the caller gave. */
    {
        unsigned char buf[sizeof(wfisleep_stats) + 64];
        uint32_t size = kStats02Size;
        for (int pass = 0; pass < 2; ++pass, size = kStats01Size) {
            wfisleep_stats *old = (wfisleep_stats *)(void *)buf;
            memset(buf, 0xab, sizeof buf);
            old->size = size;
            wfisleep_vcpu_stats(v, old);
            CHECK(old->size == size);
            CHECK(old->idle_calls == s.idle_calls);
            for (size_t i = size; i < sizeof buf; ++i) {
                CHECK(buf[i] == 0xab);
            }
        }
        CHECK(kStats02Size <= sizeof(wfisleep_stats));

        unsigned char pbuf[sizeof(wfisleep_plan2) + 64];
        memset(pbuf, 0xcd, sizeof pbuf);
        wfisleep_plan2 *oldp = (wfisleep_plan2 *)(void *)pbuf;
        oldp->size = kPlan2_02Size;
        uint64_t now = wfisleep_now_ns();
        CHECK(wfisleep_vcpu_plan2(v, now, 0, now + 200000, oldp) == 0);
        for (size_t i = kPlan2_02Size; i < sizeof pbuf; ++i) {
            CHECK(pbuf[i] == 0xcd);
        }
        unsigned char obuf[sizeof(wfisleep_outcome) + 64];
        memset(obuf, 0xef, sizeof obuf);
        wfisleep_outcome *oldo = (wfisleep_outcome *)(void *)obuf;
        oldo->size = kOutcome02Size;
        wfisleep_vcpu_wait2(v, oldp, oldo);
        CHECK(oldo->size == kOutcome02Size);
        CHECK(oldo->end_ns >= now);
        for (size_t i = kOutcome02Size; i < sizeof obuf; ++i) {
            CHECK(obuf[i] == 0xef);
        }
        wfisleep_vcpu_done2(v, oldo);
    }

    /* 0.3: a pending kick seen without consuming it. */
    wfisleep_vcpu_kick(v);
    CHECK(wfisleep_vcpu_kick_pending(v) == 1);
    wfisleep_vcpu_trap_begin(v);
    CHECK(wfisleep_vcpu_kick_pending(v) == 0);

    CHECK(wfisleep_config_allow("WFISLEEP_CAPI_OWN") == 0);
    CHECK(wfisleep_config_allow("WFISLEEP_POLICY") == -1);
    lines_seen = 0;
    const char *own[] = {"WFISLEEP_CAPI_OWN=whatever", "WFISLEEP_POLICY=off", NULL};
    wfisleep_config *owncfg = NULL;
    CHECK(wfisleep_config_parse(&owncfg, own, err, sizeof err) == 0);
    CHECK(lines_seen == 0); /* no "unknown variable" warning */
    wfisleep_config_free(owncfg);

    const char *bad[] = {"HVF_WFI_SLEEP=-5", NULL};
    wfisleep_config *off = NULL;
    CHECK(wfisleep_config_parse(&off, bad, err, sizeof err) != 0);
    CHECK(strcmp(wfisleep_config_policy(off), "off") == 0);
    CHECK(strstr(err, "HVF_WFI_SLEEP") != NULL);

    wfisleep_set_log(NULL, NULL);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_config_free(off);
    if (failures == 0) {
        printf("capi_main: OK (headers %d.%d.%d, library %d)\n", WFISLEEP_VERSION_MAJOR,
               WFISLEEP_VERSION_MINOR, WFISLEEP_VERSION_PATCH, wfisleep_version());
    }
    return failures == 0 ? 0 : 1;
}
