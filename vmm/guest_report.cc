// guest_report.cc - strict, defensive parser of the guest's report lines and latency percentiles.
#include "guest_report.h"

#include <algorithm>
#include <utility>

namespace wfisvm {
namespace {

constexpr size_t kMaxLineChars = 200;  // the ABI's limit for a report line
constexpr uint64_t kMaxVcpus = 256;

// Printable form of untrusted text for an error message: at most 40 chars,
// non-printable bytes as '?'.
std::string show(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (s.size() > 40) out += "...";
    return out;
}

bool parse_u64(std::string_view s, uint64_t *out) {
    if (s.empty() || s.size() > 20) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') i++;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') j++;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// key=value tokens of one record; rejects malformed tokens and duplicates.
struct Fields {
    std::vector<std::pair<std::string_view, std::string_view>> kv;

    bool parse(std::string_view rest, const char *record, std::string *why) {
        for (std::string_view tok : split_spaces(rest)) {
            size_t eq = tok.find('=');
            if (eq == std::string_view::npos || eq == 0 || eq + 1 == tok.size()) {
                *why = std::string("WFIS ") + record + ": malformed field '" + show(tok) +
                       "' (expected key=value)";
                return false;
            }
            std::string_view key = tok.substr(0, eq);
            for (auto &p : kv) {
                if (p.first == key) {
                    *why = std::string("WFIS ") + record + ": duplicate key '" + show(key) + "'";
                    return false;
                }
            }
            kv.emplace_back(key, tok.substr(eq + 1));
        }
        return true;
    }

    std::optional<std::string_view> get(std::string_view key) const {
        for (auto &p : kv)
            if (p.first == key) return p.second;
        return std::nullopt;
    }

    bool number(std::string_view key, const char *record, uint64_t *out, std::string *why) const {
        auto v = get(key);
        if (!v) {
            *why = std::string("WFIS ") + record + ": missing key '" + std::string(key) + "'";
            return false;
        }
        if (!parse_u64(*v, out)) {
            *why = std::string("WFIS ") + record + ": " + std::string(key) + "='" + show(*v) +
                   "' is not a decimal number below 2^64";
            return false;
        }
        return true;
    }

    bool word(std::string_view key, const char *record, std::initializer_list<const char *> allowed,
              std::string *out, std::string *why) const {
        auto v = get(key);
        if (!v) {
            *why = std::string("WFIS ") + record + ": missing key '" + std::string(key) + "'";
            return false;
        }
        std::string names;
        for (const char *a : allowed) {
            if (*v == a) {
                *out = a;
                return true;
            }
            names += names.empty() ? a : std::string("|") + a;
        }
        if (allowed.size() == 0) {  // any lower-case word
            bool okw = std::all_of(v->begin(), v->end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            });
            if (okw) {
                *out = std::string(*v);
                return true;
            }
            names = "[a-z0-9_-]+";
        }
        *why = std::string("WFIS ") + record + ": " + std::string(key) + "='" + show(*v) +
               "' (accepted: " + names + ")";
        return false;
    }
};

}  // namespace

bool GuestReportParser::fail(std::string msg, std::string *err) {
    failed_ = true;
    error_ = std::move(msg);
    if (err) *err = error_;
    return false;
}

GuestCpuReport *GuestReportParser::cpu_slot(uint64_t cpu, const char *record, std::string *err) {
    if (report_.vcpus == 0) {
        fail(std::string("guest report: WFIS ") + record + " before any WFIS BOOT line", err);
        return nullptr;
    }
    if (cpu >= report_.vcpus) {
        fail(std::string("guest report: WFIS ") + record + " cpu=" + std::to_string(cpu) +
                 " is not below vcpus=" + std::to_string(report_.vcpus),
             err);
        return nullptr;
    }
    return &report_.cpus[cpu];
}

bool GuestReportParser::feed_line(std::string_view line, std::string *err, ReportEvent *event) {
    if (event) *event = ReportEvent::kNone;
    if (failed_) {
        if (err) *err = error_;
        return false;
    }
    if (line.substr(0, 5) != "WFIS ") return true;  // free text
    if (line.size() > kMaxLineChars)
        return fail("guest report: line longer than 200 characters: '" + show(line) + "'", err);
    if (report_.end_seen)
        return fail("guest report: line after WFIS END: '" + show(line) + "'", err);
    std::string_view rest = line.substr(5);
    size_t sp = rest.find(' ');
    std::string_view record = rest.substr(0, sp);
    std::string_view args = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    if (record == "BOOT") return parse_boot(args, err);
    if (record == "CPU") {
        if (!parse_cpu(args, err)) return false;
        if (event) *event = ReportEvent::kCpuLine;
        return true;
    }
    if (record == "MARK") {
        if (!parse_mark(args, err)) return false;
        if (event) *event = report_.mark_end ? ReportEvent::kMarkEnd : ReportEvent::kMarkStart;
        return true;
    }
    if (record == "HIST") return parse_hist(args, err);
    if (record == "END") return parse_end(args, err);
    if (record == "ERROR") {  // the guest's own failure message
        std::string text;
        for (char c : args.substr(0, 160)) text += (c >= 0x20 && c < 0x7f) ? c : '?';
        return fail("guest reported an error: " + text, err);
    }
    return fail("guest report: unknown record 'WFIS " + show(record) +
                    "' (accepted: BOOT, CPU, HIST, MARK, END, ERROR)",
                err);
}

bool GuestReportParser::parse_boot(std::string_view rest, std::string *err) {
    Fields f;
    std::string why;
    uint64_t v = 0, cpu = 0, vcpus = 0, khz = 0;
    std::string timer, src, workload;
    if (!f.parse(rest, "BOOT", &why) || !f.number("v", "BOOT", &v, &why) ||
        !f.number("cpu", "BOOT", &cpu, &why) || !f.number("vcpus", "BOOT", &vcpus, &why) ||
        !f.word("timer", "BOOT", {"pv", "tsc-deadline", "lapic-oneshot"}, &timer, &why) ||
        !f.number("tsc_khz", "BOOT", &khz, &why) ||
        !f.word("tsc_src", "BOOT", {"host", "calibrated"}, &src, &why) ||
        !f.word("workload", "BOOT", {}, &workload, &why))
        return fail("guest report: " + why, err);
    if (v < 1 || v > WFIS_ABI_VERSION)
        return fail("guest report: WFIS BOOT v=" + std::to_string(v) + " (this host speaks v=1..." +
                        std::to_string(WFIS_ABI_VERSION) + ")",
                    err);
    if (vcpus == 0 || vcpus > kMaxVcpus)
        return fail(
            "guest report: WFIS BOOT vcpus=" + std::to_string(vcpus) + " (accepted: 1..256)", err);
    if (report_.vcpus == 0) {
        report_.vcpus = static_cast<uint32_t>(vcpus);
        report_.cpus.assign(vcpus, GuestCpuReport{});
    } else if (vcpus != report_.vcpus) {
        return fail("guest report: WFIS BOOT vcpus=" + std::to_string(vcpus) +
                        " disagrees with an earlier vcpus=" + std::to_string(report_.vcpus),
                    err);
    }
    GuestCpuReport *c = cpu_slot(cpu, "BOOT", err);
    if (!c) return false;
    if (c->boot_seen)
        return fail("guest report: second WFIS BOOT line for cpu=" + std::to_string(cpu), err);
    c->boot_seen = true;
    c->timer = timer;
    c->tsc_khz = khz;
    c->tsc_src = src;
    c->workload = workload;
    return true;
}

bool GuestReportParser::parse_cpu(std::string_view rest, std::string *err) {
    Fields f;
    std::string why;
    uint64_t cpu = 0;
    GuestCpuReport tmp;
    if (!f.parse(rest, "CPU", &why) || !f.number("cpu", "CPU", &cpu, &why) ||
        !f.number("timer_irqs", "CPU", &tmp.timer_irqs, &why) ||
        !f.number("timer_armed", "CPU", &tmp.timer_armed, &why) ||
        !f.number("dev_irqs", "CPU", &tmp.dev_irqs, &why) ||
        !f.number("dev_acks", "CPU", &tmp.dev_acks, &why) ||
        !f.number("work_units", "CPU", &tmp.work_units, &why) ||
        !f.number("run_ms", "CPU", &tmp.run_ms, &why) ||
        !f.number("halts", "CPU", &tmp.halts, &why) ||
        !f.number("spurious", "CPU", &tmp.spurious, &why) ||
        (f.get("missed") && !f.number("missed", "CPU", &tmp.missed, &why)) ||
        (f.get("dropped") && !f.number("dropped", "CPU", &tmp.dropped, &why)))
        return fail("guest report: " + why, err);
    GuestCpuReport *c = cpu_slot(cpu, "CPU", err);
    if (!c) return false;
    if (!c->boot_seen)
        return fail("guest report: WFIS CPU cpu=" + std::to_string(cpu) + " before its WFIS BOOT",
                    err);
    if (c->cpu_seen)
        return fail("guest report: second WFIS CPU line for cpu=" + std::to_string(cpu), err);
    c->cpu_seen = true;
    c->timer_irqs = tmp.timer_irqs;
    c->timer_armed = tmp.timer_armed;
    c->dev_irqs = tmp.dev_irqs;
    c->dev_acks = tmp.dev_acks;
    c->work_units = tmp.work_units;
    c->run_ms = tmp.run_ms;
    c->halts = tmp.halts;
    c->spurious = tmp.spurious;
    c->missed = tmp.missed;
    c->dropped = tmp.dropped;
    return true;
}

bool GuestReportParser::parse_hist(std::string_view rest, std::string *err) {
    auto toks = split_spaces(rest);
    if (toks.empty() || toks[0].substr(0, 4) != "cpu=")
        return fail("guest report: WFIS HIST must start with cpu=<i>", err);
    uint64_t cpu = 0;
    if (!parse_u64(toks[0].substr(4), &cpu))
        return fail(
            "guest report: WFIS HIST cpu='" + show(toks[0].substr(4)) + "' is not a decimal number",
            err);
    GuestCpuReport *c = cpu_slot(cpu, "HIST", err);
    if (!c) return false;
    if (!c->boot_seen)
        return fail("guest report: WFIS HIST cpu=" + std::to_string(cpu) + " before its WFIS BOOT",
                    err);
    for (size_t i = 1; i < toks.size(); i++) {
        size_t colon = toks[i].find(':');
        uint64_t bucket = 0, count = 0;
        if (colon == std::string_view::npos || !parse_u64(toks[i].substr(0, colon), &bucket) ||
            !parse_u64(toks[i].substr(colon + 1), &count))
            return fail("guest report: WFIS HIST: malformed bucket '" + show(toks[i]) +
                            "' (expected <bucket>:<count>)",
                        err);
        if (bucket >= WFIS_HIST_BUCKETS)
            return fail("guest report: WFIS HIST: bucket " + std::to_string(bucket) +
                            " out of range (accepted: 0.." + std::to_string(WFIS_HIST_BUCKETS - 1) +
                            ")",
                        err);
        if (c->hist[bucket] > UINT64_MAX - count)
            return fail(
                "guest report: WFIS HIST: count of bucket " + std::to_string(bucket) + " overflows",
                err);
        c->hist[bucket] += count;
    }
    return true;
}

bool GuestReportParser::parse_end(std::string_view rest, std::string *err) {
    Fields f;
    std::string why, status;
    uint64_t vcpus = 0;
    if (!f.parse(rest, "END", &why) || !f.word("status", "END", {"ok", "fail"}, &status, &why) ||
        !f.number("vcpus", "END", &vcpus, &why))
        return fail("guest report: " + why, err);
    if (vcpus != report_.vcpus)
        return fail("guest report: WFIS END vcpus=" + std::to_string(vcpus) + " but BOOT said " +
                        std::to_string(report_.vcpus),
                    err);
    report_.end_seen = true;
    report_.end_ok = status == "ok";
    return true;
}

bool GuestReportParser::parse_mark(std::string_view rest, std::string *err) {
    if (rest == "start") {
        if (report_.mark_start) return fail("guest report: second WFIS MARK start", err);
        report_.mark_start = true;
        return true;
    }
    if (rest == "end") {
        if (!report_.mark_start || report_.mark_end)
            return fail(std::string("guest report: WFIS MARK end ") +
                            (report_.mark_end ? "seen twice" : "before WFIS MARK start"),
                        err);
        report_.mark_end = true;
        return true;
    }
    return fail("guest report: WFIS MARK '" + show(rest) + "' (accepted: start, end)", err);
}

bool GuestReportParser::finish(GuestReport *out, std::string *err) {
    if (failed_) {
        if (err) *err = error_;
        return false;
    }
    if (!report_.end_seen)
        return fail(report_.vcpus == 0 ? "guest report missing: no WFIS lines on the serial console"
                                       : "guest report incomplete: no WFIS END line",
                    err);
    for (size_t i = 0; i < report_.cpus.size(); i++) {
        if (!report_.cpus[i].boot_seen || !report_.cpus[i].cpu_seen)
            return fail("guest report incomplete: no WFIS " +
                            std::string(report_.cpus[i].boot_seen ? "CPU" : "BOOT") +
                            " line for cpu=" + std::to_string(i),
                        err);
    }
    *out = std::move(report_);
    report_ = GuestReport{};
    failed_ = true;
    error_ = "guest report: parser already finished";
    return true;
}

bool parse_guest_report(std::string_view text, GuestReport *out, std::string *err) {
    GuestReportParser p;
    size_t i = 0;
    while (i <= text.size()) {
        size_t nl = text.find('\n', i);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(i, nl - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!p.feed_line(line, err)) return false;
        i = nl + 1;
    }
    return p.finish(out, err);
}

}  // namespace wfisvm
