/* strutil.c - freestanding string helpers and the bounded line builder. */
#include "strutil.h"

void line_init(struct line *l, char *buf, size_t cap) {
    l->buf = buf;
    l->cap = cap;
    l->len = 0;
    buf[0] = 0;
}

size_t line_room(const struct line *l) {
    return l->cap - 1 - l->len;
}

void line_strn(struct line *l, const char *s, size_t n) {
    for (size_t i = 0; i < n && s[i] && l->len + 1 < l->cap; i++) l->buf[l->len++] = s[i];
    l->buf[l->len] = 0;
}

void line_str(struct line *l, const char *s) {
    line_strn(l, s, (size_t)-1);
}

void line_u64(struct line *l, uint64_t v) {
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char out[21];
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    line_strn(l, out, (size_t)n);
}

void line_hex(struct line *l, uint64_t v) {
    char out[19] = "0x";
    for (int i = 0; i < 16; i++) out[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    line_strn(l, out, 18);
}

size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int str_eq_n(const char *a, size_t alen, const char *b) {
    size_t i = 0;
    for (; i < alen; i++)
        if (b[i] != a[i]) return 0;
    return b[i] == 0;
}
