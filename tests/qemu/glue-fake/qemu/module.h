/* module.h (fake) - type_init registers a function QEMU calls at start-up; the test calls it. */
#ifndef GLUE_FAKE_MODULE_H
#define GLUE_FAKE_MODULE_H
#define type_init(fn) \
    void (*glue_fake_type_init)(void) = fn;
#endif
