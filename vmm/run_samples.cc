// run_samples.cc - the exact samples of one run as text (wfisleep-vm --samples), for pooling.
#include <fstream>
#include <sstream>

#include "run.h"

namespace wfisvm {

namespace {

void put_line(std::ostream &out, const char *name, const std::vector<int32_t> &v) {
    out << name;
    for (int32_t x : v) out << ' ' << x;
    out << '\n';
}

}  // namespace

bool write_samples(const std::string &path, const RunResult &r) {
    std::ofstream out(path);
    put_line(out, "timer", r.timer_samples_ns);
    put_line(out, "wake", r.wake_samples_ns);
    return static_cast<bool>(out);
}

bool read_samples(const std::string &path, std::vector<int32_t> *timer_ns,
                  std::vector<int32_t> *wake_ns, std::string *err) {
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
        std::vector<int32_t> *dst = name == "timer" ? timer_ns : name == "wake" ? wake_ns : nullptr;
        if (dst == nullptr) {
            *err = "samples file '" + path + "': unknown line '" + name.substr(0, 20) +
                   "' (accepted: timer, wake)";
            return false;
        }
        long long v = 0;
        while (words >> v) {
            if (v > INT32_MAX || v < INT32_MIN) {
                *err = "samples file '" + path + "': sample outside -2^31 .. 2^31 - 1";
                return false;
            }
            dst->push_back(static_cast<int32_t>(v));
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
