/* Fonts: our own fontconfig configuration (fonts/fonts.conf) and a Pango font map at 72 dpi
 * that sees no other font, so a page looks the same on every machine. */
#ifndef GW_FONTS_H
#define GW_FONTS_H

#include "base.h"
#include "pages.h"

#include <pango/pango.h>

gw_status gw_fonts_new(gw_ctx *ctx, const char *const *extra_dirs, size_t n_extra);
void gw_fonts_drop(struct gw_fonts *fonts);

/* A Pango context for setting text: 72 dpi (1 unit = 1 pt), no hinting, unrounded positions. */
PangoContext *gw_fonts_context(gw_ctx *ctx);

/* Wraps a Pango font for the page model; the document owns the result. */
gw_font *gw_font_new(PangoFont *font);
void gw_font_drop(gw_font *font);
PangoFont *gw_font_pango(const gw_font *font);

#endif
