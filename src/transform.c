#include "transform.h"

#include "ctx.h"
#include "source.h"

#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/variables.h>
#include <libxslt/xsltutils.h>
#include <stdlib.h>
#include <string.h>

struct gw_transform_stage {
    xsltStylesheetPtr sheet;
    xsltSecurityPrefsPtr security;
};

/* libxslt prints messages (xsl:message, its own errors) in pieces through a printf-like hook;
 * collect them and report each line once, pointing at the source when the stylesheet gave a
 * line number ("12: reference to …"). */
typedef struct message_sink {
    gw_ctx *ctx;
    const char *source_path;
    gw_buf text;
} message_sink;

static void collect_message(void *data, const char *fmt, ...)
{
    message_sink *sink = data;
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        gw_buf_add(&sink->text, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void flush_messages(message_sink *sink)
{
    if (!sink->text.data)
        return;
    char *save = NULL;
    for (char *line = strtok_r(sink->text.data, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        /* libxslt follows each refusal with lines of its own that say it again. */
        static const char *const echoes[] = {"xsl:message", "No result", "runtime error: file",
                                             "Local file read for",
                                             "xsltLoadDocument: read rights"};
        bool echo = !*line;
        for (size_t e = 0; e < sizeof echoes / sizeof echoes[0]; e++)
            echo = echo || strncmp(line, echoes[e], strlen(echoes[e])) == 0;
        if (echo)
            continue;
        char *end = NULL;
        long n = strtol(line, &end, 10);
        /* "LINE: warning: …" is the stylesheets' way of saying what they decided for the
         * author (xsl:message terminate="no"); anything else refuses the document. */
        if (end != line && end && strncmp(end, ": warning: ", 11) == 0)
            gw_warning(sink->ctx, (gw_pos){sink->source_path, (int)n}, "%s", end + 11);
        else if (end != line && end && end[0] == ':' && end[1] == ' ')
            gw_error(sink->ctx, (gw_pos){sink->source_path, (int)n}, "%s", end + 2);
        else
            gw_error(sink->ctx, (gw_pos){sink->source_path, 0}, "%s", line);
    }
    gw_buf_free(&sink->text);
}

static void silence(void *data, xmlErrorPtr error)
{
    (void)data;
    (void)error;
}

/* What document() may read while a source is transformed: files below the source's folder
 * and below the stylesheets' folder, nothing else. */
typedef struct read_scope {
    char *source_dir;
    char *stylesheets_dir;
} read_scope;

static bool below(const char *path, const char *dir)
{
    size_t n = dir ? strlen(dir) : 0;
    return n && strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int read_allowed(xsltSecurityPrefsPtr sec, xsltTransformContextPtr tc, const char *value)
{
    (void)sec;
    const read_scope *scope = tc ? tc->_private : NULL;
    if (!scope || !value)
        return 1; /* compiling the stylesheets themselves (xsl:import) */
    const char *path = strncmp(value, "file://", 7) == 0 ? value + 7 : value;
    char *real = realpath(path, NULL);
    int ok = real && (below(real, scope->source_dir) || below(real, scope->stylesheets_dir));
    free(real);
    if (!ok)
        xsltTransformError(tc, NULL, NULL,
                           "document() may not read %s: only files beside the "
                           "source or the stylesheets\n",
                           value);
    return ok;
}

gw_status gw_transform_stage_new(gw_ctx *ctx)
{
    struct gw_transform_stage *st = gw_xcalloc(1, sizeof *st);
    ctx->xform = st;
    /* Stylesheets may read (xsl:import, document()) but never write or reach the network. */
    st->security = xsltNewSecurityPrefs();
    xsltSetSecurityPrefs(st->security, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
    xsltSetSecurityPrefs(st->security, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
    xsltSetSecurityPrefs(st->security, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
    xsltSetSecurityPrefs(st->security, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
    xsltSetSecurityPrefs(st->security, XSLT_SECPREF_READ_FILE, read_allowed);

    char *path = gw_data_path(ctx, "stylesheets/gongwen.xsl");
    message_sink sink = {ctx, path, {0}};
    xsltSetGenericErrorFunc(&sink, collect_message);
    xmlDocPtr doc = gw_xml_read(ctx, path);
    if (doc) {
        st->sheet = xsltParseStylesheetDoc(doc);
        if (!st->sheet)
            xmlFreeDoc(doc);
    }
    flush_messages(&sink);
    xsltSetGenericErrorFunc(NULL, NULL);
    if (!st->sheet) {
        if (doc)
            gw_error(ctx, (gw_pos){path, 0}, "the stylesheet does not compile");
        free(path);
        return GW_ERR_SYSTEM;
    }
    free(path);
    return GW_OK;
}

/* A top-level parameter of the stylesheets: the one in effect comes first, as the importing
 * stylesheet's declarations come before the imported ones'. */
static xsltStackElemPtr find_param(xsltStylesheetPtr sheet, const char *name)
{
    for (xsltStylesheetPtr s = sheet; s; s = xsltNextImport(s))
        for (xsltStackElemPtr v = s->variables; v; v = v->next)
            if (v->comp && v->comp->type == XSLT_FUNC_PARAM && !v->nameURI &&
                strcmp((const char *)v->name, name) == 0)
                return v;
    return NULL;
}

static bool is_param(xsltStylesheetPtr sheet, const char *name)
{
    return find_param(sheet, name) != NULL;
}

/* A parameter's value: the command line's (-p NAME=VALUE), else the stylesheets' default when
 * that is plain text; NULL when it is computed. */
static const char *param_value(gw_ctx *ctx, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < ctx->n_params; i++)
        if (strncmp(ctx->params[i], name, n) == 0 && ctx->params[i][n] == '=')
            return ctx->params[i] + n + 1;
    xsltStackElemPtr v = find_param(ctx->xform->sheet, name);
    if (!v || v->select || !v->tree || v->tree->type != XML_TEXT_NODE || v->tree->next)
        return NULL;
    return (const char *)v->tree->content;
}

/* A size parameter in points ("16pt"), or 0. */
static double param_points(gw_ctx *ctx, const char *name)
{
    const char *v = param_value(ctx, name);
    char *end = NULL;
    double pt = v ? strtod(v, &end) : 0;
    return end && strcmp(end, "pt") == 0 && pt > 0 && pt < 1000 ? pt : 0;
}

size_t gw_transform_faces(gw_ctx *ctx, char ***families, double **sizes)
{
    size_t n = 0, cap = 0;
    *families = NULL;
    *sizes = NULL;
    for (xsltStylesheetPtr s = ctx->xform->sheet; s; s = xsltNextImport(s)) {
        for (xsltStackElemPtr v = s->variables; v; v = v->next) {
            const char *name = (const char *)v->name;
            if (!v->comp || v->comp->type != XSLT_FUNC_PARAM || v->nameURI ||
                strncmp(name, "face-", 5) != 0 || find_param(ctx->xform->sheet, name) != v)
                continue;
            char *size_name = gw_xasprintf("%s-size", name + 5);
            double size = param_points(ctx, size_name);
            free(size_name);
            if (size == 0)
                size = param_points(ctx, "body-size");
            const char *family = param_value(ctx, name);
            bool seen = !family || !*family || size == 0;
            for (size_t i = 0; i < n && !seen; i++)
                seen = (*sizes)[i] == size && strcmp((*families)[i], family) == 0;
            if (seen)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                *families = gw_xrealloc(*families, cap * sizeof **families);
                *sizes = gw_xrealloc(*sizes, cap * sizeof **sizes);
            }
            (*families)[n] = gw_xstrdup(family);
            (*sizes)[n++] = size;
        }
    }
    return n;
}

gw_status gw_transform_check_params(gw_ctx *ctx)
{
    gw_status st = GW_OK;
    for (size_t i = 0; i < ctx->n_params; i++) {
        const char *p = ctx->params[i];
        size_t n = strcspn(p, "=");
        char *name = gw_xstrndup(p, n);
        /* The program sets generator itself: it is the version written into the PDF. */
        if (!*name || strcmp(name, "generator") == 0 || !is_param(ctx->xform->sheet, name)) {
            gw_error(ctx, (gw_pos){NULL, 0},
                     "\"%s\" is no parameter of the stylesheets (see stylesheets/gbt9704.xsl)",
                     name);
            st = GW_ERR_USAGE;
        }
        free(name);
    }
    return st;
}

void gw_transform_stage_drop(struct gw_transform_stage *st)
{
    if (!st)
        return;
    if (st->sheet)
        xsltFreeStylesheet(st->sheet);
    if (st->security)
        xsltFreeSecurityPrefs(st->security);
    free(st);
}

xmlDocPtr gw_transform(gw_ctx *ctx, xmlDocPtr source, const char *source_path)
{
    struct gw_transform_stage *st = ctx->xform;
    message_sink sink = {ctx, source_path, {0}};
    xsltSetGenericErrorFunc(&sink, collect_message);
    xsltTransformContextPtr tc = xsltNewTransformContext(st->sheet, source);
    xsltSetCtxtSecurityPrefs(st->security, tc);
    char *src_real = realpath(source_path, NULL);
    char *slash = src_real ? strrchr(src_real, '/') : NULL;
    if (slash)
        *slash = '\0';
    char *sheets = gw_data_path(ctx, "stylesheets");
    read_scope scope = {src_real, realpath(sheets, NULL)};
    free(sheets);
    tc->_private = &scope;
    xsltSetTransformErrorFunc(tc, &sink, collect_message);
    xsltQuoteOneUserParam(tc, BAD_CAST "generator", BAD_CAST "gongwen " GW_VERSION);
    for (size_t i = 0; i < ctx->n_params; i++) {
        char *name = gw_xstrdup(ctx->params[i]);
        char *eq = strchr(name, '=');
        if (eq) {
            *eq = '\0';
            xsltQuoteOneUserParam(tc, BAD_CAST name, BAD_CAST(eq + 1));
        }
        free(name);
    }
    int before = ctx->errors;
    xmlDocPtr out = xsltApplyStylesheetUser(st->sheet, source, NULL, NULL, NULL, tc);
    bool failed = tc->state != XSLT_STATE_OK;
    xsltFreeTransformContext(tc);
    free(scope.source_dir);
    free(scope.stylesheets_dir);
    flush_messages(&sink);
    xsltSetGenericErrorFunc(NULL, NULL);
    if (!out || failed || ctx->errors > before) {
        if (ctx->errors == before)
            gw_error(ctx, (gw_pos){source_path, 0}, "the stylesheets could not transform it");
        xmlFreeDoc(out);
        return NULL;
    }
    return out;
}

gw_status gw_transform_write(gw_ctx *ctx, xmlDocPtr layout, FILE *out)
{
    /* The caller reports a failure with the file's name; libxml2 says nothing of its own. */
    xmlSetStructuredErrorFunc(NULL, silence);
    int n = xsltSaveResultToFile(out, layout, ctx->xform->sheet);
    xmlSetStructuredErrorFunc(NULL, NULL);
    return n < 0 || fflush(out) != 0 || ferror(out) ? GW_ERR_SYSTEM : GW_OK;
}
