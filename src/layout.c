#include "layout.h"

#include "ctx.h"
#include "source.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_NS "urn:gongwen:layout:1"

typedef struct reader {
    gw_ctx *ctx;
    const char *path;
    gw_layout *layout;
    bool failed;
} reader;

static bool is_el(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, LAYOUT_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    if (!v)
        return NULL;
    char *s = gw_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static int src_line(xmlNodePtr n)
{
    char *v = attr(n, "line");
    int line = v ? atoi(v) : 0;
    free(v);
    return line;
}

static void fail(reader *r, xmlNodePtr n, const char *fmt, const char *arg)
{
    char *msg = gw_xasprintf(fmt, arg);
    gw_error(r->ctx, (gw_pos){r->path, n ? src_line(n) : 0}, "layout: %s", msg);
    free(msg);
    r->failed = true;
}

static bool parse_len(const char *s, gw_len *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return false;
    static const struct {
        const char *name;
        gw_unit unit;
    } units[] = {{"mm", GW_MM}, {"pt", GW_PT}, {"ln", GW_LN}, {"ch", GW_CH}, {"em", GW_EM}};
    if (*end == '\0' && v == 0) {
        *out = (gw_len){0, GW_MM, true};
        return true;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].name) == 0) {
            *out = (gw_len){v, units[i].unit, true};
            return true;
        }
    }
    return false;
}

static gw_len len_attr(reader *r, xmlNodePtr n, const char *name)
{
    gw_len len = {0};
    char *v = attr(n, name);
    if (v && !parse_len(v, &len))
        fail(r, n, "\"%s\" is not a length (mm, pt, ln, ch or em)", v);
    free(v);
    return len;
}

static double pt_attr(reader *r, xmlNodePtr n, const char *name, double fallback)
{
    gw_len len = len_attr(r, n, name);
    if (!len.set)
        return fallback;
    if (len.unit == GW_MM)
        return len.value * GW_PT_PER_MM;
    if (len.unit == GW_PT)
        return len.value;
    fail(r, n, "%s must be given in mm or pt here", name);
    return fallback;
}

/* Whether attribute name is present with this value. */
static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
    char *v = attr(n, name);
    bool is = v && strcmp(v, value) == 0;
    free(v);
    return is;
}

/* A required number within [min, max]. */
static double number_attr(reader *r, xmlNodePtr n, const char *name, double min, double max)
{
    char *v = attr(n, name);
    char *end = NULL;
    double d = v ? strtod(v, &end) : NAN;
    if (!v || end == v || *end || !(d >= min && d <= max)) {
        char *msg = gw_xasprintf("%s must be a number from %g to %g", name, min, max);
        fail(r, n, "%s", msg);
        free(msg);
        d = min;
    }
    free(v);
    return d;
}

static bool bool_attr(xmlNodePtr n, const char *name)
{
    return attr_is(n, name, "yes");
}

static gw_align align_attr(reader *r, xmlNodePtr n, const char *name, gw_align fallback)
{
    char *v = attr(n, name);
    gw_align a = fallback;
    if (v) {
        if (strcmp(v, "left") == 0)
            a = GW_LEFT;
        else if (strcmp(v, "center") == 0)
            a = GW_CENTER;
        else if (strcmp(v, "right") == 0)
            a = GW_RIGHT;
        else if (strcmp(v, "justify") == 0)
            a = GW_JUSTIFY;
        else if (strcmp(v, "distribute") == 0)
            a = GW_DISTRIBUTE;
        else
            fail(r, n, "unknown alignment \"%s\"", v);
    }
    free(v);
    return a;
}

static int face_index(reader *r, xmlNodePtr n, const char *role)
{
    for (size_t i = 0; i < r->layout->n_faces; i++)
        if (strcmp(r->layout->faces[i].role, role) == 0)
            return (int)i;
    fail(r, n, "no face has the role \"%s\"", role);
    return 0;
}

/* Inherits the parent's style and applies face, size and color attributes. */
static gw_style style_attrs(reader *r, xmlNodePtr n, gw_style parent)
{
    gw_style s = parent;
    char *face = attr(n, "face");
    if (face)
        s.face = face_index(r, n, face);
    free(face);
    char *size = attr(n, "size");
    if (size) {
        gw_len len;
        if (!parse_len(size, &len) || (len.unit != GW_PT && len.unit != GW_MM) || len.value <= 0 ||
            len.value > 1000)
            fail(r, n, "\"%s\" is not a font size in pt or mm (up to 1000 pt)", size);
        else
            s.size = len.unit == GW_PT ? len.value : len.value * GW_PT_PER_MM;
    }
    free(size);
    char *color = attr(n, "color");
    if (color) {
        char *end = NULL;
        unsigned long c = color[0] == '#' ? strtoul(color + 1, &end, 16) : 0;
        if (color[0] != '#' || strlen(color) != 7 || !end || *end)
            fail(r, n, "\"%s\" is not a colour (#RRGGBB)", color);
        else
            s.color = (uint32_t)c;
    }
    free(color);
    char *deco = attr(n, "decoration");
    if (deco)
        s.decoration = strcmp(deco, "strike") == 0      ? GW_DECO_STRIKE
                       : strcmp(deco, "underline") == 0 ? GW_DECO_UNDERLINE
                                                        : GW_DECO_NONE;
    free(deco);
    return s;
}

/* White space with a line break in it, and nothing else, is a serialiser's indentation (text
 * never carries a raw line break into the layout: forced breaks are <br/>). */
static bool is_indentation(const char *s)
{
    bool newline = false;
    for (; *s; s++) {
        if (*s == '\n')
            newline = true;
        else if (*s != ' ' && *s != '\t' && *s != '\r')
            return false;
    }
    return newline;
}

/* Mixed content: text, <span> with its own style, <br/> as a forced line break, <wbr/> as a
 * good place for a break. */
static void read_inline(reader *r, xmlNodePtr parent, gw_style style, gw_buf *buf, gw_text *t,
                        size_t *cap)
{
    size_t hint_cap = t->n_hints;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && is_indentation((const char *)c->content))
            continue;
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            size_t start = buf->len;
            gw_buf_adds(buf, (const char *)c->content);
            if (buf->len > start)
                *GW_PUSH(t->spans, t->n_spans, *cap) = (gw_span){start, buf->len, style};
        } else if (is_el(c, "span")) {
            read_inline(r, c, style_attrs(r, c, style), buf, t, cap);
        } else if (is_el(c, "keep")) {
            size_t start = buf->len;
            read_inline(r, c, style, buf, t, cap);
            size_t keep_cap = t->n_keeps;
            *GW_PUSH(t->keeps, t->n_keeps, keep_cap) = start;
            keep_cap = t->n_keeps;
            *GW_PUSH(t->keeps, t->n_keeps, keep_cap) = buf->len;
        } else if (is_el(c, "wbr")) {
            *GW_PUSH(t->hints, t->n_hints, hint_cap) = buf->len;
        } else if (is_el(c, "br")) {
            size_t start = buf->len;
            gw_buf_adds(buf, "\n");
            *GW_PUSH(t->spans, t->n_spans, *cap) = (gw_span){start, buf->len, style};
        } else if (c->type == XML_ELEMENT_NODE) {
            fail(r, c, "unexpected element <%s> in text", (const char *)c->name);
        }
    }
}

static gw_text read_text(reader *r, xmlNodePtr n, gw_style style)
{
    gw_text t = {0};
    gw_buf buf = {0};
    size_t cap = 0;
    read_inline(r, n, style, &buf, &t, &cap);
    t.utf8 = buf.data ? buf.data : gw_xstrdup("");
    t.len = buf.len;
    return t;
}

static void read_block(reader *r, xmlNodePtr n, gw_style parent, gw_block *b);

static void read_children(reader *r, xmlNodePtr parent, gw_style style, gw_block **blocks,
                          size_t *n_blocks)
{
    if (*n_blocks) {
        fail(r, parent, "<%s> may stand only once", (const char *)parent->name);
        return;
    }
    size_t cap = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        gw_block *b = GW_PUSH(*blocks, *n_blocks, cap);
        memset(b, 0, sizeof *b);
        read_block(r, c, style, b);
    }
}

static void read_block(reader *r, xmlNodePtr n, gw_style parent, gw_block *b)
{
    b->line = src_line(n);
    b->style = style_attrs(r, n, parent);
    b->before = len_attr(r, n, "before");
    b->before_from_ink = attr_is(n, "from", "ink");
    b->at = len_attr(r, n, "at");
    b->keep_with_next = bool_attr(n, "keep-with-next");
    b->keep_together = bool_attr(n, "keep-together");
    b->keep_with_previous = bool_attr(n, "keep-with-previous");
    b->fixed = bool_attr(n, "fixed");
    b->landscape = bool_attr(n, "landscape");
    b->before_to_ink = attr_is(n, "to", "ink");
    b->beside_previous = attr_is(n, "beside", "previous");
    b->beside_last = attr_is(n, "beside", "last");
    b->fallback = attr(n, "fallback");
    b->when = attr(n, "when");
    b->gap = len_attr(r, n, "gap");
    b->center_on_last = attr_is(n, "center-on", "last");
    b->break_before = attr_is(n, "break-before", "page");
    b->outline_level = -1;
    if (b->style.size <= 0 && (is_el(n, "para") || is_el(n, "row") || is_el(n, "table")))
        fail(r, n, "<%s> has no font size (size on it or an ancestor)", (const char *)n->name);
    if (is_el(n, "para")) {
        b->kind = GW_BLOCK_PARA;
        b->text = read_text(r, n, b->style);
        b->align = align_attr(r, n, "align", GW_LEFT);
        b->indent = len_attr(r, n, "indent");
        b->left = len_attr(r, n, "left");
        b->right = len_attr(r, n, "right");
        b->hang = len_attr(r, n, "hang");
        b->shift = len_attr(r, n, "shift");
        b->max_width = len_attr(r, n, "max-width");
        b->grid = bool_attr(n, "grid");
        b->cell_em = attr_is(n, "cell", "em");
        b->fit_compress = attr_is(n, "fit", "compress");
        b->balance = bool_attr(n, "balance");
        char *level = attr(n, "outline-level");
        if (level)
            b->outline_level = atoi(level);
        free(level);
        b->outline_title = attr(n, "outline-title");
    } else if (is_el(n, "row")) {
        b->kind = GW_BLOCK_ROW;
        b->grid = bool_attr(n, "grid");
        size_t cap = 0;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (!is_el(c, "cell")) {
                fail(r, c, "a row holds cells, not <%s>", (const char *)c->name);
                continue;
            }
            gw_cell *cell = GW_PUSH(b->cells, b->n_cells, cap);
            gw_style cs = style_attrs(r, c, b->style);
            cell->text = read_text(r, c, cs);
            cell->align = align_attr(r, c, "align", GW_LEFT);
            cell->inset = len_attr(r, c, "inset");
            cell->span = 1;
        }
    } else if (is_el(n, "rule")) {
        b->kind = GW_BLOCK_RULE;
        b->thickness = len_attr(r, n, "thickness");
        b->length = len_attr(r, n, "length");
        if (!b->thickness.set)
            fail(r, n, "a rule needs a thickness%s", "");
    } else if (is_el(n, "image")) {
        b->kind = GW_BLOCK_IMAGE;
        b->src = attr(n, "src");
        b->width = len_attr(r, n, "width");
        b->height = len_attr(r, n, "height");
        b->top = len_attr(r, n, "top");
        b->align = align_attr(r, n, "align", GW_CENTER);
        b->inset = len_attr(r, n, "inset");
        b->multiply = attr_is(n, "blend", "multiply");
        if (!b->src || !b->width.set || !b->height.set || b->width.value <= 0 ||
            b->height.value <= 0)
            fail(r, n, "an image needs a src, and a width and a height above zero%s", "");
    } else if (is_el(n, "table")) {
        b->kind = GW_BLOCK_TABLE;
        b->rule = len_attr(r, n, "rule");
        b->padding = len_attr(r, n, "padding");
        b->pitch = len_attr(r, n, "pitch");
        char *w = attr(n, "widths");
        size_t cap = 0;
        for (char *p = w, *end = NULL; p && *p; p = end) {
            double v = strtod(p, &end);
            if (end == p || !(v > 0)) {
                fail(r, n, "widths must be positive numbers, relative to each other: \"%s\"", w);
                break;
            }
            *GW_PUSH(b->widths, b->n_widths, cap) = v;
        }
        free(w);
        read_children(r, n, b->style, &b->children, &b->n_children);
        for (size_t i = 0; i < b->n_children; i++) {
            size_t cols = 0;
            for (size_t k = 0; k < b->children[i].n_cells; k++)
                cols += (size_t)b->children[i].cells[k].span;
            if (b->children[i].kind != GW_BLOCK_TR || cols > b->n_widths)
                fail(r, n, "a table row holds more cells than the table has columns%s", "");
        }
        if (b->fixed || b->beside_previous || b->beside_last)
            fail(r, n, "a table takes its place in the flow: not fixed, not beside another%s", "");
    } else if (is_el(n, "tr")) {
        b->kind = GW_BLOCK_TR;
        b->header = bool_attr(n, "header");
        size_t cap = 0;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (!is_el(c, "td"))
                continue;
            gw_cell *cell = GW_PUSH(b->cells, b->n_cells, cap);
            cell->text = read_text(r, c, style_attrs(r, c, b->style));
            cell->align = align_attr(r, c, "align", GW_LEFT);
            char *span = attr(c, "span");
            cell->span = span ? atoi(span) : 1;
            free(span);
            if (cell->span < 1 || cell->span > 1000)
                fail(r, c, "a cell spans at least one column%s", "");
        }
    } else if (is_el(n, "columns") || is_el(n, "column")) {
        bool outer = is_el(n, "columns");
        b->kind = outer ? GW_BLOCK_COLUMNS : GW_BLOCK_COLUMN;
        b->align = align_attr(r, n, "align", GW_CENTER);
        b->max_width = len_attr(r, n, "max-width");
        b->equal = bool_attr(n, "equal");
        if (xmlHasProp(n, BAD_CAST "shares"))
            b->shares = (int)number_attr(r, n, "shares", 1, 100);
        b->top_aligned = attr_is(n, "valign", "top");
        read_children(r, n, b->style, &b->children, &b->n_children);
        for (size_t i = 0; i < b->n_children; i++) {
            gw_block_kind k = b->children[i].kind;
            if (outer ? k != GW_BLOCK_COLUMN : (k != GW_BLOCK_PARA && k != GW_BLOCK_IMAGE))
                fail(r, n, "<%s> holds the wrong kind of block", outer ? "columns" : "column");
        }
        if (outer && b->shares && (size_t)b->shares < b->n_children)
            fail(r, n, "<columns> has more columns than shares%s", "");
    } else if (is_el(n, "group")) {
        b->kind = GW_BLOCK_GROUP;
        b->align = align_attr(r, n, "align", GW_LEFT);
        b->inset = len_attr(r, n, "inset");
        read_children(r, n, b->style, &b->children, &b->n_children);
        for (size_t i = 0; i < b->n_children; i++)
            if (b->children[i].kind != GW_BLOCK_PARA && b->children[i].kind != GW_BLOCK_IMAGE)
                fail(r, n, "a group holds paragraphs and images only%s", "");
    } else {
        b->kind = GW_BLOCK_RULE; /* harmless placeholder; the failure stops the render */
        fail(r, n, "unknown layout element <%s>", (const char *)n->name);
    }
}

/* A required length in pt (mm or pt in the layout). */
static double required_pt(reader *r, xmlNodePtr n, const char *name)
{
    char *v = attr(n, name);
    if (!v)
        fail(r, n, "<page> needs %s", name);
    free(v);
    return pt_attr(r, n, name, 0);
}

static void read_page(reader *r, xmlNodePtr n)
{
    /* No defaults: every number of the page comes from the stylesheets. */
    gw_layout *L = r->layout;
    L->page_w = required_pt(r, n, "width");
    L->page_h = required_pt(r, n, "height");
    L->area_top = required_pt(r, n, "top");
    L->area_left = required_pt(r, n, "left");
    L->area_w = required_pt(r, n, "area-width");
    L->area_h = required_pt(r, n, "area-height");
    L->lines = (int)number_attr(r, n, "lines", 1, 1000);
    L->chars = (int)number_attr(r, n, "chars", 1, 1000);
    L->em_top = number_attr(r, n, "em-top", 0.01, 1);
    if (L->area_w <= 0 || L->area_h <= 0 || L->area_left + L->area_w > L->page_w + 0.01 ||
        L->area_top + L->area_h > L->page_h + 0.01)
        fail(r, n, "the type area does not fit on the page%s", "");
}

static gw_folio_omit omit_attr(reader *r, xmlNodePtr n)
{
    char *v = attr(n, "omit");
    gw_folio_omit o = GW_OMIT_AFTER_BLANK;
    if (v && strcmp(v, "colophon") == 0)
        o = GW_OMIT_COLOPHON;
    else if (v && strcmp(v, "none") == 0)
        o = GW_OMIT_NONE;
    else if (v && strcmp(v, "after-blank") != 0)
        fail(r, n, "unknown folio omission rule \"%s\"", v);
    free(v);
    return o;
}

/* The layout is the contract between the stylesheets and the typesetter: checked every time. */
static bool validate(reader *r, xmlDocPtr doc)
{
    return gw_schema_validate(r->ctx, r->ctx->layout, doc, r->path,
                              "the stylesheets produced a layout that breaks schema/layout.rng");
}

gw_layout *gw_layout_read(gw_ctx *ctx, void *xml_doc, const char *source_path)
{
    xmlDocPtr doc = xml_doc;
    reader r = {ctx, source_path, gw_xcalloc(1, sizeof(gw_layout)), false};
    gw_layout *L = r.layout;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!is_el(root, "layout")) {
        fail(&r, NULL, "the root element is not <layout> in %s", LAYOUT_NS);
        gw_layout_drop(L);
        return NULL;
    }
    if (!validate(&r, doc)) {
        gw_layout_drop(L);
        return NULL;
    }
    gw_style base = {0, 0, 0, GW_DECO_NONE}; /* the flow and the colophon give the size */
    size_t face_cap = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (is_el(c, "face")) {
            gw_face *f = GW_PUSH(L->faces, L->n_faces, face_cap);
            f->role = attr(c, "role");
            f->family = attr(c, "family");
            if (!f->role || !f->family)
                fail(&r, c, "a face needs a role and a family%s", "");
        }
    }
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (is_el(c, "info")) {
            L->title = attr(c, "title");
            L->author = attr(c, "author");
            L->subject = attr(c, "subject");
            L->keywords = attr(c, "keywords");
            L->date = attr(c, "date");
            L->lang = attr(c, "lang");
            L->creator = attr(c, "creator");
        } else if (is_el(c, "page")) {
            read_page(&r, c);
        } else if (is_el(c, "folio")) {
            gw_folio *f = &L->folio;
            f->present = true;
            f->style = style_attrs(&r, c, base);
            f->prefix = attr(c, "prefix");
            f->suffix = attr(c, "suffix");
            f->below = len_attr(&r, c, "below");
            f->inset = len_attr(&r, c, "inset");
            f->odd = align_attr(&r, c, "odd", GW_RIGHT);
            f->even = align_attr(&r, c, "even", GW_LEFT);
            f->omit = omit_attr(&r, c);
            char *first = attr(c, "first");
            f->skip_first = first && strcmp(first, "no") == 0;
            free(first);
            if (f->style.size <= 0)
                fail(&r, c, "<folio> needs a size%s", "");
        } else if (is_el(c, "flow")) {
            read_children(&r, c, style_attrs(&r, c, base), &L->flow, &L->n_flow);
        } else if (is_el(c, "colophon")) {
            L->has_colophon = true;
            char *parity = attr(c, "parity");
            L->colophon_even = !parity || strcmp(parity, "even") == 0;
            free(parity);
            gw_style cs = style_attrs(&r, c, base);
            read_children(&r, c, cs, &L->colophon, &L->n_colophon);
        }
    }
    if (!L->lines)
        fail(&r, root, "the layout has no <page>%s", "");
    if (!L->n_faces)
        fail(&r, root, "the layout names no face%s", "");
    if (r.failed) {
        gw_layout_drop(L);
        return NULL;
    }
    return L;
}

double gw_len_pt(const gw_layout *L, gw_len len, double em_size)
{
    if (!len.set)
        return 0;
    switch (len.unit) {
    case GW_MM:
        return len.value * GW_PT_PER_MM;
    case GW_PT:
        return len.value;
    case GW_LN:
        return len.value * L->area_h / L->lines;
    case GW_CH:
        return len.value * L->area_w / L->chars;
    case GW_EM:
        return len.value * em_size;
    }
    return 0;
}

static void drop_text(gw_text *t)
{
    free(t->utf8);
    free(t->spans);
    free(t->hints);
    free(t->keeps);
}

static void drop_blocks(gw_block *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gw_block *b = &blocks[i];
        drop_text(&b->text);
        free(b->outline_title);
        free(b->src);
        free(b->widths);
        free(b->fallback);
        free(b->when);
        for (size_t j = 0; j < b->n_cells; j++)
            drop_text(&b->cells[j].text);
        free(b->cells);
        drop_blocks(b->children, b->n_children);
    }
    free(blocks);
}

void gw_layout_drop(gw_layout *L)
{
    if (!L)
        return;
    free(L->title);
    free(L->author);
    free(L->subject);
    free(L->keywords);
    free(L->date);
    free(L->lang);
    free(L->creator);
    for (size_t i = 0; i < L->n_faces; i++) {
        free(L->faces[i].role);
        free(L->faces[i].family);
    }
    free(L->faces);
    free(L->folio.prefix);
    free(L->folio.suffix);
    drop_blocks(L->flow, L->n_flow);
    drop_blocks(L->colophon, L->n_colophon);
    free(L);
}
