#include "image.h"

#include <librsvg/rsvg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* librsvg, loaded for the first SVG image (gw_library_load): the calls below go through this
 * table under their own names. */
static struct {
    __typeof__(&rsvg_handle_new_from_file) rsvg_handle_new_from_file;
    __typeof__(&rsvg_handle_get_intrinsic_size_in_pixels) rsvg_handle_get_intrinsic_size_in_pixels;
    __typeof__(&rsvg_handle_get_geometry_for_element) rsvg_handle_get_geometry_for_element;
    __typeof__(&rsvg_handle_render_document) rsvg_handle_render_document;
} rsvg;
#define rsvg_handle_new_from_file (rsvg.rsvg_handle_new_from_file)
#define rsvg_handle_get_intrinsic_size_in_pixels (rsvg.rsvg_handle_get_intrinsic_size_in_pixels)
#define rsvg_handle_get_geometry_for_element (rsvg.rsvg_handle_get_geometry_for_element)
#define rsvg_handle_render_document (rsvg.rsvg_handle_render_document)

static bool load_rsvg(gw_ctx *ctx, gw_pos pos)
{
    static const char *const names[] = {
        "rsvg_handle_new_from_file", "rsvg_handle_get_intrinsic_size_in_pixels",
        "rsvg_handle_get_geometry_for_element", "rsvg_handle_render_document"};
    return GW_LIBRARY_LOAD(ctx, pos, GW_SONAME_RSVG, "librsvg2-2", names, rsvg);
}

struct gw_image {
    char *path;
    cairo_surface_t *bitmap; /* PNG */
    RsvgHandle *svg;
    double width, height; /* natural size, for scaling */
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

gw_image *gw_image_new(gw_ctx *ctx, const char *path, gw_pos pos)
{
    gw_image *img = gw_xcalloc(1, sizeof *img);
    img->path = gw_xstrdup(path);
    if (has_suffix(path, ".svg")) {
        if (!load_rsvg(ctx, pos)) {
            gw_image_drop(img);
            return NULL;
        }
        GError *err = NULL;
        img->svg = rsvg_handle_new_from_file(path, &err);
        if (!img->svg) {
            gw_error(ctx, pos, "cannot read the image %s: %s", path, err ? err->message : "");
            g_clear_error(&err);
            gw_image_drop(img);
            return NULL;
        }
        gdouble w = 0, h = 0;
        if (!rsvg_handle_get_intrinsic_size_in_pixels(img->svg, &w, &h) || w <= 0 || h <= 0) {
            RsvgRectangle ink, logical;
            rsvg_handle_get_geometry_for_element(img->svg, NULL, &ink, &logical, NULL);
            w = logical.width;
            h = logical.height;
        }
        img->width = w > 0 ? w : 1;
        img->height = h > 0 ? h : 1;
    } else if (has_suffix(path, ".png")) {
        img->bitmap = cairo_image_surface_create_from_png(path);
        cairo_status_t st = cairo_surface_status(img->bitmap);
        if (st != CAIRO_STATUS_SUCCESS) {
            gw_error(ctx, pos, "cannot read the image %s: %s", path, cairo_status_to_string(st));
            gw_image_drop(img);
            return NULL;
        }
        img->width = cairo_image_surface_get_width(img->bitmap);
        img->height = cairo_image_surface_get_height(img->bitmap);
    } else {
        gw_error(ctx, pos, "the image %s is neither PNG nor SVG", path);
        gw_image_drop(img);
        return NULL;
    }
    return img;
}

void gw_image_drop(gw_image *img)
{
    if (!img)
        return;
    if (img->bitmap)
        cairo_surface_destroy(img->bitmap);
    if (img->svg)
        g_object_unref(img->svg);
    free(img->path);
    free(img);
}

const char *gw_image_path(const gw_image *img)
{
    return img->path;
}

void gw_image_paint(const gw_image *img, cairo_t *cr, double x, double y, double w, double h)
{
    cairo_save(cr);
    if (img->svg) {
        RsvgRectangle viewport = {x, y, w, h};
        rsvg_handle_render_document(img->svg, cr, &viewport, NULL);
    } else {
        cairo_translate(cr, x, y);
        cairo_scale(cr, w / img->width, h / img->height);
        cairo_set_source_surface(cr, img->bitmap, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_rectangle(cr, 0, 0, img->width, img->height);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

void gw_image_raster_size(const gw_image *img, double w, double h, double dpi, long *pw, long *ph)
{
    *pw = *ph = 0;
    if (img->svg) {
        *pw = lround(fmin(GW_IMAGE_MAX_PX, fmax(1, w / 72 * dpi)));
        *ph = lround(fmin(GW_IMAGE_MAX_PX, fmax(1, h / 72 * dpi)));
    }
}

cairo_surface_t *gw_image_pixels(const gw_image *img, long pw, long ph)
{
    if (img->bitmap)
        return cairo_surface_reference(img->bitmap);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)pw, (int)ph);
    cairo_t *cr = cairo_create(s);
    gw_image_paint(img, cr, 0, 0, (double)pw, (double)ph);
    cairo_destroy(cr);
    return s;
}
