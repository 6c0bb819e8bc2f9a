/* crt_externs.h - declaration-only shim of Apple's <crt_externs.h> for syntax checks on Linux. */
#ifndef WFISLEEP_SHIM_CRT_EXTERNS_H
#define WFISLEEP_SHIM_CRT_EXTERNS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The process environment, for code in dynamic libraries (environ(7)). */
char ***_NSGetEnviron(void);

#ifdef __cplusplus
}
#endif

#endif /* WFISLEEP_SHIM_CRT_EXTERNS_H */
