/* SPDX-License-Identifier: MIT */
/* object.h - declaration-only shim of Apple's <os/object.h> (OS object retain/release) for syntax checks on Linux. */
#ifndef WFISLEEP_SHIM_OS_OBJECT_H
#define WFISLEEP_SHIM_OS_OBJECT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Reference counting of OS objects (e.g. hv_vm_config_t); not implemented here. */
void *os_retain(void *object);
void os_release(void *object);

#ifdef __cplusplus
}
#endif

#endif /* WFISLEEP_SHIM_OS_OBJECT_H */
