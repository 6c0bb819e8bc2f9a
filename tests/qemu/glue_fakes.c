/* glue_fakes.c - recording fakes of the QEMU functions every glue adapter calls, and the runner. */
#define _GNU_SOURCE
// clang-format off
#include "glue_fakes.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "hw/core/cpu.h"
#include "system/cpus.h"
// clang-format on

#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

GString *console;
bool bql_held = true;
int bql_unlocks;
bool work_interrupt, work_queued;
bool sampled_unlocked;
void (*on_work_sample)(void);
Notifier *exit_notifiers;
int failures;

static void console_add(const char *prefix, const char *fmt, va_list ap) {
    g_string_append(console, prefix);
    g_string_append_vprintf(console, fmt, ap);
}

void error_printf(const char *fmt, ...) {
    va_list ap;

    va_start(ap, fmt);
    console_add("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...) {
    va_list ap;

    va_start(ap, fmt);
    console_add("warning: ", fmt, ap);
    va_end(ap);
    g_string_append_c(console, '\n');
}

void bql_lock(void) {
    if (bql_held) {
        abort(); /* taken twice */
    }
    bql_held = true;
}

void bql_unlock(void) {
    if (!bql_held) {
        abort(); /* released twice */
    }
    bql_held = false;
    bql_unlocks++;
}

bool bql_locked(void) {
    return bql_held;
}

bool cpu_has_work(CPUState *cpu) {
    (void)cpu;
    sampled_unlocked |= !bql_held;
    return work_interrupt;
}

bool cpu_work_list_empty(CPUState *cpu) {
    (void)cpu;
    sampled_unlocked |= !bql_held;
    if (on_work_sample) {
        on_work_sample();
    }
    return !work_queued;
}

void qemu_add_exit_notifier(Notifier *n) {
    n->next = exit_notifiers;
    exit_notifiers = n;
}

void qemu_remove_exit_notifier(Notifier *n) {
    for (Notifier **p = &exit_notifiers; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            return;
        }
    }
}

void run_exit_notifiers(void) {
    for (Notifier *n = exit_notifiers; n; n = n->next) {
        n->notify(n, NULL);
    }
}

uint64_t mono_ns(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void fake_setup(const char *const *env) {
    console = g_string_new("");
    for (; env && *env; env++) {
        putenv((char *)*env);  // NOLINT(concurrency-mt-unsafe): no other thread yet
    }
}

int run_scenarios(const char *suite, const GlueScenario *s, size_t n) {
    int failed = 0;

    for (size_t i = 0; i < n; i++) {
        (void)fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(20); /* a lost wake-up must fail the scenario, not hang it */
            s[i].fn();
            (void)fflush(stdout);
            /* exit, not _exit: a sanitizer report sets the status. The child
             * is single-threaded here. */
            exit(failures ? 1 : 0);  // NOLINT(concurrency-mt-unsafe)
        }
        int status = 0;
        waitpid(pid, &status, 0);
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        (void)printf("%s %s\n", ok ? "ok  " : "FAIL", s[i].name);
        failed += !ok;
    }
    (void)printf("%s: %zu scenarios, %d failed\n", suite, n, failed);
    return failed ? 1 : 0;
}
