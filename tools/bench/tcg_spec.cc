// tcg_spec.cc - parses the real-QEMU rows and the Linux guest's scenarios (one-line errors).
#include "tcg_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace wfisbench {

const std::vector<std::string> &tcg_build_names() {
    static const std::vector<std::string> names = {"upstream-ppoll", "upstream-noppoll",
                                                   "wfisleep-ppoll", "wfisleep-noppoll"};
    return names;
}

bool is_tcg_row(const std::string &governor) {
    return governor.rfind("qemu-tcg", 0) == 0;
}

namespace {

std::string builds_list() {
    std::string s;
    for (const auto &b : tcg_build_names()) s += (s.empty() ? "" : ", ") + b;
    return s;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

// A decimal integer in [lo, hi]; digits only.
bool to_int(const std::string &v, int lo, int hi, int *out) {
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return false;
    const int x = std::stoi(v);
    if (x < lo || x > hi) return false;
    *out = x;
    return true;
}

}  // namespace

bool parse_tcg_row(const std::string &text, TcgRow *out, std::string *err) {
    const std::string form = "qemu-tcg:BUILD[:POLICY], BUILD one of " + builds_list() +
                             ", POLICY (wfisleep builds only) adaptive or off";
    const auto parts = split(text, ':');
    if (parts[0] != "qemu-tcg" || parts.size() < 2 || parts[1].empty()) {
        *err = fmt::format("row '{}': accepted: {}", text, form);
        return false;
    }
    if (parts.size() > 3) {
        *err = fmt::format("row '{}': too many parts; accepted: {}", text, form);
        return false;
    }
    const auto &names = tcg_build_names();
    if (std::find(names.begin(), names.end(), parts[1]) == names.end()) {
        *err = fmt::format("row '{}': unknown build '{}'; accepted: {}", text, parts[1],
                           builds_list());
        return false;
    }
    TcgRow r;
    r.build = parts[1];
    r.wfisleep = r.build.rfind("wfisleep-", 0) == 0;
    r.ppoll = r.build.find("noppoll") == std::string::npos;
    if (parts.size() == 3) {
        if (!r.wfisleep) {
            *err = fmt::format(
                "row '{}': {} is unpatched QEMU and takes no policy; accepted: qemu-tcg:{} alone, "
                "or a policy (adaptive or off) on wfisleep-ppoll or wfisleep-noppoll",
                text, r.build, r.build);
            return false;
        }
        if (parts[2] != "adaptive" && parts[2] != "off") {
            *err = fmt::format(
                "row '{}': unknown policy '{}'; accepted: adaptive, off (QEMU's TCG glue offers "
                "no seed policy)",
                text, parts[2]);
            return false;
        }
        r.policy = parts[2];
    }
    *out = r;
    return true;
}

std::string tcg_upstream_row(const TcgRow &row) {
    return row.ppoll ? "qemu-tcg:upstream-ppoll" : "qemu-tcg:upstream-noppoll";
}

const char *tcg_main_loop(const TcgRow &row) {
    return row.ppoll ? "ppoll (QEMU's Linux main loop)"
                     : "no ppoll (QEMU's own main-loop code where ppoll() is missing, ms "
                       "timeouts; on Linux, not a Mac)";
}

bool is_tcg_scenario(const std::string &scenario) {
    return scenario.rfind("linux-", 0) == 0;
}

bool parse_tcg_scenario(const std::string &text, TcgScenario *out, std::string *err) {
    const size_t colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    TcgScenario s;
    std::vector<std::string> keys;
    if (kind == "linux-idle") {
        s.work = TcgWork::kIdle;
        keys = {"vcpus"};
    } else if (kind == "linux-cyclictest") {
        s.work = TcgWork::kCyclictest;
        keys = {"hz", "threads", "vcpus"};
    } else if (kind == "linux-ping") {
        s.work = TcgWork::kPing;
        keys = {"rate", "vcpus"};
    } else {
        *err = fmt::format(
            "scenario '{}': unknown Linux guest workload '{}'; accepted: linux-idle, "
            "linux-cyclictest, linux-ping",
            text, kind);
        return false;
    }
    std::vector<std::string> seen;
    if (colon != std::string::npos) {
        for (const auto &kv : split(text.substr(colon + 1), ',')) {
            const size_t eq = kv.find('=');
            const std::string k = kv.substr(0, eq);
            const std::string v = eq == std::string::npos ? "" : kv.substr(eq + 1);
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
                std::string list;
                for (const auto &x : keys) list += (list.empty() ? "" : ", ") + x;
                *err = fmt::format("scenario '{}': unknown key '{}' for {}; accepted: {}", text, k,
                                   kind, list);
                return false;
            }
            if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
                *err = fmt::format("scenario '{}': key '{}' given twice", text, k);
                return false;
            }
            seen.push_back(k);
            bool ok = false;
            const char *range = "";
            if (k == "hz") {
                ok = to_int(v, 1, 10000, &s.hz) && 1000000 % s.hz == 0;
                range = "an integer from 1 to 10000 that divides 1000000 (whole-us intervals)";
            } else if (k == "threads") {
                ok = to_int(v, 1, 64, &s.threads);
                range = "an integer from 1 to 64";
            } else if (k == "rate") {
                ok = to_int(v, 1, 1000, &s.rate);
                range = "an integer from 1 to 1000 (pings per second)";
            } else if (k == "vcpus") {
                ok = to_int(v, 1, 64, &s.vcpus);
                range = "an integer from 1 to 64";
            }
            if (!ok) {
                *err = fmt::format("scenario '{}': {}='{}': need {}", text, k, v, range);
                return false;
            }
        }
    }
    *out = s;
    return true;
}

bool same_tcg_scenario(const std::string &a, const std::string &b) {
    TcgScenario sa, sb;
    std::string err;
    if (!parse_tcg_scenario(a, &sa, &err) || !parse_tcg_scenario(b, &sb, &err)) return false;
    // Keys a workload does not read keep their defaults on both sides.
    return std::tie(sa.work, sa.hz, sa.threads, sa.rate) ==
           std::tie(sb.work, sb.hz, sb.threads, sb.rate);
}

int tcg_scenario_vcpus(const std::string &scenario, int vcpus) {
    TcgScenario s;
    std::string err;
    if (parse_tcg_scenario(scenario, &s, &err) && s.vcpus > 0) return s.vcpus;
    return vcpus;
}

std::string tcg_guest_work(const TcgScenario &s, int seconds) {
    switch (s.work) {
        case TcgWork::kIdle:
            return fmt::format("idle:duration_s={}", seconds);
        case TcgWork::kCyclictest:
            return fmt::format("cyclictest:threads={},interval_us={},duration_s={}", s.threads,
                               1000000 / s.hz, seconds);
        case TcgWork::kPing:
            return fmt::format("ping:rate={},count={}", s.rate,
                               static_cast<long long>(s.rate) * seconds);
    }
    return {};
}

}  // namespace wfisbench
