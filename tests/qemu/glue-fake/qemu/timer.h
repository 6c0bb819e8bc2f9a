/* timer.h (fake) - QEMU's clocks: the guest's (virtual) clock in ns. */
#ifndef GLUE_FAKE_TIMER_H
#define GLUE_FAKE_TIMER_H
typedef enum { QEMU_CLOCK_REALTIME, QEMU_CLOCK_VIRTUAL } QEMUClockType;
int64_t qemu_clock_get_ns(QEMUClockType type);
#endif
