// report_main.cc - wfisleep-bench-report: prints the README results section for a bench JSON,
// or (--plot) redraws the bench's picture from it.
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "plot.h"
#include "report_markdown.h"
#include "report_summary.h"

namespace {

int usage(FILE *to, int code) {
    fmt::print(to,
               "usage: wfisleep-bench-report BENCH.json [PLOT-PATH-AS-LINKED]\n"
               "       wfisleep-bench-report --summary FULL-TABLES-LINK BENCH.json "
               "[PLOT-PATH-AS-LINKED]\n"
               "       wfisleep-bench-report --plot OUT.png|OUT.svg BENCH.json\n"
               "Prints the full results tables (Markdown, for docs/results.md) for a\n"
               "wfisleep-bench JSON; with --summary, the README's short summary (the goals\n"
               "table, flagged runs, the picture, what the figures mean) linking to the full\n"
               "tables; with --plot, draws the bench's picture from it (needs gnuplot).\n");
    return code;
}

// Draws the picture into `out`; 0 on success, else prints one line and returns 1.
int plot(const nlohmann::json &doc, const std::string &json_path, const std::string &out) {
    std::string ext = std::filesystem::path(out).extension().string();
    if (ext != ".png" && ext != ".svg") {
        fmt::print(stderr,
                   "wfisleep-bench-report: --plot '{}': the file name must end in .png or "
                   ".svg\n",
                   out);
        return 2;
    }
    std::string err;
    std::string script;
    try {
        script = wfisbench::plot_script(doc, out, &err);
    } catch (const nlohmann::json::exception &e) {
        err = std::string("unexpected JSON shape: ") + e.what();
    }
    if (!script.empty()) {
        char dir[] = "/tmp/wfisleep-bench-report.XXXXXX";
        if (!mkdtemp(dir)) {
            err = "cannot create a temporary directory";
        } else {
            err = wfisbench::render_plot(script, dir);
            std::filesystem::remove_all(dir);
        }
    }
    if (!err.empty()) {
        fmt::print(stderr, "wfisleep-bench-report: '{}': {}\n", json_path, err);
        return 1;
    }
    fmt::print(stderr, "wfisleep-bench-report: plot: {}\n", out);
    return 0;
}

int run(int argc, char **argv) {
    const std::string a1 = argc > 1 ? argv[1] : "";
    if (argc == 2 && a1 == "--help") return usage(stdout, 0);
    const bool plotting = a1 == "--plot", summary = a1 == "--summary";
    if (plotting ? argc != 4 : summary ? (argc < 4 || argc > 5) : (argc < 2 || argc > 3))
        return usage(stderr, 2);
    const int json_at = plotting || summary ? 3 : 1;  // the plot link, if any, follows it
    const std::string json_path = argv[json_at];
    std::ifstream in(json_path);
    if (!in) {
        fmt::print(stderr, "wfisleep-bench-report: cannot read '{}'\n", json_path);
        return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
    if (doc.is_discarded()) {
        fmt::print(stderr, "wfisleep-bench-report: '{}': not valid JSON\n", json_path);
        return 1;
    }
    if (plotting) return plot(doc, json_path, argv[2]);
    std::string err;
    const std::string link = argc > json_at + 1 ? argv[json_at + 1] : "";
    std::string md = summary ? wfisbench::summary_markdown(doc, link, argv[2], &err)
                             : wfisbench::results_markdown(doc, link, &err);
    if (md.empty()) {
        fmt::print(stderr, "wfisleep-bench-report: '{}': {}\n", json_path, err);
        return 1;
    }
    fmt::print("{}", md);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception &e) {  // a JSON of an unexpected shape
        fmt::print(stderr, "wfisleep-bench-report: {}\n", e.what());
        return 1;
    }
}
