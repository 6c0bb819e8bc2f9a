/* strutil.h - freestanding string helpers and a bounded line builder. */
#ifndef WFIS_GUEST_STRUTIL_H
#define WFIS_GUEST_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A line being built into a fixed buffer; text past the capacity is
 * dropped, so a line never exceeds it. */
struct line {
    char *buf;
    size_t cap; /* including the terminating NUL */
    size_t len;
};

void line_init(struct line *l, char *buf, size_t cap);
void line_str(struct line *l, const char *s);
void line_strn(struct line *l, const char *s, size_t n);
void line_u64(struct line *l, uint64_t v);
void line_hex(struct line *l, uint64_t v);
/* Room left before the capacity. */
size_t line_room(const struct line *l);

size_t str_len(const char *s);
int str_eq_n(const char *a, size_t alen, const char *b);

#endif
