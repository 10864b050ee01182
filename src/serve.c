/* gongwen serve: a page in the browser for office staff, backed by the same pipeline. It lists
 * the sources of one folder, makes a new one from a form (through the importer), shows the
 * pages as PNG previews with the errors and lint warnings beside them, saves atomically with
 * a backup, and hands out the PDF.
 *
 * libmicrohttpd runs the requests one after another on its own thread, so the context (not
 * thread-safe: libxslt, Pango) and the files are never touched by two requests at once; a
 * save names the version it was made from (If-Match), so of two saves from the same version
 * the later is refused whole rather than interleaved. */
#include "ctx.h"
#include "import.h"
#include "source.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* libmicrohttpd, loaded by `gongwen serve` alone (gw_library_load): the calls below go through
 * this table under their own names. */
static struct {
    __typeof__(&MHD_add_response_header) MHD_add_response_header;
    __typeof__(&MHD_create_response_from_buffer) MHD_create_response_from_buffer;
    __typeof__(&MHD_destroy_response) MHD_destroy_response;
    __typeof__(&MHD_get_daemon_info) MHD_get_daemon_info;
    __typeof__(&MHD_lookup_connection_value) MHD_lookup_connection_value;
    __typeof__(&MHD_queue_response) MHD_queue_response;
    __typeof__(&MHD_start_daemon) MHD_start_daemon;
    __typeof__(&MHD_stop_daemon) MHD_stop_daemon;
} mhd;
#define MHD_add_response_header (mhd.MHD_add_response_header)
#define MHD_create_response_from_buffer (mhd.MHD_create_response_from_buffer)
#define MHD_destroy_response (mhd.MHD_destroy_response)
#define MHD_get_daemon_info (mhd.MHD_get_daemon_info)
#define MHD_lookup_connection_value (mhd.MHD_lookup_connection_value)
#define MHD_queue_response (mhd.MHD_queue_response)
#define MHD_start_daemon (mhd.MHD_start_daemon)
#define MHD_stop_daemon (mhd.MHD_stop_daemon)

static bool load_mhd(gw_ctx *ctx)
{
    static const char *const names[] = {"MHD_add_response_header",
                                        "MHD_create_response_from_buffer",
                                        "MHD_destroy_response",
                                        "MHD_get_daemon_info",
                                        "MHD_lookup_connection_value",
                                        "MHD_queue_response",
                                        "MHD_start_daemon",
                                        "MHD_stop_daemon"};
    gw_pos nowhere = {NULL, 0};
    return GW_LIBRARY_LOAD(ctx, nowhere, GW_SONAME_MHD, "libmicrohttpd12", names, mhd);
}

#define MAX_BODY (4u << 20)
#define PREVIEW_DPI 96.0

typedef struct server {
    gw_ctx *ctx;
    char *dir;      /* the sources folder, its real path */
    char *webdir;   /* the page's files: DATADIR/web */
    char *token;    /* every API request carries it */
    char *hosts[3]; /* the Host headers a request may name: 127.0.0.1:P, localhost:P, BIND:P */
} server;

/* One request's body, gathered over the handler's calls. */
typedef struct request {
    gw_buf body;
    bool too_large;
} request;

/* ---- responses ------------------------------------------------------------------------- */

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *type,
                                  const void *data, size_t len, const char *etag,
                                  const char *disposition)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                            "frame-ancestors 'none'");
    if (etag)
        MHD_add_response_header(r, "ETag", etag);
    if (disposition)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void json_string(gw_buf *b, const char *s)
{
    gw_buf_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            gw_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            gw_buf_adds(b, "\\n");
        else if (*p < 0x20)
            gw_buf_printf(b, "\\u%04x", *p);
        else
            gw_buf_add(b, (const char *)p, 1);
    }
    gw_buf_adds(b, "\"");
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, gw_buf *b,
                                 const char *etag)
{
    enum MHD_Result r = send_bytes(c, status, "application/json; charset=utf-8",
                                   b->data ? b->data : "{}", b->len ? b->len : 2, etag, NULL);
    gw_buf_free(b);
    return r;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    gw_buf b = {0};
    gw_buf_adds(&b, "{\"error\":");
    json_string(&b, msg);
    gw_buf_adds(&b, "}");
    return send_json(c, status, &b, NULL);
}

/* ---- names and files ------------------------------------------------------------------- */

/* A source's name: letters, digits, - _ . (not first), ending in .xml; nothing else can name a
 * file outside the folder. */
static bool good_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 5 || n > 128 || name[0] == '.' || strcmp(name + n - 4, ".xml") != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            return false;
    }
    return strstr(name, "..") == NULL;
}

/* The path of a source in the folder, or NULL when the name is bad or the file is a link (or
 * anything but a regular file) that could lead out of it. */
static char *source_path(const server *s, const char *name, bool must_exist)
{
    if (!good_name(name))
        return NULL;
    char *path = gw_xasprintf("%s/%s", s->dir, name);
    struct stat st;
    if (lstat(path, &st) == 0 ? !S_ISREG(st.st_mode) : (must_exist || errno != ENOENT)) {
        free(path);
        return NULL;
    }
    return path;
}

static char *read_file(const char *path, size_t *len)
{
    gchar *data = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &data, &n, NULL))
        return NULL;
    char *r = gw_xmalloc(n + 1);
    memcpy(r, data, n);
    r[n] = '\0';
    g_free(data);
    *len = n;
    return r;
}

static char *etag_of(const char *data, size_t len)
{
    gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    char *tag = gw_xasprintf("\"%.32s\"", sum);
    g_free(sum);
    return tag;
}

/* A private copy of posted XML in the sources folder, so that a seal's relative path finds
 * its image as it would in the saved source. */
static char *temp_source(server *s, const char *data, size_t len)
{
    char *path = gw_xasprintf("%s/.gongwen-preview-XXXXXX.xml", s->dir);
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    bool ok = write(fd, data, len) == (ssize_t)len;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* Only a source (or a layout) is rendered, and only with images inside the folder: a history
 * would read editions, and an image path anything on the machine, that the page may not see.
 * Returns NULL when the XML is fine (or not XML at all, which the render reports), else why. */
static const char *unconfined(const server *s, const char *data, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(data, (int)(len < INT_MAX ? len : INT_MAX), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return NULL;
    const char *why = NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *ns = root && root->ns ? (const char *)root->ns->href : "";
    if (strcmp(ns, GW_SOURCE_NS) != 0 && strcmp(ns, "urn:gongwen:layout:1") != 0)
        why = "the page renders sources only (not histories or amendments)";
    for (xmlNodePtr n = root; n && !why;) {
        xmlChar *src = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, BAD_CAST "src") : NULL;
        if (src) {
            char *path = gw_xasprintf("%s/%s", s->dir, (const char *)src);
            char real[PATH_MAX];
            if (src[0] == '/' || strstr((const char *)src, "..") ||
                (realpath(path, real) &&
                 (strncmp(real, s->dir, strlen(s->dir)) != 0 || real[strlen(s->dir)] != '/')))
                why = "an image lies outside the sources folder";
            free(path);
            xmlFree(src);
        }
        /* depth first, without recursion */
        if (n->children && n->type == XML_ELEMENT_NODE)
            n = n->children;
        else {
            while (n && !n->next)
                n = n->parent;
            if (n)
                n = n->next;
        }
    }
    xmlFreeDoc(doc);
    return why;
}

/* ---- diagnostics ----------------------------------------------------------------------- */

/* Runs with the context's messages captured, and turns `file:line: kind: message [rule]`
 * lines into JSON objects, naming the file as shown. */
typedef struct capture {
    FILE *saved;
    char *text;
    size_t len;
    FILE *f;
} capture;

static void capture_start(server *s, capture *cap)
{
    cap->saved = s->ctx->err;
    cap->text = NULL;
    cap->len = 0;
    cap->f = open_memstream(&cap->text, &cap->len);
    if (cap->f)
        s->ctx->err = cap->f;
}

static void capture_end(server *s, capture *cap)
{
    if (cap->f)
        fclose(cap->f);
    s->ctx->err = cap->saved;
}

static void diagnostics_json(gw_buf *b, const char *text)
{
    gw_buf_adds(b, "[");
    bool first = true;
    for (const char *p = text ? text : ""; *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *line = gw_xstrndup(p, n);
        p += n + (eol != NULL);
        const char *kinds[] = {": error: ", ": warning: ", ": note: "};
        const char *kind = NULL, *at = NULL;
        for (size_t k = 0; k < 3 && !at; k++)
            if ((at = strstr(line, kinds[k])))
                kind = kinds[k];
        if (!at) {
            free(line);
            continue;
        }
        /* the line number: the digits after the last colon before the kind */
        long lineno = 0;
        const char *colon = at;
        while (colon > line && colon[-1] != ':')
            colon--;
        if (colon > line)
            lineno = strtol(colon, NULL, 10);
        const char *msg = at + strlen(kind);
        char *rule = NULL;
        const char *br = strrchr(msg, '[');
        if (br && line[n - 1] == ']')
            rule = gw_xstrndup(br + 1, strlen(br + 1) - 1);
        char *kname = gw_xstrndup(kind + 2, strlen(kind) - 4);
        gw_buf_printf(b, "%s{\"line\":%ld,\"kind\":", first ? "" : ",", lineno);
        json_string(b, kname);
        gw_buf_adds(b, ",\"message\":");
        json_string(b, msg);
        if (rule) {
            gw_buf_adds(b, ",\"rule\":");
            json_string(b, rule);
        }
        gw_buf_adds(b, "}");
        first = false;
        free(kname);
        free(rule);
        free(line);
    }
    gw_buf_adds(b, "]");
}

/* ---- the API --------------------------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum MHD_Result list_sources(server *s, struct MHD_Connection *c)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return send_error(c, 500, "cannot read the sources folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (good_name(e->d_name) && e->d_type != DT_LNK)
            *GW_PUSH(names, n, cap) = gw_xstrdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    gw_buf b = {0};
    gw_buf_adds(&b, "{\"sources\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            gw_buf_adds(&b, ",");
        json_string(&b, names[i]);
        free(names[i]);
    }
    free(names);
    gw_buf_adds(&b, "]}");
    return send_json(c, 200, &b, NULL);
}

static enum MHD_Result get_source(server *s, struct MHD_Connection *c, const char *name)
{
    char *path = source_path(s, name, true);
    if (!path)
        return send_error(c, 404, "no such source");
    size_t len = 0;
    char *data = read_file(path, &len);
    free(path);
    if (!data)
        return send_error(c, 404, "no such source");
    char *tag = etag_of(data, len);
    /* as text: a stored document is never rendered by a browser opening this address */
    enum MHD_Result r = send_bytes(c, 200, "text/plain; charset=utf-8", data, len, tag, NULL);
    free(tag);
    free(data);
    return r;
}

/* Saves whole or not at all: the version the client edited must still be the file's (or the
 * file must not exist yet when it asks for a new one), the previous version is kept as
 * NAME.bak, and the new one replaces the file by rename. */
static enum MHD_Result put_source(server *s, struct MHD_Connection *c, const char *name,
                                  const gw_buf *body)
{
    char *path = source_path(s, name, false);
    if (!path)
        return send_error(c, 400, "a source's name is letters, digits, - _ . and ends in .xml");
    const char *if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
    size_t len = 0;
    char *old = read_file(path, &len);
    char *tag = old ? etag_of(old, len) : NULL;
    bool fresh = !old && (!if_match || strcmp(if_match, "*") != 0);
    if (!fresh && !(old && if_match && strcmp(if_match, tag) == 0)) {
        free(path);
        free(old);
        free(tag);
        return send_error(c, 409,
                          "the source was changed since it was opened (or it exists already): "
                          "reload it before saving");
    }
    gw_status st = GW_OK;
    if (old) {
        char *bak = gw_xasprintf("%s.bak", path);
        /* Writing follows links (gw_atomic_open): a NAME.bak that is a link, or anything but a
         * file, would take the old source out of the folder. */
        struct stat bs;
        if (lstat(bak, &bs) == 0 && !S_ISREG(bs.st_mode)) {
            gw_error(s->ctx, (gw_pos){bak, 0}, "is not a regular file; not saving over it");
            st = GW_ERR_SYSTEM;
        } else {
            st = gw_write_bytes(s->ctx, bak, old, len);
        }
        free(bak);
    }
    if (st == GW_OK)
        st = gw_write_bytes(s->ctx, path, body->data ? body->data : "", body->len);
    free(path);
    free(old);
    free(tag);
    if (st != GW_OK)
        return send_error(c, 500, "could not write the source");
    char *now = etag_of(body->data ? body->data : "", body->len);
    gw_buf b = {0};
    gw_buf_adds(&b, "{\"saved\":");
    json_string(&b, name);
    gw_buf_adds(&b, "}");
    enum MHD_Result r = send_json(c, 200, &b, now);
    free(now);
    return r;
}

/* Previews: the posted XML rendered to PNG pages, with its errors and lint warnings. */
static enum MHD_Result preview(server *s, struct MHD_Connection *c, const gw_buf *body)
{
    const char *why = unconfined(s, body->data ? body->data : "", body->len);
    if (why)
        return send_error(c, 403, why);
    char tmpl[] = "/tmp/gongwen-preview-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *src = dir ? temp_source(s, body->data ? body->data : "", body->len) : NULL;
    if (!src) {
        if (dir)
            rmdir(dir);
        return send_error(c, 500, "no room for a preview");
    }
    capture cap;
    capture_start(s, &cap);
    char *pattern = gw_xasprintf("%s/page.png", dir);
    double dpi = s->ctx->png_dpi;
    s->ctx->png_dpi = PREVIEW_DPI;
    gw_status st = gw_render(s->ctx, src, pattern, GW_FORMAT_PNG);
    s->ctx->png_dpi = dpi;
    if (st == GW_OK)
        gw_lint(s->ctx, src, NULL);
    capture_end(s, &cap);
    gw_buf b = {0};
    gw_buf_adds(&b, "{\"pages\":[");
    for (int page = 1; st == GW_OK; page++) {
        char *png = gw_xasprintf("%s/page-%d.png", dir, page);
        size_t len = 0;
        char *data = read_file(png, &len);
        unlink(png);
        free(png);
        if (!data)
            break;
        gchar *b64 = g_base64_encode((const guchar *)data, len);
        gw_buf_printf(&b, "%s\"data:image/png;base64,%s\"", page > 1 ? "," : "", b64);
        g_free(b64);
        free(data);
    }
    /* a render that failed midway may have left pages */
    for (int page = 1; page < 10000; page++) {
        char *png = gw_xasprintf("%s/page-%d.png", dir, page);
        int gone = unlink(png);
        free(png);
        if (gone != 0)
            break;
    }
    gw_buf_adds(&b, "],\"diagnostics\":");
    /* messages name the private copy: show them as the source's own lines */
    char *text = cap.text ? cap.text : NULL;
    if (text) {
        gw_buf fixed = {0};
        for (char *p = text; *p;) {
            char *hit = strstr(p, src);
            if (!hit) {
                gw_buf_adds(&fixed, p);
                break;
            }
            gw_buf_add(&fixed, p, (size_t)(hit - p));
            gw_buf_adds(&fixed, "source");
            p = hit + strlen(src);
        }
        diagnostics_json(&b, fixed.data);
        gw_buf_free(&fixed);
    } else {
        diagnostics_json(&b, "");
    }
    gw_buf_adds(&b, "}");
    free(cap.text);
    unlink(src);
    free(src);
    free(pattern);
    rmdir(dir);
    return send_json(c, 200, &b, NULL);
}

/* The posted XML with the faults lint can fix fixed. */
static enum MHD_Result fix(server *s, struct MHD_Connection *c, const gw_buf *body)
{
    char *src = temp_source(s, body->data ? body->data : "", body->len);
    if (!src)
        return send_error(c, 500, "no room to fix");
    char *out = gw_xasprintf("%s.fixed", src);
    capture cap;
    capture_start(s, &cap);
    gw_lint(s->ctx, src, out);
    capture_end(s, &cap);
    free(cap.text);
    size_t len = 0;
    char *data = read_file(out, &len);
    unlink(out);
    unlink(src);
    free(out);
    free(src);
    if (!data)
        return send_error(c, 422, "the source cannot be read as XML");
    enum MHD_Result r = send_bytes(c, 200, "application/xml; charset=utf-8", data, len, NULL, NULL);
    free(data);
    return r;
}

/* Plain text (pasted, or composed by the page's form) → a source, with the import report. */
static enum MHD_Result import(server *s, struct MHD_Connection *c, const gw_buf *body)
{
    capture cap;
    capture_start(s, &cap);
    gw_text *t = gw_text_parse(s->ctx, "text", body->data ? body->data : "", body->len, false);
    capture_end(s, &cap);
    gw_buf b = {0};
    if (!t) {
        gw_buf_adds(&b, "{\"source\":null,\"diagnostics\":");
        diagnostics_json(&b, cap.text);
        gw_buf_adds(&b, "}");
        free(cap.text);
        return send_json(c, 422, &b, NULL);
    }
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(t->source, &mem, &size, "UTF-8", 1);
    gw_buf_adds(&b, "{\"source\":");
    json_string(&b, (const char *)mem);
    gw_buf_adds(&b, ",\"diagnostics\":");
    diagnostics_json(&b, t->report.data);
    gw_buf_adds(&b, "}");
    xmlFree(mem);
    free(cap.text);
    gw_text_drop(t);
    return send_json(c, 200, &b, NULL);
}

static enum MHD_Result pdf(server *s, struct MHD_Connection *c, const char *name)
{
    char *path = source_path(s, name, true);
    if (!path)
        return send_error(c, 404, "no such source");
    size_t slen = 0;
    char *sdata = read_file(path, &slen);
    const char *why = sdata ? unconfined(s, sdata, slen) : NULL;
    free(sdata);
    if (why) {
        free(path);
        return send_error(c, 403, why);
    }
    char tmpl[] = "/tmp/gongwen-pdf-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *out = dir ? gw_xasprintf("%s/out.pdf", dir) : NULL;
    capture cap;
    capture_start(s, &cap);
    gw_status st = out ? gw_render(s->ctx, path, out, GW_FORMAT_PDF) : GW_ERR_SYSTEM;
    capture_end(s, &cap);
    free(path);
    size_t len = 0;
    char *data = st == GW_OK ? read_file(out, &len) : NULL;
    if (out)
        unlink(out);
    free(out);
    if (dir)
        rmdir(dir);
    if (!data) {
        gw_buf b = {0};
        gw_buf_adds(&b, "{\"error\":\"the source does not render\",\"diagnostics\":");
        diagnostics_json(&b, cap.text);
        gw_buf_adds(&b, "}");
        free(cap.text);
        return send_json(c, 422, &b, NULL);
    }
    free(cap.text);
    char stem[160];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(name) - 4), name);
    char *disp = gw_xasprintf("attachment; filename=\"%s.pdf\"", stem);
    enum MHD_Result r = send_bytes(c, 200, "application/pdf", data, len, NULL, disp);
    free(disp);
    free(data);
    return r;
}

static enum MHD_Result static_file(server *s, struct MHD_Connection *c, const char *url)
{
    static const struct {
        const char *url, *file, *type;
    } files[] = {{"/", "index.html", "text/html; charset=utf-8"},
                 {"/app.js", "app.js", "text/javascript; charset=utf-8"},
                 {"/style.css", "style.css", "text/css; charset=utf-8"}};
    /* Chinese for the page itself, from our own fonts: a machine without CJK fonts installed
     * would show the page's labels as empty boxes */
    if (strcmp(url, "/ui-font.otf") == 0) {
        char *path = gw_data_path(s->ctx, "fonts/FandolFang-Regular.otf");
        size_t len = 0;
        char *data = read_file(path, &len);
        free(path);
        if (!data)
            return send_error(c, 404, "no font");
        enum MHD_Result r = send_bytes(c, 200, "font/otf", data, len, NULL, NULL);
        free(data);
        return r;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(url, files[i].url) != 0)
            continue;
        char *path = gw_xasprintf("%s/%s", s->webdir, files[i].file);
        size_t len = 0;
        char *data = read_file(path, &len);
        free(path);
        if (!data)
            return send_error(c, 500, "the page's files are missing");
        enum MHD_Result r = send_bytes(c, 200, files[i].type, data, len, NULL, NULL);
        free(data);
        return r;
    }
    return send_error(c, 404, "not found");
}

/* Constant time, so the token cannot be guessed a character at a time. */
static bool same_token(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned diff = (unsigned)(na ^ nb);
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned)(a[i] ^ b[i % (nb ? nb : 1)]);
    return diff == 0 && nb > 0;
}

/* Why a request is refused, or NULL. The Host must be one this server answers to (a page
 * that rebinds its own name to 127.0.0.1 names itself), an Origin must be this page's own,
 * and the API needs the token; the page's own files do not (they hold nothing). */
static const char *refusal(const server *s, struct MHD_Connection *c, const char *url)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    bool known = false;
    for (size_t i = 0; i < sizeof s->hosts / sizeof s->hosts[0] && host; i++)
        known |= s->hosts[i] && strcmp(host, s->hosts[i]) == 0;
    if (!known)
        return "this server answers to its own address only";
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (origin && !(strncmp(origin, "http://", 7) == 0 && strcmp(origin + 7, host) == 0))
        return "requests from other sites are refused";
    if (strncmp(url, "/api/", 5) != 0)
        return NULL;
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Gongwen-Token");
    if (!t)
        t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (!t || !same_token(t, s->token))
        return "a token is needed: open the address gongwen printed";
    return NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    request *rq = *con_cls;
    if (!rq) {
        rq = gw_xcalloc(1, sizeof *rq);
        *con_cls = rq;
        /* refused before any body is read: a page elsewhere (DNS rebinding names another
         * host; a cross-site request another origin), a request without the token, a body
         * too large */
        const char *why = refusal(s, c, url);
        if (why)
            return send_error(c, 403, why);
        const char *length =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > MAX_BODY)
            return send_error(c, 413, "the request is larger than 4 MB");
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.len + *upload_size > MAX_BODY)
            rq->too_large = true;
        else
            gw_buf_add(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_large)
        return send_error(c, 413, "the request is larger than 4 MB");
    const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (get && strcmp(url, "/api/sources") == 0)
        return list_sources(s, c);
    if (get && strcmp(url, "/api/source") == 0)
        return get_source(s, c, name);
    if (strcmp(method, "PUT") == 0 && strcmp(url, "/api/source") == 0)
        return put_source(s, c, name, &rq->body);
    if (post && strcmp(url, "/api/preview") == 0)
        return preview(s, c, &rq->body);
    if (post && strcmp(url, "/api/fix") == 0)
        return fix(s, c, &rq->body);
    if (post && strcmp(url, "/api/import") == 0)
        return import(s, c, &rq->body);
    if (get && strcmp(url, "/api/pdf") == 0)
        return pdf(s, c, name);
    if (get)
        return static_file(s, c, url);
    return send_error(c, 405, "method not allowed");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    request *rq = *con_cls;
    if (rq) {
        gw_buf_free(&rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

gw_status gw_serve(gw_ctx *ctx, const gw_serve_options *so)
{
    if (!load_mhd(ctx))
        return GW_ERR_SYSTEM;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(so->port)};
    const char *bind = so->bind ? so->bind : "127.0.0.1";
    if (strcmp(bind, "localhost") == 0)
        bind = "127.0.0.1";
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        gw_error(ctx, (gw_pos){NULL, 0}, "--bind takes an IPv4 address: %s", bind);
        return GW_ERR_USAGE;
    }
    bool loopback = (ntohl(addr.sin_addr.s_addr) >> 24) == 127;
    /* the token: given (on the command line, or in GONGWEN_TOKEN, which `ps` does not show),
     * or made here, so that other users of the machine cannot use the page either */
    const char *given = so->token && *so->token ? so->token : getenv("GONGWEN_TOKEN");
    if (!loopback && !(given && *given)) {
        gw_error(ctx, (gw_pos){NULL, 0},
                 "serving on %s lets other machines in: give --token SECRET (or set "
                 "GONGWEN_TOKEN) as well",
                 bind);
        return GW_ERR_USAGE;
    }
    server s = {.ctx = ctx};
    if (given && *given) {
        s.token = gw_xstrdup(given);
    } else {
        unsigned char random[16];
        if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) {
            gw_error(ctx, (gw_pos){NULL, 0}, "no random token: %s", strerror(errno));
            return GW_ERR_SYSTEM;
        }
        s.token = gw_xmalloc(2 * sizeof random + 1);
        for (size_t i = 0; i < sizeof random; i++)
            snprintf(s.token + 2 * i, 3, "%02x", random[i]);
    }
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(so->sources ? so->sources : "sources", real) || stat(real, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        gw_error(ctx, (gw_pos){so->sources ? so->sources : "sources", 0}, "not a folder");
        return GW_ERR_USAGE;
    }
    s.dir = gw_xstrdup(real);
    s.webdir = gw_data_path(ctx, "web");
    /* short idle times: a client that holds a connection without finishing its request
     * blocks the others */
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle,
                         &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
                         (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15, MHD_OPTION_END);
    if (!d) {
        gw_error(ctx, (gw_pos){NULL, 0}, "cannot listen on %s:%u: %s", bind, so->port,
                 strerror(errno));
        free(s.dir);
        free(s.webdir);
        free(s.token);
        return GW_ERR_SYSTEM;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : so->port;
    s.hosts[0] = gw_xasprintf("127.0.0.1:%u", port);
    s.hosts[1] = gw_xasprintf("localhost:%u", port);
    s.hosts[2] = gw_xasprintf("%s:%u", bind, port);
    printf("gongwen: serving %s on http://%s:%u/?token=%s\n", s.dir, bind, port, s.token);
    fflush(stdout);
    /* until interrupted */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(s.dir);
    free(s.webdir);
    free(s.token);
    for (size_t i = 0; i < sizeof s.hosts / sizeof s.hosts[0]; i++)
        free(s.hosts[i]);
    return GW_OK;
}
