/* Images (a seal, a signature seal): PNG through cairo, SVG through librsvg. Loaded once by the
 * typesetter, which reports an unreadable file with its source line; painted by the backends. */
#ifndef GW_IMAGE_H
#define GW_IMAGE_H

#include "base.h"

#include <cairo.h>

typedef struct gw_image gw_image;

/* Loads path; NULL after reporting at pos. */
gw_image *gw_image_new(gw_ctx *ctx, const char *path, gw_pos pos);
void gw_image_drop(gw_image *image);

/* The file the image came from. */
const char *gw_image_path(const gw_image *image);

/* Paints the image into the rectangle (x, y, w, h), as cairo's current operator blends. */
void gw_image_paint(const gw_image *image, cairo_t *cr, double x, double y, double w, double h);

/* A vector image is embedded as pixels by the formats that take no vector drawing from us:
 * pw × ph pixels for the image placed w × h pt, at dpi, at most GW_IMAGE_MAX_PX a side; 0 × 0
 * for a bitmap, which keeps its own pixels. */
#define GW_IMAGE_MAX_PX 4096
void gw_image_raster_size(const gw_image *image, double w, double h, double dpi, long *pw,
                          long *ph);

/* The image's pixels (ARGB32, premultiplied), a new reference: a bitmap's own, or a vector
 * image drawn pw × ph. Check its status: drawing can fail. */
cairo_surface_t *gw_image_pixels(const gw_image *image, long pw, long ph);

#endif
