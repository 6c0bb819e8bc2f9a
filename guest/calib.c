/* calib.c - agreement rule over repeated calibration windows. */
#include "calib.h"

static int close_enough(uint64_t a, uint64_t b) {
    uint64_t d = a > b ? a - b : b - a;
    return d * 1000 <= a;
}

int calib_add(struct calib *c, uint64_t value, uint64_t slop, uint64_t *out) {
    if (c->n >= CALIB_MAX_WINDOWS) return 0;
    int agree = 0;
    for (int i = 0; i < c->n; i++) agree += close_enough(value, c->value[i]);
    c->value[c->n] = value;
    c->slop[c->n] = slop;
    c->n++;
    if (agree >= 2) {
        *out = value;
        return 1;
    }
    return 0;
}

uint64_t calib_fallback(const struct calib *c) {
    uint64_t best = 0, best_slop = 0;
    for (int i = 0; i < c->n; i++)
        if (!best || c->slop[i] < best_slop) {
            best = c->value[i];
            best_slop = c->slop[i];
        }
    return best;
}
