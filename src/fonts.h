/* Fonts: our own fontconfig configuration (fonts/fonts.conf) and a Pango font map at 72 dpi
 * that sees no other font, so a page looks the same on every machine. */
#ifndef GW_FONTS_H
#define GW_FONTS_H

#include "base.h"
#include "pages.h"

#include <pango/pango.h>

/* Starts loading the fonts on a thread of their own (ctx->fonts); nothing is reported yet. */
void gw_fonts_new(gw_ctx *ctx, const char *const *extra_dirs, size_t n_extra);
/* Gives the thread the faces to load once it has set up fontconfig and the font map:
 * families[i] at sizes[i] points (the arrays are the fonts' from here on). */
void gw_fonts_preload(gw_ctx *ctx, char **families, double *sizes, size_t n);
/* Waits until fontconfig and the font map are set up, reports what failed, once, and returns
 * its status. The faces go on loading. */
gw_status gw_fonts_ready(gw_ctx *ctx);
/* Stops the loading of faces, waits for the thread, and frees everything. */
void gw_fonts_drop(struct gw_fonts *fonts);

/* A Pango context for setting text: 72 dpi (1 unit = 1 pt), no hinting, unrounded positions.
 * The first call waits for the faces that are loading ahead: no thread of ours is left after
 * it, so a process may fork (gongwen build). */
PangoContext *gw_fonts_context(gw_ctx *ctx);

/* Wraps a Pango font for the page model; the document owns the result. */
gw_font *gw_font_new(PangoFont *font);
void gw_font_drop(gw_font *font);
PangoFont *gw_font_pango(const gw_font *font);

#endif
