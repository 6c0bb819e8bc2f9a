// plot.cc - gnuplot script generation (inline datablocks, multiplot) and rendering.
#include "plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "pooled.h"
#include "spec.h"
#include "subprocess.h"
#include "vm_runner.h"

namespace wfisbench {

namespace {

bool is_pingpong(const std::string &scenario) {
    wfisvm::ScenarioSpec s;
    std::string err;
    return wfisvm::parse_scenario(scenario, &s, &err) && s.workload == wfisvm::Workload::kPingpong;
}

std::string quote(const std::string &s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '\n')
            q += "\\n";  // gnuplot expands \n in double quotes: a line break
        else
            q += (c == '"' || c == '\\') ? '_' : c;
    }
    return q + "\"";
}

// Log axes cannot show 0: tiny values are drawn at the floor (noted in the title).
double floor_at(double v, double f) {
    return std::max(v, f);
}

double decade_below(double v) {
    return std::pow(10.0, std::floor(std::log10(v)));
}
double decade_above(double v) {
    return std::pow(10.0, std::ceil(std::log10(v)));
}

}  // namespace

std::string plot_script(const std::vector<Group> &groups, const std::vector<RunResult> &results,
                        const std::string &out_path, const std::string &title) {
    std::vector<std::string> scenarios;
    for (const auto &g : groups)
        if (std::find(scenarios.begin(), scenarios.end(), g.scenario) == scenarios.end())
            scenarios.push_back(g.scenario);
    std::vector<std::string> cdf_scenarios;
    for (const auto &s : scenarios)
        if (is_pingpong(s)) cdf_scenarios.push_back(s);
    size_t panels = scenarios.size() + cdf_scenarios.size();
    int cols = panels > 1 ? 2 : 1;
    int rows = static_cast<int>((panels + cols - 1) / cols);
    int width = 640 * cols, height = 480 * rows + 40;
    std::string ext = std::filesystem::path(out_path).extension().string();
    for (auto &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string s;
    if (ext == ".svg")
        s += fmt::format(
            "set terminal svg size {},{} dynamic background rgb 'white' font "
            "'Sans,11'\n",
            width, height);
    else
        s += fmt::format("set terminal pngcairo size {},{} font 'Sans,9'\n", width, height);
    s += "set output " + quote(out_path) + "\n";
    s += "set encoding utf8\nset termoption noenhanced\nset grid\nset key off\n";
    s += fmt::format("set multiplot layout {},{} title {}\n", rows, cols, quote(title));

    for (size_t si = 0; si < scenarios.size(); si++) {
        const std::string &sc = scenarios[si];
        std::string data;
        int idx = 0;
        bool floored = false;
        double x_lo = 1e300, x_hi = 0, y_lo = 1e300, y_hi = 0;
        // A scenario without a guest tick has no lateness p99 (one end-of-run
        // timer per vCPU): its panel plots CPU against wake latency p99
        // (pingpong, burst) or work rate (compute) instead.
        bool any_late = false, any_wake = false;
        for (const auto &g : groups) {
            if (g.scenario != sc) continue;
            any_late = any_late || g.get(Metric::kLateP99).has_value();
            any_wake = any_wake || g.get(Metric::kWakeP99).has_value();
        }
        const Metric xm = any_late   ? Metric::kLateP99
                          : any_wake ? Metric::kWakeP99
                                     : Metric::kWorkRate;
        for (const auto &g : groups) {
            if (g.scenario != sc) continue;
            auto cpu = g.get(Metric::kCpu);
            auto p99 = g.get(xm);
            idx++;
            if (!cpu || !p99) continue;
            floored = floored || p99->min < 0.5 || cpu->min < 0.1;
            x_lo = std::min(x_lo, floor_at(p99->min, 0.5));
            x_hi = std::max(x_hi, floor_at(p99->max, 0.5));
            y_lo = std::min(y_lo, floor_at(cpu->min, 0.1));
            y_hi = std::max(y_hi, floor_at(cpu->max, 0.1));
            data += fmt::format("{} {} {} {} {} {} {} {}\n", floor_at(p99->median, 0.5),
                                floor_at(p99->min, 0.5), floor_at(p99->max, 0.5),
                                floor_at(cpu->median, 0.1), floor_at(cpu->min, 0.1),
                                floor_at(cpu->max, 0.1), idx, quote(g.governor));
        }
        s += fmt::format("$S{} << EOD\n{}EOD\n", si, data);
        if (any_late)
            s += fmt::format(
                "set title {}\nset logscale xy\nset xlabel 'guest timer lateness p99 (us, log)'\n"
                "set ylabel 'host CPU (% of one core, log)'\n",
                quote(sc + ": host CPU vs timer lateness p99, median (min-max)" +
                      (floored ? "; <0.5 us / <0.1% drawn at the floor" : "")));
        else if (any_wake)
            s += fmt::format(
                "set title {}\nset logscale xy\nset xlabel 'host raise-to-ack latency p99 (us, "
                "log)'\nset ylabel 'host CPU (% of one core, log)'\n",
                quote(sc +
                      ": no guest tick here - host CPU vs wake latency p99, median (min-max)"));
        else
            s += fmt::format(
                "set title {}\nset logscale xy\nset xlabel 'busy vCPU work units/s (log)'\n"
                "set ylabel 'host CPU (% of one core, log)'\n",
                quote(sc + ": no guest timer here - host CPU vs work rate, median (min-max)"));
        if (data.empty())
            s += "set label 1 'no run with both figures' at graph 0.3,0.5\n"
                 "plot [1:10] [1:10] NaN notitle\nunset label 1\n";
        else
            // Room around the points (log axes): labels sit to the right.
            // Whole decades, so a log axis always shows labelled ticks.
            s += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", decade_below(x_lo / 1.6),
                             decade_above(x_hi * 4), decade_below(y_lo / 1.6),
                             decade_above(y_hi * 1.8));
        if (!data.empty())
            s += fmt::format(
                "plot $S{0} using 1:4:2:3:5:6:7 with xyerrorbars lc variable pt 7 ps 1.2, "
                "$S{0} using 1:4:8 with labels offset char 1,0.6 left font ',8'\n",
                si);
    }

    for (size_t ci = 0; ci < cdf_scenarios.size(); ci++) {
        const std::string &sc = cdf_scenarios[ci];
        // Prefer a real distribution from the runner; else the quantiles it reports.
        std::map<std::string, std::vector<std::pair<double, double>>> cdf;
        for (const auto &r : results)
            if (r.ok && r.plan.scenario == sc && !r.wake_cdf.empty() && r.plan.repeat == 0)
                cdf[r.plan.governor] = r.wake_cdf;
        // Pooled exact samples of every block, where the runner gave them.
        for (const auto &g : groups)
            if (g.scenario == sc && !g.pooled_wake_ns.empty())
                cdf[g.governor] = cdf_points(g.pooled_wake_ns);
        bool full = !cdf.empty();
        std::string plots;
        int idx = 0;
        for (const auto &g : groups) {
            if (g.scenario != sc) continue;
            idx++;
            std::vector<std::pair<double, double>> pts;
            if (full) {
                auto it = cdf.find(g.governor);
                if (it == cdf.end()) continue;
                pts = it->second;
            } else {
                auto p50 = g.get(Metric::kWakeP50), p99 = g.get(Metric::kWakeP99),
                     mx = g.get(Metric::kWakeMax);
                if (!p50 || !p99 || !mx) continue;
                pts = {{floor_at(p50->median, 0.5), 0.5},
                       {floor_at(p99->median, 0.5), 0.99},
                       {floor_at(mx->median, 0.5), 1.0}};
            }
            std::string block = fmt::format("$C{}_{}", ci, idx);
            s += block + " << EOD\n";
            for (const auto &[x, y] : pts) s += fmt::format("{} {}\n", x, y);
            s += "EOD\n";
            plots += fmt::format("{}{} using 1:2 with linespoints lc {} pt 7 title {}",
                                 plots.empty() ? "" : ", ", block, idx, quote(g.governor));
        }
        s += fmt::format(
            "set title {}\nset logscale x\nunset logscale y\nset autoscale x\nset yrange [0:1.02]\n"
            "set xlabel 'host raise-to-ack latency (us, log)'\nset ylabel 'fraction of "
            "requests'\nset key bottom right\n",
            quote(full ? sc + ": wake latency CDF (exact samples of every block, pooled)"
                       : sc + ": wake latency p50 / p99 / max per governor\n(medians of the "
                              "runs; wfisleep-vm reports these quantiles, not a full CDF)"));
        if (plots.empty())
            s += "set label 1 'no wake latency measured' at graph 0.3,0.5\n"
                 "plot [1:10] NaN notitle\nunset label 1\n";
        else
            s += "plot " + plots + "\n";
        s += "set key off\n";
    }
    s += "unset multiplot\n";
    return s;
}

std::string render_plot(const std::string &script, const std::string &work_dir) {
    std::string gp = work_dir + "/plot.gp";
    {
        std::ofstream out(gp);
        out << script;
        if (!out) return "cannot write " + gp;
    }
    std::string gnuplot;
    for (const char *cand : {"/usr/bin/gnuplot", "/usr/local/bin/gnuplot"})
        if (std::filesystem::exists(cand)) gnuplot = cand;
    if (gnuplot.empty()) return "gnuplot not found (scripts/setup.sh installs gnuplot-nox)";
    std::string err_path = work_dir + "/plot.stderr";
    ChildResult c = run_child({gnuplot, gp}, "", err_path, 60);
    if (!c.started) return c.error;
    if (c.exit_code != 0) return "gnuplot failed: " + last_line_of(err_path);
    return {};
}

}  // namespace wfisbench
