/*
 * The two libc functions the C samples call, for targets whose libc headers
 * this machine does not have (see Python.h beside this file).
 *
 * Windows: the Universal CRT exports abort() but not atexit(), which MSVC's
 * static startup code builds on _crt_atexit(); with no CRT linked in, atexit()
 * is that forwarding shim, inline, so the module imports _crt_atexit and abort
 * from api-ms-win-crt-runtime-l1-1-0.dll as a /MD build does. macOS: both come
 * from libSystem.
 */
#ifndef EXTINSPECT_STDLIB_H
#define EXTINSPECT_STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
/* As the UCRT's headers do under /MD: the linker finds ucrt.lib on its /libpath. */
#pragma comment(lib, "ucrt.lib")
__declspec(dllimport) __declspec(noreturn) void __cdecl abort(void);
__declspec(dllimport) int __cdecl _crt_atexit(void(__cdecl *function)(void));
static __inline int __cdecl atexit(void(__cdecl *function)(void)) {
    return _crt_atexit(function);
}
#else
void abort(void) __attribute__((noreturn));
int atexit(void (*function)(void));
#endif

#ifdef __cplusplus
}
#endif
#endif /* EXTINSPECT_STDLIB_H */
