/* atomic.h (fake) - QEMU's qatomic_* accessors on GCC/Clang builtins, same orderings. */
#ifndef GLUE_FAKE_ATOMIC_H
#define GLUE_FAKE_ATOMIC_H
#define qatomic_read(ptr) __atomic_load_n(ptr, __ATOMIC_RELAXED)
#define qatomic_set(ptr, v) __atomic_store_n(ptr, v, __ATOMIC_RELAXED)
#define qatomic_load_acquire(ptr) __atomic_load_n(ptr, __ATOMIC_ACQUIRE)
#define qatomic_store_release(ptr, v) __atomic_store_n(ptr, v, __ATOMIC_RELEASE)
#define qatomic_xchg(ptr, v) __atomic_exchange_n(ptr, v, __ATOMIC_SEQ_CST)
#define qatomic_inc(ptr) ((void)__atomic_fetch_add(ptr, 1, __ATOMIC_SEQ_CST))
#endif
