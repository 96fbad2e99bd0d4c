/*
 * The C baseline of the routing benchmarks: a straightforward DIR-24-8 (Gupta, Lin and McKeown, "Routing lookups in
 * hardware at memory access speeds", INFOCOM 1998, DIR-24-8-BASIC; the scheme of DPDK's rte_lpm): 2^24 16-bit
 * first-level entries (32 MiB), and 256-entry second-level groups for the /24s that have longer routes.
 *
 *   entry 0              no route
 *   entry 1..0x7FFF      next hop + 1
 *   entry 0x8000 | g     the /24 continues in group g, indexed by the last octet
 *
 * It is a child of LookupCpu (algorithm "c-dir-24-8"), which compiles it with the system's cc, exports the table and
 * the address pools, and speaks to it over stdin/stdout:
 *
 *   argv: DIR BURST          DIR holds routes.bin (little-endian int32 prefix, length, next hop; sorted by length)
 *                            and addresses-PATTERN.bin (little-endian int32 addresses)
 *   "check PATTERN"      ->  "HASH": h = h * 31 + entry over the whole pool, in order (LookupCpu compares it with its
 *                            own DIR-24-8's answers, so a wrong baseline fails loudly)
 *   "PATTERN MODE SECS"  ->  "LOOKUPS WALL_NS CPU_NS": lookups over the pool in bursts of BURST for SECS seconds,
 *                            256 chunks of 1024 lookups between clock reads, as the Java children do
 *
 * "single" and "bulk" run the same loop here: a C compiler inlines the lookup into either.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 1024

static uint16_t *tbl24;
static uint16_t *tbl8;
static uint32_t groups;
static uint32_t group_capacity;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "dir24_8: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static int32_t read_le32(const unsigned char *p) {
    return (int32_t) ((uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24);
}

static unsigned char *slurp(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(n > 0 ? (size_t) n : 1);
    if (!data || fread(data, 1, (size_t) n, f) != (size_t) n) die("cannot read", path);
    fclose(f);
    *size = (size_t) n;
    return data;
}

static uint32_t new_group(uint16_t fill) {
    if (groups == group_capacity) {
        group_capacity = group_capacity ? group_capacity * 2 : 1024;
        if (group_capacity > 0x8000) die("more than 32768 second-level groups", NULL);
        tbl8 = realloc(tbl8, (size_t) group_capacity * 256 * sizeof(uint16_t));
        if (!tbl8) die("out of memory", NULL);
    }
    for (int i = 0; i < 256; i++) tbl8[(size_t) groups * 256 + i] = fill;
    return groups++;
}

/* Routes come shortest first, so each one overwrites the shorter ones it covers. */
static void build(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/routes.bin", dir);
    size_t size;
    unsigned char *data = slurp(path, &size);
    tbl24 = calloc((size_t) 1 << 24, sizeof(uint16_t));
    if (!tbl24) die("out of memory", NULL);
    for (size_t off = 0; off + 12 <= size; off += 12) {
        uint32_t prefix = (uint32_t) read_le32(data + off);
        int length = read_le32(data + off + 4);
        int32_t hop = read_le32(data + off + 8);
        if (hop < 0 || hop >= 0x7FFF || length < 0 || length > 32) die("route out of range", path);
        uint16_t entry = (uint16_t) (hop + 1);
        if (length <= 24) {
            uint32_t first = length == 0 ? 0 : prefix >> 8;
            uint32_t count = 1u << (24 - length);
            for (uint32_t i = first; i < first + count; i++) {
                if (tbl24[i] & 0x8000) die("routes not sorted by length", path);
                tbl24[i] = entry;
            }
        } else {
            uint32_t top = prefix >> 8;
            if (!(tbl24[top] & 0x8000)) tbl24[top] = (uint16_t) (0x8000 | new_group(tbl24[top]));
            uint16_t *group = tbl8 + (size_t) (tbl24[top] & 0x7FFF) * 256;
            uint32_t first = prefix & 0xFF;
            uint32_t count = 1u << (32 - length);
            for (uint32_t i = first; i < first + count; i++) group[i] = entry;
        }
    }
    free(data);
}

static inline uint16_t lookup(uint32_t a) {
    uint16_t e = tbl24[a >> 8];
    if (e & 0x8000) e = tbl8[((uint32_t) (e & 0x7FFF) << 8) | (a & 0xFF)];
    return e;
}

static void lookup_bulk(const uint32_t *addresses, uint16_t *out, int count) {
    for (int i = 0; i < count; i++) out[i] = lookup(addresses[i]);
}

struct pool {
    char pattern[64];
    uint32_t *addresses;
    size_t count;
    struct pool *next;
};

static struct pool *pools;

static struct pool *pool_of(const char *dir, const char *pattern) {
    for (struct pool *p = pools; p; p = p->next) {
        if (strcmp(p->pattern, pattern) == 0) return p;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/addresses-%s.bin", dir, pattern);
    size_t size;
    unsigned char *data = slurp(path, &size);
    struct pool *p = calloc(1, sizeof *p);
    snprintf(p->pattern, sizeof p->pattern, "%s", pattern);
    p->count = size / 4;
    p->addresses = malloc(p->count * sizeof(uint32_t));
    for (size_t i = 0; i < p->count; i++) p->addresses[i] = (uint32_t) read_le32(data + 4 * i);
    free(data);
    if (p->count < CHUNK || p->count % CHUNK) die("address pool is not a multiple of 1024", path);
    p->next = pools;
    pools = p;
    return p;
}

static long long nanos(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) die("usage: dir24_8 DIR BURST", NULL);
    const char *dir = argv[1];
    int burst = atoi(argv[2]);
    if (burst < 1 || burst > CHUNK || CHUNK % burst) die("burst must divide 1024", argv[2]);
    build(dir);
    static uint16_t out[CHUNK];
    unsigned long long sink = 0;
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        char pattern[64], mode[16];
        double seconds;
        if (sscanf(line, "check %63s", pattern) == 1) {
            struct pool *p = pool_of(dir, pattern);
            unsigned long long hash = 0;
            for (size_t i = 0; i < p->count; i++) hash = hash * 31 + lookup(p->addresses[i]);
            printf("%llu\n", hash);
            fflush(stdout);
            continue;
        }
        if (sscanf(line, "%63s %15s %lf", pattern, mode, &seconds) != 3) die("bad command", line);
        struct pool *p = pool_of(dir, pattern);
        size_t next = 0;
        long long lookups = 0;
        long long wall0 = nanos(CLOCK_MONOTONIC), cpu0 = nanos(CLOCK_THREAD_CPUTIME_ID);
        long long end = wall0 + (long long) (seconds * 1e9);
        do {
            for (int c = 0; c < 256; c++) {
                for (int n = 0; n < CHUNK; n += burst) {
                    lookup_bulk(p->addresses + next, out + n, burst);
                    next += (size_t) burst;
                    if (next == p->count) next = 0;
                }
                sink += out[0];
            }
            lookups += 256LL * CHUNK;
        } while (nanos(CLOCK_MONOTONIC) < end);
        long long cpu = nanos(CLOCK_THREAD_CPUTIME_ID) - cpu0, wall = nanos(CLOCK_MONOTONIC) - wall0;
        printf("%lld %lld %lld\n", lookups, wall, cpu);
        fflush(stdout);
    }
    fprintf(stderr, "c-dir-24-8 done (%llu)\n", sink & 1);
    return 0;
}
