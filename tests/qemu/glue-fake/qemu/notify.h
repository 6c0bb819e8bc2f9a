/* notify.h (fake) - exit notifiers. */
#ifndef GLUE_FAKE_NOTIFY_H
#define GLUE_FAKE_NOTIFY_H
typedef struct Notifier Notifier;
struct Notifier {
    void (*notify)(Notifier *notifier, void *data);
    Notifier *next; /* the fake's list link */
};
void qemu_add_exit_notifier(Notifier *notify);
void qemu_remove_exit_notifier(Notifier *notify);
#endif
