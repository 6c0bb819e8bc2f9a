/* calib.h - picks a calibration result from repeated windows that agree. */
#ifndef WFIS_GUEST_CALIB_H
#define WFIS_GUEST_CALIB_H

#include <stdint.h>

#define CALIB_MAX_WINDOWS 12

/* A host under load stretches single windows in ways TSC brackets do not
 * always reveal (seen under QEMU TCG with load 6 on 2 cores), so a result
 * is accepted only once three windows agree within 0.1%; failing that, the
 * window with the narrowest brackets. */
struct calib {
    uint64_t value[CALIB_MAX_WINDOWS];
    uint64_t slop[CALIB_MAX_WINDOWS];
    int n;
};

/* Adds one window's value and bracket width. Returns 1 when three windows
 * now agree (*out = the newest of them), 0 to ask for another window. */
int calib_add(struct calib *c, uint64_t value, uint64_t slop, uint64_t *out);

/* After CALIB_MAX_WINDOWS without agreement: the narrowest-bracket value,
 * 0 if no window was added. */
uint64_t calib_fallback(const struct calib *c);

#endif
