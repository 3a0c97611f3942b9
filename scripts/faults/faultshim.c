/* A fault-injection shim for attache's end-to-end tests (issue 17): LD_PRELOAD it and the
 * calls chosen by the environment fail. Not part of the product build; scripts/faults/build.sh
 * compiles it with cc.
 *
 *   ATTACHE_SHIM_FAULT  CALL:ERROR — CALL is open, read, write, rename or fsync; ERROR is an
 *                       errno name (EIO, EACCES, ENOSPC, EDQUOT) or `short` (write: half the
 *                       bytes are written, once; the caller must write the rest)
 *   ATTACHE_SHIM_PATH   a substring the file's path must contain (rename: the old or the new
 *                       path; read/write/fsync: the path /proc/self/fd names)
 *   ATTACHE_SHIM_AFTER  let this many matching calls through first (default 0)
 *   ATTACHE_SHIM_TIMES  fail this many matching calls, then let them through (default: all)
 *   ATTACHE_SHIM_LOG    a file: one line per injected fault ("CALL PATH ERROR")
 *
 * open covers open, open64, openat, openat64; read covers read, pread, pread64, readv;
 * write covers write, pwrite, pwrite64, writev; rename covers rename, renameat, renameat2 and
 * linkat (apply names a staged copy with a hard link);
 * fsync covers fsync, fdatasync and syncfs (a staged batch of copies is flushed with syncfs).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum call { C_NONE, C_OPEN, C_READ, C_WRITE, C_RENAME, C_FSYNC };

static enum call fault_call = C_NONE;
static int fault_errno = 0;
static int fault_short = 0;
static int fault_resize = 0;  /* read:grow (+1), read:shrink (-1): change the file after a read */
static const char *fault_path = NULL;
static long fault_after = 0, fault_times = -1;
static long seen = 0, injected = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int inside = 0;  /* our own calls (readlink, the log) are never faulted */

static int errno_named(const char *s) {
    static const struct { const char *name; int value; } names[] = {
        {"EIO", EIO}, {"EACCES", EACCES}, {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EPERM", EPERM},
        {"EROFS", EROFS}, {"ENOENT", ENOENT}, {"EMFILE", EMFILE}, {"EFBIG", EFBIG}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) return names[i].value;
    return atoi(s);
}

__attribute__((constructor)) static void configure(void) {
    const char *f = getenv("ATTACHE_SHIM_FAULT");
    if (!f || !*f) return;
    const char *colon = strchr(f, ':');
    if (!colon) return;
    size_t n = (size_t)(colon - f);
    if (n == 4 && !strncmp(f, "open", 4)) fault_call = C_OPEN;
    else if (n == 4 && !strncmp(f, "read", 4)) fault_call = C_READ;
    else if (n == 5 && !strncmp(f, "write", 5)) fault_call = C_WRITE;
    else if (n == 6 && !strncmp(f, "rename", 6)) fault_call = C_RENAME;
    else if (n == 5 && !strncmp(f, "fsync", 5)) fault_call = C_FSYNC;
    if (!strcmp(colon + 1, "short")) fault_short = 1;
    else if (!strcmp(colon + 1, "grow")) fault_resize = 1;
    else if (!strcmp(colon + 1, "shrink")) fault_resize = -1;
    else fault_errno = errno_named(colon + 1);
    fault_path = getenv("ATTACHE_SHIM_PATH");
    if (getenv("ATTACHE_SHIM_AFTER")) fault_after = atol(getenv("ATTACHE_SHIM_AFTER"));
    if (getenv("ATTACHE_SHIM_TIMES")) fault_times = atol(getenv("ATTACHE_SHIM_TIMES"));
}

static void note(const char *what, const char *path, const char *err) {
    const char *log = getenv("ATTACHE_SHIM_LOG");
    if (!log) return;
    static int (*real_open)(const char *, int, ...) = NULL;
    static ssize_t (*real_write)(int, const void *, size_t) = NULL;
    if (!real_open) real_open = dlsym(RTLD_NEXT, "open");
    if (!real_write) real_write = dlsym(RTLD_NEXT, "write");
    int fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    char line[4200];
    int len = snprintf(line, sizeof line, "%s %s %s\n", what, path ? path : "-", err);
    if (len > 0) real_write(fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
    close(fd);
}

/* Whether this call, on this path, is to fail (and counts it). */
static int should_fail(enum call c, const char *path, const char *path2) {
    if (fault_call != c || inside) return 0;
    if (fault_path && *fault_path) {
        int hit = (path && strstr(path, fault_path)) || (path2 && strstr(path2, fault_path));
        if (!hit) return 0;
    }
    int fail = 0;
    pthread_mutex_lock(&lock);
    seen++;
    if (seen > fault_after && (fault_times < 0 || injected < fault_times)) { injected++; fail = 1; }
    pthread_mutex_unlock(&lock);
    return fail;
}

static int fd_fails(enum call c, int fd, const char *what) {
    if (fault_call != c || inside) return 0;
    char link[64], path[4096];
    inside = 1;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    inside = 0;
    if (n < 0) return 0;
    path[n] = 0;
    if (!should_fail(c, path, NULL)) return 0;
    inside = 1;
    note(what, path, fault_short ? "short" : strerrorname_np(fault_errno));
    inside = 0;
    return 1;
}

#define REAL(name, ret, args) static ret (*real_##name) args = NULL; if (!real_##name) real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name)

/* The absolute path `path` names relative to the folder `dir` (an fd or AT_FDCWD). */
static const char *absolute(int dir, const char *path, char *buf, size_t size) {
    if (!path || path[0] == '/' || fault_call == C_NONE) return path;
    inside = 1;
    ssize_t n = -1;
    if (dir == AT_FDCWD) {
        if (getcwd(buf, size)) n = (ssize_t)strlen(buf);
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dir);
        n = readlink(link, buf, size - 1);
    }
    inside = 0;
    if (n < 0) return path;
    snprintf(buf + n, size - (size_t)n, "/%s", path);
    return buf;
}

static int path_fails_at(enum call c, int d1, const char *path, int d2, const char *path2, const char *what) {
    if (fault_call != c || inside) return 0;
    char b1[4200], b2[4200];
    path = absolute(d1, path, b1, sizeof b1);
    path2 = path2 ? absolute(d2, path2, b2, sizeof b2) : NULL;
    if (!should_fail(c, path, path2)) return 0;
    inside = 1;
    note(what, path, strerrorname_np(fault_errno));
    inside = 0;
    return 1;
}

/* Whether a read of fd is the one after which the file changes (counted like a fault). */
static int resize_fails(int fd) {
    if (inside) return 0;
    char link[64], path[4096];
    inside = 1;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    inside = 0;
    if (n < 0) return 0;
    path[n] = 0;
    return should_fail(C_READ, path, NULL);
}

/* read:grow / read:shrink: the file the fd reads changes under the reader. */
static void resize_file(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    inside = 1;
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n > 0) {
        path[n] = 0;
        struct stat st;
        if (fstat(fd, &st) == 0) {
            if (fault_resize < 0) {
                if (truncate(path, st.st_size / 2) == 0) note("read", path, "shrink");
            } else {
                static int (*real_open)(const char *, int, ...) = NULL;
                static ssize_t (*real_write)(int, const void *, size_t) = NULL;
                if (!real_open) real_open = dlsym(RTLD_NEXT, "open");
                if (!real_write) real_write = dlsym(RTLD_NEXT, "write");
                int w = real_open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
                if (w >= 0) {
                    char more[4096];
                    memset(more, 'x', sizeof more);
                    if (real_write(w, more, sizeof more) == (ssize_t)sizeof more) note("read", path, "grow");
                    close(w);
                }
            }
        }
    }
    inside = 0;
}

#define OPEN_LIKE(name, ...)                                                                  \
    mode_t mode = 0;                                                                          \
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); } \
    if (path_fails_at(C_OPEN, DIRFD, path, AT_FDCWD, NULL, #name)) { errno = fault_errno; return -1; }

#define DIRFD AT_FDCWD
int open(const char *path, int flags, ...) {
    OPEN_LIKE(open)
    REAL(open, int, (const char *, int, ...));
    return real_open(path, flags, mode);
}
int open64(const char *path, int flags, ...) {
    OPEN_LIKE(open64)
    REAL(open64, int, (const char *, int, ...));
    return real_open64(path, flags, mode);
}
#undef DIRFD
#define DIRFD dir
int openat(int dir, const char *path, int flags, ...) {
    OPEN_LIKE(openat)
    REAL(openat, int, (int, const char *, int, ...));
    return real_openat(dir, path, flags, mode);
}
int openat64(int dir, const char *path, int flags, ...) {
    OPEN_LIKE(openat64)
    REAL(openat64, int, (int, const char *, int, ...));
    return real_openat64(dir, path, flags, mode);
}

ssize_t read(int fd, void *buf, size_t n) {
    if (fault_resize == 0 && fd_fails(C_READ, fd, "read")) { errno = fault_errno; return -1; }
    REAL(read, ssize_t, (int, void *, size_t));
    ssize_t got = real_read(fd, buf, n);
    if (fault_resize != 0 && got > 0 && lseek(fd, 0, SEEK_CUR) == got && resize_fails(fd)) resize_file(fd);
    return got;
}
ssize_t pread(int fd, void *buf, size_t n, off_t off) {
    if (fault_resize == 0 && fd_fails(C_READ, fd, "pread")) { errno = fault_errno; return -1; }
    REAL(pread, ssize_t, (int, void *, size_t, off_t));
    ssize_t got = real_pread(fd, buf, n, off);
    if (fault_resize != 0 && got > 0 && off == 0 && resize_fails(fd)) resize_file(fd);
    return got;
}
ssize_t pread64(int fd, void *buf, size_t n, off_t off) {
    if (fault_resize == 0 && fd_fails(C_READ, fd, "pread64")) { errno = fault_errno; return -1; }
    REAL(pread64, ssize_t, (int, void *, size_t, off_t));
    ssize_t got = real_pread64(fd, buf, n, off);
    if (fault_resize != 0 && got > 0 && off == 0 && resize_fails(fd)) resize_file(fd);
    return got;
}
ssize_t readv(int fd, const struct iovec *iov, int count) {
    if (fault_resize == 0 && fd_fails(C_READ, fd, "readv")) { errno = fault_errno; return -1; }
    REAL(readv, ssize_t, (int, const struct iovec *, int));
    ssize_t got = real_readv(fd, iov, count);
    if (fault_resize != 0 && got > 0 && lseek(fd, 0, SEEK_CUR) == got && resize_fails(fd)) resize_file(fd);
    return got;
}

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write, ssize_t, (int, const void *, size_t));
    if (n > 1 && fd_fails(C_WRITE, fd, "write")) {
        if (fault_short) return real_write(fd, buf, n / 2);
        errno = fault_errno;
        return -1;
    }
    return real_write(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite, ssize_t, (int, const void *, size_t, off_t));
    if (n > 1 && fd_fails(C_WRITE, fd, "pwrite")) {
        if (fault_short) return real_pwrite(fd, buf, n / 2, off);
        errno = fault_errno;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite64, ssize_t, (int, const void *, size_t, off_t));
    if (n > 1 && fd_fails(C_WRITE, fd, "pwrite64")) {
        if (fault_short) return real_pwrite64(fd, buf, n / 2, off);
        errno = fault_errno;
        return -1;
    }
    return real_pwrite64(fd, buf, n, off);
}
ssize_t writev(int fd, const struct iovec *iov, int count) {
    if (fd_fails(C_WRITE, fd, "writev")) {
        if (fault_short && count > 0 && iov[0].iov_len > 1) {
            REAL(write, ssize_t, (int, const void *, size_t));
            return real_write(fd, iov[0].iov_base, iov[0].iov_len / 2);
        }
        errno = fault_short ? EIO : fault_errno;
        return -1;
    }
    REAL(writev, ssize_t, (int, const struct iovec *, int));
    return real_writev(fd, iov, count);
}

int rename(const char *from, const char *to) {
    if (path_fails_at(C_RENAME, AT_FDCWD, from, AT_FDCWD, to, "rename")) { errno = fault_errno; return -1; }
    REAL(rename, int, (const char *, const char *));
    return real_rename(from, to);
}
int renameat(int d1, const char *from, int d2, const char *to) {
    if (path_fails_at(C_RENAME, d1, from, d2, to, "renameat")) { errno = fault_errno; return -1; }
    REAL(renameat, int, (int, const char *, int, const char *));
    return real_renameat(d1, from, d2, to);
}
int renameat2(int d1, const char *from, int d2, const char *to, unsigned flags) {
    if (path_fails_at(C_RENAME, d1, from, d2, to, "renameat2")) { errno = fault_errno; return -1; }
    REAL(renameat2, int, (int, const char *, int, const char *, unsigned));
    return real_renameat2(d1, from, d2, to, flags);
}

int fsync(int fd) {
    if (fd_fails(C_FSYNC, fd, "fsync")) { errno = fault_errno; return -1; }
    REAL(fsync, int, (int));
    return real_fsync(fd);
}
int fdatasync(int fd) {
    if (fd_fails(C_FSYNC, fd, "fdatasync")) { errno = fault_errno; return -1; }
    REAL(fdatasync, int, (int));
    return real_fdatasync(fd);
}
int syncfs(int fd) {
    if (fd_fails(C_FSYNC, fd, "syncfs")) { errno = fault_errno; return -1; }
    REAL(syncfs, int, (int));
    return real_syncfs(fd);
}
int linkat(int d1, const char *from, int d2, const char *to, int flags) {
    if (path_fails_at(C_RENAME, d1, from, d2, to, "linkat")) { errno = fault_errno; return -1; }
    REAL(linkat, int, (int, const char *, int, const char *, int));
    return real_linkat(d1, from, d2, to, flags);
}
