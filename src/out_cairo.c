/* Previews through cairo: PNG and SVG, one painter for both; and the table of backends. */
#include "backend.h"

#include "ctx.h"
#include "image.h"

#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void set_color(cairo_t *cr, uint32_t c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0,
                         (c & 0xff) / 255.0);
}

static void paint_run(cairo_t *cr, const gw_glyph_run *run, cairo_font_options_t *opts)
{
    if (run->n_glyphs == 0)
        return;
    cairo_save(cr);
    cairo_translate(cr, run->x, run->y);
    if (run->scale_x != 1)
        cairo_scale(cr, run->scale_x, 1);
    set_color(cr, run->color);
    cairo_set_font_face(cr, gw_font_cairo_face(run->font));
    cairo_set_font_size(cr, run->size);
    cairo_set_font_options(cr, opts);
    cairo_glyph_t *glyphs = gw_xcalloc(run->n_glyphs, sizeof *glyphs);
    for (size_t i = 0; i < run->n_glyphs; i++)
        glyphs[i] = (cairo_glyph_t){run->glyphs[i].id, run->glyphs[i].x, run->glyphs[i].y};
    cairo_text_cluster_t *clusters = gw_xcalloc(run->n_clusters, sizeof *clusters);
    for (size_t i = 0; i < run->n_clusters; i++)
        clusters[i] = (cairo_text_cluster_t){run->clusters[i].bytes, run->clusters[i].glyphs};
    cairo_show_text_glyphs(cr, run->text, (int)run->text_len, glyphs, (int)run->n_glyphs, clusters,
                           (int)run->n_clusters,
                           run->backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
    free(clusters);
    free(glyphs);
    cairo_restore(cr);
}

static void paint_page(cairo_t *cr, const gw_page *p)
{
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    for (size_t i = 0; i < p->n_items; i++) {
        const gw_item *it = &p->items[i];
        cairo_save(cr);
        if (p->rotation == -90 && !it->upright) {
            cairo_translate(cr, 0, p->height);
            cairo_rotate(cr, -M_PI / 2);
        } else if (p->rotation == 90 && !it->upright) {
            cairo_translate(cr, p->width, 0);
            cairo_rotate(cr, M_PI / 2);
        }
        if (it->kind == GW_ITEM_RULE) {
            const gw_rule *r = &it->u.rule;
            set_color(cr, r->color);
            if (r->y1 > r->y) /* vertical */
                cairo_rectangle(cr, r->x0 - r->thickness / 2, r->y, r->thickness, r->y1 - r->y);
            else
                cairo_rectangle(cr, r->x0, r->y - r->thickness / 2, r->x1 - r->x0, r->thickness);
            cairo_fill(cr);
        } else if (it->kind == GW_ITEM_IMAGE) {
            const gw_placed_image *im = &it->u.image;
            cairo_save(cr);
            if (im->multiply) {
                /* The image is drawn first and then multiplied with the page as a whole, as the
                 * PDF's soft-masked image is: multiplying each shape of a multi-coloured SVG
                 * with the ones below it would darken where they overlap. */
                cairo_push_group(cr);
                gw_image_paint(im->image, cr, im->x, im->y, im->width, im->height);
                cairo_pop_group_to_source(cr);
                cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
                cairo_paint(cr);
            } else {
                gw_image_paint(im->image, cr, im->x, im->y, im->width, im->height);
            }
            cairo_restore(cr);
        } else {
            paint_run(cr, &it->u.run, opts);
        }
        cairo_restore(cr);
    }
    cairo_font_options_destroy(opts);
}

/* cairo's own file output does not notice a failed write (a full disk, a size limit): every
 * byte goes through this sink, which does, so that a broken file is never committed. */
typedef struct sink {
    FILE *f;
    int err; /* errno of the first failure, 0 while all is well */
} sink;

static cairo_status_t write_sink(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (!s->err && fwrite(data, 1, length, s->f) != length)
        s->err = errno ? errno : EIO;
    return s->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static bool open_sink(gw_ctx *ctx, sink *s, const char *path, const char *name)
{
    s->err = 0;
    s->f = fopen(path, "wb");
    if (!s->f)
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(errno));
    return s->f != NULL;
}

/* Closes the sink; false after reporting when anything failed on the way. */
static bool close_sink(gw_ctx *ctx, sink *s, const char *name)
{
    if (fflush(s->f) != 0 && !s->err)
        s->err = errno;
    if (fclose(s->f) != 0 && !s->err)
        s->err = errno;
    if (s->err)
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(s->err));
    return !s->err;
}

static gw_status finish(gw_ctx *ctx, cairo_t *cr, cairo_surface_t *s, sink *out, const char *name)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (!close_sink(ctx, out, name))
        return GW_ERR_SYSTEM;
    if (st != CAIRO_STATUS_SUCCESS) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", cairo_status_to_string(st));
        return GW_ERR_SYSTEM;
    }
    return GW_OK;
}

static gw_status write_png(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                           const char *name)
{
    const gw_page *p = &doc->pages[page];
    double k = ctx->png_dpi / 72.0;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(p->width * k),
                                                    (int)lround(p->height * k));
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, k, k);
    paint_page(cr, p);
    cairo_status_t st = cairo_status(cr);
    sink out;
    if (!open_sink(ctx, &out, path, name)) {
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        return GW_ERR_SYSTEM;
    }
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, write_sink, &out);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    if (!close_sink(ctx, &out, name))
        return GW_ERR_SYSTEM;
    if (st != CAIRO_STATUS_SUCCESS) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", cairo_status_to_string(st));
        return GW_ERR_SYSTEM;
    }
    return GW_OK;
}

static gw_status write_svg(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                           const char *name)
{
    const gw_page *p = &doc->pages[page];
    sink out;
    if (!open_sink(ctx, &out, path, name))
        return GW_ERR_SYSTEM;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(write_sink, &out, p->width, p->height);
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(s);
    paint_page(cr, p);
    return finish(ctx, cr, s, &out, name);
}

static gw_status write_trace(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                             const char *name)
{
    (void)page;
    FILE *f = fopen(path, "w");
    if (!f) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(errno));
        return GW_ERR_SYSTEM;
    }
    gw_status st = gw_trace_write(ctx, doc, f, name);
    if (fclose(f) != 0 && st == GW_OK) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(errno));
        st = GW_ERR_SYSTEM;
    }
    return st;
}

const gw_backend *gw_backend_lookup(gw_format format)
{
    static const gw_backend backends[] = {
        [GW_FORMAT_PDF] = {"pdf", false, gw_pdf_write},
        [GW_FORMAT_PNG] = {"png", true, write_png},
        [GW_FORMAT_SVG] = {"svg", true, write_svg},
        [GW_FORMAT_TRACE] = {"trace", false, write_trace},
        [GW_FORMAT_OFD] = {"ofd", false, gw_ofd_write},
    };
    if ((size_t)format >= sizeof backends / sizeof backends[0])
        return NULL;
    return &backends[format];
}
