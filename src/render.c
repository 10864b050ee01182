/* The pipeline, end to end: source → layout → pages → output. */
#include "backend.h"
#include "ctx.h"
#include "edition.h"
#include "render.h"
#include "fonts.h"
#include "layout.h"
#include "source.h"
#include "transform.h"
#include "typeset.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxslt/xslt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef GW_DATADIR
#define GW_DATADIR "/usr/local/share/gongwen"
#endif

static bool has_data(const char *dir)
{
    char *probe = gw_xasprintf("%s/stylesheets/gongwen.xsl", dir);
    bool ok = access(probe, R_OK) == 0;
    free(probe);
    return ok;
}

/* The data folder: given, beside the program (a source tree), or installed. */
static char *find_datadir_as_given(const char *given)
{
    if (given)
        return gw_xstrdup(given);
    const char *env = getenv("GONGWEN_DATADIR");
    if (env && *env)
        return gw_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (has_data(exe))
                return gw_xstrdup(exe);
            /* A build folder inside the source tree (build/gongwen-asan). */
            char *parent = gw_xasprintf("%s/..", exe);
            if (has_data(parent))
                return parent;
            free(parent);
            char *installed = gw_xasprintf("%s/../share/gongwen", exe);
            if (has_data(installed))
                return installed;
            free(installed);
        }
    }
    return gw_xstrdup(GW_DATADIR);
}

/* Absolute, because fontconfig reads a relative configuration path below /etc/fonts. */
static char *find_datadir(const char *given)
{
    char *dir = find_datadir_as_given(given);
    char *abs = realpath(dir, NULL);
    if (!abs)
        return dir;
    free(dir);
    return abs;
}

/* Font folders from the options, then from GONGWEN_FONT_DIRS (colon-separated). */
static char **font_dirs(const gw_options *opts, size_t *n)
{
    char **dirs = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < opts->n_font_dirs; i++)
        *GW_PUSH(dirs, *n, cap) = gw_xstrdup(opts->font_dirs[i]);
    const char *env = getenv("GONGWEN_FONT_DIRS");
    for (const char *p = env; p && *p;) {
        size_t len = strcspn(p, ":");
        if (len)
            *GW_PUSH(dirs, *n, cap) = gw_xstrndup(p, len);
        p += len + (p[len] == ':');
    }
    return dirs;
}

static gw_ctx *fail_ctx(gw_ctx *ctx, gw_status st, gw_status *status)
{
    if (status)
        *status = st;
    gw_ctx_drop(ctx);
    return NULL;
}

gw_ctx *gw_ctx_new(const gw_options *opts, gw_status *status)
{
    gw_options none = {0};
    if (!opts)
        opts = &none;
    if (status)
        *status = GW_OK;
    gw_ctx *ctx = gw_xcalloc(1, sizeof *ctx);
    ctx->err = stderr;
    ctx->timings = getenv("GONGWEN_TIMINGS") != NULL;
    gw_timing(ctx, NULL);
    ctx->datadir = find_datadir(opts->datadir);
    ctx->png_dpi = opts->png_dpi > 0 ? opts->png_dpi : 150;
    ctx->params = gw_xcalloc(opts->n_params, sizeof *ctx->params);
    for (size_t i = 0; i < opts->n_params; i++)
        ctx->params[i] = gw_xstrdup(opts->params[i]);
    ctx->n_params = opts->n_params;
    xmlInitParser();
    xmlLineNumbersDefault(1);
    if (!has_data(ctx->datadir)) {
        gw_error(ctx, (gw_pos){ctx->datadir, 0},
                 "no stylesheets here; set GONGWEN_DATADIR to the folder holding stylesheets/");
        return fail_ctx(ctx, GW_ERR_SYSTEM, status);
    }
    /* The fonts load on a second core meanwhile (fonts.c). */
    if (!opts->no_fonts) {
        size_t n_dirs = 0;
        char **dirs = font_dirs(opts, &n_dirs);
        gw_fonts_new(ctx, (const char *const *)dirs, n_dirs);
        for (size_t i = 0; i < n_dirs; i++)
            free(dirs[i]);
        free(dirs);
    }
    if (gw_transform_stage_new(ctx) != GW_OK)
        return fail_ctx(ctx, GW_ERR_SYSTEM, status);
    /* The stylesheets name the faces: the thread can load them while the schemas compile. */
    if (ctx->fonts) {
        char **families = NULL;
        double *sizes = NULL;
        size_t n_faces = gw_transform_faces(ctx, &families, &sizes);
        gw_fonts_preload(ctx, families, sizes, n_faces);
    }
    if (gw_source_stage_new(ctx) != GW_OK ||
        !(ctx->layout = gw_schema_new(ctx, "schema/layout.rng")))
        return fail_ctx(ctx, GW_ERR_SYSTEM, status);
    if (gw_transform_check_params(ctx) != GW_OK)
        return fail_ctx(ctx, GW_ERR_USAGE, status);
    gw_timing(ctx, "schemas");
    if (ctx->fonts) {
        gw_status st = gw_fonts_ready(ctx);
        if (st != GW_OK)
            return fail_ctx(ctx, st, status);
    }
    return ctx;
}

void gw_ctx_drop(gw_ctx *ctx)
{
    if (!ctx)
        return;
    gw_fonts_drop(ctx->fonts);
    gw_pdf_images_drop(ctx->pdf_images);
    gw_schema_drop(ctx->layout);
    gw_transform_stage_drop(ctx->xform);
    gw_schema_drop(ctx->source);
    for (size_t i = 0; i < ctx->n_params; i++)
        free(ctx->params[i]);
    free(ctx->params);
    free(ctx->datadir);
    free(ctx);
}

int gw_ctx_errors(const gw_ctx *ctx)
{
    return ctx ? ctx->errors : 0;
}

gw_status gw_validate(gw_ctx *ctx, const char *source_path)
{
    /* The schema checks the structure; the stylesheets check the rules between elements (a
     * title but in an order, references that resolve), so a valid source is one they take. */
    xmlDocPtr doc = gw_source_load(ctx, source_path);
    if (!doc)
        return GW_ERR_INPUT;
    gw_source_annotate_lines(doc);
    xmlDocPtr layout = gw_transform(ctx, doc, source_path);
    xmlFreeDoc(doc);
    if (!layout)
        return GW_ERR_INPUT;
    xmlFreeDoc(layout);
    return GW_OK;
}

static bool is_layout(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    return root && root->ns && strcmp((const char *)root->ns->href, "urn:gongwen:layout:1") == 0;
}

/* A valid source (freed here) → its layout document. */
static xmlDocPtr transform_source(gw_ctx *ctx, xmlDocPtr doc, const char *source_path,
                                  const gw_edition_info *edition)
{
    gw_source_annotate_lines(doc);
    if (edition)
        gw_edition_annotate(doc, edition);
    gw_timing(ctx, "validate");
    xmlDocPtr layout = gw_transform(ctx, doc, source_path);
    gw_timing(ctx, "transform");
    xmlFreeDoc(doc);
    return layout;
}

/* Source → layout document. A file that already is a layout is taken as it is, so any
 * stylesheet that targets the layout vocabulary can feed the typesetter. With as_of, the
 * source is the edition of a history (a folder, a manifest or a source) in force on that day,
 * and the layout's metadata records it. *doc_path (malloc'd) is the file the layout's images
 * and lines are relative to: the source, or the edition the history's amendments apply to. */
static xmlDocPtr make_layout(gw_ctx *ctx, const char *source_path, const char *as_of,
                             char **doc_path)
{
    *doc_path = gw_xstrdup(source_path);
    struct stat sb;
    bool folder = stat(source_path, &sb) == 0 && S_ISDIR(sb.st_mode);
    xmlDocPtr doc = folder || as_of ? NULL : gw_xml_read(ctx, source_path);
    if (!folder && !as_of && !doc)
        return NULL;
    if (doc && is_layout(doc))
        return doc;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    /* A history without a day: its latest edition. */
    bool history = folder || as_of ||
                   (root && root->ns &&
                    (xmlStrEqual(root->ns->href, BAD_CAST GW_HISTORY_NS) ||
                     xmlStrEqual(root->ns->href, BAD_CAST GW_AMENDMENT_NS)));
    xmlFreeDoc(doc);
    if (history) {
        gw_edition_info info = {0};
        doc = gw_edition_load(ctx, source_path, as_of, &info);
        if (info.base) {
            free(*doc_path);
            *doc_path = gw_xstrdup(info.base);
        }
        xmlDocPtr layout = doc ? transform_source(ctx, doc, *doc_path, &info) : NULL;
        gw_edition_info_clear(&info);
        return layout;
    }
    doc = gw_source_load(ctx, source_path);
    return doc ? transform_source(ctx, doc, source_path, NULL) : NULL;
}

/* The PDF's dates: SOURCE_DATE_EPOCH when set (reproducible builds), else the document's own
 * date, so two renders of one source are byte for byte the same. */
static char *document_time(const char *doc_date)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end = NULL;
        long long t = strtoll(epoch, &end, 10);
        time_t tt = (time_t)t;
        struct tm tm;
        /* PDF dates have four-digit years; anything else is not a date to write. */
        if (end && !*end && t >= 0 && t <= 253402300799LL && gmtime_r(&tt, &tm)) {
            char buf[32];
            strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
            return gw_xstrdup(buf);
        }
        gw_warning(NULL, (gw_pos){NULL, 0},
                   "SOURCE_DATE_EPOCH=%s is not a time from 1970 to 9999; using the document's "
                   "date",
                   epoch);
    }
    if (doc_date && strlen(doc_date) == 10)
        return gw_xasprintf("%sT00:00:00+08:00", doc_date);
    return gw_xstrdup("2000-01-01T00:00:00Z");
}

/* out/x.png → out/x-3.png; a pattern with %d takes the number there. */
static char *page_path(const char *pattern, long page)
{
    const char *pct = strstr(pattern, "%d");
    if (pct)
        return gw_xasprintf("%.*s%ld%s", (int)(pct - pattern), pattern, page + 1, pct + 2);
    const char *slash = strrchr(pattern, '/');
    const char *dot = strrchr(pattern, '.');
    if (!dot || (slash && dot < slash))
        return gw_xasprintf("%s-%ld", pattern, page + 1);
    return gw_xasprintf("%.*s-%ld%s", (int)(dot - pattern), pattern, page + 1, dot);
}

gw_status gw_layout_write(gw_ctx *ctx, const char *source_path, const char *output_path)
{
    return gw_layout_write_as_of(ctx, source_path, NULL, output_path);
}

gw_status gw_layout_write_as_of(gw_ctx *ctx, const char *source_path, const char *as_of,
                                const char *output_path)
{
    if (output_path && gw_same_file(source_path, output_path)) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the output over the source");
        return GW_ERR_USAGE;
    }
    char *doc_path = NULL;
    xmlDocPtr layout = make_layout(ctx, source_path, as_of, &doc_path);
    free(doc_path);
    if (!layout)
        return GW_ERR_INPUT;
    gw_status st;
    if (!output_path) {
        st = gw_transform_write(ctx, layout, stdout);
        if (st != GW_OK)
            gw_error(ctx, (gw_pos){NULL, 0}, "cannot write the layout to standard output");
    } else {
        gw_atomic *a = gw_atomic_open(ctx, output_path);
        st = a ? GW_OK : GW_ERR_SYSTEM;
        if (a) {
            FILE *f = fopen(gw_atomic_tmp_path(a), "w");
            st = f ? gw_transform_write(ctx, layout, f) : GW_ERR_SYSTEM;
            if (f && fclose(f) != 0 && st == GW_OK)
                st = GW_ERR_SYSTEM;
            if (st != GW_OK && ctx->errors == 0)
                gw_error(ctx, (gw_pos){output_path, 0}, "cannot write: %s", strerror(errno));
            st = st == GW_OK ? gw_atomic_commit(ctx, a) : (gw_atomic_drop(a), st);
        }
    }
    xmlFreeDoc(layout);
    return st;
}

/* Writes every output file (one, or one a page) to a temporary file first, and renames them
 * only once all are complete: a failure on page 5 leaves pages 1 to 4 as they were. */
static gw_status write_outputs(gw_ctx *ctx, const gw_backend *be, const gw_doc *doc,
                               const char *source_path, const char *output_path)
{
    size_t n = be->per_page ? doc->n_pages : 1;
    char **paths = gw_xcalloc(n, sizeof *paths);
    gw_atomic **files = gw_xcalloc(n, sizeof *files);
    gw_status st = GW_OK;
    for (size_t i = 0; i < n && st == GW_OK; i++) {
        paths[i] = be->per_page ? page_path(output_path, (long)i) : gw_xstrdup(output_path);
        struct stat sb;
        if (gw_same_file(source_path, paths[i])) {
            gw_error(ctx, (gw_pos){paths[i], 0}, "refusing to write the output over the source");
            st = GW_ERR_USAGE;
        } else if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            gw_error(ctx, (gw_pos){paths[i], 0}, "is a folder; cannot write the output there");
            st = GW_ERR_SYSTEM;
        }
    }
    for (size_t i = 0; i < n && st == GW_OK; i++) {
        files[i] = gw_atomic_open(ctx, paths[i]);
        st = files[i] ? be->write(ctx, doc, be->per_page ? (long)i : -1,
                                  gw_atomic_tmp_path(files[i]), paths[i])
                      : GW_ERR_SYSTEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (st == GW_OK)
            st = gw_atomic_commit(ctx, files[i]);
        else
            gw_atomic_drop(files[i]);
        free(paths[i]);
    }
    free(paths);
    free(files);
    return st;
}

gw_status gw_render(gw_ctx *ctx, const char *source_path, const char *output_path, gw_format format)
{
    return gw_render_as_of(ctx, source_path, NULL, output_path, format);
}

/* The backend for format, once the context and the paths are fit to render; NULL after
 * reporting, with the status in *st. */
static const gw_backend *render_backend(gw_ctx *ctx, const char *source_path,
                                        const char *output_path, gw_format format, gw_status *st)
{
    const gw_backend *be = gw_backend_lookup(format);
    *st = GW_ERR_USAGE;
    if (!ctx->fonts) {
        gw_error(ctx, (gw_pos){source_path, 0}, "this context was made without fonts");
        return NULL;
    }
    if (!be) {
        gw_error(ctx, (gw_pos){NULL, 0}, "unknown output format");
        return NULL;
    }
    if (gw_same_file(source_path, output_path)) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the output over the source");
        return NULL;
    }
    *st = GW_OK;
    return be;
}

/* Typesets a layout document (freed here) and writes it. */
static gw_status render_layout(gw_ctx *ctx, const gw_backend *be, xmlDocPtr xml,
                               const char *source_path, const char *output_path)
{
    if (!xml)
        return GW_ERR_INPUT;
    gw_layout *layout = gw_layout_read(ctx, xml, source_path);
    xmlFreeDoc(xml);
    if (!layout)
        return GW_ERR_INPUT;
    gw_timing(ctx, "read");
    gw_doc *doc = gw_typeset(ctx, layout, source_path);
    gw_timing(ctx, "typeset");
    if (!doc) {
        gw_layout_drop(layout);
        return GW_ERR_INPUT;
    }
    doc->date = document_time(layout->date);
    doc->lang = layout->lang && *layout->lang ? gw_xstrdup(layout->lang) : NULL;
    gw_layout_drop(layout);
    gw_status st = write_outputs(ctx, be, doc, source_path, output_path);
    gw_timing(ctx, "write");
    gw_doc_drop(doc);
    return st;
}

gw_status gw_render_as_of(gw_ctx *ctx, const char *source_path, const char *as_of,
                          const char *output_path, gw_format format)
{
    gw_status st;
    const gw_backend *be = render_backend(ctx, source_path, output_path, format, &st);
    if (!be)
        return st;
    char *doc_path = NULL;
    xmlDocPtr layout = make_layout(ctx, source_path, as_of, &doc_path);
    st = render_layout(ctx, be, layout, doc_path, output_path);
    free(doc_path);
    return st;
}

gw_status gw_render_doc(gw_ctx *ctx, xmlDocPtr doc, const char *source_path,
                        const char *output_path, gw_format format)
{
    gw_status st;
    const gw_backend *be = render_backend(ctx, source_path, output_path, format, &st);
    if (!be) {
        xmlFreeDoc(doc);
        return st;
    }
    xmlDocPtr layout = gw_transform(ctx, doc, source_path);
    gw_timing(ctx, "transform");
    xmlFreeDoc(doc);
    return render_layout(ctx, be, layout, source_path, output_path);
}
