// machine_info.cc - gathers the "machine" object of the bench JSON.
#include "machine_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#ifndef WFISBENCH_SOURCE_DIR
#define WFISBENCH_SOURCE_DIR ""
#endif

namespace wfisbench {

namespace {

std::string first_line(const std::string &path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}

// First output line of a shell command (only fixed commands with quoted paths).
std::string command_line(const std::string &cmd) {
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[512];
    if (fgets(buf, sizeof buf, p) != nullptr) out = buf;
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

std::string shell_quote(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace

double load_average_1m() {
    double l = -1;
    std::ifstream in("/proc/loadavg");
    in >> l;
    return in ? l : -1;
}

std::string source_commit(const std::string &src) {
    if (src.empty()) return "";
    const std::string git = "git -C " + shell_quote(src);
    std::string commit = command_line(git + " rev-parse HEAD 2>/dev/null");
    if (commit.empty()) return "";
    const std::string changed = command_line(
        git + " status --porcelain -uno -- . ':(exclude)results' ':(exclude)docs/results.md'" +
        " ':(exclude)README.md' 2>/dev/null");
    if (!changed.empty()) commit += "-dirty";
    return commit;
}

nlohmann::json machine_info(const std::string &qemu_path) {
    nlohmann::json m;
    utsname u{};
    if (uname(&u) == 0) {
        m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.version;
        m["arch"] = u.machine;
    }
    std::string model;
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);) {
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    }
    m["cpu_model"] = model;
    m["nproc"] = sysconf(_SC_NPROCESSORS_ONLN);
    std::string kvm;
    for (const char *mod : {"kvm_intel", "kvm_amd", "kvm_pvm"})
        if (std::filesystem::exists(std::string("/sys/module/") + mod)) {
            if (!kvm.empty()) kvm.push_back(',');
            kvm.append(mod);
        }
    m["kvm_module"] = kvm.empty() ? nlohmann::json(nullptr) : nlohmann::json(kvm);
    std::string hp = first_line("/sys/module/kvm/parameters/halt_poll_ns");
    m["kvm_halt_poll_ns"] = hp.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::stoll(hp));
    m["dev_kvm"] = access("/dev/kvm", R_OK | W_OK) == 0;
    char date[64];
    std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    m["date"] = date;
    const std::string commit = source_commit(WFISBENCH_SOURCE_DIR);
    m["git_commit"] = commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(commit);
    m["load_1m_at_start"] = load_average_1m();
    if (!qemu_path.empty())
        m["qemu_version"] = command_line(shell_quote(qemu_path) + " --version 2>/dev/null");
    return m;
}

}  // namespace wfisbench
