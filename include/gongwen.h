/* gongwen: typesets Chinese official documents (党政机关公文) as GB/T 9704-2012 lays them out.
 *
 * The pipeline: a source (XML, schema/source.rng) is validated, transformed by the stylesheets
 * into the intermediate layout (schema/layout.rng), set into pages with Pango, and painted by a
 * backend (PDF, PNG, SVG, or a text trace of every placed box).
 *
 * Every function that can fail reports the failure once, as `file:line: error: message` on the
 * context's error stream, and returns a status; callers never report it again. */
#ifndef GONGWEN_H
#define GONGWEN_H

#include <stddef.h>
#include <stdio.h>

#define GW_VERSION "0.1.0"

typedef enum {
    GW_OK = 0,
    GW_ERR_INPUT = 1,  /* the source or layout is malformed, invalid or cannot be set */
    GW_ERR_USAGE = 2,  /* the command line is wrong */
    GW_ERR_SYSTEM = 3, /* files, fonts or memory: the machine, not the document */
} gw_status;

typedef enum {
    GW_FORMAT_PDF,
    GW_FORMAT_PNG,
    GW_FORMAT_SVG,
    GW_FORMAT_TRACE,
} gw_format;

typedef struct gw_options {
    /* Folder holding stylesheets/, schema/ and fonts/; NULL: found beside the program or in
     * the installed data folder. */
    const char *datadir;
    /* Extra font folders, searched before fonts/ (a user's licensed faces). */
    const char *const *font_dirs;
    size_t n_font_dirs;
    /* Stylesheet parameters as NAME=VALUE strings, overriding stylesheets/gbt9704.xsl. */
    const char *const *params;
    size_t n_params;
    /* PNG resolution in dots per inch. */
    double png_dpi;
} gw_options;

typedef struct gw_ctx gw_ctx;

/* Loads the schemas, stylesheets and fonts once; NULL after reporting why, with the reason's
 * status in *status (which may be NULL). */
gw_ctx *gw_ctx_new(const gw_options *opts, gw_status *status);
void gw_ctx_drop(gw_ctx *ctx);

/* Number of errors reported through this context so far. */
int gw_ctx_errors(const gw_ctx *ctx);

/* Checks a source against the schema. */
gw_status gw_validate(gw_ctx *ctx, const char *source_path);

/* Writes the intermediate layout of a source to output_path (atomically, like gw_render), or
 * to standard output when output_path is NULL. */
gw_status gw_layout_write(gw_ctx *ctx, const char *source_path, const char *output_path);

/* Renders a source. The output is written to a temporary file beside output_path and renamed
 * over it only when complete, so a failed render leaves an existing output untouched. For PNG,
 * output_path is a pattern whose "%d" (or a suffix "-N" before the extension) takes the page
 * number. */
gw_status gw_render(gw_ctx *ctx, const char *source_path, const char *output_path,
                    gw_format format);

#endif
