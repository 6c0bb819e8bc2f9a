/* config.c - parses the multiboot command line into struct guest_config. */
#include "config.h"

#include "layout.h"
#include "libc.h"
#include "strutil.h"

const char *workload_name(enum workload w) {
    switch (w) {
        case WL_IDLE:
            return "idle";
        case WL_TICKLESS:
            return "tickless";
        case WL_PINGPONG:
            return "pingpong";
        case WL_BURST:
            return "burst";
        case WL_COMPUTE:
            return "compute";
    }
    return "?";
}

static void set_error(struct guest_config *cfg, const char *key, size_t klen, const char *val,
                      size_t vlen, const char *accepted) {
    if (cfg->error[0]) return; /* keep the first */
    struct line l;
    line_init(&l, cfg->error, sizeof cfg->error);
    line_str(&l, "bad value '");
    line_strn(&l, val, vlen < 24 ? vlen : 24);
    line_str(&l, "' for ");
    line_strn(&l, key, klen);
    line_str(&l, "= (accepted: ");
    line_str(&l, accepted);
    line_str(&l, ")");
}

/* Decimal without sign; 0 on overflow, empty or stray characters. */
static int parse_u64(const char *s, size_t n, uint64_t *out) {
    if (n == 0 || n > 20) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

struct num_key {
    const char *name;
    uint64_t min, max;
    const char *accepted;
};

static const struct num_key num_keys[] = {
    {"hz", 1, 100000, "1..100000"},
    {"tick_hz", 0, 100000, "0..100000"},
    {"idle_hz", 0, 100000, "0..100000"},
    {"mean_ms", 1, 3600000, "1..3600000"},
    {"busy", 0, GUEST_MAX_CPUS, "0..64"},
    {"seconds", 0, 86400, "0..86400"},
    {"ms", 0, 86400000, "0..86400000"},
    {"tsc_khz", 1000, 100000000, "1000..100000000"},
    {"seed", 0, UINT64_MAX, "a decimal 64-bit number"},
    {"vcpus", 1, GUEST_MAX_CPUS, "1..64"},
};

static void add_unknown(struct guest_config *cfg, const char *key, size_t klen) {
    struct line l;
    size_t have = str_len(cfg->unknown);
    l.buf = cfg->unknown;
    l.cap = sizeof cfg->unknown;
    l.len = have;
    if (have) line_str(&l, ",");
    line_strn(&l, key, klen);
}

static void apply_num(struct guest_config *cfg, const char *key, uint64_t v, int *ms_given) {
    if (str_eq_n("hz", 2, key))
        cfg->hz = (uint32_t)v;
    else if (str_eq_n("tick_hz", 7, key))
        cfg->tick_hz = (uint32_t)v;
    else if (str_eq_n("idle_hz", 7, key))
        cfg->idle_hz = (uint32_t)v;
    else if (str_eq_n("mean_ms", 7, key))
        cfg->mean_ms = (uint32_t)v;
    else if (str_eq_n("busy", 4, key))
        cfg->busy = (uint32_t)v;
    else if (str_eq_n("seconds", 7, key)) {
        if (!*ms_given) cfg->run_ms = v * 1000;
    } else if (str_eq_n("ms", 2, key)) {
        cfg->run_ms = v;
        *ms_given = 1;
    } else if (str_eq_n("tsc_khz", 7, key))
        cfg->tsc_khz = (uint32_t)v;
    else if (str_eq_n("seed", 4, key))
        cfg->seed = v;
    else if (str_eq_n("vcpus", 5, key))
        cfg->vcpus = (uint32_t)v;
}

static void parse_pair(struct guest_config *cfg, const char *k, size_t kl, const char *v, size_t vl,
                       int *ms_given) {
    if (str_eq_n(k, kl, "timer")) {
        if (str_eq_n(v, vl, "pv"))
            cfg->timer = TIMER_REQ_PV;
        else if (str_eq_n(v, vl, "lapic"))
            cfg->timer = TIMER_REQ_LAPIC;
        else if (str_eq_n(v, vl, "auto"))
            cfg->timer = TIMER_REQ_AUTO;
        else
            set_error(cfg, k, kl, v, vl, "pv|lapic|auto");
        return;
    }
    if (str_eq_n(k, kl, "crash")) {
        if (str_eq_n(v, vl, "ud"))
            cfg->crash = CRASH_UD;
        else if (str_eq_n(v, vl, "pf"))
            cfg->crash = CRASH_PF;
        else
            set_error(cfg, k, kl, v, vl, "ud|pf");
        return;
    }
    if (str_eq_n(k, kl, "workload")) {
        static const enum workload all[] = {WL_IDLE, WL_TICKLESS, WL_PINGPONG, WL_BURST,
                                            WL_COMPUTE};
        for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
            if (str_eq_n(v, vl, workload_name(all[i]))) {
                cfg->workload = all[i];
                return;
            }
        set_error(cfg, k, kl, v, vl, "idle|tickless|pingpong|burst|compute");
        return;
    }
    for (unsigned i = 0; i < sizeof num_keys / sizeof num_keys[0]; i++) {
        const struct num_key *nk = &num_keys[i];
        if (!str_eq_n(k, kl, nk->name)) continue;
        uint64_t n;
        if (!parse_u64(v, vl, &n) || n < nk->min || n > nk->max)
            set_error(cfg, k, kl, v, vl, nk->accepted);
        else
            apply_num(cfg, nk->name, n, ms_given);
        return;
    }
    add_unknown(cfg, k, kl);
}

void config_parse(const char *cmdline, struct guest_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->timer = TIMER_REQ_AUTO;
    cfg->workload = WL_IDLE;
    cfg->hz = 1000;
    cfg->tick_hz = 0;
    cfg->idle_hz = 1000;
    cfg->mean_ms = 10;
    cfg->busy = 1;
    cfg->run_ms = 2000;
    cfg->vcpus = 1;
    if (!cmdline) return;
    int ms_given = 0;
    int first = 1;
    const char *p = cmdline;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *tok = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        size_t tl = (size_t)(p - tok);
        size_t eq = 0;
        while (eq < tl && tok[eq] != '=') eq++;
        if (eq == tl) {
            /* Boot loaders put the kernel's own path first: skip it. */
            if (!first) add_unknown(cfg, tok, tl);
        } else {
            parse_pair(cfg, tok, eq, tok + eq + 1, tl - eq - 1, &ms_given);
        }
        first = 0;
    }
}
