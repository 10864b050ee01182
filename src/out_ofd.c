/* OFD (GB/T 33190-2016): the page model as a zip of XML parts, with the fonts (subset) and
 * images embedded. Every length is in mm from the page's top-left corner, as in the standard.
 *
 *   OFD.xml                          the document's entry and its metadata (DocInfo)
 *   Doc_0/Document.xml               page list, page area, outline
 *   Doc_0/PublicRes.xml              the fonts
 *   Doc_0/DocumentRes.xml            the images
 *   Doc_0/Res/font_N.otf|ttf         subset font files
 *   Doc_0/Res/image_N.png            seals
 *   Doc_0/Pages/Page_N/Content.xml   one layer of text, path and image objects per page
 *
 * Objects are written in painting order with rising IDs, as the PDF paints them. Positions are
 * rounded to the micrometre, once, so that a glyph's place never drifts along a line. */
#include "backend.h"

#include "image.h"
#include "subset.h"

#include <cairo.h>
#include <errno.h>
#include <glib.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* libzip, loaded when the first OFD is written (gw_library_load): the calls below go through
 * this table under their own names. */
static struct {
    __typeof__(&zip_close) zip_close;
    __typeof__(&zip_discard) zip_discard;
    __typeof__(&zip_error_fini) zip_error_fini;
    __typeof__(&zip_error_init) zip_error_init;
    __typeof__(&zip_error_strerror) zip_error_strerror;
    __typeof__(&zip_file_add) zip_file_add;
    __typeof__(&zip_file_set_dostime) zip_file_set_dostime;
    __typeof__(&zip_open_from_source) zip_open_from_source;
    __typeof__(&zip_set_file_compression) zip_set_file_compression;
    __typeof__(&zip_source_buffer) zip_source_buffer;
    __typeof__(&zip_source_buffer_create) zip_source_buffer_create;
    __typeof__(&zip_source_close) zip_source_close;
    __typeof__(&zip_source_error) zip_source_error;
    __typeof__(&zip_source_free) zip_source_free;
    __typeof__(&zip_source_keep) zip_source_keep;
    __typeof__(&zip_source_open) zip_source_open;
    __typeof__(&zip_source_read) zip_source_read;
    __typeof__(&zip_source_stat) zip_source_stat;
    __typeof__(&zip_strerror) zip_strerror;
} libzip;
#define zip_close (libzip.zip_close)
#define zip_discard (libzip.zip_discard)
#define zip_error_fini (libzip.zip_error_fini)
#define zip_error_init (libzip.zip_error_init)
#define zip_error_strerror (libzip.zip_error_strerror)
#define zip_file_add (libzip.zip_file_add)
#define zip_file_set_dostime (libzip.zip_file_set_dostime)
#define zip_open_from_source (libzip.zip_open_from_source)
#define zip_set_file_compression (libzip.zip_set_file_compression)
#define zip_source_buffer (libzip.zip_source_buffer)
#define zip_source_buffer_create (libzip.zip_source_buffer_create)
#define zip_source_close (libzip.zip_source_close)
#define zip_source_error (libzip.zip_source_error)
#define zip_source_free (libzip.zip_source_free)
#define zip_source_keep (libzip.zip_source_keep)
#define zip_source_open (libzip.zip_source_open)
#define zip_source_read (libzip.zip_source_read)
#define zip_source_stat (libzip.zip_source_stat)
#define zip_strerror (libzip.zip_strerror)

static bool load_libzip(gw_ctx *ctx, const char *name)
{
    static const char *const names[] = {"zip_close",
                                        "zip_discard",
                                        "zip_error_fini",
                                        "zip_error_init",
                                        "zip_error_strerror",
                                        "zip_file_add",
                                        "zip_file_set_dostime",
                                        "zip_open_from_source",
                                        "zip_set_file_compression",
                                        "zip_source_buffer",
                                        "zip_source_buffer_create",
                                        "zip_source_close",
                                        "zip_source_error",
                                        "zip_source_free",
                                        "zip_source_keep",
                                        "zip_source_open",
                                        "zip_source_read",
                                        "zip_source_stat",
                                        "zip_strerror"};
    gw_pos pos = {name, 0};
    return GW_LIBRARY_LOAD(ctx, pos, GW_SONAME_ZIP, "libzip4", names, libzip);
}

#define OFD_NS "http://www.ofdspec.org/2016"

/* Seals drawn as SVG become PNG at this resolution (print quality, a third of the bytes of
 * 600 dpi), at the size they are placed. */
#define SVG_DPI 300.0

/* One file of the package, in memory until the archive is made. */
typedef struct part {
    char *name;
    char *data; /* malloc'd: libzip frees it */
    size_t len;
    bool stored; /* already compressed (PNG): not deflated again */
} part;

typedef struct image_res {
    const gw_image *image;
    long w, h; /* pixels, for a rasterised SVG; 0 for a PNG copied as it is */
    unsigned id;
} image_res;

typedef struct ofd {
    gw_ctx *ctx;
    const gw_doc *doc;
    const char *name; /* the output, for messages */
    gw_subsets *subsets;
    unsigned *font_id; /* per doc->fonts[i]: the Font resource drawn with it */
    unsigned *page_id;
    image_res *images;
    size_t n_images, cap_images;
    part *parts;
    size_t n_parts, cap_parts;
    unsigned next_id;
    bool failed; /* reported already */
} ofd;

/* --- numbers ---------------------------------------------------------------------------- */

static long long um(double mm)
{
    return llround(mm * 1000);
}

static long long um_pt(double pt)
{
    return um(pt * GW_MM_PER_PT);
}

/* A list of lengths (ST_Array); runs of one value are written "g N value". */
static void add_array(gw_buf *b, const long long *v, size_t n)
{
    char num[32];
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        gw_fmt_fixed(num, sizeof num, v[i], 3);
        if (b->len)
            gw_buf_adds(b, " ");
        if (j - i > 1)
            gw_buf_printf(b, "g %zu %s", j - i, num);
        else
            gw_buf_adds(b, num);
        i = j;
    }
}

/* --- XML -------------------------------------------------------------------------------- */

typedef struct xw {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    bool bad;
} xw;

static void xw_open(xw *x, const char *root)
{
    x->buf = xmlBufferCreate();
    x->w = xmlNewTextWriterMemory(x->buf, 0);
    x->bad = !x->w;
    if (x->bad)
        return;
    xmlTextWriterSetIndent(x->w, 1);
    xmlTextWriterSetIndentString(x->w, BAD_CAST " ");
    x->bad |= xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0;
    x->bad |= xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST root, BAD_CAST OFD_NS) < 0;
}

static void xw_start(xw *x, const char *name)
{
    if (!x->bad)
        x->bad |= xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST name, NULL) < 0;
}

static void xw_end(xw *x)
{
    if (!x->bad)
        x->bad |= xmlTextWriterEndElement(x->w) < 0;
}

static void xw_attr(xw *x, const char *name, const char *value)
{
    if (!x->bad)
        x->bad |= xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0;
}

static void xw_attrf(xw *x, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xw_attrf(xw *x, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xw_attr(x, name, s);
    g_free(s);
}

static void xw_attr_um(xw *x, const char *name, long long v)
{
    char num[32];
    gw_fmt_fixed(num, sizeof num, v, 3);
    xw_attr(x, name, num);
}

static void xw_text(xw *x, const char *s, size_t len)
{
    if (x->bad)
        return;
    char *t = gw_xstrndup(s, len);
    x->bad |= xmlTextWriterWriteString(x->w, BAD_CAST t) < 0;
    free(t);
}

/* <ofd:NAME>text</ofd:NAME> */
static void xw_leaf(xw *x, const char *name, const char *text)
{
    xw_start(x, name);
    xw_text(x, text, strlen(text));
    xw_end(x);
}

static void xw_box(xw *x, const char *name, long long x0, long long y0, long long w, long long h)
{
    char a[32], b[32], c[32], d[32];
    gw_fmt_fixed(a, sizeof a, x0, 3);
    gw_fmt_fixed(b, sizeof b, y0, 3);
    gw_fmt_fixed(c, sizeof c, w, 3);
    gw_fmt_fixed(d, sizeof d, h, 3);
    char *s = gw_xasprintf("%s %s %s %s", a, b, c, d);
    if (name)
        xw_leaf(x, name, s);
    else
        xw_attr(x, "Boundary", s);
    free(s);
}

static void add_part(ofd *o, const char *name, char *data, size_t len, bool stored)
{
    *GW_PUSH(o->parts, o->n_parts, o->cap_parts) = (part){gw_xstrdup(name), data, len, stored};
}

static char *memdup(const void *p, size_t len)
{
    char *d = gw_xmalloc(len ? len : 1);
    memcpy(d, p, len);
    return d;
}

/* Ends the document and keeps it as the part called name. */
static void xw_close(ofd *o, xw *x, const char *name)
{
    if (!x->bad)
        x->bad |= xmlTextWriterEndDocument(x->w) < 0;
    if (x->w)
        xmlFreeTextWriter(x->w); /* flushes into buf */
    if (x->bad && !o->failed) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot write the OFD part %s", name);
        o->failed = true;
    }
    if (!x->bad)
        add_part(o, name, memdup(xmlBufferContent(x->buf), (size_t)xmlBufferLength(x->buf)),
                 (size_t)xmlBufferLength(x->buf), false);
    xmlBufferFree(x->buf);
}

/* --- geometry --------------------------------------------------------------------------- */

/* Where a point of an item lands on the upright sheet (pt): x' = a x + c y + e,
 * y' = b x + d y + f, as the PDF turns a landscape page's items (see out_cairo.c). */
typedef struct xf {
    double a, b, c, d, e, f;
} xf;

static xf item_xf(const gw_page *p, const gw_item *it)
{
    if (p->rotation == -90 && !it->upright)
        return (xf){0, -1, 1, 0, 0, p->height};
    if (p->rotation == 90 && !it->upright)
        return (xf){0, 1, -1, 0, p->width, 0};
    return (xf){1, 0, 0, 1, 0, 0};
}

static bool is_identity(xf m)
{
    return m.a == 1 && m.b == 0 && m.c == 0 && m.d == 1 && m.e == 0 && m.f == 0;
}

/* An object's frame: its own box in the item's coordinates (µm), its Boundary on the sheet,
 * and the CTM that takes the one to the other. */
typedef struct frame {
    long long ox, oy; /* the object's origin, in the item's coordinates */
    long long bx, by, bw, bh;
    xf m;
} frame;

static frame make_frame(xf m, long long ox, long long oy, long long w, long long h)
{
    frame fr = {ox, oy, 0, 0, 0, 0, m};
    double xs[4], ys[4];
    long long cx[4] = {ox, ox + w, ox, ox + w}, cy[4] = {oy, oy, oy + h, oy + h};
    double e = um_pt(m.e), f = um_pt(m.f);
    for (int i = 0; i < 4; i++) {
        xs[i] = m.a * (double)cx[i] + m.c * (double)cy[i] + e;
        ys[i] = m.b * (double)cx[i] + m.d * (double)cy[i] + f;
    }
    double x0 = xs[0], x1 = xs[0], y0 = ys[0], y1 = ys[0];
    for (int i = 1; i < 4; i++) {
        x0 = fmin(x0, xs[i]);
        x1 = fmax(x1, xs[i]);
        y0 = fmin(y0, ys[i]);
        y1 = fmax(y1, ys[i]);
    }
    fr.bx = llround(x0);
    fr.by = llround(y0);
    fr.bw = llround(x1) - fr.bx;
    fr.bh = llround(y1) - fr.by;
    return fr;
}

/* Boundary, and the CTM when the object is turned (sx, sy scale the unit square of an image). */
static void xw_frame(xw *x, const frame *fr, double sx, double sy)
{
    xw_box(x, NULL, fr->bx, fr->by, fr->bw, fr->bh);
    if (is_identity(fr->m) && sx == 1 && sy == 1)
        return;
    const xf *m = &fr->m;
    long long e = llround(m->a * (double)fr->ox + m->c * (double)fr->oy) + um_pt(m->e) - fr->bx;
    long long f = llround(m->b * (double)fr->ox + m->d * (double)fr->oy) + um_pt(m->f) - fr->by;
    char v[6][32];
    long long lin[4] = {llround(m->a * sx * 1000), llround(m->b * sx * 1000),
                        llround(m->c * sy * 1000), llround(m->d * sy * 1000)};
    for (int i = 0; i < 4; i++)
        gw_fmt_fixed(v[i], sizeof v[i], lin[i], 3);
    gw_fmt_fixed(v[4], sizeof v[4], e, 3);
    gw_fmt_fixed(v[5], sizeof v[5], f, 3);
    xw_attrf(x, "CTM", "%s %s %s %s %s %s", v[0], v[1], v[2], v[3], v[4], v[5]);
}

static void xw_color(xw *x, const char *name, uint32_t c)
{
    xw_start(x, name);
    xw_attrf(x, "Value", "%u %u %u", (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
    xw_end(x);
}

/* --- text ------------------------------------------------------------------------------- */

/* A stretch of characters drawn one glyph each, or one cluster that is not one to one. */
typedef struct seg {
    const char *text;
    size_t bytes;
    long long *x, *y; /* µm in the object, per character (per glyph when not one to one) */
    unsigned *glyphs;
    size_t n_codes, n_glyphs, n_pos, cap;
} seg;

static void seg_reset(seg *s)
{
    s->text = NULL;
    s->bytes = 0;
    s->n_codes = s->n_glyphs = s->n_pos = 0;
}

static void seg_need(seg *s, size_t n)
{
    if (n <= s->cap)
        return;
    s->cap = n * 2;
    s->x = gw_xrealloc(s->x, s->cap * sizeof *s->x);
    s->y = gw_xrealloc(s->y, s->cap * sizeof *s->y);
    s->glyphs = gw_xrealloc(s->glyphs, s->cap * sizeof *s->glyphs);
}

/* Writes the segment as a CGTransform (the glyphs, exactly as the PDF draws them) and a
 * TextCode (the characters, for readers that draw text, for copying and for search). */
static void seg_flush(xw *x, seg *s)
{
    if (!s->bytes)
        return;
    xw_start(x, "CGTransform");
    xw_attr(x, "CodePosition", "0");
    xw_attrf(x, "CodeCount", "%zu", s->n_codes);
    xw_attrf(x, "GlyphCount", "%zu", s->n_glyphs);
    if (s->n_glyphs) {
        gw_buf g = {0};
        for (size_t i = 0; i < s->n_glyphs; i++)
            gw_buf_printf(&g, i ? " %u" : "%u", s->glyphs[i]);
        xw_leaf(x, "Glyphs", g.data);
        gw_buf_free(&g);
    }
    xw_end(x);
    xw_start(x, "TextCode");
    xw_attr_um(x, "X", s->x[0]);
    xw_attr_um(x, "Y", s->y[0]);
    long long *d = gw_xcalloc(s->n_pos ? s->n_pos : 1, sizeof *d);
    bool any_dy = false;
    for (size_t i = 1; i < s->n_pos; i++) {
        d[i - 1] = s->x[i] - s->x[i - 1];
        any_dy |= s->y[i] != s->y[i - 1];
    }
    if (s->n_pos > 1) {
        gw_buf b = {0};
        add_array(&b, d, s->n_pos - 1);
        xw_attr(x, "DeltaX", b.data);
        gw_buf_free(&b);
    }
    if (any_dy) {
        for (size_t i = 1; i < s->n_pos; i++)
            d[i - 1] = s->y[i] - s->y[i - 1];
        gw_buf b = {0};
        add_array(&b, d, s->n_pos - 1);
        xw_attr(x, "DeltaY", b.data);
        gw_buf_free(&b);
    }
    free(d);
    xw_text(x, s->text, s->bytes);
    xw_end(x);
    seg_reset(s);
}

static bool is_space(gunichar c)
{
    return g_unichar_isspace(c) || c == 0x3000 || c == 0xa0;
}

static void write_run(ofd *o, xw *x, const gw_page *p, const gw_item *it, unsigned font,
                      const void *map)
{
    const gw_glyph_run *r = &it->u.run;
    if (r->n_glyphs == 0 && r->text_len == 0)
        return;
    double size_mm = r->size * GW_MM_PER_PT;
    /* Positions of the glyphs on the item's page (µm), as the PDF paints them. */
    long long *gx = gw_xcalloc(r->n_glyphs ? r->n_glyphs : 1, sizeof *gx);
    long long *gy = gw_xcalloc(r->n_glyphs ? r->n_glyphs : 1, sizeof *gy);
    double x0 = r->x, x1 = r->x + r->advance * r->scale_x, ylo = 0, yhi = 0;
    for (size_t g = 0; g < r->n_glyphs; g++) {
        double px = r->x + r->scale_x * r->glyphs[g].x, py = r->y + r->glyphs[g].y;
        gx[g] = um_pt(px);
        gy[g] = um_pt(py);
        x0 = fmin(x0, px);
        x1 = fmax(x1, px + r->size);
        ylo = fmin(ylo, r->glyphs[g].y);
        yhi = fmax(yhi, r->glyphs[g].y);
    }
    /* Room for any glyph's ink: the box is a frame, not a measure. */
    long long ox = um_pt(x0 - r->size), oy = um_pt(r->y + ylo - 1.5 * r->size);
    long long w = um_pt(x1 + r->size) - ox, h = um_pt(r->y + yhi + 0.6 * r->size) - oy;
    frame fr = make_frame(item_xf(p, it), ox, oy, w, h);

    xw_start(x, "TextObject");
    xw_attrf(x, "ID", "%u", o->next_id++);
    xw_frame(x, &fr, 1, 1);
    xw_attrf(x, "Font", "%u", font);
    xw_attr_um(x, "Size", um(size_mm));
    if (r->scale_x != 1)
        xw_attr_um(x, "HScale", llround(r->scale_x * 1000));
    if (r->color != 0)
        xw_color(x, "FillColor", r->color);

    seg s = {0};
    size_t byte = 0, done = 0; /* glyphs of the clusters before, in text order */
    long long last_x = um_pt(r->x) - ox, last_y = um_pt(r->y) - oy;
    for (size_t k = 0; k < r->n_clusters; k++) {
        const gw_cluster *c = &r->clusters[k];
        const char *t = r->text + byte;
        size_t nb = (size_t)c->bytes, ng = (size_t)c->glyphs;
        size_t nc = (size_t)g_utf8_strlen(t, (gssize)nb);
        /* This cluster's glyphs: right to left runs list them from the end. */
        size_t g0 = r->backward ? r->n_glyphs - done - ng : done;
        done += ng;
        byte += nb;
        if (g0 + ng > r->n_glyphs || byte > r->text_len)
            break; /* a malformed run: draw what is sound */
        bool one_to_one = nc == ng && ng > 0 && !(nc == 1 && is_space(g_utf8_get_char(t)));
        if (!one_to_one || (s.bytes && t != s.text + s.bytes))
            seg_flush(x, &s);
        if (!s.bytes)
            s.text = t;
        s.bytes += nb;
        s.n_codes += nc;
        seg_need(&s, s.n_pos + (ng > nc ? ng : nc) + 1);
        for (size_t j = 0; j < ng; j++) {
            size_t g = r->backward ? g0 + ng - 1 - j : g0 + j;
            s.glyphs[s.n_glyphs++] = gw_subsets_glyph(map, r->glyphs[g].id);
            s.x[s.n_pos] = last_x = gx[g] - ox;
            s.y[s.n_pos++] = last_y = gy[g] - oy;
        }
        if (ng == 0) { /* drawn as nothing, where the text was */
            s.x[s.n_pos] = last_x;
            s.y[s.n_pos++] = last_y;
        }
        if (!one_to_one)
            seg_flush(x, &s);
    }
    seg_flush(x, &s);
    free(s.x);
    free(s.y);
    free(s.glyphs);
    free(gx);
    free(gy);
    xw_end(x);
}

/* --- rules and images ------------------------------------------------------------------- */

static void write_rule(ofd *o, xw *x, const gw_page *p, const gw_item *it)
{
    const gw_rule *r = &it->u.rule;
    double rx, ry, rw, rh;
    if (r->y1 > r->y) { /* vertical */
        rx = r->x0 - r->thickness / 2;
        ry = r->y;
        rw = r->thickness;
        rh = r->y1 - r->y;
    } else {
        rx = r->x0;
        ry = r->y - r->thickness / 2;
        rw = r->x1 - r->x0;
        rh = r->thickness;
    }
    long long ox = um_pt(rx), oy = um_pt(ry), w = um_pt(rx + rw) - ox, h = um_pt(ry + rh) - oy;
    frame fr = make_frame(item_xf(p, it), ox, oy, w, h);
    xw_start(x, "PathObject");
    xw_attrf(x, "ID", "%u", o->next_id++);
    xw_frame(x, &fr, 1, 1);
    /* A filled rectangle, as the PDF paints it: no stroke to widen it. */
    xw_attr(x, "Stroke", "false");
    xw_attr(x, "Fill", "true");
    xw_color(x, "FillColor", r->color);
    char a[32], b[32];
    gw_fmt_fixed(a, sizeof a, w, 3);
    gw_fmt_fixed(b, sizeof b, h, 3);
    char *d = gw_xasprintf("M 0 0 L %s 0 L %s %s L 0 %s C", a, a, b, b);
    xw_leaf(x, "AbbreviatedData", d);
    free(d);
    xw_end(x);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    gw_buf_add(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* The image's PNG: a PNG file as it is, an SVG drawn at SVG_DPI at the size it is placed. */
static bool image_bytes(ofd *o, const image_res *res, char **data, size_t *len)
{
    const char *path = gw_image_path(res->image);
    if (!res->w) {
        gchar *bytes = NULL;
        gsize n = 0;
        GError *err = NULL;
        if (!g_file_get_contents(path, &bytes, &n, &err)) {
            gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot read the image %s: %s", path,
                     err->message);
            g_error_free(err);
            return false;
        }
        *data = memdup(bytes, n);
        *len = n;
        g_free(bytes);
        return true;
    }
    cairo_surface_t *s = gw_image_pixels(res->image, res->w, res->h);
    gw_buf b = {0};
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, to_buf, &b);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot convert the image %s: %s", path,
                 cairo_status_to_string(st));
        gw_buf_free(&b);
        return false;
    }
    *data = b.data;
    *len = b.len;
    return true;
}

static unsigned image_id(ofd *o, const gw_placed_image *im)
{
    long w = 0, h = 0;
    gw_image_raster_size(im->image, im->width, im->height, SVG_DPI, &w, &h);
    for (size_t i = 0; i < o->n_images; i++)
        if (o->images[i].image == im->image && o->images[i].w == w && o->images[i].h == h)
            return o->images[i].id;
    image_res *res = GW_PUSH(o->images, o->n_images, o->cap_images);
    *res = (image_res){im->image, w, h, o->next_id++};
    char *data = NULL;
    size_t len = 0;
    if (!image_bytes(o, res, &data, &len)) {
        o->failed = true;
        return res->id;
    }
    char *name = gw_xasprintf("Doc_0/Res/image_%u.png", res->id);
    add_part(o, name, data, len, true);
    free(name);
    return res->id;
}

static void write_image(ofd *o, xw *x, const gw_page *p, const gw_item *it)
{
    const gw_placed_image *im = &it->u.image;
    unsigned res = image_id(o, im);
    long long ox = um_pt(im->x), oy = um_pt(im->y);
    long long w = um_pt(im->x + im->width) - ox, h = um_pt(im->y + im->height) - oy;
    frame fr = make_frame(item_xf(p, it), ox, oy, w, h);
    xw_start(x, "ImageObject");
    xw_attrf(x, "ID", "%u", o->next_id++);
    /* An image fills the unit square of its object: the CTM scales it to its size. */
    xw_frame(x, &fr, (double)w / 1000, (double)h / 1000);
    xw_attrf(x, "ResourceID", "%u", res);
    xw_end(x);
}

/* --- parts ------------------------------------------------------------------------------ */

static void write_page(ofd *o, size_t i)
{
    const gw_page *p = &o->doc->pages[i];
    xw x;
    xw_open(&x, "Page");
    xw_start(&x, "Area");
    xw_box(&x, "PhysicalBox", 0, 0, um_pt(p->width), um_pt(p->height));
    xw_end(&x);
    xw_start(&x, "Content");
    xw_start(&x, "Layer");
    xw_attrf(&x, "ID", "%u", o->next_id++);
    xw_attr(&x, "Type", "Body");
    /* OFD has no blend modes. A seal that the PDF multiplies over the text is drawn under
     * it instead: over black text on white paper the two look the same. */
    for (size_t j = 0; j < p->n_items; j++)
        if (p->items[j].kind == GW_ITEM_IMAGE && p->items[j].u.image.multiply)
            write_image(o, &x, p, &p->items[j]);
    for (size_t j = 0; j < p->n_items; j++) {
        const gw_item *it = &p->items[j];
        if (it->kind == GW_ITEM_RULE) {
            write_rule(o, &x, p, it);
        } else if (it->kind == GW_ITEM_IMAGE) {
            if (!it->u.image.multiply)
                write_image(o, &x, p, it);
        } else {
            unsigned font = 0;
            for (size_t f = 0; f < o->doc->n_fonts; f++)
                if (o->doc->fonts[f] == it->u.run.font)
                    font = o->font_id[f];
            gw_face_file ff;
            const void *map = NULL;
            if (font && gw_subsets_file(o->subsets, it->u.run.font, &ff, &map)) {
                write_run(o, &x, p, it, font, map);
            } else if (it->u.run.n_glyphs && !o->failed) {
                int index = 0;
                const char *path = gw_font_file(it->u.run.font, &index);
                if (gw_subsets_variable(o->subsets, it->u.run.font))
                    gw_error(o->ctx, (gw_pos){o->name, 0}, GW_VARIABLE_FONT_ERROR, path);
                else
                    gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot embed the font %s", path);
                o->failed = true;
            }
        }
    }
    char *name = gw_xasprintf("Doc_0/Pages/Page_%zu/Content.xml", i);
    xw_close(o, &x, name);
    free(name);
}

/* Each distinct face becomes one Font with its subset file; fonts of one face at several
 * sizes share it. */
static void write_fonts(ofd *o)
{
    xw x;
    xw_open(&x, "Res");
    xw_attr(&x, "BaseLoc", "Res");
    xw_start(&x, "Fonts");
    o->font_id = gw_xcalloc(o->doc->n_fonts ? o->doc->n_fonts : 1, sizeof *o->font_id);
    for (size_t f = 0; f < o->doc->n_fonts; f++) {
        const gw_font *font = o->doc->fonts[f];
        gw_face_file ff;
        const void *map = NULL;
        if (!gw_subsets_file(o->subsets, font, &ff, &map))
            continue; /* unused, or could not be cut: reported when a run needs it */
        for (size_t e = 0; e < f && !o->font_id[f]; e++) {
            gw_face_file other;
            if (o->font_id[e] && gw_subsets_file(o->subsets, o->doc->fonts[e], &other, &map) &&
                other.data == ff.data)
                o->font_id[f] = o->font_id[e];
        }
        if (o->font_id[f])
            continue;
        unsigned id = o->font_id[f] = o->next_id++;
        const char *ext = ff.cff ? "otf" : "ttf";
        char *file = gw_xasprintf("font_%u.%s", id, ext);
        char *path = gw_xasprintf("Doc_0/Res/%s", file);
        add_part(o, path, memdup(ff.data, ff.len), ff.len, false);
        const char *family = gw_font_family(font);
        xw_start(&x, "Font");
        xw_attrf(&x, "ID", "%u", id);
        xw_attr(&x, "FontName", *ff.postscript ? ff.postscript : family);
        xw_attr(&x, "FamilyName", family);
        if (ff.weight >= 600)
            xw_attr(&x, "Bold", "true");
        xw_leaf(&x, "FontFile", file);
        xw_end(&x);
        free(file);
        free(path);
    }
    xw_end(&x);
    xw_close(o, &x, "Doc_0/PublicRes.xml");
}

static void write_images(ofd *o)
{
    xw x;
    xw_open(&x, "Res");
    xw_attr(&x, "BaseLoc", "Res");
    if (o->n_images) {
        xw_start(&x, "MultiMedias");
        for (size_t i = 0; i < o->n_images; i++) {
            xw_start(&x, "MultiMedia");
            xw_attrf(&x, "ID", "%u", o->images[i].id);
            xw_attr(&x, "Type", "Image");
            xw_attr(&x, "Format", "PNG");
            char *file = gw_xasprintf("image_%u.png", o->images[i].id);
            xw_leaf(&x, "MediaFile", file);
            free(file);
            xw_end(&x);
        }
        xw_end(&x);
    }
    xw_close(o, &x, "Doc_0/DocumentRes.xml");
}

/* The outline as the PDF's: each entry below the nearest entry of a lower level before it. */
static void write_outline(ofd *o, xw *x)
{
    const gw_doc *doc = o->doc;
    if (!doc->n_outline)
        return;
    xw_start(x, "Outlines");
    int open[16];
    int depth = 0;
    for (size_t i = 0; i < doc->n_outline; i++) {
        const gw_outline_entry *e = &doc->outline[i];
        int level = e->level < 0 ? 0 : e->level > 15 ? 15 : e->level;
        while (depth > 0 && open[depth - 1] >= level) {
            xw_end(x);
            depth--;
        }
        xw_start(x, "OutlineElem");
        xw_attr(x, "Title", e->title);
        if (e->page >= 1 && (size_t)e->page <= doc->n_pages) {
            xw_start(x, "Actions");
            xw_start(x, "Action");
            xw_attr(x, "Event", "CLICK");
            xw_start(x, "Goto");
            xw_start(x, "Dest");
            xw_attr(x, "Type", "XYZ");
            xw_attrf(x, "PageID", "%u", o->page_id[e->page - 1]);
            xw_attr(x, "Left", "0");
            xw_attr_um(x, "Top", um_pt(e->y));
            xw_end(x);
            xw_end(x);
            xw_end(x);
            xw_end(x);
        }
        open[depth++] = level;
    }
    while (depth-- > 0)
        xw_end(x);
    xw_end(x);
}

static void write_document(ofd *o)
{
    const gw_doc *doc = o->doc;
    xw x;
    xw_open(&x, "Document");
    xw_start(&x, "CommonData");
    char *max = gw_xasprintf("%u", o->next_id - 1);
    xw_leaf(&x, "MaxUnitID", max);
    free(max);
    xw_start(&x, "PageArea");
    double w = doc->n_pages ? doc->pages[0].width : 595.28;
    double h = doc->n_pages ? doc->pages[0].height : 841.89;
    xw_box(&x, "PhysicalBox", 0, 0, um_pt(w), um_pt(h));
    xw_end(&x);
    xw_leaf(&x, "PublicRes", "PublicRes.xml");
    xw_leaf(&x, "DocumentRes", "DocumentRes.xml");
    xw_end(&x);
    xw_start(&x, "Pages");
    for (size_t i = 0; i < doc->n_pages; i++) {
        xw_start(&x, "Page");
        xw_attrf(&x, "ID", "%u", o->page_id[i]);
        xw_attrf(&x, "BaseLoc", "Pages/Page_%zu/Content.xml", i);
        xw_end(&x);
    }
    xw_end(&x);
    write_outline(o, &x);
    xw_close(o, &x, "Doc_0/Document.xml");
}

/* Keywords as the PDF has them, one string: split where people separate them. */
static void write_keywords(xw *x, const char *keywords)
{
    gchar **v = g_regex_split_simple("[,;，；、\\s]+", keywords ? keywords : "", 0, 0);
    bool any = false;
    for (gchar **k = v; *k; k++) {
        if (!**k)
            continue;
        if (!any)
            xw_start(x, "Keywords");
        any = true;
        xw_leaf(x, "Keyword", *k);
    }
    if (any)
        xw_end(x);
    g_strfreev(v);
}

/* The same identity for the same document: a digest of every part (OFD.xml aside). */
static char *doc_id(const ofd *o)
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
    for (size_t i = 0; i < o->n_parts; i++) {
        g_checksum_update(ck, (const guchar *)o->parts[i].name, (gssize)strlen(o->parts[i].name));
        g_checksum_update(ck, (const guchar *)o->parts[i].data, (gssize)o->parts[i].len);
    }
    char *id = gw_xstrdup(g_checksum_get_string(ck));
    g_checksum_free(ck);
    return id;
}

static void write_entry(ofd *o)
{
    const gw_doc *doc = o->doc;
    xw x;
    xw_open(&x, "OFD");
    xw_attr(&x, "Version", "1.0");
    xw_attr(&x, "DocType", "OFD");
    xw_start(&x, "DocBody");
    xw_start(&x, "DocInfo");
    char *id = doc_id(o);
    xw_leaf(&x, "DocID", id);
    free(id);
    if (doc->title && *doc->title)
        xw_leaf(&x, "Title", doc->title);
    if (doc->author && *doc->author)
        xw_leaf(&x, "Author", doc->author);
    if (doc->subject && *doc->subject)
        xw_leaf(&x, "Subject", doc->subject);
    /* xs:date: the date part of the PDF's creation time. */
    if (doc->date && strlen(doc->date) >= 10) {
        char date[11];
        memcpy(date, doc->date, 10);
        date[10] = 0;
        xw_leaf(&x, "CreationDate", date);
        xw_leaf(&x, "ModDate", date);
    }
    write_keywords(&x, doc->keywords);
    xw_leaf(&x, "Creator", "gongwen");
    xw_leaf(&x, "CreatorVersion", GW_VERSION);
    xw_end(&x);
    xw_leaf(&x, "DocRoot", "Doc_0/Document.xml");
    xw_end(&x);
    xw_close(o, &x, "OFD.xml");
}

/* --- the container ---------------------------------------------------------------------- */

/* The zip's time stamp: the document's own date, so the same document gives the same bytes.
 * Given as MS-DOS date and time fields, which are local time: a time_t would go through the
 * time zone, and a time that the zone skips (a change to summer time) would come out an hour
 * later there. */
typedef struct dos_stamp {
    zip_uint16_t time, date;
} dos_stamp;

static dos_stamp stamp(const char *date)
{
    int y = 1980, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    if (date)
        sscanf(date, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
    if (y < 1980 || y > 2107 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || s < 0 || s > 59) /* what a zip can hold */
        y = 1980, mo = 1, d = 1, h = mi = s = 0;
    return (dos_stamp){(zip_uint16_t)(h << 11 | mi << 5 | s / 2),
                       (zip_uint16_t)((y - 1980) << 9 | mo << 5 | d)};
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long rd32(const unsigned char *p)
{
    return rd16(p) | (unsigned long)rd16(p + 2) << 16;
}

static void wr16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

/* Sets every entry's MS-DOS time and date, in its local header and in the central directory.
 * libzip takes them through a time_t and the time zone whatever they are given as: a time that
 * the zone skips (summer time beginning at 2:00, or at midnight in some zones) comes out an
 * hour later, and the bytes would depend on the zone. False if the zip is not as libzip
 * writes it (no comment, no zip64). */
static bool set_dos_stamps(unsigned char *z, size_t len, dos_stamp st)
{
    if (len < 22 || rd32(z + len - 22) != 0x06054b50)
        return false;
    const unsigned char *end = z + len - 22;
    size_t entries = rd16(end + 10), p = rd32(end + 16);
    for (size_t i = 0; i < entries; i++) {
        if (p > len - 22 || len - 22 - p < 46 || rd32(z + p) != 0x02014b50)
            return false;
        size_t local = rd32(z + p + 42);
        if (local > len || len - local < 30 || rd32(z + local) != 0x04034b50)
            return false;
        wr16(z + p + 12, st.time);
        wr16(z + p + 14, st.date);
        wr16(z + local + 10, st.time);
        wr16(z + local + 12, st.date);
        p += 46 + (size_t)rd16(z + p + 28) + rd16(z + p + 30) + rd16(z + p + 32);
    }
    return true;
}

/* Puts the parts in a zip made in memory, OFD.xml first, and writes it to path. */
static gw_status write_zip(ofd *o, const char *path)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &zerr) : NULL;
    if (!za) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot make the OFD package: %s",
                 zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return GW_ERR_SYSTEM;
    }
    zip_source_keep(src);
    dos_stamp when = stamp(o->doc->date);
    bool ok = true;
    for (size_t i = 0; i < o->n_parts && ok; i++) {
        part *pt = &o->parts[i];
        zip_source_t *s = zip_source_buffer(za, pt->data, pt->len, 1);
        if (s)
            pt->data = NULL; /* libzip's now, and freed with its source whatever follows */
        zip_int64_t idx = s ? zip_file_add(za, pt->name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(s);
            ok = false;
            break;
        }
        ok = zip_set_file_compression(za, (zip_uint64_t)idx,
                                      pt->stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9) == 0 &&
             zip_file_set_dostime(za, (zip_uint64_t)idx, when.time, when.date, 0) == 0;
    }
    if (!ok || zip_close(za) != 0) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot make the OFD package: %s", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return GW_ERR_SYSTEM;
    }
    gw_status st = GW_OK;
    zip_stat_t zs;
    FILE *f = NULL;
    if (zip_source_stat(src, &zs) != 0 || zip_source_open(src) != 0) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot make the OFD package: %s",
                 zip_error_strerror(zip_source_error(src)));
        zip_source_free(src);
        return GW_ERR_SYSTEM;
    }
    gw_buf z = {0};
    char chunk[65536];
    zip_int64_t n;
    while ((n = zip_source_read(src, chunk, sizeof chunk)) > 0)
        gw_buf_add(&z, chunk, (size_t)n);
    if (n < 0 || !set_dos_stamps((unsigned char *)z.data, z.len, when)) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot make the OFD package: %s",
                 n < 0 ? zip_error_strerror(zip_source_error(src)) : "not a zip as written");
        gw_buf_free(&z);
        zip_source_close(src);
        zip_source_free(src);
        return GW_ERR_SYSTEM;
    }
    f = fopen(path, "wb");
    int err = f ? 0 : errno;
    if (f && z.len && fwrite(z.data, 1, z.len, f) != z.len)
        err = errno ? errno : EIO;
    if (f && fclose(f) != 0 && !err)
        err = errno;
    gw_buf_free(&z);
    zip_source_close(src);
    zip_source_free(src);
    if (err) {
        gw_error(o->ctx, (gw_pos){o->name, 0}, "cannot write: %s", strerror(err));
        st = GW_ERR_SYSTEM;
    }
    return st;
}

static void ofd_drop(ofd *o)
{
    gw_subsets_drop(o->subsets);
    for (size_t i = 0; i < o->n_parts; i++) {
        free(o->parts[i].name);
        free(o->parts[i].data);
    }
    free(o->parts);
    free(o->images);
    free(o->font_id);
    free(o->page_id);
}

/* The archive's order: the entry, the document and its resources, the pages, the files. */
static int rank(const char *name)
{
    static const char *const first[] = {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml",
                                        "Doc_0/DocumentRes.xml"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, first[i]) == 0)
            return i;
    return strncmp(name, "Doc_0/Pages/", 12) == 0 ? 4 : 5;
}

static void order_parts(ofd *o)
{
    /* A stable insertion sort: pages and files keep the order they were made in. */
    for (size_t i = 1; i < o->n_parts; i++) {
        part p = o->parts[i];
        size_t j = i;
        for (; j > 0 && rank(o->parts[j - 1].name) > rank(p.name); j--)
            o->parts[j] = o->parts[j - 1];
        o->parts[j] = p;
    }
}

gw_status gw_ofd_write(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                       const char *name)
{
    (void)page;
    if (!load_libzip(ctx, name))
        return GW_ERR_SYSTEM;
    ofd o = {.ctx = ctx, .doc = doc, .name = name, .next_id = 1};
    o.subsets = gw_subsets_new(ctx, doc, true);
    gw_timing(ctx, "subset");
    write_fonts(&o);
    o.page_id = gw_xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *o.page_id);
    for (size_t i = 0; i < doc->n_pages; i++)
        o.page_id[i] = o.next_id++;
    for (size_t i = 0; i < doc->n_pages && !o.failed; i++)
        write_page(&o, i);
    write_images(&o);
    write_document(&o);
    order_parts(&o);
    write_entry(&o); /* last: its DocID digests the rest */
    order_parts(&o);
    gw_timing(ctx, "paint");
    gw_status st = o.failed ? GW_ERR_SYSTEM : write_zip(&o, path);
    ofd_drop(&o);
    return st;
}
