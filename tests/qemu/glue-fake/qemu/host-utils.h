/* host-utils.h (fake) - overflow-checked addition. */
#ifndef GLUE_FAKE_HOST_UTILS_H
#define GLUE_FAKE_HOST_UTILS_H
static inline bool uadd64_overflow(uint64_t x, uint64_t y, uint64_t *ret)
{
    return __builtin_add_overflow(x, y, ret);
}
#endif
