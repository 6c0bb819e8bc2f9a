/* libc.h - the two libc functions the guest and its compiler need. */
#ifndef WFIS_GUEST_LIBC_H
#define WFIS_GUEST_LIBC_H

#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
