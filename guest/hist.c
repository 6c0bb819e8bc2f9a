/* hist.c - records timer lateness into the ABI histogram and prints it. */
#include "hist.h"

#include "console.h"
#include "strutil.h"

static void start_line(struct line *l, char *buf, size_t cap, uint32_t cpu) {
    line_init(l, buf, cap);
    line_str(l, "WFIS HIST cpu=");
    line_u64(l, cpu);
}

void hist_report(const struct percpu *c) {
    char buf[201]; /* the ABI's 200-character line limit */
    struct line l;
    start_line(&l, buf, sizeof buf, c->index);
    for (uint32_t b = 0; b < WFIS_HIST_BUCKETS; b++) {
        if (!c->hist[b]) continue;
        /* " bucket:count" needs at most 1 + 3 + 1 + 10 characters. */
        if (line_room(&l) < 16) {
            console_puts(buf);
            start_line(&l, buf, sizeof buf, c->index);
        }
        line_str(&l, " ");
        line_u64(&l, b);
        line_str(&l, ":");
        line_u64(&l, c->hist[b]);
    }
    console_puts(buf);
}
