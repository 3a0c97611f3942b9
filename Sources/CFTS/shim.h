// <fts.h> is not exposed by Swift's Glibc module. Everything else the walker needs
// (openat, fdopendir, readdir, fstatat) comes from Glibc itself.
#include <fts.h>
#include <errno.h>
static inline int attache_errno(void) { return errno; }
// O_NOATIME is declared by <fcntl.h> only under _GNU_SOURCE, which would make this module's
// view of libc differ from Glibc's. Its value is 01000000 on Linux (x86_64, arm64).
static const int ATTACHE_O_NOATIME = 01000000;
