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
// In FixedSlot order (below).
constexpr const char *kLibraryNames[] = {kHvfWfiSleep, kPolicy, kGrace, kStrict, kSlack};
constexpr uint64_t kMaxSlackNs = 1000000000;
constexpr const char *kPrefix = "WFISLEEP_";
constexpr uint64_t kMaxSleepUs = 10000;
constexpr uint64_t kMaxGraceMs = 600000;

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

// Every name the library reads has a slot; a parse keeps the first value of
// each (as getenv does). Fixed names first, then the adaptive tunables.
enum FixedSlot : size_t { kHvfSlot, kPolicySlot, kGraceSlot, kStrictSlot, kSlackSlot, kFixed };
constexpr size_t kSlots = kFixed + kAdaptiveTunableCount;
constexpr size_t kNoSlot = SIZE_MAX;

bool name_is(const char *name, size_t len, const char *lib) noexcept {
    return strlen(lib) == len && memcmp(name, lib, len) == 0;
}

// The slot of the first len bytes of name, or kNoSlot.
size_t slot_of(const char *name, size_t len) noexcept {
    for (size_t i = 0; i < kFixed; ++i) {
        if (name_is(name, len, kLibraryNames[i])) {
            return i;
        }
    }
    const auto rows = adaptive_tunables();
    for (size_t i = 0; i < rows.size(); ++i) {
        if (name_is(name, len, rows[i].name)) {
            return kFixed + i;
        }
    }
    return kNoSlot;
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
    char msg_[768] = {};
};

// Text from the environment for a message: control characters, quotes and
// backslashes escaped (a CRLF file must not split the line), cut to a sane
// length. quote: wrap it in double quotes.
struct Escaped {
    char text[300];
    Escaped(const char *v, size_t len, bool quote) noexcept {
        constexpr size_t kShown = 60;
        size_t o = 0;
        if (quote) {
            text[o++] = '"';
        }
        for (size_t i = 0; i < len && i < kShown; ++i) {
            const auto c = static_cast<unsigned char>(v[i]);
            if (c == '\r' || c == '\n' || c == '\t' || c == '"' || c == '\\') {
                text[o++] = '\\';
                text[o++] = c == '\r'   ? 'r'
                            : c == '\n' ? 'n'
                            : c == '\t' ? 't'
                                        : static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f) {
                (void)snprintf(text + o, 5, "\\x%02x", c);
                o += 4;
            } else {
                text[o++] = static_cast<char>(c);
            }
        }
        if (len > kShown) {
            memcpy(text + o, "...", 3);
            o += 3;
        }
        if (quote) {
            text[o++] = '"';
        }
        text[o] = '\0';
    }
    explicit Escaped(const char *v) noexcept : Escaped(v, strlen(v), true) {}
};

void report_invalid(ErrorSink &err, const char *name, const char *value,
                    const char *accepted) noexcept {
    err.set("wfisleep: %s=%s is invalid; accepted: %s", name, Escaped(value).text, accepted);
}

bool parse_ranged(ErrorSink &err, const char *name, const char *value, uint64_t min, uint64_t max,
                  const char *unit, uint64_t *out) noexcept {
    uint64_t v = 0;
    if (parse_digits(value, &v) && v >= min && v <= max) {
        *out = v;
        return true;
    }
    char accepted[160];
    (void)snprintf(accepted, sizeof accepted, "%" PRIu64 "..%" PRIu64 "%s%s, decimal digits only",
                   min, max, *unit != '\0' ? " " : "", unit);
    report_invalid(err, name, value, accepted);
    return false;
}

// The first value of each of the library's names; nothing else of the list.
struct Values {
    const char *slot[kSlots] = {};
};

// Reads the list once: an entry whose name is not one of ours is skipped
// after a prefix compare (never split or checked), so the rest of the
// environment cannot make a parse fail. Unknown WFISLEEP_* names draw a
// warning unless the embedder registered them.
void collect(const char *const *vars, Values &v, ErrorSink &err) noexcept {
    const size_t hvf_len = strlen(kHvfWfiSleep);
    const size_t prefix_len = strlen(kPrefix);
    for (const char *const *it = vars; it != nullptr && *it != nullptr; ++it) {
        const char *e = *it;
        const bool prefixed = strncmp(e, kPrefix, prefix_len) == 0;
        if (!prefixed && strncmp(e, kHvfWfiSleep, hvf_len) != 0) {
            continue;
        }
        const char *eq = strchr(e, '=');
        const size_t len = eq != nullptr ? static_cast<size_t>(eq - e) : strlen(e);
        const size_t slot = slot_of(e, len);
        if (eq == nullptr) {
            if (slot != kNoSlot) {
                err.set("wfisleep: config entry %s has no '=' (expected NAME=VALUE)",
                        Escaped(e).text);
            }
            continue;
        }
        if (slot != kNoSlot) {
            if (v.slot[slot] == nullptr) {
                v.slot[slot] = eq + 1;
            }
            continue;
        }
        if (prefixed && !name_allowed(e, len)) {
            char line[512];
            (void)snprintf(line, sizeof line,
                           "wfisleep: warning: unknown variable %s ignored (a typo? see "
                           "docs/configuration.md)",
                           Escaped(e, len, false).text);
            log_line(line);
        }
    }
}

// The adaptive tunables: parsed, then the cross-field rules, whose error
// names every variable of the broken rule with its value and its origin.
void resolve_adaptive(const Values &v, wfisleep_config &cfg, ErrorSink &err) noexcept {
    const auto rows = adaptive_tunables();
    for (size_t i = 0; i < rows.size(); ++i) {
        const Tunable<AdaptiveParams> &t = rows[i];
        if (const char *value = v.slot[kFixed + i]) {
            char unit[48];
            (void)snprintf(unit, sizeof unit, "(%s)", *t.unit != '\0' ? t.unit : "count");
            parse_ranged(err, t.name, value, t.min, t.max, unit, &(cfg.adaptive.*t.field));
        }
    }
    if (err.failed()) {
        return;
    }
    const AdaptiveRule *rule = adaptive_params_broken_rule(cfg.adaptive);
    if (rule == nullptr) {
        return;
    }
    char values[512];
    Appender a(values, sizeof values);
    for (const char *name : rule->names) {
        if (name == nullptr) {
            continue;
        }
        const size_t slot = slot_of(name, strlen(name));
        if (slot == kNoSlot || slot < kFixed) {
            continue;
        }
        a.add("%s%s=%" PRIu64 " (%s)", a.total() > 0 ? ", " : "", name,
              cfg.adaptive.*rows[slot - kFixed].field, v.slot[slot] != nullptr ? "set" : "default");
    }
    err.set("wfisleep: %s; here %s", rule->text, values);
}

// Policy, HVF_WFI_SLEEP and the slack are always checked; the seed's and
// adaptive's own settings only under that policy.
void resolve(const Values &v, wfisleep_config &cfg, ErrorSink &err) noexcept {
    const char *hvf = v.slot[kHvfSlot];
    const char *policy = v.slot[kPolicySlot];
    // HVF_WFI_SLEEP: unset, empty or 0 = no seed sleep; 1..10000 us.
    uint64_t max_us = 0;
    if (hvf != nullptr && *hvf != '\0') {
        if (!parse_digits(hvf, &max_us) || max_us > kMaxSleepUs) {
            report_invalid(err, kHvfWfiSleep, hvf,
                           "empty or 0 (off), or 1..10000 (max sleep in us), decimal digits only");
            max_us = 0;
        }
    }
    cfg.seed.max_us = max_us;
    if (policy == nullptr) {
        cfg.policy = max_us > 0 ? PolicyKind::seed : PolicyKind::off;
    } else if (strcmp(policy, "off") == 0) {
        cfg.policy = PolicyKind::off;
    } else if (strcmp(policy, "seed") == 0) {
        cfg.policy = PolicyKind::seed;
        if (max_us == 0 && !err.failed()) {
            err.set("wfisleep: %s=seed needs %s=1..10000 (max sleep in us), but it is %s", kPolicy,
                    kHvfWfiSleep, hvf == nullptr ? "unset" : Escaped(hvf).text);
        }
    } else if (strcmp(policy, "adaptive") == 0) {
        cfg.policy = PolicyKind::adaptive;
    } else {
        report_invalid(err, kPolicy, policy, "off, seed or adaptive");
    }
    bool slack_set = false;
    uint64_t slack_ns = platform::kLeewayKeep;
    if (const char *slack = v.slot[kSlackSlot]) {
        if (strcmp(slack, "keep") == 0) {
            slack_set = true;
        } else {
            slack_set = parse_ranged(err, kSlack, slack, 1, kMaxSlackNs, "(ns) or keep", &slack_ns);
        }
    }
    if (slack_set) {
        cfg.timer_slack_ns = slack_ns;
    } else {
        // Adaptive ends its sleeps early on purpose and needs them on time;
        // the seed keeps the thread's slack, as the document's g_usleep did.
        cfg.timer_slack_ns = cfg.policy == PolicyKind::adaptive ? 1 : platform::kLeewayKeep;
    }
    if (cfg.policy == PolicyKind::seed) {
        if (const char *grace = v.slot[kGraceSlot]) {
            parse_ranged(err, kGrace, grace, 0, kMaxGraceMs, "(ms)", &cfg.seed.grace_ms);
        }
        uint64_t strict = 0;
        if (const char *value = v.slot[kStrictSlot];
            value != nullptr &&
            parse_ranged(err, kStrict, value, 0, 1, "(0 = kickable sleep, 1 = strict)", &strict)) {
            cfg.seed.strict = strict != 0;
        }
    } else if (cfg.policy == PolicyKind::adaptive) {
        resolve_adaptive(v, cfg, err);
    }
}

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
    return slot_of(name, len) != kNoSlot;
}

int parse_config(const char *const *vars, wfisleep_config &cfg, char *err, size_t errlen) noexcept {
    if (vars == nullptr) {
        vars = platform::process_environment();
    }
    ErrorSink sink;
    Values values;
    collect(vars, values, sink);
    resolve(values, cfg, sink);

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
