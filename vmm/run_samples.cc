// run_samples.cc - the exact samples of one run as text (wfisleep-vm --samples), for pooling.
#include <fstream>
#include <sstream>

#include "run.h"

namespace wfisvm {

namespace {

void put_line(std::ostream &out, const char *name, const std::vector<uint32_t> &v) {
    out << name;
    for (uint32_t x : v) out << ' ' << x;
    out << '\n';
}

}  // namespace

bool write_samples(const std::string &path, const RunResult &r) {
    std::ofstream out(path);
    put_line(out, "timer", r.timer_samples_ns);
    put_line(out, "wake", r.wake_samples_ns);
    return static_cast<bool>(out);
}

bool read_samples(const std::string &path, std::vector<uint32_t> *timer_ns,
                  std::vector<uint32_t> *wake_ns, std::string *err) {
    std::ifstream in(path);
    if (!in) {
        *err = "cannot open samples file '" + path + "'";
        return false;
    }
    timer_ns->clear();
    wake_ns->clear();
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string name;
        words >> name;
        std::vector<uint32_t> *dst = name == "timer"  ? timer_ns
                                     : name == "wake" ? wake_ns
                                                      : nullptr;
        if (dst == nullptr) {
            *err = "samples file '" + path + "': unknown line '" + name.substr(0, 20) +
                   "' (accepted: timer, wake)";
            return false;
        }
        unsigned long long v = 0;
        while (words >> v) {
            if (v > UINT32_MAX) {
                *err = "samples file '" + path + "': sample above 2^32 - 1";
                return false;
            }
            dst->push_back(static_cast<uint32_t>(v));
        }
        if (!words.eof()) {
            *err = "samples file '" + path + "': a ";
            *err += name + " sample is not a number";
            return false;
        }
        lines++;
    }
    if (lines != 2) {
        *err = "samples file '" + path + "': expected the timer and wake lines";
        return false;
    }
    return true;
}

}  // namespace wfisvm
