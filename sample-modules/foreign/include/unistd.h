/*
 * The POSIX I/O functions the C samples call, for macOS targets built without
 * its SDK (see Python.h beside this file); libSystem exports them.
 */
#ifndef EXTINSPECT_UNISTD_H
#define EXTINSPECT_UNISTD_H

#if defined(_WIN32)
#  error "no unistd.h on Windows: use windows.h"
#endif

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long ssize_t; /* macOS is LP64 on both x86_64 and arm64 */

int pipe(int fds[2]);
ssize_t read(int fd, void *buffer, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* EXTINSPECT_UNISTD_H */
