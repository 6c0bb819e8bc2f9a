// report_main.cc - wfisleep-bench-report: prints the README results section for a bench JSON.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report_markdown.h"

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3 || std::string(argv[1]) == "--help") {
        fmt::print(argc == 2 ? stdout : stderr,
                   "usage: wfisleep-bench-report BENCH.json [PLOT-PATH-AS-LINKED]\n"
                   "Prints the README's results section (Markdown) for a wfisleep-bench JSON.\n");
        return argc == 2 ? 0 : 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        fmt::print(stderr, "wfisleep-bench-report: cannot read '{}'\n", argv[1]);
        return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
    std::string err;
    std::string md = doc.is_discarded()
                         ? std::string()
                         : wfisbench::results_markdown(doc, argc == 3 ? argv[2] : "", &err);
    if (md.empty()) {
        fmt::print(stderr, "wfisleep-bench-report: '{}': {}\n", argv[1],
                   doc.is_discarded() ? "not valid JSON" : err);
        return 1;
    }
    fmt::print("{}", md);
    return 0;
}
