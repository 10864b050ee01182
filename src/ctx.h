/* The context: what one process loads once and every document reuses. Each pipeline stage
 * keeps its own state behind an opaque pointer, so no stage sees another's libraries. */
#ifndef GW_CTX_H
#define GW_CTX_H

#include "base.h"

struct gw_ctx {
    char *datadir;
    FILE *err;
    int errors;
    double png_dpi;
    size_t threads; /* a document's work may use this many threads, 0 for one per CPU */
    bool timings;
    double last_mark; /* seconds, CLOCK_MONOTONIC */
    char **params;    /* NAME=VALUE */
    size_t n_params;
    struct gw_schema *source;         /* source.c: schema/source.rng */
    struct gw_transform_stage *xform; /* transform.c: the compiled stylesheets */
    struct gw_schema *layout;         /* schema/layout.rng, the stylesheets' contract */
    struct gw_fonts *fonts;           /* fonts.c: fontconfig and the Pango font map */
    struct gw_pdf_images *pdf_images; /* out_pdf.c: the images last embedded, for a batch */
};

#endif
