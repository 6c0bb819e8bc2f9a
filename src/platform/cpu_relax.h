// cpu_relax.h - the CPU's spin-wait hint, used by every poll and spin loop.
#pragma once

namespace wfisleep::platform {

// Tells the core we are busy-waiting (saves power, frees the sibling
// hyper-thread, avoids a memory-order mis-speculation penalty on loop exit).
// Per architecture, not per OS, so a small switch here is the clearest form.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#else
    asm volatile("" ::: "memory");
#endif
}

}  // namespace wfisleep::platform
