// tcg_report.cc - the Linux guest's WFISG lines and the glue's stats lines, parsed.
#include "tcg_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace wfisbench {

namespace {

bool to_i64(const std::string &s, int64_t *out) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
    *out = std::stoll(s);
    return true;
}

// "key=value" fields of a line.
std::map<std::string, std::string> kv_of(const std::vector<std::string> &f) {
    std::map<std::string, std::string> m;
    for (const auto &x : f)
        if (auto eq = x.find('='); eq != std::string::npos) m[x.substr(0, eq)] = x.substr(eq + 1);
    return m;
}

}  // namespace

bool parse_tcg_guest(const std::string &serial, TcgGuestReport *out, std::string *err) {
    TcgGuestReport r;
    std::istringstream in(serial);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        if (line.rfind("WFISG ", 0) != 0) continue;
        std::istringstream ls(line.substr(6));
        std::vector<std::string> f;
        for (std::string w; ls >> w;) f.push_back(w);
        if (f.empty()) continue;
        const std::string kind = f[0];
        const std::vector<std::string> rest(f.begin() + 1, f.end());
        auto bad = [&](const char *what) {
            *err = fmt::format("guest line {}: {}: '{}'", lineno, what, line);
            return false;
        };
        if (kind == "READY") {
            const int ready = r.ready + 1;
            r = TcgGuestReport{};
            r.ready = ready;
            int64_t cpus = 0;
            if (to_i64(kv_of(rest)["cpus"], &cpus)) r.cpus = static_cast<int>(cpus);
        } else if (kind == "MARK" && !rest.empty()) {
            if (rest[0] == "start") r.mark_start = true;
            if (rest[0] == "end") r.mark_end = true;
        } else if (kind == "END") {
            r.end = kv_of(rest)["status"];
        } else if (kind == "ERROR") {
            std::string text;
            for (const auto &w : rest) text += (text.empty() ? "" : " ") + w;
            r.errors.push_back(text);
        } else if (kind == "CTHIST") {
            int64_t us = 0, total = 0;
            if (rest.size() < 2 || !to_i64(rest[0], &us)) return bad("bad CTHIST");
            for (size_t i = 1; i < rest.size(); i++) {
                int64_t c = 0;
                if (!to_i64(rest[i], &c)) return bad("bad CTHIST count");
                total += c;
            }
            if (total > 0) r.ct_hist[us] += static_cast<uint64_t>(total);
        } else if (kind == "CTSTAT" && !rest.empty()) {
            int64_t sum = 0, mx = -1;
            for (size_t i = 1; i < rest.size(); i++) {
                int64_t v = 0;
                if (!to_i64(rest[i], &v)) return bad("bad CTSTAT value");
                sum += v;
                mx = std::max(mx, v);
            }
            if (rest[0] == "overflows") r.ct_overflows = static_cast<uint64_t>(sum);
            if (rest[0] == "max" && mx >= 0) r.ct_max_us = mx;
        } else if (kind == "CT") {
            r.ct_done = true;
        } else if (kind == "PINGHIST") {
            int64_t us = 0, c = 0;
            if (rest.size() != 2 || !to_i64(rest[0], &us) || !to_i64(rest[1], &c))
                return bad("bad PINGHIST");
            if (c > 0) r.ping_hist[us] += static_cast<uint64_t>(c);
        } else if (kind == "PING") {
            auto m = kv_of(rest);
            int64_t v = 0;
            if (to_i64(m["sent"], &v)) r.ping_sent = v;
            if (to_i64(m["received"], &v)) r.ping_received = v;
        }
    }
    *out = std::move(r);
    return true;
}

namespace {

// The histogram with the overflows as one bucket above every other.
std::vector<std::pair<int64_t, uint64_t>> with_overflow(const std::map<int64_t, uint64_t> &hist,
                                                        uint64_t overflows, int64_t overflow_us,
                                                        int64_t *top) {
    std::vector<std::pair<int64_t, uint64_t>> v(hist.begin(), hist.end());
    *top = -1;
    if (overflows > 0) {
        *top = std::max(overflow_us, v.empty() ? 0 : v.back().first + 1);
        v.emplace_back(*top, overflows);
    }
    return v;
}

}  // namespace

std::optional<Quantiles> tcg_histogram_distribution(const std::map<int64_t, uint64_t> &hist,
                                                    uint64_t overflows, int64_t overflow_us) {
    int64_t top = -1;
    const auto v = with_overflow(hist, overflows, overflow_us, &top);
    uint64_t n = 0;
    for (const auto &[us, c] : v) n += c;
    if (n == 0) return std::nullopt;
    Quantiles q;
    q.count = n;
    auto at_rank = [&](uint64_t rank) {
        uint64_t seen = 0;
        for (const auto &[us, c] : v) {
            seen += c;
            if (seen >= rank) return us;
        }
        return v.back().first;
    };
    std::optional<double> *slots[] = {&q.p50, &q.p90, &q.p99, &q.p999};
    for (size_t i = 0; i < wfisvm::kQuantilesE4.size(); i++) {
        const uint32_t qe4 = wfisvm::kQuantilesE4[i];
        if (!wfisvm::quantile_shown(n, qe4)) continue;
        uint64_t rank = (n * qe4 + 9999u) / 10000u;
        if (rank == 0) rank = 1;
        const int64_t us = at_rank(rank);
        *slots[i] = static_cast<double>(us);
        if (us == top) q.exact = false;
    }
    q.max = static_cast<double>(v.back().first);
    for (size_t i = 0; i < wfisvm::kOverBoundsUs.size(); i++) {
        uint64_t over = 0;
        for (const auto &[us, c] : v)
            if (us > static_cast<int64_t>(wfisvm::kOverBoundsUs[i])) over += c;
        q.over[i] = static_cast<double>(over) / static_cast<double>(n);
    }
    return q;
}

std::vector<int32_t> tcg_histogram_samples_ns(const std::map<int64_t, uint64_t> &hist,
                                              uint64_t overflows, int64_t overflow_us) {
    int64_t top = -1;
    std::vector<int32_t> out;
    for (const auto &[us, c] : with_overflow(hist, overflows, overflow_us, &top)) {
        const int64_t ns = std::min<int64_t>(us * 1000, INT32_MAX);
        out.insert(out.end(), c, static_cast<int32_t>(ns));
    }
    return out;
}

TcgGlueStats parse_tcg_glue_stats(const std::string &text) {
    TcgGlueStats s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("wfisleep: vCPU ", 0) == 0) s.vcpu_lines.push_back(line);
        const std::string head = "wfisleep: tcg: ", tail = " waits entered";
        if (line.rfind(head, 0) == 0 && line.size() > head.size() + tail.size() &&
            line.compare(line.size() - tail.size(), tail.size(), tail) == 0) {
            int64_t n = 0;
            if (to_i64(line.substr(head.size(), line.size() - head.size() - tail.size()), &n))
                s.waits_entered = n;
        }
    }
    return s;
}

}  // namespace wfisbench
