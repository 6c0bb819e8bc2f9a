// allocation_counter.h - replaces operator new/delete to count heap allocations, so a test can
// assert that a hot path makes none. Include it from exactly one file of a test binary.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace wfisleep_test {

// Allocations through operator new since the process started.
inline std::atomic<uint64_t> g_allocations{0};

}  // namespace wfisleep_test

// GCC 12 with -fsanitize=thread inlines these and then wrongly reports
// free() of a pointer from operator new (-Wmismatched-new-delete): they are
// the replacement pair, malloc inside new and free inside delete.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void *operator new(std::size_t n) {
    wfisleep_test::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void *p = std::malloc(n == 0 ? 1 : n)) {
        return p;
    }
    throw std::bad_alloc();
}
void *operator new(std::size_t n, const std::nothrow_t & /*tag*/) noexcept {
    wfisleep_test::g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);  // the library allocates with nothrow new
}
void operator delete(void *p, const std::nothrow_t & /*tag*/) noexcept {
    std::free(p);
}
void operator delete(void *p) noexcept {
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
