// plot.cc - gnuplot script generation (inline datablocks, a multiplot laid out in pixels so the
// label placement knows where each point lands) and rendering.
#include "plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "label_placement.h"
#include "pareto.h"
#include "plot_data.h"
#include "subprocess.h"
#include "vm_runner.h"

namespace wfisbench {

namespace {

// Canvas geometry, pixels. Each panel is kPanelW x kRowH; its plot area
// leaves margins for the two-line title, the tick labels and axis labels.
constexpr int kPanelW = 640, kRowH = 440;
constexpr int kLeft = 92, kRight = 16, kTop = 50, kBottom = 48, kBarsBottom = 86;
constexpr double kLabelFontPx = 9, kLabelH = 13, kLabelGap = 7, kMarkerHalf = 5;
// Log axes cannot show 0: smaller values are drawn at these floors.
constexpr double kLateFloor = 0.5, kCpuFloor = 0.1;

struct Style {
    std::string colour;
    int pt;
};

// A distinct colour and point type per governor (adaptive: red filled circle).
Style style_of(const PlotData &d, const std::string &gov) {
    static const char *const colours[] = {"#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
                                          "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
                                          "#bcbd22", "#000000", "#393b79", "#637939"};
    static const int pts[] = {5, 9, 13, 11, 4, 6, 8, 12, 10, 1, 2, 3};
    if (is_ours(gov)) return {"#d62728", 7};
    int i = 0;
    for (const auto &g : d.governors) {
        if (g == gov) break;
        i += is_ours(g) ? 0 : 1;
    }
    return {colours[i % 12], pts[(i + i / 12) % 12]};
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

// A log axis: range and explicit 1-2-5 ticks (whole decades only when wide).
struct LogAxis {
    double lo = 1, hi = 10;
    double frac(double v) const { return std::log(v / lo) / std::log(hi / lo); }
    double at(double f) const { return lo * std::pow(hi / lo, f); }
};

LogAxis log_axis(double lo, double hi, double pad) {
    lo = std::max(lo, 1e-9) / pad;
    hi = std::max(hi * pad, lo * 10);  // at least a decade
    return {lo, hi};
}

std::string tics(const LogAxis &a, bool ylabels_tail = false) {
    std::string s;
    const bool wide = std::log10(a.hi / a.lo) > 2.6;
    for (double dec = std::pow(10.0, std::floor(std::log10(a.lo))); dec <= a.hi; dec *= 10)
        for (double step : {1.0, 2.0, 5.0}) {
            const double v = dec * step;
            if (v < a.lo * 0.999 || v > a.hi * 1.001 || (wide && step != 1.0 && !ylabels_tail))
                continue;
            if (ylabels_tail && step == 2.0) continue;
            std::string label = fmt::format("{:g}", v);
            if (ylabels_tail) {
                // Where a curve crosses these it reaches that percentile.
                if (std::abs(v - 0.5) < 1e-9) label = "0.5 p50";
                if (std::abs(v - 0.1) < 1e-9) label = "0.1 p90";
                if (std::abs(v - 0.01) < 1e-9) label = "0.01 p99";
                if (std::abs(v - 0.001) < 1e-9) label = "1e-3 p99.9";
                if (v < 0.0009) label = fmt::format("{:.0e}", v);
                if (step == 5.0 && v < 0.4) label = "";
            }
            s += fmt::format("{}{} {:g}", s.empty() ? "" : ", ", quote(label), v);
        }
    return "(" + s + ")";
}

// The plot area of panel (row, col), in pixels from the canvas' top left.
struct Area {
    double x0, x1, ytop, ybot;
};

struct Canvas {
    int width = 2 * kPanelW, height = 0, header = 0;
    Area area(int row, int col, int bottom = kBottom) const {
        const double left = col * kPanelW, top = header + row * kRowH;
        return {left + kLeft, left + kPanelW - kRight, top + kTop, top + kRowH - bottom};
    }
    // Also clears the previous panel's labels.
    std::string margins(const Area &a) const {
        return fmt::format(
            "unset label\nset lmargin at screen {:.5f}\nset rmargin at screen {:.5f}\n"
            "set tmargin at screen {:.5f}\nset bmargin at screen {:.5f}\n",
            a.x0 / width, a.x1 / width, 1 - a.ytop / height, 1 - a.ybot / height);
    }
    // The y axis label at a fixed place left of the tick labels (gnuplot's own
    // placement drifts into the plot with fixed margins and long tick labels).
    std::string ylabel(const Area &a, const std::string &text) const {
        return fmt::format(
            "unset ylabel\nset label 90 {} at screen {:.5f},{:.5f} center rotate "
            "by 90\n",
            quote(text), (a.x0 - kLeft + 10) / width, 1 - (a.ytop + a.ybot) / 2 / height);
    }
};

std::string interval_name(const PlotScenario &sc) {
    bool rank = false, minmax = false;
    for (const auto &r : sc.rows)
        for (const auto *m : {&r.cpu, &r.late, &r.rate})
            if (*m) (*m)->rank ? rank = true : minmax = true;
    if (rank && minmax) return "median, 95% CI of the median (min-max below 6 blocks)";
    return minmax ? "median, min-max (fewer than 6 blocks)" : "median, 95% CI of the median";
}

std::string scenario_title(const PlotScenario &sc) {
    return sc.scenario + (sc.macos ? "  [macOS timer MODEL]" : "");
}

std::string cpu_label(const PlotScenario &sc) {
    std::string host;
    for (const auto &r : sc.rows)
        if (r.cpu_is_host) host += (host.empty() ? "" : ", ") + r.governor;
    return host.empty() ? "workload CPU (% of one core, log)"
                        : "CPU, % of one core (log); host CPU for " + host;
}

// CPU against lateness p99, one point per governor, labels for ours and the frontier.
std::string scatter_panel(const PlotData &d, const PlotScenario &sc, const Canvas &cv,
                          const Area &a, int id) {
    struct P {
        const PlotRow *row;
        double x, xlo, xhi, y, ylo, yhi;
    };
    std::vector<P> pts;
    bool floored = false;
    for (const auto &r : sc.rows) {
        if (!r.cpu || !r.late) continue;
        auto fx = [&](double v) { return std::max(v, kLateFloor); };
        auto fy = [&](double v) { return std::max(v, kCpuFloor); };
        floored = floored || r.late->low < kLateFloor || r.cpu->low < kCpuFloor;
        pts.push_back({&r, fx(r.late->median), fx(r.late->low), fx(r.late->high), fy(r.cpu->median),
                       fy(r.cpu->low), fy(r.cpu->high)});
    }
    std::string s = cv.margins(a);
    const std::string q = sc.late_p90 ? "p90" : "p99";
    const std::string cpu = cpu_label(sc).rfind("workload", 0) == 0 ? "workload CPU" : "CPU";
    s += fmt::format(
        "set title {} font ',10'\n",
        quote(scenario_title(sc) + "\n" + cpu + " vs " +
              (sc.wake ? "wake latency " : "timer lateness ") + q + ": " + interval_name(sc)));
    s += fmt::format("set xlabel {}\nset logscale xy\n",
                     quote(std::string(sc.wake ? "wake latency " : "guest timer lateness ") + q +
                           (sc.late_p90 ? " (runs too short for a p99)" : "") +
                           (sc.wake ? ", raise to ack" : "") + " (us, log)" +
                           (floored ? "; < 0.5 us drawn at 0.5" : "")));
    s += cv.ylabel(a, cpu_label(sc));
    if (pts.empty()) {
        s += "unset logscale xy\nset label 1 'no governor measured both figures' at graph "
             "0.5,0.5 center\nplot [0:1] [0:1] NaN notitle\nunset label 1\n";
        return s;
    }
    double xl = 1e300, xh = 0, yl = 1e300, yh = 0;
    for (const auto &p : pts) {
        xl = std::min(xl, p.xlo), xh = std::max(xh, p.xhi);
        yl = std::min(yl, p.ylo), yh = std::max(yh, p.yhi);
    }
    const LogAxis ax = log_axis(xl, xh, 1.6), ay = log_axis(yl, yh, 1.5);
    s += fmt::format("set xrange [{:g}:{:g}]\nset yrange [{:g}:{:g}]\nset xtics {}\nset ytics {}\n",
                     ax.lo, ax.hi, ay.lo, ay.hi, tics(ax), tics(ay));
    // Pixel positions (y up, from the plot area's bottom left) for placement.
    const double w = a.x1 - a.x0, h = a.ybot - a.ytop;
    auto px = [&](double x) { return ax.frac(x) * w; };
    auto py = [&](double y) { return ay.frac(y) * h; };
    std::vector<std::pair<double, double>> fr_in;
    std::vector<Box> markers, whiskers;
    for (const auto &p : pts) {
        fr_in.emplace_back(p.x, p.y);
        markers.push_back({px(p.x) - kMarkerHalf, py(p.y) - kMarkerHalf, px(p.x) + kMarkerHalf,
                           py(p.y) + kMarkerHalf});
        whiskers.push_back({px(p.xlo), py(p.y) - 1, px(p.xhi), py(p.y) + 1});
        whiskers.push_back({px(p.x) - 1, py(p.ylo), px(p.x) + 1, py(p.yhi)});
    }
    const std::vector<bool> frontier = pareto_frontier(fr_in);
    // Ours first (the best spot), then the frontier by CPU.
    std::vector<size_t> order;
    for (size_t i = 0; i < pts.size(); i++)
        if (pts[i].row->ours) order.push_back(i);
    std::vector<size_t> fr;
    for (size_t i = 0; i < pts.size(); i++)
        if (frontier[i] && !pts[i].row->ours) fr.push_back(i);
    std::sort(fr.begin(), fr.end(), [&](size_t i, size_t j) { return pts[i].y < pts[j].y; });
    order.insert(order.end(), fr.begin(), fr.end());
    std::vector<LabelRequest> req;
    req.reserve(order.size());
    for (size_t i : order)
        req.push_back({px(pts[i].x), py(pts[i].y),
                       text_width_px(pts[i].row->governor, kLabelFontPx), kLabelH});
    const auto boxes = place_labels(req, markers, {0, 0, w, h}, kLabelGap, whiskers);
    for (size_t k = 0; k < order.size(); k++) {
        if (!boxes[k]) continue;
        const PlotRow &r = *pts[order[k]].row;
        const Box &b = *boxes[k];
        s += fmt::format("set label {} {} at {:.6g},{:.6g} left front font '{},9'\n", k + 1,
                         quote(r.governor), ax.at((b.x0 + 1) / w), ay.at((b.y0 + b.y1) / 2 / h),
                         r.ours ? "Sans Bold" : "Sans");
    }
    std::string plot;
    for (size_t i = 0; i < pts.size(); i++) {
        const P &p = pts[i];
        const Style st = style_of(d, p.row->governor);
        s += fmt::format("$S{}_{} << EOD\n{:g} {:g} {:g} {:g} {:g} {:g}\nEOD\n", id, i, p.x, p.xlo,
                         p.xhi, p.y, p.ylo, p.yhi);
        plot += fmt::format(
            "{}$S{}_{} using 1:4:2:3:5:6 with xyerrorbars lc rgb '{}' pt {} ps {} lw 1.2 "
            "notitle",
            plot.empty() ? "" : ", ", id, i, st.colour, st.pt, p.row->ours ? 1.8 : 1.3);
    }
    s += "plot " + plot + "\nunset label\n";
    return s;
}

// The pooled lateness distribution as the fraction of samples later than x.
std::string tail_panel(const PlotData &d, const PlotScenario &sc, const Canvas &cv, const Area &a,
                       int id) {
    std::string s = cv.margins(a);
    bool coarse = false;
    double xl = 1e300, xh = 0, yl = 1;
    std::string blocks, plot;
    for (size_t i = 0; i < sc.rows.size(); i++) {
        const PlotRow &r = sc.rows[i];
        if (r.cdf.empty()) continue;
        coarse = coarse || r.cdf_coarse;
        std::string data;
        int n = 0;
        // From the last point below every sample (the curve starts there).
        size_t first = 0;
        while (first + 1 < r.cdf.size() && r.cdf[first + 1].second <= 0) first++;
        for (size_t k = first; k < r.cdf.size(); k++) {
            const auto &[x, f] = r.cdf[k];
            double tail = 1 - f;
            if (tail <= 1e-12) {
                // The largest sample: drawn at 1/N (one sample at or past it).
                if (!r.cdf_count) continue;
                tail = 1.0 / static_cast<double>(r.cdf_count);
            }
            const double xv = std::max(x, 0.1);
            xl = std::min(xl, xv), xh = std::max(xh, xv), yl = std::min(yl, tail);
            data += fmt::format("{:g} {:g}\n", xv, tail);
            n++;
        }
        const Style st = style_of(d, r.governor);
        blocks += fmt::format("$T{}_{} << EOD\n{}EOD\n", id, i, data);
        plot += fmt::format(
            "{}$T{}_{} using 1:2 with linespoints lc rgb '{}' pt {} pi {} ps 0.9 "
            "lw {} notitle",
            plot.empty() ? "" : ", ", id, i, st.colour, st.pt, std::max(1, n / 6),
            r.ours ? 2.4 : 1.3);
    }
    const char *what = sc.wake ? "wake latency, raise to ack" : "guest timer lateness";
    s += fmt::format(
        "set title {} font ',10'\nset xlabel {}\nset logscale xy\n",
        quote(scenario_title(sc) + "\n" + what + ", all blocks pooled" +
              (coarse ? " (coarse: 1-2-5 us grid + quantiles)" : "")),
        quote(std::string(what) + " x (us, log); last point: the largest sample, at 1/N"));
    s += cv.ylabel(a, "fraction of samples later than x (log)");
    if (plot.empty()) {
        s += "unset logscale xy\nset label 1 'no pooled samples' at graph 0.5,0.5 center\n"
             "plot [0:1] [0:1] NaN notitle\nunset label 1\n";
        return s;
    }
    const LogAxis ax = log_axis(xl, xh, 1.3);
    // A decade below the 1/N points, so they do not sit on the frame.
    const LogAxis ay{std::pow(10.0, std::floor(std::log10(yl * 0.9))), 1.0};
    s += fmt::format("set xrange [{:g}:{:g}]\nset yrange [{:g}:1.05]\nset xtics {}\nset ytics {}\n",
                     ax.lo, ax.hi, ay.lo, tics(ax), tics(ay, true));
    return s + blocks + "plot " + plot + "\n";
}

// Work-rate bars with whiskers; the workload CPU written above each bar.
std::string bars_panel(const PlotData &d, const PlotScenario &sc, const Canvas &cv, const Area &a,
                       int id) {
    std::string s = cv.margins(a);
    std::string data, xt;
    double top = 0;
    int n = 0;
    for (const auto &r : sc.rows) {
        if (!r.rate) continue;
        n++;
        const Style st = style_of(d, r.governor);
        const std::string cpu =
            r.cpu ? fmt::format("{:.0f}%{}", r.cpu->median, r.cpu_is_host ? "*" : "") : "-";
        data += fmt::format("{} {:g} {:g} {:g} {} {}\n", n, r.rate->median, r.rate->low,
                            r.rate->high, std::stoi(st.colour.substr(1), nullptr, 16), quote(cpu));
        xt += fmt::format("{}{} {}", xt.empty() ? "" : ", ", quote(r.governor), n);
        top = std::max(top, r.rate->high);
    }
    bool host = false;
    for (const auto &r : sc.rows) host = host || r.cpu_is_host;
    s += fmt::format(
        "set title {} font ',10'\nunset logscale xy\nset xlabel ''\n"
        "unset ylabel\n",
        quote(scenario_title(sc) + "\nwork rate, " + interval_name(sc) + "; above: workload CPU %" +
              (host ? " (*: host CPU)" : "")));
    s += cv.ylabel(a, "busy vCPU work units/s");
    if (!n) {
        s += "set label 1 'no work rate measured' at graph 0.5,0.5 center\n"
             "plot [0:1] [0:1] NaN notitle\nunset label 1\n";
        return s;
    }
    s += fmt::format(
        "set xrange [0.4:{:g}]\nset yrange [0:{:g}]\nset xtics ({}) rotate by 30 right "
        "font ',9'\nset ytics autofreq\nset style fill solid 0.75 border rgb '#333333'\n"
        "set boxwidth 0.7\n",
        n + 0.6, top * 1.16, xt);
    s += fmt::format("$B{0} << EOD\n{1}EOD\n", id, data);
    s += fmt::format(
        "plot $B{0} using 1:2:5 with boxes lc rgb variable notitle, "
        "$B{0} using 1:3:(0):($4-$3) with vectors heads size screen 0.006,90 lc rgb '#222222' lw "
        "1.2 notitle, "
        "$B{0} using 1:4:6 with labels offset 0,0.7 font ',9' notitle\n"
        "unset xtics\nset xtics\nset style fill empty\n",
        id);
    return s;
}

// One legend for every panel: each governor's colour, point type and line.
std::string legend(const PlotData &d, const Canvas &cv, double top_px) {
    std::string s = fmt::format(
        "set lmargin at screen 0.01\nset rmargin at screen 0.99\nset tmargin at screen {:.5f}\n"
        "set bmargin at screen {:.5f}\nunset border\nunset tics\nunset title\nunset xlabel\n"
        "unset ylabel\nunset logscale xy\nunset grid\n"
        "set key at screen 0.5,{:.5f} center top horizontal maxcols 6 width 3 samplen 3 "
        "font ',10'\n",
        1 - top_px / cv.height, 1 - (top_px + 4) / cv.height, 1 - top_px / cv.height);
    std::string plot;
    for (const auto &g : d.governors) {
        const Style st = style_of(d, g);
        plot += fmt::format("{}NaN with linespoints lc rgb '{}' pt {} ps {} lw {} title {}",
                            plot.empty() ? "" : ", ", st.colour, st.pt, is_ours(g) ? 1.8 : 1.3,
                            is_ours(g) ? 2.4 : 1.3, quote(is_ours(g) ? g + " (ours)" : g));
    }
    s += "plot [0:1] [0:1] " + plot + "\n";
    s += "set border\nset tics\nset grid\nset key off\n";
    return s;
}

}  // namespace

std::string plot_script(const nlohmann::json &doc, const std::string &out_path, std::string *err) {
    auto pd = plot_data(doc, err);
    if (!pd) return {};
    const PlotData &d = *pd;
    std::vector<const PlotScenario *> pairs, bars;
    for (const auto &sc : d.scenarios) (sc.compute ? bars : pairs).push_back(&sc);
    const int legend_rows = static_cast<int>((d.governors.size() + 5) / 6);
    Canvas cv;
    cv.header = (d.any_macos ? 52 : 34) + 20 * legend_rows + 14;
    const int rows = static_cast<int>(pairs.size() + (bars.size() + 1) / 2);
    cv.height = cv.header + std::max(rows, 1) * kRowH + 8;

    std::string ext = std::filesystem::path(out_path).extension().string();
    for (auto &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string s;
    if (ext == ".svg")
        s += fmt::format("set terminal svg size {},{} background rgb 'white' font 'Sans,9'\n",
                         cv.width, cv.height);
    else
        s += fmt::format("set terminal pngcairo size {},{} font 'Sans,9'\n", cv.width, cv.height);
    s += "set output " + quote(out_path) + "\n";
    s += "set encoding utf8\nset termoption noenhanced\nset grid\nset key off\n"
         "set errorbars small\nset multiplot\n";
    s += fmt::format("set label 101 {} at screen 0.5,{:.5f} center font 'Sans,12'\n",
                     quote(d.title), 1 - 16.0 / cv.height);
    if (d.any_macos)
        s += fmt::format(
            "set label 102 {} at screen 0.5,{:.5f} center font 'Sans Bold,10' "
            "textcolor rgb '#b00000'\n",
            quote("[macOS timer MODEL] rows (host=macos): a MODEL of macOS timer coalescing "
                  "applied on this Linux host - not a measurement on a Mac"),
            1 - 36.0 / cv.height);
    s += legend(d, cv, d.any_macos ? 50 : 32);
    s += "unset label 101\nunset label 102\n";
    int row = 0, id = 0;
    for (const auto *sc : pairs) {
        s += scatter_panel(d, *sc, cv, cv.area(row, 0), id++);
        s += tail_panel(d, *sc, cv, cv.area(row, 1), id++);
        row++;
    }
    for (size_t i = 0; i < bars.size(); i++) {
        s += bars_panel(d, *bars[i], cv, cv.area(row, static_cast<int>(i % 2), kBarsBottom), id++);
        if (i % 2) row++;
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
