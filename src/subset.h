/* Per-document font subsets for the PDF backend. cairo subsets a font by copying and parsing
 * the whole font file: 26 MB for a Noto CJK collection, for every document. HarfBuzz cuts each
 * face down to the glyphs the document uses first (renumbering them; the map translates the
 * typesetter's glyph ids), and cairo then works on a font of a few kilobytes. */
#ifndef GW_SUBSET_H
#define GW_SUBSET_H

#include "pages.h"

#include <cairo.h>

typedef struct gw_subsets gw_subsets;

/* Subsets every font the document uses. Never fails: a face that cannot be subset is used
 * whole. */
gw_subsets *gw_subsets_new(const gw_doc *doc);
void gw_subsets_drop(gw_subsets *subsets);

/* The face to draw a font's glyphs with (borrowed from subsets), and in *map how its glyph
 * ids translate (pass it to gw_subsets_glyph). */
cairo_font_face_t *gw_subsets_face(const gw_subsets *subsets, const gw_font *font,
                                   const void **map);
unsigned gw_subsets_glyph(const void *map, unsigned glyph);

#endif
