// cli_helpers.h - runs the wfisleep-bench binary in tests and captures exit code, stdout, stderr.
#pragma once

#include <string>

namespace benchtest {

struct Cli {
    int exit_code = -1;
    std::string out, err;
};

// Runs `env_prefix bin args` through /bin/sh (env_prefix: "A=1 B=2 " or "").
Cli run_cli(const std::string &bin, const std::string &args, const std::string &env_prefix = "");

std::string read_file(const std::string &path);

// A fresh empty directory under $TMPDIR or /tmp.
std::string temp_dir();

// Lines in a string that are not empty.
int count_lines(const std::string &s);

}  // namespace benchtest
