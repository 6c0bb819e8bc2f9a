// cli_helpers.cc - process helpers for the bench's command-line tests.
#include "cli_helpers.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace benchtest {

std::string read_file(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string temp_dir() {
    const char *t = std::getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/wfisbench-test.XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

Cli run_cli(const std::string &bin, const std::string &args, const std::string &env_prefix) {
    static std::string dir = temp_dir();
    std::string out = dir + "/stdout", err = dir + "/stderr";
    std::string cmd = env_prefix + "'" + bin + "' " + args + " >'" + out + "' 2>'" + err + "'";
    int st = std::system(cmd.c_str());
    Cli c;
    c.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    c.out = read_file(out);
    c.err = read_file(err);
    return c;
}

int count_lines(const std::string &s) {
    int n = 0;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) n++;
    return n;
}

}  // namespace benchtest
