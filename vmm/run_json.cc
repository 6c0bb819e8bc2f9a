// run_json.cc - RunResult <-> the JSON object of docs/vmm-cli.md.
#include <nlohmann/json.hpp>

#include "host_timer_json.h"
#include "latency_json.h"
#include "run.h"

namespace wfisvm {
namespace {

using nlohmann::json;

template <typename T>
json opt(const std::optional<T> &v) {
    return v ? json(*v) : json(nullptr);
}

json irqs(const std::optional<IrqCounts> &c) {
    if (!c) return json{{"injected", nullptr}, {"handled", nullptr}};
    return json{{"injected", c->injected}, {"handled", c->handled}};
}

template <typename T>
std::optional<T> get_opt(const json &j, const char *key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return j.at(key).get<T>();
}

std::optional<LatencyUs> get_latency(const json &j, const char *key) {
    if (!j.contains(key)) return std::nullopt;
    return latency_from_json(j.at(key));
}

std::optional<IrqCounts> get_irqs(const json &j, const char *key) {
    if (!j.contains("interrupts") || !j.at("interrupts").contains(key)) return std::nullopt;
    const json &c = j.at("interrupts").at(key);
    if (c.at("injected").is_null() || c.at("handled").is_null()) return std::nullopt;
    return IrqCounts{c.at("injected").get<uint64_t>(), c.at("handled").get<uint64_t>()};
}

json ab_json(const std::optional<AbInfo> &ab) {
    if (!ab) return json(nullptr);
    return json{{"segment_ms", ab->segment_ms},     {"settle_ms", ab->settle_ms},
                {"segments", ab->segments},         {"counted_s", ab->counted_s},
                {"poll_spin_ns", ab->poll_spin_ns}, {"governors", ab->governors}};
}

std::optional<AbInfo> get_ab(const json &j) {
    if (!j.contains("ab") || j.at("ab").is_null()) return std::nullopt;
    const json &a = j.at("ab");
    AbInfo ab;
    ab.segment_ms = a.at("segment_ms").get<uint32_t>();
    ab.settle_ms = a.at("settle_ms").get<uint32_t>();
    ab.segments = a.at("segments").get<uint64_t>();
    ab.counted_s = a.at("counted_s").get<double>();
    ab.poll_spin_ns = a.at("poll_spin_ns").get<uint64_t>();
    ab.governors = a.at("governors").get<std::vector<std::string>>();
    return ab;
}

}  // namespace

std::string run_result_json(const RunResult &r) {
    json cpus = json::array();
    for (const auto &c : r.vcpu_cpu_pct) cpus.push_back(opt(c));
    json gov = json::array();
    for (const auto &s : r.governor_stats) {
        // Adaptive only (advance_classes > 0): the learned advance per class
        // of sleep length, class 0 first.
        json classes = json::array();
        for (uint32_t c = 0; c < s.advance_classes && c < WFISLEEP_ADVANCE_CLASSES; ++c) {
            classes.push_back(s.class_advance_ns[c]);
        }
        gov.push_back(json{{"idle_calls", s.idle_calls},
                           {"sleeps", s.sleeps},
                           {"kicks", s.kicks},
                           {"poll_hits", s.poll_hits},
                           {"sleep_ns", s.sleep_ns},
                           {"poll_ns", s.poll_ns},
                           {"spin_ns", s.spin_ns},
                           {"work_returns", s.work_returns},
                           {"late_wakes", s.late_wakes},
                           {"advance_ns", s.advance_ns},
                           {"poll_window_ns", s.poll_window_ns},
                           {"stale_kicks", s.stale_kicks},
                           {"entry_kicks", s.entry_kicks},
                           {"preempted_ns", s.preempted_ns},
                           {"unconfirmed_gap_ns", s.unconfirmed_gap_ns},
                           {"class_advance_ns", classes}});
    }
    json slack = json::array();
    for (const auto &v : r.vcpu_timer_slack_ns) slack.push_back(opt(v));
    json j = {
        {"backend", r.backend},
        {"scenario", r.scenario},
        {"governor", r.governor},
        {"vcpus", r.vcpus},
        {"seconds", r.seconds},
        {"wall_s", r.wall_s},
        {"status", r.ok ? "ok" : "error"},
        {"error", r.ok ? json(nullptr) : json(r.error)},
        {"host_cpu_pct", opt(r.host_cpu_pct)},
        {"vcpu_cpu_pct", cpus},
        {"wakeups_per_s", opt(r.wakeups_per_s)},
        {"timer_lateness_us", latency_json(r.timer_lateness_us)},
        {"wake_latency_us", latency_json(r.wake_latency_us)},
        {"work_rate", opt(r.work_rate)},
        {"lost_interrupts", opt(r.lost_interrupts)},
        {"exits", opt(r.exits)},
        {"idle_traps", opt(r.idle_traps)},
        {"interrupts", json{{"timer", irqs(r.timer_irqs)}, {"device", irqs(r.device_irqs)}}},
        {"guest", json{{"timer", r.guest_timer.empty() ? json(nullptr) : json(r.guest_timer)},
                       {"tsc_khz", opt(r.guest_tsc_khz)}}},
        {"governor_stats", gov},
        {"tsc_map_error_us", opt(r.tsc_map_error_us)},
        {"workload_s", opt(r.workload_s)},
        {"workload_cpu_pct", opt(r.workload_cpu_pct)},
        {"governor_cpu_pct", opt(r.governor_cpu_pct)},
        {"kvm_halt_poll_ns", opt(r.kvm_halt_poll_ns)},
        {"runq_wait_pct", opt(r.runq_wait_pct)},
        {"device_over_cap", opt(r.device_over_cap)},
        {"host_timer", host_timer_json(r.host_timer)},
        {"kicks", r.kicks},
        {"vcpu_timer_slack_ns", slack},
        {"governor_return_late_us", latency_json(r.governor_return_late_us)},
        {"governor_return_early", opt(r.governor_return_early)},
        {"ab", ab_json(r.ab)},
    };
    // Invalid UTF-8 in an error message (guest text) must not throw.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool parse_run_result_json(const std::string &text, RunResult *out, std::string *err) {
    try {
        json j = json::parse(text);
        RunResult r;
        r.backend = j.at("backend").get<std::string>();
        r.scenario = j.at("scenario").get<std::string>();
        r.governor = j.at("governor").get<std::string>();
        r.vcpus = j.at("vcpus").get<uint32_t>();
        r.seconds = j.at("seconds").get<double>();
        r.wall_s = j.at("wall_s").get<double>();
        r.ok = j.at("status").get<std::string>() == "ok";
        if (!j.at("error").is_null()) r.error = j.at("error").get<std::string>();
        r.host_cpu_pct = get_opt<double>(j, "host_cpu_pct");
        for (const auto &c : j.at("vcpu_cpu_pct"))
            r.vcpu_cpu_pct.push_back(c.is_null() ? std::nullopt
                                                 : std::optional<double>(c.get<double>()));
        r.wakeups_per_s = get_opt<double>(j, "wakeups_per_s");
        r.timer_lateness_us = get_latency(j, "timer_lateness_us");
        r.wake_latency_us = get_latency(j, "wake_latency_us");
        r.work_rate = get_opt<double>(j, "work_rate");
        r.lost_interrupts = get_opt<uint64_t>(j, "lost_interrupts");
        r.exits = get_opt<uint64_t>(j, "exits");
        r.idle_traps = get_opt<uint64_t>(j, "idle_traps");
        r.timer_irqs = get_irqs(j, "timer");
        r.device_irqs = get_irqs(j, "device");
        if (j.contains("guest")) {
            const json &g = j.at("guest");
            if (g.contains("timer") && !g.at("timer").is_null())
                r.guest_timer = g.at("timer").get<std::string>();
            r.guest_tsc_khz = get_opt<uint64_t>(g, "tsc_khz");
        }
        for (const auto &s : j.at("governor_stats")) {
            wfisleep_stats st{};
            st.size = sizeof st;
            st.idle_calls = s.at("idle_calls").get<uint64_t>();
            st.sleeps = s.at("sleeps").get<uint64_t>();
            st.kicks = s.at("kicks").get<uint64_t>();
            st.poll_hits = s.at("poll_hits").get<uint64_t>();
            st.sleep_ns = s.at("sleep_ns").get<uint64_t>();
            st.poll_ns = s.at("poll_ns").get<uint64_t>();
            st.spin_ns = s.at("spin_ns").get<uint64_t>();
            st.work_returns = s.value("work_returns", uint64_t{0});
            st.late_wakes = s.value("late_wakes", uint64_t{0});
            st.advance_ns = s.value("advance_ns", uint64_t{0});
            st.poll_window_ns = s.value("poll_window_ns", uint64_t{0});
            st.stale_kicks = s.value("stale_kicks", uint64_t{0});
            st.entry_kicks = s.value("entry_kicks", uint64_t{0});
            st.preempted_ns = s.value("preempted_ns", uint64_t{0});
            st.unconfirmed_gap_ns = s.value("unconfirmed_gap_ns", uint64_t{0});
            if (s.contains("class_advance_ns")) {
                for (const auto &v : s.at("class_advance_ns")) {
                    if (st.advance_classes < WFISLEEP_ADVANCE_CLASSES) {
                        st.class_advance_ns[st.advance_classes++] = v.get<uint64_t>();
                    }
                }
            }
            r.governor_stats.push_back(st);
        }
        r.tsc_map_error_us = get_opt<double>(j, "tsc_map_error_us");
        r.workload_s = get_opt<double>(j, "workload_s");
        r.workload_cpu_pct = get_opt<double>(j, "workload_cpu_pct");
        r.governor_cpu_pct = get_opt<double>(j, "governor_cpu_pct");
        r.kvm_halt_poll_ns = get_opt<uint64_t>(j, "kvm_halt_poll_ns");
        r.runq_wait_pct = get_opt<double>(j, "runq_wait_pct");
        r.device_over_cap = get_opt<uint64_t>(j, "device_over_cap");
        r.kicks = j.value("kicks", std::string("vector"));
        if (j.contains("vcpu_timer_slack_ns"))
            for (const auto &v : j.at("vcpu_timer_slack_ns"))
                r.vcpu_timer_slack_ns.push_back(
                    v.is_null() ? std::nullopt : std::optional<uint64_t>(v.get<uint64_t>()));
        r.governor_return_late_us = get_latency(j, "governor_return_late_us");
        r.governor_return_early = get_opt<uint64_t>(j, "governor_return_early");
        r.ab = get_ab(j);
        if (j.contains("host_timer")) r.host_timer = host_timer_from_json(j.at("host_timer"));
        *out = std::move(r);
        return true;
    } catch (const std::exception &e) {
        if (err) *err = std::string("wfisleep-vm JSON: ") + e.what();
        return false;
    }
}

}  // namespace wfisvm
