/* Stage 3 input: the intermediate layout (schema/layout.rng, doc/layout.md) as C structures.
 * Lengths keep the units the stylesheets wrote (mm, pt, ln, ch, em) until the typesetter knows
 * the size they are relative to. */
#ifndef GW_LAYOUT_H
#define GW_LAYOUT_H

#include "base.h"

#include <stdint.h>

typedef enum { GW_MM, GW_PT, GW_LN, GW_CH, GW_EM } gw_unit;

typedef struct gw_len {
    double value;
    gw_unit unit;
    bool set;
} gw_len;

/* DISTRIBUTE spreads even a paragraph's last line to the full measure (分散对齐). */
typedef enum { GW_LEFT, GW_CENTER, GW_RIGHT, GW_JUSTIFY, GW_DISTRIBUTE } gw_align;

/* A line drawn with text: through it (deleted text) or under it (inserted text). */
typedef enum { GW_DECO_NONE, GW_DECO_STRIKE, GW_DECO_UNDERLINE } gw_decoration;

typedef struct gw_style {
    int face;                 /* index into gw_layout.faces */
    double size;              /* pt */
    uint32_t color;           /* 0xRRGGBB */
    gw_decoration decoration; /* spans only */
} gw_style;

/* A byte range of a text in one style. */
typedef struct gw_span {
    size_t start, end;
    gw_style style;
} gw_span;

typedef struct gw_text {
    char *utf8;
    size_t len;
    gw_span *spans;
    size_t n_spans;
    size_t *hints; /* byte offsets where a line would best begin (<wbr/>) */
    size_t n_hints;
    size_t *keeps; /* byte ranges [keeps[2i], keeps[2i+1]) best not broken (<keep>) */
    size_t n_keeps;
} gw_text;

typedef struct gw_cell {
    gw_text text;
    gw_align align;
    gw_len inset;
    int span; /* table cells: columns it covers */
} gw_cell;

typedef enum {
    GW_BLOCK_PARA,
    GW_BLOCK_ROW,
    GW_BLOCK_RULE,
    GW_BLOCK_GROUP,
    GW_BLOCK_IMAGE,
    GW_BLOCK_COLUMNS, /* columns side by side, each a stack of lines (a joint mark) */
    GW_BLOCK_COLUMN,
    GW_BLOCK_TABLE, /* a ruled table; its rows are GW_BLOCK_TR with cells */
    GW_BLOCK_TR,
} gw_block_kind;

typedef struct gw_block {
    gw_block_kind kind;
    int line; /* source line, 0 when unknown */
    gw_style style;
    gw_len before;        /* space above */
    bool before_from_ink; /* measured from the last text's em box, not from its line cell */
    gw_len at;            /* absolute position below the top of the type area */
    bool keep_with_next, keep_together, keep_with_previous;
    bool break_before;    /* starts a new page */
    bool landscape;       /* on pages turned a quarter, with the blocks around it that are too */
    bool fixed;           /* placed where `at` says, without moving the flow on */
    bool before_to_ink;   /* `before` reaches the em box's top, not the line cell's */
    bool beside_previous; /* one line, centred beside the previous block */
    bool beside_last;     /* one line, level with the previous block's last line */
    gw_len gap;           /* columns: space between them; column: between its lines */
    bool equal;           /* columns: equal shares of the type area, not their natural widths */
    int shares;           /* columns: the type area divided into this many shares (0: one each) */
    bool top_aligned;     /* columns: each column from the box's top, not centred on the tallest */
    /* table */
    double *widths; /* relative column widths */
    size_t n_widths;
    gw_len rule, padding, pitch;
    bool header; /* tr: a header row, repeated on every page the table runs onto */
    /* A flow block with fallback="X" is dropped when the block after it would not begin on
     * the first page; colophon blocks with when="X" appear only then (addressees that move
     * to the colophon, §7.3.2). */
    char *fallback, *when;
    bool center_on_last; /* group: lines centred on the last, which the group aligns */
    /* para */
    gw_text text;
    gw_align align;
    gw_len indent, left, right, hang, shift, max_width;
    bool grid;         /* characters advance one grid character (1ch) */
    bool cell_em;      /* the line cell is the em box itself, no leading */
    bool fit_compress; /* one line, compressed horizontally to max_width */
    bool balance;      /* lines of equal length */
    int outline_level; /* -1: not in the outline */
    char *outline_title;
    /* row */
    gw_cell *cells;
    size_t n_cells;
    /* rule */
    gw_len thickness, length;
    /* image: in the flow it takes its height; in a group it lies over the lines, centred on
     * the group, its top `top` below the group's first line cell */
    char *src;
    gw_len width, height, top;
    bool multiply; /* blends like ink on paper: the text under a seal stays readable */
    /* group */
    struct gw_block *children;
    size_t n_children;
    gw_len inset;
} gw_block;

typedef struct gw_face {
    char *role;
    char *family;
} gw_face;

typedef enum { GW_OMIT_AFTER_BLANK, GW_OMIT_COLOPHON, GW_OMIT_NONE } gw_folio_omit;

typedef struct gw_folio {
    bool present;
    gw_style style;
    char *prefix, *suffix;
    gw_len below, inset;
    gw_align odd, even;
    gw_folio_omit omit;
    bool skip_first; /* no number on the first page (a letter) */
} gw_folio;

typedef struct gw_layout {
    char *title, *author, *subject, *keywords, *date, *lang, *creator;
    /* All in pt, origin at the top-left corner of the page. */
    double page_w, page_h, area_top, area_left, area_w, area_h;
    int lines, chars;
    double em_top; /* em-box top above the baseline, in em */
    gw_face *faces;
    size_t n_faces;
    gw_folio folio;
    gw_block *flow;
    size_t n_flow;
    bool has_colophon;
    bool colophon_even;
    gw_block *colophon;
    size_t n_colophon;
} gw_layout;

/* Reads a layout document (a libxml2 xmlDocPtr); NULL after reporting. source_path names the
 * source the layout came from, for messages. */
gw_layout *gw_layout_read(gw_ctx *ctx, void *xml_doc, const char *source_path);
void gw_layout_drop(gw_layout *layout);

/* A length in pt; em is relative to em_size (pt). */
double gw_len_pt(const gw_layout *layout, gw_len len, double em_size);

#endif
