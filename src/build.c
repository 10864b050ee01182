/* gongwen build: renders every source below a folder into an output folder, in worker
 * processes that share one loaded context, skipping sources whose output is up to date.
 *
 * Up to date is decided by content. OUTDIR/.gongwen-build holds one line per output:
 *
 *     SOURCE<TAB>OUTPUT<TAB>KEY<TAB>OUTPUT-SHA256<TAB>FILES
 *
 * SOURCE and OUTPUT are relative to DIR and OUTDIR (for png and svg, OUTPUT is the pattern
 * x.png of the pages x-1.png, x-2.png, …, and FILES their number). KEY is the SHA-256 of
 * everything the output depends on: the program (its version and its bytes), the options that
 * change output, the stylesheets, schemas and font configuration, the source's bytes and the
 * bytes of the images its src="…" attributes name. A source is skipped when its key is the
 * recorded one and its output files still hash to the recorded OUTPUT-SHA256.
 *
 * The parent finds the sources, loads the context (gw_ctx_new: schemas, stylesheets,
 * fontconfig, the Pango font map) and forks the workers, which take the next source from a
 * shared counter, check it, render it through the inherited context, and send the parent a
 * message per source through their own pipe: "started i", then the outcome with the captured
 * error text. A worker that dies takes only its current source with it; another is forked for
 * the rest. The parent draws the progress bar, rewrites the manifest under a lock (shards of
 * one archive may share an output folder) and lists the failures. */
#include "build.h"

#include "ctx.h"
#include "fonts.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pango/pangofc-fontmap.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST ".gongwen-build"
#define MANIFEST_HEADER "# gongwen build manifest 1"
#define HEX_LEN 64

/* ---- hashing (GLib's SHA-256) ------------------------------------------------------------ */

/* A string and its terminating NUL, so consecutive strings cannot run into each other. */
static void feed(GChecksum *c, const char *s)
{
    g_checksum_update(c, (const guchar *)s, (gssize)strlen(s) + 1);
}

static void finish(GChecksum *c, char hex[HEX_LEN + 1])
{
    memcpy(hex, g_checksum_get_string(c), HEX_LEN + 1);
    g_checksum_free(c);
}

static bool checksum_fd(GChecksum *c, int fd)
{
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0;
        g_checksum_update(c, (const guchar *)buf, n);
    }
}

/* The SHA-256 of a file's bytes; false when it cannot be read. */
static bool sha256_file(const char *path, char hex[HEX_LEN + 1])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    bool ok = checksum_fd(c, fd);
    close(fd);
    if (ok)
        finish(c, hex);
    else
        g_checksum_free(c);
    return ok;
}

unsigned long gw_build_shard_of(const char *rel, unsigned long n)
{
    guint8 digest[32];
    gsize len = sizeof digest;
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, (const guchar *)rel, (gssize)strlen(rel));
    g_checksum_get_digest(c, digest, &len);
    g_checksum_free(c);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | digest[i];
    return n ? (unsigned long)(v % n) : 0;
}

bool gw_build_is_gongwen(const char *head, size_t n)
{
    /* Amendments write their content in the source namespace, but are no document to render;
     * neither is a history's manifest. */
    if (memmem(head, n, "urn:gongwen:amendment:1", 23) ||
        memmem(head, n, "urn:gongwen:history:1", 21))
        return false;
    return memmem(head, n, "urn:gongwen:source:1", 20) ||
           memmem(head, n, "urn:gongwen:layout:1", 20);
}

/* ---- small file helpers ------------------------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static char *join(const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        return gw_xstrdup(name);
    return gw_xasprintf("%s/%s", dir, name);
}

/* A whole file; NULL (errno set) when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    gw_buf b = {0};
    char chunk[1 << 16];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            gw_buf_free(&b);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        gw_buf_add(&b, chunk, (size_t)n);
    }
    close(fd);
    if (!b.data)
        gw_buf_add(&b, "", 0);
    *len = b.len;
    return b.data;
}

/* mkdir -p; false with errno set. Workers may race to make the same folder. */
static bool make_dirs(const char *path)
{
    char *p = gw_xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return false;
        }
        *s = c;
        if (!c)
            break;
    }
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    if (!ok && errno == 0)
        errno = ENOTDIR;
    free(p);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder, sorted, without those starting with a dot; NULL when unreadable. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            *GW_PUSH(names, *n, cap) = gw_xstrdup(e->d_name);
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names ? names : gw_xcalloc(1, sizeof *names);
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---- the manifest ------------------------------------------------------------------------ */

typedef struct entry {
    char *src_rel, *out_rel;
    char key[HEX_LEN + 1], out[HEX_LEN + 1];
    unsigned files;
} entry;

typedef struct manifest {
    entry *e;
    size_t n, cap;
} manifest;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->out_rel, ((const entry *)b)->out_rel);
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    return true;
}

static void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].src_rel);
        free(m->e[i].out_rel);
    }
    free(m->e);
    *m = (manifest){0};
}

/* Reads the manifest (none: empty); lines that do not parse are dropped, so a damaged
 * manifest costs a rebuild, never a wrong skip. Sorted by output, one entry per output. */
static void manifest_read(manifest *m, const char *path)
{
    *m = (manifest){0};
    size_t len = 0;
    char *data = slurp(path, &len);
    if (!data)
        return;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[5];
        int k = 0;
        for (char *p = line; k < 5; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (!p) {
                k++;
                break;
            }
            *p++ = '\0';
        }
        if (k != 5 || strchr(f[4], '\t') || !*f[0] || !*f[1] || strlen(f[2]) != HEX_LEN ||
            strlen(f[3]) != HEX_LEN || !is_hex(f[2], HEX_LEN) || !is_hex(f[3], HEX_LEN))
            continue;
        char *end = NULL;
        unsigned long files = strtoul(f[4], &end, 10);
        if (end == f[4] || *end || files == 0 || files > 1000000)
            continue;
        entry *e = GW_PUSH(m->e, m->n, m->cap);
        e->src_rel = gw_xstrdup(f[0]);
        e->out_rel = gw_xstrdup(f[1]);
        memcpy(e->key, f[2], HEX_LEN + 1);
        memcpy(e->out, f[3], HEX_LEN + 1);
        e->files = (unsigned)files;
    }
    free(data);
    if (m->n)
        qsort(m->e, m->n, sizeof *m->e, cmp_entry);
    /* Duplicates (a manifest merged by hand): keep one. */
    size_t w = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (w && strcmp(m->e[w - 1].out_rel, m->e[i].out_rel) == 0) {
            free(m->e[i].src_rel);
            free(m->e[i].out_rel);
            continue;
        }
        m->e[w++] = m->e[i];
    }
    m->n = w;
}

/* The entry of an output among the first n (sorted) entries. */
static entry *find_entry(entry *e, size_t n, const char *out_rel)
{
    if (!n)
        return NULL;
    entry probe = {.out_rel = (char *)out_rel};
    return bsearch(&probe, e, n, sizeof *e, cmp_entry);
}

static const entry *manifest_find(const manifest *m, const char *out_rel)
{
    return find_entry(m->e, m->n, out_rel);
}

/* ---- the build ---------------------------------------------------------------------------- */

typedef struct item {
    char *rel;     /* source path relative to DIR */
    char *src;     /* the path opened and named in messages: DIR/rel */
    char *out_rel; /* output path relative to OUTDIR (png, svg: the pattern of the pages) */
    char outcome;  /* 0 not done, 'b' built, 's' skipped, 'f' failed */
    unsigned char status;
    unsigned files;
    char key[HEX_LEN + 1], out[HEX_LEN + 1];
    char *msg; /* a failure's messages, kept for the list at the end */
} item;

/* What a worker sends back for one source. */
typedef struct result {
    char outcome;
    unsigned char status;
    unsigned files;
    char key[HEX_LEN + 1], out[HEX_LEN + 1];
    char *msg;
    size_t msg_len;
} result;

typedef struct worker {
    pid_t pid;
    int fd;       /* read end of its pipe; -1 once closed */
    gw_buf in;    /* bytes received, not yet parsed */
    long current; /* the source it has started and not finished, or -1 */
} worker;

typedef struct build {
    gw_ctx *ctx;
    const gw_options *opts;
    const gw_build_options *bo;
    const char *ext;
    bool per_page;
    char *dir, *outdir;
    struct stat out_st;
    char base[HEX_LEN + 1];
    item *items;
    size_t n, cap;
    manifest man;
    gw_status status; /* the worst problem outside single documents (the walk, the manifest) */
    bool bar, bar_shown;
    size_t done;
    atomic_size_t *next; /* shared with the workers: the next source to take */
} build;

/* Folders made for an output that never came are removed again while empty. Only once every
 * worker is done: a worker that did it raced another writing into the same folder. */
static void remove_empty_folders(const build *b, const char *out_rel)
{
    char *final = join(b->outdir, out_rel);
    size_t top = strlen(b->outdir);
    for (char *slash; (slash = strrchr(final, '/')) && (size_t)(slash - final) > top;) {
        *slash = '\0';
        if (rmdir(final) != 0)
            break;
    }
    free(final);
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static const char *format_ext(gw_format f)
{
    switch (f) {
    case GW_FORMAT_PDF:
        return "pdf";
    case GW_FORMAT_PNG:
        return "png";
    case GW_FORMAT_SVG:
        return "svg";
    case GW_FORMAT_TRACE:
        return "trace";
    case GW_FORMAT_OFD:
        return "ofd";
    }
    return NULL;
}

static void worse(gw_status *st, gw_status s)
{
    /* System failures outrank bad input: the machine needs looking at first. */
    if (s == GW_ERR_SYSTEM || (s != GW_OK && *st == GW_OK))
        *st = s;
}

/* ---- finding the sources ------------------------------------------------------------------ */

static bool looks_like_gongwen(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true; /* unreadable: let the render say why */
    char head[4096];
    size_t got = 0;
    while (got < sizeof head) {
        ssize_t n = read(fd, head + got, sizeof head - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return gw_build_is_gongwen(head, got);
}

static void add_item(build *b, const char *rel, const char *src)
{
    const gw_build_options *bo = b->bo;
    if (bo->n_shards > 1 && gw_build_shard_of(rel, bo->n_shards) != bo->shard - 1)
        return;
    item *it = GW_PUSH(b->items, b->n, b->cap);
    *it = (item){0};
    it->rel = gw_xstrdup(rel);
    it->src = gw_xstrdup(src);
    it->out_rel = gw_xasprintf("%.*s.%s", (int)(strlen(rel) - 4), rel, b->ext);
}

/* Depth first, names sorted, so the order (and the progress) is the same on every run.
 * Hidden entries, the output folder and symbolic links to folders are not entered. */
static void walk(build *b, const char *path, const char *rel, int depth)
{
    size_t n = 0;
    char **names = list_dir(path, &n);
    if (!names) {
        gw_error(NULL, (gw_pos){path, 0}, "cannot read this folder: %s", strerror(errno));
        worse(&b->status, GW_ERR_SYSTEM);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *full = join(path, names[i]);
        char *sub = rel ? gw_xasprintf("%s/%s", rel, names[i]) : gw_xstrdup(names[i]);
        struct stat st, lst;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                bool link = lstat(full, &lst) == 0 && S_ISLNK(lst.st_mode);
                bool is_out = st.st_dev == b->out_st.st_dev && st.st_ino == b->out_st.st_ino;
                if (!link && !is_out && depth < 100)
                    walk(b, full, sub, depth + 1);
            } else if (S_ISREG(st.st_mode) && ends_with(names[i], ".xml") &&
                       looks_like_gongwen(full)) {
                add_item(b, sub, full);
            }
        }
        free(full);
        free(sub);
    }
    free_list(names, n);
}

/* ---- keys ---------------------------------------------------------------------------------- */

static void feed_file_hash(GChecksum *c, const char *path)
{
    char hex[HEX_LEN + 1];
    feed(c, sha256_file(path, hex) ? hex : "missing");
}

static void feed_data_files(GChecksum *c, const gw_ctx *ctx, const char *folder, const char *suffix)
{
    char *dir = gw_data_path(ctx, folder);
    size_t n = 0;
    char **names = list_dir(dir, &n);
    for (size_t i = 0; names && i < n; i++) {
        if (!ends_with(names[i], suffix))
            continue;
        char *path = gw_xasprintf("%s/%s", dir, names[i]);
        feed(c, folder);
        feed(c, names[i]);
        feed_file_hash(c, path);
        free(path);
    }
    free_list(names, n);
    free(dir);
}

/* A user's font folder: the names, sizes and times of its files (hashing a large font
 * collection on every build would cost more than the documents). */
static void feed_font_dir(GChecksum *c, const char *dir, int depth)
{
    size_t n = 0;
    char **names = list_dir(dir, &n);
    feed(c, "font-dir");
    feed(c, dir);
    for (size_t i = 0; names && i < n; i++) {
        char *path = gw_xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < 16) {
                feed_font_dir(c, path, depth + 1);
            } else if (S_ISREG(st.st_mode)) {
                char *desc = gw_xasprintf("%s %lld %lld.%09ld", names[i], (long long)st.st_size,
                                          (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
                feed(c, desc);
                free(desc);
            }
        }
        free(path);
    }
    free_list(names, n);
}

/* What every output of this build depends on, besides its own source. */
static void base_key(build *b)
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    feed(c, "gongwen build key 1");
    feed(c, GW_VERSION);
    /* The program's own bytes: a rebuilt typesetter with the same version is another program. */
    feed_file_hash(c, "/proc/self/exe");
    feed(c, b->ext);
    if (b->bo->format == GW_FORMAT_PNG) {
        char *dpi = gw_xasprintf("dpi %.17g", b->ctx->png_dpi);
        feed(c, dpi);
        free(dpi);
    }
    for (size_t i = 0; i < b->ctx->n_params; i++) {
        feed(c, "param");
        feed(c, b->ctx->params[i]);
    }
    feed_data_files(c, b->ctx, "stylesheets", ".xsl");
    feed_data_files(c, b->ctx, "schema", ".rng");
    static const char *const fonts[] = {"fonts/SHA256SUMS", "fonts/fonts.conf"};
    for (size_t i = 0; i < 2; i++) {
        char *path = gw_data_path(b->ctx, fonts[i]);
        feed(c, fonts[i]);
        feed_file_hash(c, path);
        free(path);
    }
    for (size_t i = 0; i < b->opts->n_font_dirs; i++)
        feed_font_dir(c, b->opts->font_dirs[i], 0);
    const char *env = getenv("GONGWEN_FONT_DIRS");
    for (const char *p = env; p && *p;) {
        size_t len = strcspn(p, ":");
        if (len) {
            char *dir = gw_xstrndup(p, len);
            feed_font_dir(c, dir, 0);
            free(dir);
        }
        p += len + (p[len] == ':');
    }
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch) {
        feed(c, "SOURCE_DATE_EPOCH");
        feed(c, epoch);
    }
    finish(c, b->base);
}

/* The value of an attribute with the five predefined entities replaced. */
static char *decode_attr(const char *s, size_t n)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    gw_buf b = {0};
    gw_buf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        if (s[i] == '&')
            while (k < 5 && !(strlen(ents[k].ent) <= n - i &&
                              memcmp(s + i, ents[k].ent, strlen(ents[k].ent)) == 0))
                k++;
        if (s[i] == '&' && k < 5) {
            gw_buf_add(&b, &ents[k].c, 1);
            i += strlen(ents[k].ent);
        } else {
            gw_buf_add(&b, s + i, 1);
            i++;
        }
    }
    return b.data;
}

/* The key of one source: the build's base, the source's bytes, and each image its src="…"
 * attributes name (found by a plain scan, relative to the source's folder). */
static void doc_key(const build *b, const char *src, const char *data, size_t len,
                    char hex[HEX_LEN + 1])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    feed(c, b->base);
    feed(c, "source");
    g_checksum_update(c, (const guchar *)data, (gssize)len);
    const char *end = data + len;
    const char *slash = strrchr(src, '/');
    for (const char *p = data; (p = memmem(p, (size_t)(end - p), "src", 3)); p += 3) {
        if (p == data || !isspace((unsigned char)p[-1]))
            continue;
        const char *q = p + 3;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q >= end || *q != '=')
            continue;
        q++;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q >= end || (*q != '"' && *q != '\''))
            continue;
        const char *e = memchr(q + 1, *q, (size_t)(end - q - 1));
        if (!e)
            break;
        char *ref = decode_attr(q + 1, (size_t)(e - q - 1));
        char *path = ref[0] == '/' || !slash
                         ? gw_xstrdup(ref)
                         : gw_xasprintf("%.*s/%s", (int)(slash - src), src, ref);
        feed(c, "image");
        feed(c, ref);
        feed_file_hash(c, path);
        free(path);
        free(ref);
    }
    finish(c, hex);
}

/* ---- one source ------------------------------------------------------------------------------ */

/* out/a/x.png → out/a/x-3.png */
static char *page_file(const build *b, const char *pattern, unsigned page)
{
    return gw_xasprintf("%.*s-%u.%s", (int)(strlen(pattern) - strlen(b->ext) - 1), pattern, page,
                        b->ext);
}

/* The hash of an output: of the file, or of the list of its pages' hashes. */
static bool output_hash(const build *b, const char *out_rel, unsigned files, char hex[HEX_LEN + 1])
{
    char *path = join(b->outdir, out_rel);
    bool ok;
    if (!b->per_page) {
        ok = files == 1 && sha256_file(path, hex);
    } else {
        GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
        ok = files > 0;
        for (unsigned k = 1; ok && k <= files; k++) {
            char *page = page_file(b, path, k);
            char h[HEX_LEN + 1];
            ok = sha256_file(page, h);
            if (ok)
                feed(c, h);
            free(page);
        }
        if (ok)
            finish(c, hex);
        else
            g_checksum_free(c);
    }
    free(path);
    return ok;
}

static void remove_tree_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = gw_xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Renders one page per file (png, svg): into a fresh folder beside the output first, so the
 * number of pages is known, then renamed into place page by page (each rename atomic), and
 * pages left from a longer earlier version removed. */
static gw_status render_pages(build *b, const char *src, const char *final, unsigned *files)
{
    const char *slash = strrchr(final, '/');
    char *tmp = slash ? gw_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - final), final, slash + 1)
                      : gw_xasprintf(".%s.XXXXXX", final);
    if (!mkdtemp(tmp)) {
        gw_error(b->ctx, (gw_pos){final, 0}, "cannot create a folder beside it: %s",
                 strerror(errno));
        free(tmp);
        return GW_ERR_SYSTEM;
    }
    char *pattern = gw_xasprintf("%s/page.%s", tmp, b->ext);
    gw_status st = gw_render(b->ctx, src, pattern, b->bo->format);
    unsigned n = 0;
    if (st == GW_OK) {
        for (;; n++) {
            char *p = page_file(b, pattern, n + 1);
            bool there = access(p, F_OK) == 0;
            free(p);
            if (!there)
                break;
        }
        for (unsigned k = 1; k <= n && st == GW_OK; k++) {
            char *from = page_file(b, pattern, k), *to = page_file(b, final, k);
            if (rename(from, to) != 0) {
                gw_error(b->ctx, (gw_pos){to, 0}, "cannot replace: %s", strerror(errno));
                st = GW_ERR_SYSTEM;
            }
            free(from);
            free(to);
        }
        for (unsigned k = n + 1; st == GW_OK; k++) {
            char *stale = page_file(b, final, k);
            bool gone = unlink(stale) != 0;
            free(stale);
            if (gone)
                break;
        }
    }
    remove_tree_files(tmp);
    free(pattern);
    free(tmp);
    *files = n;
    return st;
}

/* Checks one source and renders it unless it is up to date. Messages (errors, warnings)
 * are captured into r->msg. */
static void process(build *b, const item *it, result *r)
{
    *r = (result){.outcome = 'f', .status = GW_ERR_INPUT};
    FILE *old_err = b->ctx->err;
    FILE *cap = open_memstream(&r->msg, &r->msg_len);
    if (cap)
        b->ctx->err = cap;
    size_t len = 0;
    char *data = slurp(it->src, &len);
    if (!data) {
        gw_error(b->ctx, (gw_pos){it->src, 0}, "cannot open: %s", strerror(errno));
        goto done;
    }
    doc_key(b, it->src, data, len, r->key);
    free(data);
    const entry *e = manifest_find(&b->man, it->out_rel);
    if (e && strcmp(e->key, r->key) == 0 && output_hash(b, it->out_rel, e->files, r->out) &&
        strcmp(r->out, e->out) == 0) {
        r->outcome = 's';
        r->status = GW_OK;
        r->files = e->files;
        goto done;
    }
    char *final = join(b->outdir, it->out_rel);
    char *slash = strrchr(final, '/');
    gw_status st = GW_OK;
    struct stat fst;
    if (!b->per_page && stat(final, &fst) == 0 && !S_ISREG(fst.st_mode)) {
        /* A pipe or a device: the build reads its outputs back to know them next time. */
        gw_error(b->ctx, (gw_pos){final, 0}, "is not a regular file; a build writes files");
        st = GW_ERR_SYSTEM;
    }
    if (slash) {
        *slash = '\0';
        if (!make_dirs(final)) {
            gw_error(b->ctx, (gw_pos){final, 0}, "cannot create this folder: %s", strerror(errno));
            st = GW_ERR_SYSTEM;
        }
        *slash = '/';
    }
    if (st == GW_OK && b->per_page) {
        st = render_pages(b, it->src, final, &r->files);
    } else if (st == GW_OK) {
        st = gw_render(b->ctx, it->src, final, b->bo->format);
        r->files = 1;
    }
    if (st == GW_OK && !output_hash(b, it->out_rel, r->files, r->out)) {
        gw_error(b->ctx, (gw_pos){final, 0}, "cannot read the output back: %s", strerror(errno));
        st = GW_ERR_SYSTEM;
    }
    free(final);
    r->status = (unsigned char)st;
    r->outcome = st == GW_OK ? 'b' : 'f';
done:
    b->ctx->err = old_err;
    if (cap)
        fclose(cap);
    else
        r->msg = NULL, r->msg_len = 0;
    if (r->outcome == 'f' && r->msg_len == 0) {
        free(r->msg);
        r->msg = gw_xasprintf("%s: error: could not be rendered\n", it->src);
        r->msg_len = strlen(r->msg);
    }
}

/* ---- progress and messages --------------------------------------------------------------- */

static void bar_clear(build *b)
{
    if (b->bar_shown) {
        fputs("\r\033[K", stderr);
        b->bar_shown = false;
    }
}

static void bar_draw(build *b)
{
    if (!b->bar)
        return;
    enum { WIDTH = 30 };
    char line[WIDTH + 3];
    size_t fill = b->n ? b->done * WIDTH / b->n : WIDTH;
    line[0] = '[';
    for (size_t i = 0; i < WIDTH; i++)
        line[1 + i] = i < fill ? '=' : i == fill ? '>' : ' ';
    line[WIDTH + 1] = ']';
    line[WIDTH + 2] = '\0';
    fprintf(stderr, "\r%s %zu/%zu", line, b->done, b->n);
    fflush(stderr);
    b->bar_shown = true;
}

/* A source's outcome, in the parent. Warnings of rendered sources are shown at once; a
 * failure's messages are kept for the list at the end. */
static void record(build *b, size_t i, result *r)
{
    item *it = &b->items[i];
    if (it->outcome) {
        free(r->msg);
        r->msg = NULL;
        return;
    }
    it->outcome = r->outcome;
    it->status = r->status;
    it->files = r->files;
    memcpy(it->key, r->key, sizeof it->key);
    memcpy(it->out, r->out, sizeof it->out);
    if (r->outcome == 'f') {
        it->msg = r->msg;
        r->msg = NULL;
    } else if (r->msg_len) {
        bar_clear(b);
        fwrite(r->msg, 1, r->msg_len, stderr);
    }
    free(r->msg);
    r->msg = NULL;
    b->done++;
    bar_draw(b);
}

/* ---- workers ------------------------------------------------------------------------------- */

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void put_u32(gw_buf *m, uint32_t v)
{
    gw_buf_add(m, (const char *)&v, sizeof v);
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Messages: 'S' index (started), or 'R' index outcome status files key out len text. */
enum { HEAD = 1 + 4, RESULT_FIXED = HEAD + 1 + 1 + 4 + HEX_LEN + HEX_LEN + 4 };

static void worker_loop(build *b, int fd)
{
    gw_buf m = {0};
    for (;;) {
        size_t i = atomic_fetch_add(b->next, 1);
        if (i >= b->n)
            break;
        m.len = 0;
        gw_buf_add(&m, "S", 1);
        put_u32(&m, (uint32_t)i);
        if (!write_all(fd, m.data, m.len))
            break;
        result r;
        process(b, &b->items[i], &r);
        m.len = 0;
        gw_buf_add(&m, "R", 1);
        put_u32(&m, (uint32_t)i);
        gw_buf_add(&m, &r.outcome, 1);
        gw_buf_add(&m, (const char *)&r.status, 1);
        put_u32(&m, r.files);
        gw_buf_add(&m, r.key, HEX_LEN);
        gw_buf_add(&m, r.out, HEX_LEN);
        put_u32(&m, (uint32_t)r.msg_len);
        gw_buf_add(&m, r.msg ? r.msg : "", r.msg_len);
        free(r.msg);
        if (!write_all(fd, m.data, m.len))
            break;
    }
    gw_buf_free(&m);
}

/* The number of threads of this process (field 20 of /proc/self/stat), 0 if unknown. */
static long thread_count(void)
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    for (int field = 2; p && field < 20; field++)
        p = strchr(p + 1, ' ');
    return p ? strtol(p + 1, NULL, 10) : 0;
}

/* Pango runs fontconfig's initialisation (and later font sorting) in short-lived threads. A
 * fork while one runs would give the worker a half-done state or a lock no thread of its own
 * will release, so wait (a second at most) until this thread is the only one. */
static void wait_single_threaded(void)
{
    for (int i = 0; i < 1000 && thread_count() > 1; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
}

static bool spawn(build *b, worker *ws, size_t nw, worker *w)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        gw_error(b->ctx, (gw_pos){NULL, 0}, "cannot make a pipe: %s", strerror(errno));
        return false;
    }
    fflush(stdout);
    fflush(stderr);
    wait_single_threaded();
    pid_t pid = fork();
    if (pid < 0) {
        gw_error(b->ctx, (gw_pos){NULL, 0}, "cannot start a worker: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        /* Ctrl-C reaches the whole process group: the parent stops handing out sources and the
         * worker finishes the one it has, so that no half-written file is left behind. */
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        for (size_t k = 0; k < nw; k++)
            if (ws[k].fd >= 0)
                close(ws[k].fd);
        b->ctx->threads = 1; /* the other workers have the other CPUs */
        worker_loop(b, p[1]);
        _exit(0);
    }
    close(p[1]);
    *w = (worker){.pid = pid, .fd = p[0], .current = -1};
    return true;
}

/* Parses the complete messages received from a worker. */
static void drain(build *b, worker *w)
{
    size_t off = 0;
    while (w->in.len - off >= HEAD) {
        const char *p = w->in.data + off;
        uint32_t i = get_u32(p + 1);
        if (i >= b->n) { /* cannot happen; treat the stream as broken */
            off = w->in.len;
            break;
        }
        if (p[0] == 'S') {
            w->current = i;
            off += HEAD;
            continue;
        }
        if (w->in.len - off < RESULT_FIXED)
            break;
        uint32_t mlen = get_u32(p + RESULT_FIXED - 4);
        if (w->in.len - off < RESULT_FIXED + (size_t)mlen)
            break;
        result r = {.outcome = p[HEAD], .status = (unsigned char)p[HEAD + 1]};
        r.files = get_u32(p + HEAD + 2);
        memcpy(r.key, p + HEAD + 6, HEX_LEN);
        memcpy(r.out, p + HEAD + 6 + HEX_LEN, HEX_LEN);
        r.msg = gw_xstrndup(p + RESULT_FIXED, mlen);
        r.msg_len = mlen;
        record(b, i, &r);
        w->current = -1;
        off += RESULT_FIXED + mlen;
    }
    memmove(w->in.data, w->in.data + off, w->in.len - off);
    w->in.len -= off;
}

static void worker_died(build *b, worker *w, int wstatus)
{
    if (w->current >= 0 && !interrupted) {
        result r = {.outcome = 'f', .status = GW_ERR_SYSTEM};
        if (WIFSIGNALED(wstatus))
            r.msg = gw_xasprintf(
                "%s: error: the worker rendering it was killed by signal %d (%s)\n",
                b->items[w->current].src, WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
        else
            r.msg = gw_xasprintf("%s: error: the worker rendering it exited with status %d\n",
                                 b->items[w->current].src, WEXITSTATUS(wstatus));
        r.msg_len = strlen(r.msg);
        record(b, (size_t)w->current, &r);
    }
    w->current = -1;
}

static void run_workers(build *b, size_t jobs)
{
    b->next =
        mmap(NULL, sizeof *b->next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (b->next == MAP_FAILED) {
        gw_error(b->ctx, (gw_pos){NULL, 0}, "cannot share memory with workers: %s",
                 strerror(errno));
        worse(&b->status, GW_ERR_SYSTEM);
        return;
    }
    atomic_init(b->next, 0);
    worker *ws = gw_xcalloc(jobs, sizeof *ws);
    struct pollfd *pfd = gw_xcalloc(jobs, sizeof *pfd);
    size_t alive = 0, respawns = 0;
    for (size_t k = 0; k < jobs; k++) {
        ws[k].fd = -1;
        if (spawn(b, ws, k, &ws[k]))
            alive++;
    }
    if (!alive)
        worse(&b->status, GW_ERR_SYSTEM);
    bool stopping = false;
    while (alive) {
        if (interrupted && !stopping) {
            atomic_store(b->next, b->n); /* no new sources; finish the current ones */
            stopping = true;
        }
        for (size_t k = 0; k < jobs; k++)
            pfd[k] = (struct pollfd){.fd = ws[k].fd, .events = POLLIN};
        if (poll(pfd, jobs, -1) < 0) {
            if (errno == EINTR)
                continue;
            gw_error(b->ctx, (gw_pos){NULL, 0}, "poll: %s", strerror(errno));
            worse(&b->status, GW_ERR_SYSTEM);
            break;
        }
        for (size_t k = 0; k < jobs; k++) {
            if (ws[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[1 << 14];
            ssize_t got = read(ws[k].fd, buf, sizeof buf);
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got > 0) {
                gw_buf_add(&ws[k].in, buf, (size_t)got);
                drain(b, &ws[k]);
                continue;
            }
            /* End of the stream: the worker is done, or dead. */
            close(ws[k].fd);
            ws[k].fd = -1;
            int wstatus = 0;
            while (waitpid(ws[k].pid, &wstatus, 0) < 0 && errno == EINTR)
                ;
            worker_died(b, &ws[k], wstatus);
            gw_buf_free(&ws[k].in);
            alive--;
            bool left = atomic_load(b->next) < b->n;
            bool crashed = !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0;
            if (left && crashed && !interrupted && respawns < b->n && spawn(b, ws, jobs, &ws[k])) {
                respawns++;
                alive++;
            }
        }
    }
    free(ws);
    free(pfd);
    munmap(b->next, sizeof *b->next);
    b->next = NULL;
}

static void run_here(build *b)
{
    for (size_t i = 0; i < b->n && !interrupted; i++) {
        result r;
        process(b, &b->items[i], &r);
        record(b, i, &r);
    }
}

/* ---- the manifest, written back ------------------------------------------------------------ */

static bool source_exists(const build *b, const char *src_rel)
{
    char *p = join(b->dir, src_rel);
    bool ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

/* Under a lock on the output folder, rereads the manifest (another shard may have written
 * it since), sets the entries of the outputs built here, drops those whose source is gone,
 * and replaces the file when anything changed. */
static void manifest_update(build *b)
{
    int lock = open(b->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock >= 0)
        while (flock(lock, LOCK_EX) != 0 && errno == EINTR)
            ;
    char *path = join(b->outdir, MANIFEST);
    manifest m;
    manifest_read(&m, path);
    size_t before = m.n;
    bool changed = false;
    for (size_t i = 0; i < b->n; i++) {
        const item *it = &b->items[i];
        if ((it->outcome != 'b' && it->outcome != 's') || strpbrk(it->rel, "\t\n") ||
            strpbrk(it->out_rel, "\t\n"))
            continue;
        /* Only the entries read are sorted; those appended here are new outputs. */
        entry *e = find_entry(m.e, before, it->out_rel);
        if (!e) {
            /* Appended after the sorted part; searched again only at the next read. */
            e = GW_PUSH(m.e, m.n, m.cap);
            *e = (entry){.src_rel = gw_xstrdup(it->rel), .out_rel = gw_xstrdup(it->out_rel)};
            changed = true;
        } else if (strcmp(e->src_rel, it->rel) != 0) {
            free(e->src_rel);
            e->src_rel = gw_xstrdup(it->rel);
            changed = true;
        }
        if (strcmp(e->key, it->key) != 0 || strcmp(e->out, it->out) != 0 || e->files != it->files)
            changed = true;
        memcpy(e->key, it->key, sizeof e->key);
        memcpy(e->out, it->out, sizeof e->out);
        e->files = it->files;
    }
    size_t w = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (!source_exists(b, m.e[i].src_rel)) {
            free(m.e[i].src_rel);
            free(m.e[i].out_rel);
            changed = true;
            continue;
        }
        m.e[w++] = m.e[i];
    }
    m.n = w;
    if (changed) {
        if (m.n)
            qsort(m.e, m.n, sizeof *m.e, cmp_entry);
        gw_buf text = {0};
        gw_buf_adds(&text, MANIFEST_HEADER "\n");
        for (size_t i = 0; i < m.n; i++)
            gw_buf_printf(&text, "%s\t%s\t%s\t%s\t%u\n", m.e[i].src_rel, m.e[i].out_rel, m.e[i].key,
                          m.e[i].out, m.e[i].files);
        gw_atomic *a = gw_atomic_open(b->ctx, path);
        gw_status st = a ? GW_OK : GW_ERR_SYSTEM;
        if (a) {
            int fd = open(gw_atomic_tmp_path(a), O_WRONLY | O_TRUNC | O_CLOEXEC);
            if (fd < 0 || !write_all(fd, text.data, text.len)) {
                gw_error(b->ctx, (gw_pos){path, 0}, "cannot write: %s", strerror(errno));
                st = GW_ERR_SYSTEM;
            }
            if (fd >= 0)
                close(fd);
            st = st == GW_OK ? gw_atomic_commit(b->ctx, a) : (gw_atomic_drop(a), st);
        }
        worse(&b->status, st);
        gw_buf_free(&text);
    }
    manifest_free(&m);
    free(path);
    if (lock >= 0)
        close(lock); /* releases the lock */
}

/* ---- the command --------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *strip_slashes(const char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        n--;
    return gw_xstrndup(s, n);
}

gw_status gw_build(const gw_options *opts, const gw_build_options *bo, gw_build_stats *stats)
{
    double start = now();
    gw_options none = {0};
    if (!opts)
        opts = &none;
    gw_build_stats dummy;
    if (!stats)
        stats = &dummy;
    *stats = (gw_build_stats){0};
    build b = {.opts = opts, .bo = bo, .ext = format_ext(bo->format)};
    if (!b.ext || !bo->dir || (bo->n_shards && (bo->shard < 1 || bo->shard > bo->n_shards))) {
        gw_error(NULL, (gw_pos){NULL, 0}, "build: bad options");
        return GW_ERR_USAGE;
    }
    b.per_page = bo->format == GW_FORMAT_PNG || bo->format == GW_FORMAT_SVG;
    b.dir = strip_slashes(bo->dir);
    b.outdir = strip_slashes(bo->outdir && *bo->outdir ? bo->outdir : "out");
    gw_status st = GW_OK;
    struct stat dst;
    bool found = stat(b.dir, &dst) == 0;
    if (!found || !S_ISDIR(dst.st_mode)) {
        gw_error(NULL, (gw_pos){b.dir, 0}, "%s", found ? "not a folder" : strerror(errno));
        st = GW_ERR_INPUT;
        goto out;
    }
    if (!make_dirs(b.outdir) || stat(b.outdir, &b.out_st) != 0) {
        gw_error(NULL, (gw_pos){b.outdir, 0}, "cannot create the output folder: %s",
                 strerror(errno));
        st = GW_ERR_SYSTEM;
        goto out;
    }
    walk(&b, b.dir, NULL, 0);
    b.ctx = gw_ctx_new(opts, &st);
    if (!b.ctx)
        goto out;
    /* The fonts load on a thread of ours, which gw_fonts_context waits for, and Pango starts
     * fontconfig in one of its own; let both finish before any fork, so no worker inherits a
     * half-done initialisation or a lock held by a thread it lacks. */
    PangoFontMap *map = pango_context_get_font_map(gw_fonts_context(b.ctx));
    if (PANGO_IS_FC_FONT_MAP(map))
        (void)pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(map));
    base_key(&b);
    char *mpath = join(b.outdir, MANIFEST);
    manifest_read(&b.man, mpath);
    free(mpath);
    if (b.n == 0)
        gw_warning(NULL, (gw_pos){b.dir, 0}, "no gongwen sources below this folder");

    size_t jobs = bo->jobs ? bo->jobs : gw_cpu_count();
    if (jobs > b.n)
        jobs = b.n;
    b.bar = bo->progress > 0 || (bo->progress < 0 && isatty(STDERR_FILENO));
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term, old_hup;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    bar_draw(&b);
    if (jobs <= 1)
        run_here(&b);
    else
        run_workers(&b, jobs);
    bar_clear(&b);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);

    manifest_update(&b);
    /* Shards may share an output folder and run at once: then another may be writing there. */
    for (size_t i = 0; i < b.n && !bo->n_shards; i++)
        if (b.items[i].outcome == 'f')
            remove_empty_folders(&b, b.items[i].out_rel);
    for (size_t i = 0; i < b.n; i++) {
        if (b.items[i].outcome == 'b')
            stats->built++;
        else if (b.items[i].outcome == 's')
            stats->skipped++;
        else if (b.items[i].outcome == 'f')
            stats->failed++;
    }
    if (stats->failed) {
        fprintf(stderr, "gongwen: %zu of %zu sources failed:\n", stats->failed, b.n);
        for (size_t i = 0; i < b.n; i++) {
            const item *it = &b.items[i];
            if (it->outcome != 'f')
                continue;
            fputs(it->msg, stderr);
            worse(&st, it->status == GW_ERR_SYSTEM ? GW_ERR_SYSTEM : GW_ERR_INPUT);
        }
    }
    worse(&st, b.status);
    stats->interrupted = interrupted;
out:
    stats->seconds = now() - start;
    for (size_t i = 0; i < b.n; i++) {
        free(b.items[i].rel);
        free(b.items[i].src);
        free(b.items[i].out_rel);
        free(b.items[i].msg);
    }
    free(b.items);
    manifest_free(&b.man);
    gw_ctx_drop(b.ctx);
    free(b.dir);
    free(b.outdir);
    return st;
}
