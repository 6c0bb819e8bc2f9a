/* libc.c - memset and memcpy for the freestanding guest. */
#include "libc.h"

/* The compiler may emit calls to these; rep string ops keep them from being
 * turned back into calls to themselves. */
void *memset(void *d, int c, size_t n) {
    void *ret = d;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return ret;
}

void *memcpy(void *d, const void *s, size_t n) {
    void *ret = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return ret;
}
