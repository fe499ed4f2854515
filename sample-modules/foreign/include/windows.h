/*
 * The kernel32 functions the C samples call, for Windows targets built without
 * its SDK (see Python.h beside this file). As the SDK's headers do, the header
 * names the import library; the linker finds kernel32.lib on its /libpath (it
 * is made from ../kernel32.def).
 */
#ifndef EXTINSPECT_WINDOWS_H
#define EXTINSPECT_WINDOWS_H

#if !defined(_WIN32)
#  error "windows.h is for Windows targets"
#endif

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma comment(lib, "kernel32.lib")

typedef void *HANDLE;
typedef void *LPVOID;
typedef unsigned long DWORD;
typedef int BOOL;
typedef const wchar_t *LPCWSTR;
#define WINAPI __stdcall
#define WINBASEAPI __declspec(dllimport)
#define TRUE 1
#define FALSE 0
#define INFINITE 0xFFFFFFFF

typedef DWORD(WINAPI *LPTHREAD_START_ROUTINE)(LPVOID parameter);

WINBASEAPI HANDLE WINAPI CreateThread(LPVOID attributes, size_t stack_size,
                                      LPTHREAD_START_ROUTINE start, LPVOID parameter, DWORD flags,
                                      DWORD *thread_id);
WINBASEAPI HANDLE WINAPI CreateEventW(LPVOID attributes, BOOL manual_reset, BOOL initial_state,
                                      LPCWSTR name);
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE handle, DWORD milliseconds);

#ifdef __cplusplus
}
#endif
#endif /* EXTINSPECT_WINDOWS_H */
