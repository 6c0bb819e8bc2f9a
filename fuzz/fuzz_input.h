// fuzz_input.h - reads integers and choices from a fuzzer's byte string (zero once exhausted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace wfisleep_fuzz {

class Input {
  public:
    Input(const uint8_t *data, size_t size) : data_(data), size_(size) {}

    bool empty() const { return pos_ >= size_; }

    uint64_t u64(size_t bytes = 8) {
        uint64_t v = 0;
        for (size_t i = 0; i < bytes; ++i) {
            v = (v << 8) | (pos_ < size_ ? data_[pos_++] : 0u);
        }
        return v;
    }
    uint8_t u8() { return static_cast<uint8_t>(u64(1)); }
    bool flag() { return (u8() & 1u) != 0; }

  private:
    const uint8_t *data_;
    size_t size_;
    size_t pos_ = 0;
};

// Aborts with a message: the fuzzer reports it as a crash with the input.
[[noreturn]] inline void fail(const char *what) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    __builtin_trap();
}

#define FUZZ_CHECK(cond)                           \
    do {                                           \
        if (!(cond)) ::wfisleep_fuzz::fail(#cond); \
    } while (0)

}  // namespace wfisleep_fuzz
