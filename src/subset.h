/* Per-document font subsets for the backends that embed fonts (PDF, OFD). A CJK face is a
 * file of 5 to 26 MB; HarfBuzz cuts each face the document uses down to its glyphs, renumbering
 * them (the map translates the typesetter's glyph ids), and the backends embed the subsets. */
#ifndef GW_SUBSET_H
#define GW_SUBSET_H

#include "pages.h"

typedef struct gw_subsets gw_subsets;

/* Subsets every face the document uses. with_cmap keeps the characters the glyphs were
 * shaped from in each subset's cmap, for readers that draw text rather than glyph ids (OFD);
 * the PDF draws by glyph id and needs none. Never fails: a face that cannot be subset is left
 * out, and gw_subsets_file says so. The faces are cut on up to ctx->threads threads. */
gw_subsets *gw_subsets_new(gw_ctx *ctx, const gw_doc *doc, bool with_cmap);
void gw_subsets_drop(gw_subsets *subsets);

typedef struct gw_face_file {
    const char *data; /* the subset font file (borrowed from the subsets) */
    size_t len;
    const char *postscript; /* the face's PostScript name, "" when it has none */
    int weight;             /* 100 … 900 */
    bool cff;               /* PostScript outlines (a CFF table), else TrueType (glyf) */
} gw_face_file;

/* The subset of font's face and in *map how glyph ids translate into it (pass it to
 * gw_subsets_glyph); false when the face could not be subset. */
bool gw_subsets_file(const gw_subsets *subsets, const gw_font *font, gw_face_file *out,
                     const void **map);
unsigned gw_subsets_glyph(const void *map, unsigned glyph);

/* Whether font's face has CFF2 outlines (a variable font): PDF and OFD readers draw no text
 * from it, so it is not cut, and the backends refuse it with this message (%s: the file). */
bool gw_subsets_variable(const gw_subsets *subsets, const gw_font *font);
#define GW_VARIABLE_FONT_ERROR                                                                     \
    "the font %s has CFF2 outlines (a variable font), which cannot be embedded: use a static "     \
    "instance of it"

#endif
