/*
 * The two POSIX thread functions the C samples call, for macOS targets built
 * without its SDK (see Python.h beside this file); libSystem exports them.
 * Only pointers to these types are passed, so they stay opaque, as the SDK's
 * pthread_t is a pointer to an opaque struct.
 */
#ifndef EXTINSPECT_PTHREAD_H
#define EXTINSPECT_PTHREAD_H

#if defined(_WIN32)
#  error "no pthreads on Windows: use windows.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _opaque_pthread_t *pthread_t;
typedef struct _opaque_pthread_attr_t pthread_attr_t;

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg);
int pthread_join(pthread_t thread, void **result);

#ifdef __cplusplus
}
#endif
#endif /* EXTINSPECT_PTHREAD_H */
