/* system.h (fake) - machine-creation notifiers (exit notifiers are in notify.h). */
#ifndef GLUE_FAKE_SYSTEM_SYSTEM_H
#define GLUE_FAKE_SYSTEM_SYSTEM_H
#include "qemu/notify.h"
void qemu_add_machine_init_done_notifier(Notifier *notify);
#endif
