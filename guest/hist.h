/* hist.h - the per-vCPU timer lateness histogram (ABI buckets) and its report lines. */
#ifndef WFIS_GUEST_HIST_H
#define WFIS_GUEST_HIST_H

#include <stdint.h>

#include "percpu.h"
#include "ring.h"

/* One timer interrupt's lateness (negative: early): into the histogram,
 * which has no bucket below 0, and exactly into the ring. */
static inline void hist_record(struct percpu *c, int64_t late_ns) {
    c->hist[wfis_hist_bucket(late_ns > 0 ? (uint64_t)late_ns : 0)]++;
    ring_record(c, late_ns);
}

/* Prints the WFIS HIST lines of c (at least one, even when empty). Call
 * with the console locked. */
void hist_report(const struct percpu *c);

#endif
