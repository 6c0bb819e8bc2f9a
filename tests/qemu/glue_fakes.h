/* glue_fakes.h - what the glue tests share: recording QEMU fakes, the clock, CHECK, a runner.
 *
 * The fakes behind QEMU's own declarations (glue-fake/ headers) live in
 * glue_fakes.c: the console (error_printf / warn_report), the BQL, the
 * has-work sources, exit notifiers. Each scenario runs in a child process
 * because the glue parses its configuration once per process.
 */
#ifndef WFISLEEP_TESTS_QEMU_GLUE_FAKES_H
#define WFISLEEP_TESTS_QEMU_GLUE_FAKES_H

// clang-format off
#include "qemu/osdep.h"
#include "qemu/notify.h"
// clang-format on

extern GString *console;             /* every error_printf / warn_report line */
extern bool bql_held;                /* set by the test to the state the caller is in */
extern int bql_unlocks;              /* releases by the glue */
extern bool work_interrupt;          /* cpu_has_work() */
extern bool work_queued;             /* !cpu_work_list_empty() */
extern bool sampled_unlocked;        /* a has-work source was read without the BQL */
extern void (*on_work_sample)(void); /* called when the queued-work source is read */
extern Notifier *exit_notifiers;

/* CLOCK_MONOTONIC in ns: the library's Linux clock. */
uint64_t mono_ns(void);
void run_exit_notifiers(void);
/* Sets the environment (NULL-terminated NAME=VALUE list) and a fresh console. */
void fake_setup(const char *const *env);

extern int failures;
#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            failures++;                                                           \
            (void)fprintf(stdout, "FAIL %s:%d: %s: ", __func__, __LINE__, #cond); \
            (void)fprintf(stdout, __VA_ARGS__);                                   \
            (void)fprintf(stdout, "\n  console: %s\n", console->str);             \
        }                                                                         \
    } while (0)

typedef struct GlueScenario {
    const char *name;
    void (*fn)(void);
} GlueScenario;

/* Runs each scenario in a child (20 s alarm); prints ok/FAIL lines; returns the exit status. */
int run_scenarios(const char *suite, const GlueScenario *s, size_t n);

#endif
