// hex_text.h - "0x..." text of a number, for the VMM's one-line error messages.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace wfisvm {

inline std::string hex_text(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

}  // namespace wfisvm
