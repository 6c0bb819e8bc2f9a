// config_parse.cc - parses HVF_WFI_SLEEP / WFISLEEP_* settings into a wfisleep_config.
#include "config/config_parse.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

#include "config/allowed_names.h"
#include "log/log.h"
#include "platform/environment.h"
#include "policy/seed_messages.h"

namespace wfisleep {
namespace {

constexpr const char *kHvfWfiSleep = "HVF_WFI_SLEEP";
constexpr const char *kPolicy = "WFISLEEP_POLICY";
constexpr const char *kGrace = "WFISLEEP_BOOT_GRACE_MS";
constexpr const char *kStrict = "WFISLEEP_SEED_STRICT";
constexpr const char *kSlack = "WFISLEEP_TIMER_SLACK_NS";
constexpr const char *kLibraryNames[] = {kHvfWfiSleep, kPolicy, kGrace, kStrict, kSlack};
constexpr uint64_t kMaxSlackNs = 1000000000;
constexpr const char *kPrefix = "WFISLEEP_";
constexpr uint64_t kMaxSleepUs = 10000;
constexpr uint64_t kMaxGraceMs = 600000;

// A NAME=VALUE entry split without copying.
struct Entry {
    const char *name;
    size_t name_len;
    const char *value;  // NUL-terminated
};

bool name_is(const Entry &e, const char *name) noexcept {
    return strlen(name) == e.name_len && memcmp(e.name, name, e.name_len) == 0;
}

// Decimal digits only (leading zeros allowed), no sign, space or suffix.
// False when empty, not digits, or above UINT64_MAX.
bool parse_digits(const char *s, uint64_t *out) noexcept {
    if (*s == '\0') {
        return false;
    }
    uint64_t v = 0;
    for (; *s != '\0'; ++s) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        const auto d = static_cast<uint64_t>(*s - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

// Collects the first error of a parse; later errors are dropped so the
// message stays one line about the first problem.
class ErrorSink {
  public:
    __attribute__((format(printf, 2, 3))) void set(const char *fmt, ...) noexcept {
        if (failed_) {
            return;
        }
        failed_ = true;
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(msg_, sizeof msg_, fmt, ap);
        va_end(ap);
    }
    bool failed() const noexcept { return failed_; }
    const char *message() const noexcept { return msg_; }

  private:
    bool failed_ = false;
    char msg_[512] = {};
};

// Quotes a value for a message, cut to a sane length.
struct Quoted {
    char text[80];
    explicit Quoted(const char *v) noexcept {
        const size_t n = strlen(v);
        if (n < 64) {
            (void)snprintf(text, sizeof text, "\"%s\"", v);
        } else {
            (void)snprintf(text, sizeof text, "\"%.60s...\"", v);
        }
    }
};

void report_invalid(ErrorSink &err, const char *name, const char *value,
                    const char *accepted) noexcept {
    err.set("wfisleep: %s=%s is invalid; accepted: %s", name, Quoted(value).text, accepted);
}

bool parse_ranged(ErrorSink &err, const Entry &e, uint64_t min, uint64_t max, const char *unit,
                  uint64_t *out) noexcept {
    uint64_t v = 0;
    if (parse_digits(e.value, &v) && v >= min && v <= max) {
        *out = v;
        return true;
    }
    char name[96];
    (void)snprintf(name, sizeof name, "%.*s", static_cast<int>(e.name_len), e.name);
    char accepted[160];
    (void)snprintf(accepted, sizeof accepted, "%" PRIu64 "..%" PRIu64 "%s%s, decimal digits only",
                   min, max, *unit != '\0' ? " " : "", unit);
    report_invalid(err, name, e.value, accepted);
    return false;
}

// True when a later entry of the list sets the same name (the last wins).
bool superseded(const char *const *later, const Entry &e) noexcept {
    for (; *later != nullptr; ++later) {
        const char *eq = strchr(*later, '=');
        if (eq != nullptr && static_cast<size_t>(eq - *later) == e.name_len &&
            memcmp(*later, e.name, e.name_len) == 0) {
            return true;
        }
    }
    return false;
}

// What the list said, before policy resolution.
struct Raw {
    const char *hvf = nullptr;  // HVF_WFI_SLEEP value, if set
    const char *policy = nullptr;
    bool slack_set = false;  // WFISLEEP_TIMER_SLACK_NS given (and valid)
    uint64_t slack_ns = platform::kLeewayKeep;
};

void apply_entry(const Entry &e, Raw &raw, wfisleep_config &cfg, ErrorSink &err) noexcept {
    if (name_is(e, kHvfWfiSleep)) {
        raw.hvf = e.value;
        return;
    }
    if (name_is(e, kPolicy)) {
        raw.policy = e.value;
        return;
    }
    if (name_is(e, kGrace)) {
        parse_ranged(err, e, 0, kMaxGraceMs, "(ms)", &cfg.seed.grace_ms);
        return;
    }
    if (name_is(e, kSlack)) {
        if (strcmp(e.value, "keep") == 0) {
            raw.slack_set = true;
            raw.slack_ns = platform::kLeewayKeep;
        } else if (parse_ranged(err, e, 1, kMaxSlackNs, "(ns) or keep", &raw.slack_ns)) {
            raw.slack_set = true;
        }
        return;
    }
    if (name_is(e, kStrict)) {
        uint64_t v = 0;
        if (parse_ranged(err, e, 0, 1, "(0 = kickable sleep, 1 = strict)", &v)) {
            cfg.seed.strict = v != 0;
        }
        return;
    }
    for (const auto &t : adaptive_tunables()) {
        if (name_is(e, t.name)) {
            char unit[48];
            (void)snprintf(unit, sizeof unit, "(%s)", *t.unit != '\0' ? t.unit : "count");
            parse_ranged(err, e, t.min, t.max, unit, &(cfg.adaptive.*t.field));
            return;
        }
    }
    if (e.name_len >= strlen(kPrefix) && memcmp(e.name, kPrefix, strlen(kPrefix)) == 0 &&
        !name_allowed(e.name, e.name_len)) {
        char line[256];
        (void)snprintf(line, sizeof line,
                       "wfisleep: warning: unknown variable %.*s ignored (a typo? see "
                       "docs/configuration.md)",
                       static_cast<int>(e.name_len > 120 ? 120 : e.name_len), e.name);
        log_line(line);
    }
}

void resolve_policy(const Raw &raw, wfisleep_config &cfg, ErrorSink &err) noexcept {
    // HVF_WFI_SLEEP: unset, empty or 0 = no seed sleep; 1..10000 us.
    uint64_t max_us = 0;
    if (raw.hvf != nullptr && *raw.hvf != '\0') {
        if (!parse_digits(raw.hvf, &max_us) || max_us > kMaxSleepUs) {
            report_invalid(err, kHvfWfiSleep, raw.hvf,
                           "empty or 0 (off), or 1..10000 (max sleep in us), decimal digits only");
            max_us = 0;
        }
    }
    cfg.seed.max_us = max_us;
    if (raw.policy == nullptr) {
        cfg.policy = max_us > 0 ? PolicyKind::seed : PolicyKind::off;
    } else if (strcmp(raw.policy, "off") == 0) {
        cfg.policy = PolicyKind::off;
    } else if (strcmp(raw.policy, "seed") == 0) {
        cfg.policy = PolicyKind::seed;
        if (max_us == 0 && !err.failed()) {
            err.set("wfisleep: %s=seed needs %s=1..10000 (max sleep in us), but it is %s", kPolicy,
                    kHvfWfiSleep, raw.hvf == nullptr ? "unset" : Quoted(raw.hvf).text);
        }
    } else if (strcmp(raw.policy, "adaptive") == 0) {
        cfg.policy = PolicyKind::adaptive;
    } else {
        report_invalid(err, kPolicy, raw.policy, "off, seed or adaptive");
    }
    if (raw.slack_set) {
        cfg.timer_slack_ns = raw.slack_ns;
    } else {
        // Today's behaviour: adaptive ends its sleeps early on purpose and
        // needs them on time; the seed keeps the thread's slack, as the
        // document's g_usleep did.
        cfg.timer_slack_ns = cfg.policy == PolicyKind::adaptive ? 1 : platform::kLeewayKeep;
    }
    const char *why = adaptive_params_error(cfg.adaptive);
    if (why != nullptr) {
        err.set("wfisleep: %s", why);
    }
}

// Appends to a bounded buffer with snprintf semantics for the total.
class Appender {
  public:
    Appender(char *buf, size_t len) noexcept : buf_(buf), len_(len) {
        if (buf_ != nullptr && len_ > 0) {
            buf_[0] = '\0';
        }
    }
    __attribute__((format(printf, 2, 3))) void add(const char *fmt, ...) noexcept {
        va_list ap;
        va_start(ap, fmt);
        const size_t used = total_ < len_ ? total_ : len_;
        char *dst = buf_ != nullptr && used < len_ ? buf_ + used : nullptr;
        const int n = vsnprintf(dst, dst != nullptr ? len_ - used : 0, fmt, ap);
        va_end(ap);
        if (n > 0) {
            total_ += static_cast<size_t>(n);
        }
    }
    int total() const noexcept { return static_cast<int>(total_); }

  private:
    char *buf_;
    size_t len_;
    size_t total_ = 0;
};

// "WFISLEEP_ADAPTIVE_POLL_MAX_NS" -> "poll_max_ns" for the short announcement.
void short_name(const char *name, char *out, size_t len) noexcept {
    constexpr const char *kAdaptivePrefix = "WFISLEEP_ADAPTIVE_";
    if (strncmp(name, kAdaptivePrefix, strlen(kAdaptivePrefix)) == 0) {
        name += strlen(kAdaptivePrefix);
    }
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < len; ++i) {
        const char c = name[i];
        out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    out[i] = '\0';
}

void announce(const wfisleep_config &cfg) noexcept {
    char line[1024];
    if (cfg.policy == PolicyKind::seed) {
        seed_announce_line(cfg.seed, line, sizeof line);
        log_line(line);
    } else if (cfg.policy == PolicyKind::adaptive) {
        Appender a(line, sizeof line);
        a.add("wfisleep: adaptive idle policy (deadline-aware sleep + spin tail, adaptive poll):");
        for (const auto &t : adaptive_tunables()) {
            char name[64];
            short_name(t.name, name, sizeof name);
            a.add(" %s=%" PRIu64, name, cfg.adaptive.*t.field);
        }
        log_line(line);
    }
}

}  // namespace

const char *policy_name(PolicyKind kind) noexcept {
    switch (kind) {
        case PolicyKind::seed:
            return "seed";
        case PolicyKind::adaptive:
            return "adaptive";
        case PolicyKind::off:
            break;
    }
    return "off";
}

bool is_library_name(const char *name, size_t len) noexcept {
    const Entry e{name, len, ""};
    for (const char *n : kLibraryNames) {
        if (name_is(e, n)) {
            return true;
        }
    }
    for (const auto &t : adaptive_tunables()) {
        if (name_is(e, t.name)) {
            return true;
        }
    }
    return false;
}

int parse_config(const char *const *vars, wfisleep_config &cfg, char *err, size_t errlen) noexcept {
    if (vars == nullptr) {
        vars = platform::process_environment();
    }
    ErrorSink sink;
    Raw raw;
    for (const char *const *it = vars; it != nullptr && *it != nullptr; ++it) {
        const char *eq = strchr(*it, '=');
        if (eq == nullptr) {
            sink.set("wfisleep: config entry %s has no '=' (expected NAME=VALUE)",
                     Quoted(*it).text);
            continue;
        }
        const Entry e{*it, static_cast<size_t>(eq - *it), eq + 1};
        if (!superseded(it + 1, e)) {
            apply_entry(e, raw, cfg, sink);
        }
    }
    resolve_policy(raw, cfg, sink);

    if (sink.failed()) {
        // Fall back to a clean "off" config: never half-applied settings.
        cfg.policy = PolicyKind::off;
        cfg.seed = SeedParams{};
        cfg.adaptive = AdaptiveParams{};
        cfg.timer_slack_ns = platform::kLeewayKeep;
        if (err != nullptr && errlen > 0) {
            (void)snprintf(err, errlen, "%s", sink.message());
        } else {
            log_line(sink.message());
        }
        return 1;
    }
    if (err != nullptr && errlen > 0) {
        err[0] = '\0';
    }
    seed_activation_line(cfg.seed, cfg.activation_line, sizeof cfg.activation_line);
    announce(cfg);
    return 0;
}

int describe_config(const wfisleep_config &cfg, char *buf, size_t len) noexcept {
    Appender a(buf, len);
    a.add("policy=%s", policy_name(cfg.policy));

    if (cfg.policy == PolicyKind::seed) {
        a.add(" %s=%" PRIu64 " %s=%" PRIu64 " %s=%d", kHvfWfiSleep, cfg.seed.max_us, kGrace,
              cfg.seed.grace_ms, kStrict, cfg.seed.strict ? 1 : 0);
    } else if (cfg.policy == PolicyKind::adaptive) {
        for (const auto &t : adaptive_tunables()) {
            a.add(" %s=%" PRIu64, t.name, cfg.adaptive.*t.field);
        }
    }
    if (cfg.policy != PolicyKind::off) {
        if (cfg.timer_slack_ns == platform::kLeewayKeep) {
            a.add(" %s=keep", kSlack);
        } else {
            a.add(" %s=%" PRIu64, kSlack, cfg.timer_slack_ns);
        }
    }
    return a.total();
}

}  // namespace wfisleep
