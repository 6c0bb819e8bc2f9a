/* error-report.h (fake) - QEMU's console reporting; the test records every line. */
#ifndef GLUE_FAKE_ERROR_REPORT_H
#define GLUE_FAKE_ERROR_REPORT_H
void error_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
#define warn_report_once(...)          \
    do {                               \
        static bool warned_;           \
        if (!warned_) {                \
            warned_ = true;            \
            warn_report(__VA_ARGS__);  \
        }                              \
    } while (0)
#endif
