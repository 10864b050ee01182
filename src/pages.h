/* Stage 4 output and backend input: pages of placed glyph runs and rules, in pt from the
 * top-left corner of each page. Backends read this and nothing else: no Pango, no XML. */
#ifndef GW_PAGES_H
#define GW_PAGES_H

#include "base.h"

#include <cairo.h>
#include <stdint.h>

/* A font face at one size, as the typesetter resolved it. */
typedef struct gw_font gw_font;
cairo_font_face_t *gw_font_cairo_face(const gw_font *font);
/* The font file and the face's index in it (for a collection). */
const char *gw_font_file(const gw_font *font, int *index);
const char *gw_font_family(const gw_font *font);

typedef struct gw_glyph {
    uint32_t id;
    double x, y; /* from the run's origin, before the run's horizontal scale */
} gw_glyph;

/* How glyphs map to the text (for copy, search and the PDF's ToUnicode). */
typedef struct gw_cluster {
    int bytes, glyphs;
} gw_cluster;

typedef struct gw_glyph_run {
    const gw_font *font;
    const char *role; /* the face's role in the layout: body, mark, title, … */
    double size;      /* pt */
    uint32_t color;   /* 0xRRGGBB */
    double x, y;      /* origin on the baseline */
    double scale_x;   /* horizontal compression, 1 for none */
    gw_glyph *glyphs;
    size_t n_glyphs;
    char *text;
    size_t text_len;
    gw_cluster *clusters;
    size_t n_clusters;
    double advance; /* total advance, before scale_x */
    bool backward;  /* right to left: the clusters follow the text, the glyphs run backward */
} gw_glyph_run;

/* A straight rule from (x0, y) to (x1, y1) along its centre line: horizontal (y1 == y) or
 * vertical (x1 == x0). */
typedef struct gw_rule {
    double x0, x1, y;
    double thickness;
    uint32_t color;
    double y1;
} gw_rule;

typedef struct gw_image gw_image;

typedef struct gw_placed_image {
    const gw_image *image; /* owned by the document */
    double x, y, width, height;
    bool multiply;
} gw_placed_image;

typedef enum { GW_ITEM_GLYPHS, GW_ITEM_RULE, GW_ITEM_IMAGE } gw_item_kind;

typedef struct gw_item {
    gw_item_kind kind;
    int line;     /* source line */
    bool upright; /* on a turned page, drawn as on an upright one (the page number) */
    union {
        gw_glyph_run run;
        gw_rule rule;
        gw_placed_image image;
    } u;
} gw_item;

typedef struct gw_page {
    double width, height;
    /* A landscape page is printed on the upright sheet turned a quarter: -90 turns its top
     * to the left (odd pages), 90 to the right (even pages); its items are in the turned
     * page's coordinates (height × width). */
    int rotation;
    gw_item *items;
    size_t n_items, cap_items;
    int folio; /* the printed page number, 0 for none */
} gw_page;

typedef struct gw_outline_entry {
    int level;
    char *title;
    int page; /* 1-based */
    double y;
} gw_outline_entry;

typedef struct gw_doc {
    gw_page *pages;
    size_t n_pages, cap_pages;
    gw_outline_entry *outline;
    size_t n_outline, cap_outline;
    char *title, *author, *subject, *keywords, *creator;
    char *date;   /* ISO 8601 date and time for the PDF's creation date */
    char *lang;   /* the text's language (BCP 47), NULL when not given */
    char **roles; /* face roles, named by the runs */
    size_t n_roles;
    gw_font **fonts; /* owned */
    size_t n_fonts, cap_fonts;
    gw_image **images; /* owned */
    size_t n_images, cap_images;
} gw_doc;

void gw_doc_drop(gw_doc *doc);

#endif
