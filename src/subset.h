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

/* For formats that embed font files themselves (OFD): each face cut down to the glyphs the
 * document uses and to the characters they were shaped from, so that the subset's cmap still
 * maps the text (readers that draw text rather than glyph ids need it). Subsets nothing for
 * the PDF, which must stay as it is. */
gw_subsets *gw_subsets_new_embedded(const gw_doc *doc);

typedef struct gw_face_file {
    const char *data; /* the subset font file (borrowed from the subsets) */
    size_t len;
    const char *postscript; /* the face's PostScript name, "" when it has none */
    int weight;             /* 100 … 900 */
} gw_face_file;

/* The embedded subset of font's face and in *map how glyph ids translate into it; false when
 * the face could not be subset. */
bool gw_subsets_file(const gw_subsets *subsets, const gw_font *font, gw_face_file *out,
                     const void **map);

#endif
