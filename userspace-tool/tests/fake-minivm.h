/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ld --wrap=SYM sends minivm-run's calls of SYM to __wrap_SYM, and
 * __real_SYM reaches the C library's.
 */
#ifndef MINIVM_RUN_FAKE_MINIVM_H
#define MINIVM_RUN_FAKE_MINIVM_H

#include <sys/types.h>

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

int __wrap_open(const char *path, int flags, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

#endif /* MINIVM_RUN_FAKE_MINIVM_H */
