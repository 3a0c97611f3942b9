/* bench/magic_asks.c — libmagic's asks as the scan makes them, for bench/magic_cost.sh.
 *
 *   magic_asks MODE < LIST      (LIST: one path a line)
 *
 * For each file whose type KnownSignatures does not decide (PDF, PNG, JPEG, GIF, TIFF, RTF
 * are skipped: the scan never asks libmagic about them), the first 64 KiB are handed to
 * libmagic (MIME type, no decompression) the way Sources/AttacheSystem/Magic.swift does:
 *   MODE 0  the scan's scheme: 2 KiB; 4 KiB when text with a '<' between 2 and 4 KiB; the
 *           whole sample when the answer is generic (octet-stream, zip, OLE2/CDF)
 *   MODE 1  the same, but a file starting PK\3\4 is asked about the whole sample at once
 *   MODE 2  the same, but a file with the OLE2 header is asked about the whole sample at once
 * and one line is printed: TYPE <tab> PATH. Run under callgrind for instruction counts.
 * Not part of the product: the signature test is a coarse copy (prefixes only).
 */
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SAMPLE = 64 * 1024, FIRST = 2 * 1024, MARKUP = 4 * 1024 };

static magic_t cookie;
static char answer[256];

static void ask(const unsigned char *b, size_t n) {
    const char *r = magic_buffer(cookie, b, n);
    snprintf(answer, sizeof answer, "%s", r ? r : "application/octet-stream");
}

static int generic(void) {
    return !strcmp(answer, "application/octet-stream") || !strcmp(answer, "application/zip") ||
           !strcmp(answer, "application/x-ole-storage") || !strncmp(answer, "application/CDFV2", 17);
}

static int starts(const unsigned char *b, size_t n, const char *p, size_t len) {
    return n >= len && memcmp(b, p, len) == 0;
}

static int signature(const unsigned char *s, size_t n) {
    return starts(s, n, "%PDF-", 5) || starts(s, n, "\x89PNG\r\n\x1a\n", 8) || starts(s, n, "\xff\xd8\xff", 3) ||
           starts(s, n, "GIF87a", 6) || starts(s, n, "GIF89a", 6) || starts(s, n, "II*\0", 4) ||
           starts(s, n, "MM\0*", 4) || starts(s, n, "{\\rtf", 5);
}

int main(int argc, char **argv) {
    int mode = argc > 1 ? atoi(argv[1]) : 0;
    cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (!cookie || magic_load(cookie, NULL) != 0) { fprintf(stderr, "magic_load failed\n"); return 2; }
    static unsigned char buf[SAMPLE];
    static char path[16384];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        ssize_t n = 0, k;
        while (n < SAMPLE && (k = read(fd, buf + n, SAMPLE - n)) > 0) n += k;
        close(fd);
        if (n == 0 || signature(buf, n)) continue;
        size_t sz = (size_t)n;
        int whole = (mode == 1 && starts(buf, sz, "PK\3\4", 4)) ||
                    (mode == 2 && starts(buf, sz, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8));
        if (whole) {
            ask(buf, sz);
        } else {
            ask(buf, sz < FIRST ? sz : FIRST);
            if (sz > FIRST) {
                size_t end = sz < MARKUP ? sz : MARKUP;
                if (!generic() && !strncmp(answer, "text/", 5) && memchr(buf + FIRST, '<', end - FIRST)) ask(buf, end);
                if (generic()) ask(buf, sz);
            }
        }
        printf("%s\t%s\n", answer, path);
    }
    magic_close(cookie);
    return 0;
}
