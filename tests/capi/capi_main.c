/* capi_main.c - a C11 program using only wfisleep.h: links against the installed library. */
#include <stdio.h>
#include <string.h>
#include <wfisleep/wfisleep.h>

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
        printf("capi_main: OK (wfisleep %d.%d.%d)\n", WFISLEEP_VERSION_MAJOR,
               WFISLEEP_VERSION_MINOR, WFISLEEP_VERSION_PATCH);
    }
    return failures == 0 ? 0 : 1;
}
