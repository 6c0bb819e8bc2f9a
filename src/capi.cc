// capi.cc - the C ABI of wfisleep.h: thin noexcept shims over the C++ objects.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>

#include "config/allowed_names.h"
#include "config/config_parse.h"
#include "counter_time.h"
#include "log/log.h"
#include "plan_convert.h"
#include "platform/clock.h"
#include "vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

// Bytes of a plan2 needed to hold n phases.
constexpr size_t plan2_bytes(uint32_t n) noexcept {
    return offsetof(wfisleep_plan2, phase) + n * sizeof(wfisleep_phase);
}

}  // namespace

extern "C" {

WFISLEEP_API int wfisleep_version(void) {
    return WFISLEEP_VERSION;
}

WFISLEEP_API int wfisleep_config_allow(const char *name) {
    return wfisleep::allow_name(name, wfisleep::is_library_name);
}

WFISLEEP_API int wfisleep_config_parse(wfisleep_config **out, const char *const *vars, char *err,
                                       size_t errlen) {
    if (err != nullptr && errlen > 0) {
        err[0] = '\0';
    }
    if (out == nullptr) {
        if (err != nullptr && errlen > 0) {
            (void)snprintf(err, errlen, "wfisleep: wfisleep_config_parse: out is NULL");
        }
        return -1;
    }
    *out = new (std::nothrow) wfisleep_config();
    if (*out == nullptr) {
        if (err != nullptr && errlen > 0) {
            (void)snprintf(err, errlen, "wfisleep: out of memory allocating the config");
        }
        return -1;
    }
    return wfisleep::parse_config(vars, **out, err, errlen);
}

WFISLEEP_API void wfisleep_config_free(wfisleep_config *cfg) {
    delete cfg;
}

WFISLEEP_API const char *wfisleep_config_policy(const wfisleep_config *cfg) {
    return wfisleep::policy_name(cfg != nullptr ? cfg->policy : wfisleep::PolicyKind::off);
}

WFISLEEP_API int wfisleep_config_describe(const wfisleep_config *cfg, char *buf, size_t len) {
    if (cfg == nullptr) {
        const wfisleep_config off;
        return wfisleep::describe_config(off, buf, len);
    }
    return wfisleep::describe_config(*cfg, buf, len);
}

WFISLEEP_API void wfisleep_set_log(void (*fn)(void *ctx, const char *line), void *ctx) {
    wfisleep::set_log(fn, ctx);
}

WFISLEEP_API wfisleep_vcpu *wfisleep_vcpu_new(const wfisleep_config *cfg, uint64_t now_ns) {
    if (cfg == nullptr) {
        return nullptr;
    }
    auto *v = new (std::nothrow) wfisleep_vcpu(*cfg, now_ns);
    if (v != nullptr && !v->waiter.ok()) {
        delete v;
        return nullptr;
    }
    return v;
}

WFISLEEP_API void wfisleep_vcpu_free(wfisleep_vcpu *vcpu) {
    delete vcpu;
}

WFISLEEP_API void wfisleep_vcpu_trap_begin(wfisleep_vcpu *vcpu) {
    if (vcpu != nullptr) {
        vcpu->trap_begin();
    }
}

WFISLEEP_API int wfisleep_vcpu_plan2(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work,
                                     uint64_t deadline_ns, wfisleep_plan2 *out) {
    if (out == nullptr) {
        return -1;
    }
    if (out->size < plan2_bytes(0)) {
        return -1;  // not even the header is writable
    }
    out->nphases = 0;
    out->start_ns = now_ns;
    // Refused before the policy runs, so a refused call counts nothing.
    if (vcpu == nullptr || out->size < plan2_bytes(vcpu->max_phases())) {
        return -1;
    }
    vcpu->plan2(now_ns, has_work != 0, deadline_ns, *out);  // writes at most max_phases()
    return 0;
}

WFISLEEP_API void wfisleep_vcpu_done2(wfisleep_vcpu *vcpu, const wfisleep_outcome *o) {
    if (vcpu == nullptr || o == nullptr) {
        return;
    }
    if (o->size >= sizeof(wfisleep_outcome)) {
        vcpu->done2(*o);  // the whole struct is the caller's: no copy on the hot path
        return;
    }
    // Fields beyond the caller's (older, smaller) size count as 0.
    wfisleep_outcome full{};
    memcpy(&full, o, o->size);
    vcpu->done2(full);
}

WFISLEEP_API uint64_t wfisleep_vcpu_wait2(wfisleep_vcpu *vcpu, const wfisleep_plan2 *plan,
                                          wfisleep_outcome *o) {
    if (vcpu == nullptr || plan == nullptr) {
        return 0;
    }
    // Only the phases inside the caller's struct are read.
    wfisleep_plan2 p;  // phases copied up to nphases below
    p.start_ns = plan->start_ns;
    const size_t room = plan->size < plan2_bytes(0) ? 0 : plan->size - plan2_bytes(0);
    const size_t fits = room / sizeof(wfisleep_phase);
    p.nphases = plan->nphases < fits ? plan->nphases : static_cast<uint32_t>(fits);
    if (p.nphases > WFISLEEP_MAX_PHASES) {
        p.nphases = WFISLEEP_MAX_PHASES;
    }
    memcpy(p.phase, plan->phase, p.nphases * sizeof(wfisleep_phase));
    const uint64_t start = wfisleep::platform::now_ns();
    const wfisleep::platform::WaitOutcome out = vcpu->wait2(p);
    if (o != nullptr) {
        outcome_from_wait(out, *o);
    }
    return out.end_ns > start ? out.end_ns - start : 0;
}

WFISLEEP_API wfisleep_plan wfisleep_vcpu_plan(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work,
                                              uint64_t deadline_ns) {
    if (vcpu == nullptr) {
        return wfisleep_plan{0, 0, 0, 0};
    }
    return vcpu->plan(now_ns, has_work != 0, deadline_ns);
}

WFISLEEP_API void wfisleep_vcpu_done(wfisleep_vcpu *vcpu, uint64_t end_ns, int kicked) {
    if (vcpu == nullptr) {
        return;
    }
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.end_ns = end_ns;
    o.flags = kicked != 0 ? WFISLEEP_OUTCOME_KICKED : 0u;
    vcpu->done2(o);
}

WFISLEEP_API uint64_t wfisleep_vcpu_wait(wfisleep_vcpu *vcpu, const wfisleep_plan *plan,
                                         int *kicked) {
    if (kicked != nullptr) {
        *kicked = 0;
    }
    if (vcpu == nullptr || plan == nullptr) {
        return 0;
    }
    const uint64_t start = wfisleep::platform::now_ns();
    wfisleep_plan2 p;  // filled up to nphases
    wfisleep::plan2_from_plan(*plan, start, p);
    const wfisleep::platform::WaitOutcome out = vcpu->wait2(p);
    if (kicked != nullptr) {
        *kicked = out.kicked ? 1 : 0;
    }
    return out.end_ns > start ? out.end_ns - start : 0;
}

WFISLEEP_API uint64_t wfisleep_vcpu_idle(wfisleep_vcpu *vcpu, int has_work, uint64_t deadline_ns) {
    if (vcpu == nullptr) {
        return 0;
    }
    return vcpu->idle(has_work != 0, deadline_ns);
}

WFISLEEP_API void wfisleep_vcpu_kick(wfisleep_vcpu *vcpu) {
    if (vcpu != nullptr) {
        vcpu->kick();
    }
}

WFISLEEP_API int wfisleep_vcpu_kick_pending(const wfisleep_vcpu *vcpu) {
    return vcpu != nullptr && vcpu->waiter.kick_pending() ? 1 : 0;
}

WFISLEEP_API void wfisleep_vcpu_keep_timer_slack(wfisleep_vcpu *vcpu) {
    if (vcpu != nullptr) {
        vcpu->keep_timer_slack = true;
    }
}

WFISLEEP_API void wfisleep_vcpu_stats(const wfisleep_vcpu *vcpu, wfisleep_stats *out) {
    if (out == nullptr || out->size < sizeof(uint32_t)) {
        return;
    }
    wfisleep_stats full{};
    if (vcpu != nullptr) {
        vcpu->fill_stats(full);
    }
    // Fill at most out->size bytes (an older, smaller struct), never more
    // than we know; size itself stays as the caller set it.
    const size_t n = out->size < sizeof full ? out->size : sizeof full;
    const uint32_t size = out->size;
    memcpy(out, &full, n);
    out->size = size;
}

WFISLEEP_API uint64_t wfisleep_now_ns(void) {
    return wfisleep::platform::now_ns();
}

WFISLEEP_API uint64_t wfisleep_ticks_to_ns(uint64_t ticks, uint64_t freq_hz) {
    return wfisleep::ticks_to_ns(ticks, freq_hz);
}

WFISLEEP_API uint64_t wfisleep_counter_deadline_ns(uint64_t now_ns, uint64_t cntvct, uint64_t cval,
                                                   uint64_t freq_hz) {
    return wfisleep::counter_deadline_ns(now_ns, cntvct, cval, freq_hz);
}

}  // extern "C"
