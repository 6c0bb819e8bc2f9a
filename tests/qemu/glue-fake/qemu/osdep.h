/* osdep.h (fake) - what QEMU's osdep.h gives the glue: libc, glib, container_of, CPUState. */
#ifndef GLUE_FAKE_OSDEP_H
#define GLUE_FAKE_OSDEP_H
#include <assert.h>
#include <glib.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

typedef struct CPUState CPUState;
typedef struct AccelCPUState AccelCPUState;
#endif
