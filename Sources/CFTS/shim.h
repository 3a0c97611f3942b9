// <fts.h> is not exposed by Swift's Glibc module. Everything else the walker needs
// (openat, fdopendir, readdir, fstatat) comes from Glibc itself.
#include <fts.h>
#include <errno.h>
static inline int attache_errno(void) { return errno; }
// O_NOATIME is declared by <fcntl.h> only under _GNU_SOURCE, which would make this module's
// view of libc differ from Glibc's. Its value is 01000000 on Linux (x86_64, arm64).
static const int ATTACHE_O_NOATIME = 01000000;
// syncfs(2) is declared by <unistd.h> only under _GNU_SOURCE (same reason as above).
extern int syncfs(int fd);
static inline int attache_syncfs(int fd) { return syncfs(fd); }
// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: one call opens a path below a folder
// descriptor, refusing any symbolic link and any escape (Linux 5.6+; glibc has no wrapper).
// -1 with errno ENOSYS on an older kernel.
#include <sys/syscall.h>
#include <unistd.h>
#include <stdint.h>
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
struct attache_open_how { uint64_t flags; uint64_t mode; uint64_t resolve; };
static inline int attache_open_beneath(int dirfd, const char *path, int flags) {
    struct attache_open_how how = { (uint64_t)(unsigned int)flags, 0, 0x08 /* RESOLVE_BENEATH */ | 0x04 /* RESOLVE_NO_SYMLINKS */ | 0x02 /* RESOLVE_NO_MAGICLINKS */ };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}
// stdout is a C global Swift 6 will not touch (shared mutable state): flushed and set to line
// buffering here, for `attache run`'s display, which points standard output at a pipe.
#include <stdio.h>
static inline void attache_stdout_flush(void) { fflush(stdout); }
static inline void attache_stdout_line_buffered(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
