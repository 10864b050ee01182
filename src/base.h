/* Shared plumbing: the context, error reporting, memory and string helpers. Every module
 * includes this; it includes no library beyond libc. */
#ifndef GW_BASE_H
#define GW_BASE_H

#include "gongwen.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Each pipeline stage keeps its per-process state in one of these (see ctx.h). */
struct gw_schema;
struct gw_transform_stage;
struct gw_fonts;

#define GW_PT_PER_MM (72.0 / 25.4)
#define GW_MM_PER_PT (25.4 / 72.0)

/* Out of memory is not an error path: the allocators abort, as a typesetter cannot go on. */
void *gw_xmalloc(size_t size);
void *gw_xcalloc(size_t n, size_t size);
void *gw_xrealloc(void *p, size_t size);
char *gw_xstrdup(const char *s);
char *gw_xstrndup(const char *s, size_t n);
char *gw_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows an array by one element: GW_PUSH(items, n, cap) returns a pointer to the new slot. */
#define GW_PUSH(arr, n, cap)                                                                       \
    (((n) == (cap)                                                                                 \
          ? ((cap) = (cap) ? (cap)*2 : 8, (arr) = gw_xrealloc((arr), (cap) * sizeof *(arr)))       \
          : 0),                                                                                    \
     &(arr)[(n)++])

typedef struct gw_buf {
    char *data;
    size_t len, cap;
} gw_buf;

void gw_buf_add(gw_buf *b, const char *s, size_t n);
void gw_buf_adds(gw_buf *b, const char *s);
void gw_buf_printf(gw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gw_buf_free(gw_buf *b);

/* The CPUs this process may run on. */
size_t gw_cpu_count(void);

/* Runs job(data, i) for every i below n on up to `threads` threads (0: one per CPU), this one
 * among them, and returns when all are done: no thread outlives the call (a batch forks its
 * workers later). The jobs must not share anything they change. */
void gw_parallel_for(size_t threads, size_t n, void (*job)(void *data, size_t i), void *data);

/* v / 10^decimals in decimal, without trailing zeros and whatever the locale: "12.5", "-3",
 * "0". For numbers in files that must come out the same everywhere (PDF, OFD). */
void gw_fmt_fixed(char *buf, size_t size, long long v, int decimals);

/* Where a message points: a file and a line (0 when unknown). */
typedef struct gw_pos {
    const char *file;
    int line;
} gw_pos;

/* Reports an error once, as "file:line: error: message". */
void gw_error(gw_ctx *ctx, gw_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void gw_warning(gw_ctx *ctx, gw_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gw_verror(gw_ctx *ctx, gw_pos pos, const char *kind, const char *fmt, va_list ap);

/* Stage timings, printed to stderr when GONGWEN_TIMINGS is set: gw_timing(ctx, "typeset")
 * reports the time since the previous call. */
void gw_timing(gw_ctx *ctx, const char *stage);
/* Time that work on another thread took, which overlapped the main thread's stages: printed
 * as such, and not a mark. */
void gw_timing_aside(gw_ctx *ctx, const char *stage, double ms);
/* Seconds on a monotonic clock. */
double gw_clock(void);

/* Paths below the data folder, e.g. gw_data_path(ctx, "stylesheets/gongwen.xsl"). */
char *gw_data_path(const gw_ctx *ctx, const char *rel);

/* Writes a file atomically: the data go to a temporary file in the same folder, which is
 * renamed over path only once complete and flushed. */
typedef struct gw_atomic gw_atomic;
gw_atomic *gw_atomic_open(gw_ctx *ctx, const char *path);
const char *gw_atomic_tmp_path(const gw_atomic *a);
gw_status gw_atomic_commit(gw_ctx *ctx, gw_atomic *a);
void gw_atomic_drop(gw_atomic *a); /* abandons: removes the temporary file */

/* Loads, on first use, a library that only some commands need (librsvg for SVG seals, libzip
 * for OFD, libmicrohttpd for serve): linked in, each would cost every process the time to load
 * it and its own libraries, about 2 ms apiece. The n symbols in names go into slots, in order
 * (a table of function pointers). Once loaded, later calls return true at once; a library or
 * symbol that is missing is reported at pos, naming the Debian package, and false returned. */
bool gw_library_load(gw_ctx *ctx, gw_pos pos, const char *soname, const char *package,
                     const char *const *names, void **slots, size_t n);
/* The same into a struct of function pointers, one member per name (checked by size). */
#define GW_LIBRARY_LOAD(ctx, pos, soname, package, names, table)                                   \
    (sizeof(table) == sizeof(names) / sizeof((names)[0]) * sizeof(void *) &&                       \
     gw_library_load(ctx, pos, soname, package, names, (void **)&(table),                          \
                     sizeof(names) / sizeof((names)[0])))

/* A whole file, NUL-terminated (*len excludes the NUL); NULL after reporting when it cannot be
 * read or is larger than max bytes. */
char *gw_read_file(gw_ctx *ctx, const char *path, size_t max, size_t *len);

/* Writes bytes to path atomically, or to standard output for "-". */
gw_status gw_write_bytes(gw_ctx *ctx, const char *path, const char *data, size_t len);

/* Whether two paths name one file (so an output never overwrites its own input). */
bool gw_same_file(const char *a, const char *b);

#endif
