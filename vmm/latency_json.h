// latency_json.h - LatencyUs <-> JSON, shared by wfisleep-vm's result and the bench's runs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "latency_dist.h"

namespace wfisvm {

// {"p50", "p90", "p99", "p99_9" (null when not shown), "max", "count",
//  "over_us": {"50": f, "100": f, "250": f, "500": f, "1000": f},
//  "missed", "dropped", "early" (samples below 0), "exact"}; null when absent.
inline nlohmann::json latency_json(const std::optional<LatencyUs> &l) {
    using nlohmann::json;
    if (!l) return nullptr;
    auto q = [](const std::optional<double> &v) { return v ? json(*v) : json(nullptr); };
    json over = json::object();
    for (size_t i = 0; i < kOverBoundsUs.size(); i++)
        over[std::to_string(kOverBoundsUs[i])] = l->over[i];
    return json{{"p50", q(l->p50)},    {"p90", q(l->p90)},    {"p99", q(l->p99)},
                {"p99_9", q(l->p999)}, {"max", l->max},       {"count", l->count},
                {"over_us", over},     {"missed", l->missed}, {"dropped", l->dropped},
                {"early", l->early},   {"exact", l->exact}};
}

// Reads what latency_json wrote; throws nlohmann::json::exception on a
// malformed object (callers catch). A missing key of the newer ones reads
// as absent/0 (older writers had only p50, p99, max).
inline std::optional<LatencyUs> latency_from_json(const nlohmann::json &j) {
    if (j.is_null()) return std::nullopt;
    auto q = [&](const char *k) -> std::optional<double> {
        if (!j.contains(k) || j.at(k).is_null()) return std::nullopt;
        return j.at(k).get<double>();
    };
    LatencyUs l;
    l.p50 = q("p50");
    l.p90 = q("p90");
    l.p99 = q("p99");
    l.p999 = q("p99_9");
    l.max = j.at("max").get<double>();
    l.count = j.value("count", uint64_t{0});
    if (j.contains("over_us"))
        for (size_t i = 0; i < kOverBoundsUs.size(); i++)
            l.over[i] = j.at("over_us").value(std::to_string(kOverBoundsUs[i]), 0.0);
    l.missed = j.value("missed", uint64_t{0});
    l.dropped = j.value("dropped", uint64_t{0});
    l.early = j.value("early", uint64_t{0});
    l.exact = j.value("exact", true);
    return l;
}

}  // namespace wfisvm
