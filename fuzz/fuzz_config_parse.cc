// fuzz_config_parse.cc - libFuzzer target: wfisleep_config_parse on arbitrary NAME=VALUE lists.
//
// Input: byte 0 = error buffer length (0..255), the rest split at '\n' into
// entries (arbitrary bytes, NUL ends an entry early as it would in C).
// Checked: never crashes; the result is always a usable config; a failed
// parse yields "off" and a one-line, NUL-terminated, non-empty error; every
// log line is one line; describe() obeys snprintf semantics; a seed config's
// sleep never exceeds the 10000 us cap and a plan with work is empty.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "wfisleep/wfisleep.h"

namespace {

void check_line(void *, const char *line) {
    FUZZ_CHECK(line != nullptr);
    FUZZ_CHECK(std::strchr(line, '\n') == nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const size_t errlen = data[0];
    std::vector<std::string> entries;
    std::string cur;
    for (size_t i = 1; i < size; ++i) {
        if (data[i] == '\n') {
            entries.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(static_cast<char>(data[i]));
        }
    }
    if (!cur.empty()) entries.push_back(cur);
    std::vector<const char *> vars;
    for (const auto &e : entries) vars.push_back(e.c_str());
    vars.push_back(nullptr);

    wfisleep_set_log(check_line, nullptr);
    std::vector<char> err(errlen + 1, '\x7f');  // one guard byte past errlen
    wfisleep_config *cfg = nullptr;
    const int rc = wfisleep_config_parse(&cfg, vars.data(), errlen ? err.data() : nullptr, errlen);
    FUZZ_CHECK(cfg != nullptr);
    FUZZ_CHECK(err[errlen] == '\x7f');  // nothing written past errlen
    const std::string policy = wfisleep_config_policy(cfg);
    FUZZ_CHECK(policy == "off" || policy == "seed" || policy == "adaptive");
    if (rc != 0) {
        FUZZ_CHECK(policy == "off");
        if (errlen > 0) {
            FUZZ_CHECK(std::memchr(err.data(), '\0', errlen) != nullptr);
            for (const char *c = err.data(); *c != '\0'; ++c) {
                FUZZ_CHECK(static_cast<unsigned char>(*c) >= 0x20 && *c != 0x7f);  // escaped
            }
            FUZZ_CHECK(errlen == 1 || err[0] != '\0');
        }
    }
    char small[8];
    const int want = wfisleep_config_describe(cfg, small, sizeof small);
    FUZZ_CHECK(want >= 0);
    FUZZ_CHECK(
        std::strlen(small) ==
        (static_cast<size_t>(want) < sizeof small ? static_cast<size_t>(want) : sizeof small - 1));
    std::vector<char> full(static_cast<size_t>(want) + 1);
    FUZZ_CHECK(wfisleep_config_describe(cfg, full.data(), full.size()) == want);
    FUZZ_CHECK(std::strlen(full.data()) == static_cast<size_t>(want));

    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    FUZZ_CHECK(v != nullptr);
    uint64_t now = 0;
    for (int i = 0; i < 700; ++i, now += 1000) {
        const wfisleep_plan p = wfisleep_vcpu_plan(v, now, 0, now + 1000000);
        if (policy == "off") FUZZ_CHECK(p.poll_ns == 0 && p.sleep_ns == 0 && p.spin_ns == 0);
        if (policy == "seed")
            FUZZ_CHECK(p.sleep_ns <= 10000ull * 1000 && p.poll_ns == 0 && p.spin_ns == 0);
        if (policy == "adaptive") FUZZ_CHECK(p.poll_ns + p.sleep_ns + p.spin_ns <= 1000000);
        wfisleep_vcpu_done(v, now, 0);
    }
    const wfisleep_plan w = wfisleep_vcpu_plan(v, now, 1, now + 1000000);
    FUZZ_CHECK(w.poll_ns == 0 && w.sleep_ns == 0 && w.spin_ns == 0);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
    return 0;
}
