#include "ctx.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void *check(void *p)
{
    if (!p) {
        fputs("gongwen: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *gw_xmalloc(size_t size)
{
    return check(malloc(size ? size : 1));
}

void *gw_xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *gw_xrealloc(void *p, size_t size)
{
    return check(realloc(p, size ? size : 1));
}

char *gw_xstrdup(const char *s)
{
    return check(strdup(s));
}

char *gw_xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}

char *gw_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return check(n < 0 ? NULL : s);
}

void gw_buf_add(gw_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = gw_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gw_buf_adds(gw_buf *b, const char *s)
{
    gw_buf_add(b, s, strlen(s));
}

void gw_buf_printf(gw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    check(n < 0 ? NULL : s);
    gw_buf_add(b, s, (size_t)n);
    free(s);
}

void gw_buf_free(gw_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void gw_verror(gw_ctx *ctx, gw_pos pos, const char *kind, const char *fmt, va_list ap)
{
    FILE *err = ctx && ctx->err ? ctx->err : stderr;
    if (pos.file && pos.line > 0)
        fprintf(err, "%s:%d: %s: ", pos.file, pos.line, kind);
    else if (pos.file)
        fprintf(err, "%s: %s: ", pos.file, kind);
    else
        fprintf(err, "gongwen: %s: ", kind);
    vfprintf(err, fmt, ap);
    fputc('\n', err);
    if (ctx && strcmp(kind, "error") == 0)
        ctx->errors++;
}

void gw_error(gw_ctx *ctx, gw_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gw_verror(ctx, pos, "error", fmt, ap);
    va_end(ap);
}

void gw_warning(gw_ctx *ctx, gw_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gw_verror(ctx, pos, "warning", fmt, ap);
    va_end(ap);
}

double gw_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void gw_timing(gw_ctx *ctx, const char *stage)
{
    double t = gw_clock();
    if (ctx->timings && stage)
        fprintf(ctx->err, "gongwen: timing: %-10s %7.2f ms\n", stage, (t - ctx->last_mark) * 1e3);
    ctx->last_mark = t;
}

void gw_timing_aside(gw_ctx *ctx, const char *stage, double ms)
{
    if (ctx->timings)
        fprintf(
            ctx->err,
            "gongwen: timing: %-10s %7.2f ms on a second thread, overlapping the stages above\n",
            stage, ms);
}

char *gw_data_path(const gw_ctx *ctx, const char *rel)
{
    return gw_xasprintf("%s/%s", ctx->datadir, rel);
}

struct gw_atomic {
    char *name; /* as given, for messages */
    char *path; /* the file replaced */
    char *tmp;  /* the file written; NULL once renamed */
    int fd;
    bool in_place; /* a device or a pipe: written as it is, nothing to rename */
};

/* What a link that names no file yet points at (relative to the link's folder); path itself
 * when it is no link. */
static char *dangling_target(const char *path)
{
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return gw_xstrdup(path);
    target[n] = '\0';
    const char *slash = strrchr(path, '/');
    if (target[0] == '/' || !slash)
        return gw_xstrdup(target);
    return gw_xasprintf("%.*s/%s", (int)(slash - path), path, target);
}

gw_atomic *gw_atomic_open(gw_ctx *ctx, const char *path)
{
    gw_atomic *a = gw_xcalloc(1, sizeof *a);
    /* A link is followed: the file it names is replaced (or made), the link stays. */
    char *real = realpath(path, NULL);
    a->name = gw_xstrdup(path);
    a->path = real ? real : dangling_target(path);
    struct stat st;
    if (stat(a->path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* /dev/null, /dev/stdout, a named pipe: renaming a file over it would replace the
         * device for everyone; it is written in place, and a failed write still fails. */
        a->in_place = true;
        a->tmp = gw_xstrdup(a->path);
        a->fd = -1;
        return a;
    }
    /* Same folder as the target, so the final rename never crosses file systems. */
    const char *slash = strrchr(a->path, '/');
    if (slash)
        a->tmp = gw_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - a->path), a->path, slash + 1);
    else
        a->tmp = gw_xasprintf(".%s.XXXXXX", a->path);
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot create a file beside it: %s", strerror(errno));
        free(a->tmp);
        a->tmp = NULL;
        gw_atomic_drop(a);
        return NULL;
    }
    return a;
}

const char *gw_atomic_tmp_path(const gw_atomic *a)
{
    return a->tmp;
}

gw_status gw_atomic_commit(gw_ctx *ctx, gw_atomic *a)
{
    gw_status st = GW_OK;
    if (a->in_place) {
        if (a->fd >= 0 && close(a->fd) != 0) {
            gw_error(ctx, (gw_pos){a->name, 0}, "cannot write: %s", strerror(errno));
            st = GW_ERR_SYSTEM;
        }
        a->fd = -1;
        free(a->tmp);
        a->tmp = NULL;
        gw_atomic_drop(a);
        return st;
    }
    /* mkstemp makes the file 0600; give the output the usual permissions. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(a->fd, 0666 & ~mask) != 0 || fsync(a->fd) != 0 || close(a->fd) != 0) {
        gw_error(ctx, (gw_pos){a->name, 0}, "cannot write: %s", strerror(errno));
        a->fd = -1;
        st = GW_ERR_SYSTEM;
    } else {
        a->fd = -1;
        if (rename(a->tmp, a->path) != 0) {
            gw_error(ctx, (gw_pos){a->name, 0}, "cannot replace: %s", strerror(errno));
            st = GW_ERR_SYSTEM;
        } else {
            free(a->tmp);
            a->tmp = NULL;
        }
    }
    gw_atomic_drop(a);
    return st;
}

void gw_atomic_drop(gw_atomic *a)
{
    if (!a)
        return;
    if (a->fd >= 0)
        close(a->fd);
    if (a->tmp && !a->in_place)
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    free(a->name);
    free(a);
}

bool gw_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

gw_status gw_write_bytes(gw_ctx *ctx, const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            gw_error(ctx, (gw_pos){"<stdout>", 0}, "cannot write: %s", strerror(errno));
            return GW_ERR_SYSTEM;
        }
        return GW_OK;
    }
    gw_atomic *a = gw_atomic_open(ctx, path);
    if (!a)
        return GW_ERR_SYSTEM;
    if (a->in_place && (a->fd = open(a->path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot write: %s", strerror(errno));
        gw_atomic_drop(a);
        return GW_ERR_SYSTEM;
    }
    for (size_t done = 0; done < len;) {
        ssize_t w = write(a->fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            gw_error(ctx, (gw_pos){path, 0}, "cannot write: %s", strerror(errno));
            gw_atomic_drop(a);
            return GW_ERR_SYSTEM;
        }
        done += (size_t)w;
    }
    return gw_atomic_commit(ctx, a);
}

char *gw_read_file(gw_ctx *ctx, const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot open: %s", strerror(errno));
        return NULL;
    }
    gw_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            gw_error(ctx, (gw_pos){path, 0}, "larger than %zu MB; refusing to read it", max >> 20);
            fclose(f);
            gw_buf_free(&b);
            return NULL;
        }
        gw_buf_add(&b, chunk, n);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot read: %s", strerror(errno));
        gw_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : gw_xstrdup("");
}

bool gw_library_load(gw_ctx *ctx, gw_pos pos, const char *soname, const char *package,
                     const char *const *names, void **slots, size_t n)
{
    if (n && slots[n - 1])
        return true;
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        gw_error(ctx, pos, "cannot load %s (Debian package %s): %s", soname, package, dlerror());
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        void *sym = dlsym(lib, names[i]);
        if (!sym) {
            gw_error(ctx, pos, "%s lacks %s: is it older than gongwen was built for?", soname,
                     names[i]);
            memset(slots, 0, n * sizeof *slots);
            dlclose(lib);
            return false;
        }
        slots[i] = sym;
    }
    return true; /* kept loaded for the life of the process */
}

void gw_fmt_fixed(char *buf, size_t size, long long v, int decimals)
{
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    unsigned long long unit = 1;
    for (int i = 0; i < decimals; i++)
        unit *= 10;
    int n = decimals > 0 ? snprintf(buf, size, "%s%llu.%0*llu", v < 0 ? "-" : "", a / unit,
                                    decimals, a % unit)
                         : snprintf(buf, size, "%s%llu", v < 0 ? "-" : "", a);
    while (n > 0 && decimals > 0 && buf[n - 1] == '0')
        buf[--n] = 0;
    if (n > 0 && decimals > 0 && buf[n - 1] == '.')
        buf[--n] = 0;
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
}

size_t gw_cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

typedef struct parallel {
    size_t n;
    atomic_size_t next;
    void (*job)(void *data, size_t i);
    void *data;
} parallel;

static void *parallel_worker(void *arg)
{
    parallel *p = arg;
    for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->n;)
        p->job(p->data, i);
    return NULL;
}

void gw_parallel_for(size_t threads, size_t n, void (*job)(void *data, size_t i), void *data)
{
    enum { MAX_THREADS = 16 };
    parallel p = {.n = n, .job = job, .data = data};
    atomic_init(&p.next, 0);
    size_t want = threads ? threads : gw_cpu_count();
    if (want > n)
        want = n;
    if (want > MAX_THREADS)
        want = MAX_THREADS;
    pthread_t others[MAX_THREADS];
    size_t started = 0;
    /* A thread that cannot be started leaves its share to the others. */
    while (started + 1 < want && pthread_create(&others[started], NULL, parallel_worker, &p) == 0)
        started++;
    parallel_worker(&p);
    for (size_t k = 0; k < started; k++)
        pthread_join(others[k], NULL);
}
