#include "source.h"

#include "ctx.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* libxml2 may report several errors for one fault; the first names it, the rest repeat it. */
#define MAX_VALIDITY_ERRORS 20

typedef struct error_sink {
    gw_ctx *ctx;
    int reported;
    int limit;
    const char *path;  /* for errors that libxml2 gives without a file */
    bool source_lines; /* the document is made in memory: its lines are its `line` attributes */
} error_sink;

static void report_xml_error(void *data, xmlErrorPtr e)
{
    error_sink *sink = data;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    if (sink->limit && sink->reported >= sink->limit)
        return;
    sink->reported++;
    char *msg = gw_xstrdup(e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    int line = e->line;
    const char *file = e->file ? e->file : sink->path;
    if (sink->source_lines) {
        /* A layout made by the stylesheets: point at the source element it came from. */
        file = sink->path;
        line = 0;
        for (xmlNodePtr n = e->node; n && n->type == XML_ELEMENT_NODE && !line; n = n->parent) {
            xmlChar *v = xmlGetNoNsProp(n, BAD_CAST "line");
            line = v ? atoi((const char *)v) : 0;
            xmlFree(v);
        }
    } else if (line <= 0 && e->node && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE) {
        line = (int)xmlGetLineNo((xmlNodePtr)e->node);
    }
    gw_error(sink->ctx, (gw_pos){file, line}, "%s", msg);
    free(msg);
}

void gw_xml_error_handler(void *ctx, xmlErrorPtr error)
{
    error_sink sink = {ctx, 0, 0, NULL, false};
    report_xml_error(&sink, error);
}

/* Sources never reach outside themselves: no external entities, DTDs or network. */
static xmlParserInputPtr refuse_external_entity(const char *url, const char *id,
                                                xmlParserCtxtPtr pctxt)
{
    (void)id;
    if (pctxt) {
        /* Raise it through the parser so it carries the file and line. */
        pctxt->errNo = XML_IO_NETWORK_ATTEMPT;
        xmlParserInputPtr in = pctxt->input;
        gw_ctx *ctx = pctxt->_private;
        if (ctx)
            gw_error(ctx, (gw_pos){in && in->filename ? in->filename : NULL, in ? in->line : 0},
                     "refusing to load external entity \"%s\"", url ? url : "");
    }
    return NULL;
}

/* Larger inputs are refused before parsing: no document comes near this size. */
#define MAX_INPUT_BYTES (256L * 1024 * 1024)

xmlDocPtr gw_xml_read(gw_ctx *ctx, const char *path)
{
    size_t size = 0;
    char *data = gw_read_file(ctx, path, MAX_INPUT_BYTES, &size);
    if (!data)
        return NULL;
    xmlDocPtr doc = gw_xml_read_memory(ctx, data, size, path);
    free(data);
    return doc;
}

xmlDocPtr gw_xml_read_memory(gw_ctx *ctx, const char *data, size_t size, const char *path)
{
    if (size == 0) {
        gw_error(ctx, (gw_pos){path, 1}, "the file is empty");
        return NULL;
    }
    if (size > (size_t)MAX_INPUT_BYTES) {
        gw_error(ctx, (gw_pos){path, 0}, "larger than %ld MB; refusing to read it",
                 MAX_INPUT_BYTES >> 20);
        return NULL;
    }
    /* No input needs a DTD, and its entities could read other files or multiply without end
     * (billion laughs): refuse any document type declaration before parsing. */
    const char *root = data;
    while ((root = memchr(root, '<', size - (size_t)(root - data))) &&
           (size_t)(root - data) + 1 < size && (root[1] == '?' || root[1] == '!'))
        root++;
    size_t prolog = root ? (size_t)(root - data) : size;
    const char *doctype = memmem(data, prolog, "<!DOCTYPE", 9);
    if (doctype) {
        int line = 1;
        for (const char *p = data; p < doctype; p++)
            line += *p == '\n';
        gw_error(ctx, (gw_pos){path, line},
                 "a document type declaration (<!DOCTYPE>) is not allowed here");
        return NULL;
    }
    xmlParserCtxtPtr pctxt = xmlNewParserCtxt();
    if (!pctxt) {
        gw_error(ctx, (gw_pos){path, 0}, "out of memory");
        return NULL;
    }
    pctxt->_private = ctx;
    error_sink sink = {ctx, 0, 1, path, false};
    xmlSetStructuredErrorFunc(&sink, report_xml_error);
    /* The document is read here, so the entity loader has nothing legitimate left to load. */
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refuse_external_entity);
    int before = ctx->errors;
    /* BIG_LINES: line numbers past 65 535 stay right in messages. */
    xmlDocPtr doc = xmlCtxtReadMemory(pctxt, data, (int)size, path, NULL,
                                      XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    xmlSetExternalEntityLoader(old_loader);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc && (!pctxt->wellFormed || ctx->errors > before)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (!doc && ctx->errors == before)
        gw_error(ctx, (gw_pos){path, 0}, "cannot parse this file");
    xmlFreeParserCtxt(pctxt);
    return doc;
}

struct gw_schema {
    xmlRelaxNGPtr schema;
    xmlRelaxNGValidCtxtPtr valid;
};

gw_schema *gw_schema_new(gw_ctx *ctx, const char *rel)
{
    char *path = gw_data_path(ctx, rel);
    xmlDocPtr sdoc = gw_xml_read(ctx, path);
    gw_schema *s = NULL;
    if (sdoc) {
        s = gw_xcalloc(1, sizeof *s);
        xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewDocParserCtxt(sdoc);
        error_sink sink = {ctx, 0, MAX_VALIDITY_ERRORS, path, false};
        xmlRelaxNGSetParserStructuredErrors(pc, report_xml_error, &sink);
        s->schema = xmlRelaxNGParse(pc);
        xmlRelaxNGFreeParserCtxt(pc);
        xmlFreeDoc(sdoc);
        if (s->schema) {
            s->valid = xmlRelaxNGNewValidCtxt(s->schema);
        } else {
            gw_error(ctx, (gw_pos){path, 0}, "the schema does not compile");
            gw_schema_drop(s);
            s = NULL;
        }
    }
    free(path);
    return s;
}

void gw_schema_drop(gw_schema *s)
{
    if (!s)
        return;
    if (s->valid)
        xmlRelaxNGFreeValidCtxt(s->valid);
    if (s->schema)
        xmlRelaxNGFree(s->schema);
    free(s);
}

bool gw_schema_validate(gw_ctx *ctx, gw_schema *s, xmlDocPtr doc, const char *path,
                        const char *what)
{
    /* A document without a URL was made in memory (the layout), not read from path. */
    error_sink sink = {ctx, 0, MAX_VALIDITY_ERRORS, path, doc->URL == NULL};
    xmlRelaxNGSetValidStructuredErrors(s->valid, report_xml_error, &sink);
    /* ID and IDREF checks report through libxml2's global handler, not the validator's. */
    xmlSetStructuredErrorFunc(&sink, report_xml_error);
    int rc = xmlRelaxNGValidateDoc(s->valid, doc);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlRelaxNGSetValidStructuredErrors(s->valid, NULL, NULL);
    if (rc != 0 && sink.reported == 0)
        gw_error(ctx, (gw_pos){path, 0}, "%s", what);
    return rc == 0;
}

gw_status gw_source_stage_new(gw_ctx *ctx)
{
    ctx->source = gw_schema_new(ctx, "schema/source.rng");
    return ctx->source ? GW_OK : GW_ERR_SYSTEM;
}

xmlDocPtr gw_source_load(gw_ctx *ctx, const char *path)
{
    xmlDocPtr doc = gw_xml_read(ctx, path);
    if (doc && !gw_schema_validate(ctx, ctx->source, doc, path,
                                   "not a valid gongwen source (schema/source.rng)")) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

static bool is_source(xmlNodePtr n, const char *name)
{
    return n->ns && xmlStrEqual(n->ns->href, BAD_CAST GW_SOURCE_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Every element gets its line (gw:line); every article its number in its body or attachment
 * (gw:index), which the stylesheets would otherwise count from the preceding articles, at a
 * cost that grows with the square of their number. */
static void annotate(xmlNodePtr node, xmlNsPtr ns, long *articles)
{
    for (xmlNodePtr n = node; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        char num[24];
        snprintf(num, sizeof num, "%ld", xmlGetLineNo(n));
        xmlSetNsProp(n, ns, BAD_CAST "line", BAD_CAST num);
        if (is_source(n, "article")) {
            snprintf(num, sizeof num, "%ld", ++*articles);
            xmlSetNsProp(n, ns, BAD_CAST "index", BAD_CAST num);
        }
        long own = 0;
        bool container = is_source(n, "body") || is_source(n, "attachment");
        annotate(n->children, ns, container ? &own : articles);
    }
}

void gw_source_annotate_lines(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return;
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST GW_ANNOTATION_NS, BAD_CAST "gw");
    long articles = 0;
    annotate(root, ns, &articles);
}
