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

#endif
