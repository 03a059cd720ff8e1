/*
 * The Scanner's call through the library's exported C ABI, with no binding language: the same
 * symbols and buffers the Kotlin and Swift bindings use (the luma lent as ForeignBytes, a pointer
 * and a length; the rotation as a RustBuffer holding its variant), built by
 * scripts/bench-scanner.sh against build/lib/libkoban_ffi.so. Set beside the Rust bench (the
 * same code linked statically) it tells what the library build costs from what Kotlin and
 * Swift add. Prints the same `result` lines as the other benchmarks; asserts nothing.
 *
 *   scanner-c-abi FRAME_DIR [WARMUP] [ITERS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { uint64_t capacity, len; uint8_t *data; } RustBuffer;
typedef struct { int32_t len; const uint8_t *data; } ForeignBytes;
typedef struct { int8_t code; RustBuffer error_buf; } RustCallStatus;

uint64_t uniffi_koban_ffi_fn_constructor_scanner_new(RustCallStatus *);
uint64_t uniffi_koban_ffi_fn_clone_scanner(uint64_t, RustCallStatus *);
void uniffi_koban_ffi_fn_free_scanner(uint64_t, RustCallStatus *);
RustBuffer uniffi_koban_ffi_fn_method_scanner_scan_frame(uint64_t, ForeignBytes, uint32_t, uint32_t, uint32_t, RustBuffer, RustCallStatus *);
RustBuffer ffi_koban_ffi_rustbuffer_from_bytes(ForeignBytes, RustCallStatus *);
void ffi_koban_ffi_rustbuffer_free(RustBuffer, RustCallStatus *);

static void check(const RustCallStatus *st, const char *what) {
    if (st->code != 0) {
        fprintf(stderr, "%s failed: call status %d\n", what, st->code);
        exit(1);
    }
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Reads a whole file; NULL if absent. */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: read failed\n", path); exit(1); }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static uint32_t meta_num(const char *meta, const char *key) {
    const char *p = meta;
    size_t k = strlen(key);
    while (p && *p) {
        if (strncmp(p, key, k) == 0 && p[k] == '=') return (uint32_t)strtoul(p + k + 1, NULL, 10);
        p = strchr(p, '\n');
        if (p) p++;
    }
    fprintf(stderr, "meta: no %s\n", key);
    exit(1);
}

/* True when the returned sequence of ScannedCode holds `expected` as a code's text (only the
 * first field of each record is read, so only the first code is looked at). */
static int first_text_is(const RustBuffer *out, const char *expected) {
    if (!expected || out->len < 8 || be32(out->data) == 0) return 0;
    uint32_t n = be32(out->data + 4);
    return n == strlen(expected) && out->len >= 8 + n && memcmp(out->data + 8, expected, n) == 0;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FRAME_DIR [WARMUP] [ITERS]\n", argv[0]); return 2; }
    const char *dir = argv[1];
    int warmup = argc > 2 ? atoi(argv[2]) : 40, iters = argc > 3 ? atoi(argv[3]) : 200;
    const char *frames[] = {"frame-1080p", "frame-1080p-nocode"};
    double *ms = malloc(sizeof(double) * (size_t)iters);
    for (int f = 0; f < 2; f++) {
        char path[4096];
        size_t len, meta_len, luma_len;
        snprintf(path, sizeof path, "%s/%s.meta", dir, frames[f]);
        char *meta = (char *)slurp(path, &meta_len);
        if (!meta) { fprintf(stderr, "%s: cannot read\n", path); return 1; }
        uint32_t width = meta_num(meta, "width"), height = meta_num(meta, "height"), stride = meta_num(meta, "stride");
        snprintf(path, sizeof path, "%s/%s.luma", dir, frames[f]);
        uint8_t *luma = slurp(path, &luma_len);
        if (!luma || luma_len != (size_t)stride * height) { fprintf(stderr, "%s: missing or the wrong size\n", path); return 1; }
        snprintf(path, sizeof path, "%s/%s.txt", dir, frames[f]);
        char *expected = (char *)slurp(path, &len);
        const uint8_t deg0[4] = {0, 0, 0, 1};
        RustCallStatus st = {0};
        uint64_t scanner = uniffi_koban_ffi_fn_constructor_scanner_new(&st);
        check(&st, "Scanner()");
        int found = 0;
        for (int i = 0; i < warmup + iters; i++) {
            double t = now_ms();
            /* The luma is lent, as the bindings lend it: Rust reads it in place during the call. */
            RustBuffer r = ffi_koban_ffi_rustbuffer_from_bytes((ForeignBytes){4, deg0}, &st);
            check(&st, "rustbuffer_from_bytes");
            /* A method call consumes one reference to the object: the bindings clone first. */
            uint64_t handle = uniffi_koban_ffi_fn_clone_scanner(scanner, &st);
            check(&st, "clone");
            RustBuffer out = uniffi_koban_ffi_fn_method_scanner_scan_frame(handle, (ForeignBytes){(int32_t)luma_len, luma}, width, height, stride, r, &st);
            check(&st, "scan_frame");
            double elapsed = now_ms() - t;
            if (i >= warmup) {
                ms[i - warmup] = elapsed;
                found += first_text_is(&out, expected);
            }
            ffi_koban_ffi_rustbuffer_free(out, &st);
        }
        uniffi_koban_ffi_fn_free_scanner(scanner, &st);
        qsort(ms, (size_t)iters, sizeof(double), cmp);
        printf("result lang=c-abi frame=%s n=%d median_ms=%.3f p90_ms=%.3f found=%d/%d\n", frames[f], iters, ms[iters / 2],
               ms[iters * 9 / 10], found, expected ? iters : 0);
        free(meta); free(luma); free(expected);
    }
    free(ms);
    return 0;
}
