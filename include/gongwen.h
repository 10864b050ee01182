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
    GW_FORMAT_OFD, /* GB/T 33190-2016 */
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
    /* Nonzero: load no fonts. Import, lint and validation need none, and then work on a
     * machine without them. Such a context cannot render. */
    int no_fonts;
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

/* Reads a plain-text document (UTF-8, or GBK, or UTF-16 with a byte order mark), recognises
 * its parts and writes them as a source, valid against the schema, to output_path (atomically)
 * or to standard output when output_path is NULL. What was guessed or normalised is reported
 * on the context's error stream as `file:line: note: …`; verbose adds what was recognised. */
gw_status gw_import(gw_ctx *ctx, const char *text_path, const char *output_path, int verbose);

/* Checks a source (.xml) or a plain-text document against the rules of GB/T 9704 that people
 * get wrong, reporting `file:line: warning: … [rule]`. With fix_path, writes the document
 * with every fixable fault corrected there (atomically; "-" is standard output). Returns
 * GW_OK when nothing was found, GW_ERR_INPUT when warnings were reported or the file could
 * not be read. */
gw_status gw_lint(gw_ctx *ctx, const char *path, const char *fix_path);

/* Editions of a regulation (doc/editions.md). A history is a folder of editions (sources) and
 * amendments (schema/amendment.rng), a manifest listing them (schema/history.rng), or a single
 * source; as_of is a day, YYYY-MM-DD, or NULL for the latest edition. */

/* Applies an amendment to an edition and writes the next edition to output_path (atomically;
 * never over an input), or to standard output when output_path is NULL. Nothing is written when
 * the amendment names a unit the edition lacks, leaves a reference pointing at a deleted unit,
 * moves units in a cycle, or makes an invalid source. */
gw_status gw_apply(gw_ctx *ctx, const char *edition_path, const char *amendment_path,
                   const char *output_path);

/* Writes the source of the edition of a history in force on as_of, as gw_apply would. */
gw_status gw_edition_write(gw_ctx *ctx, const char *history, const char *as_of,
                           const char *output_path);

/* gw_render and gw_layout_write of the edition of a history in force on as_of; the PDF's
 * keywords record the edition (the day it took effect, the SHA-256 of its source). With as_of
 * NULL, these are gw_render and gw_layout_write, which take a folder or a manifest as the
 * history's latest edition. */
gw_status gw_render_as_of(gw_ctx *ctx, const char *history, const char *as_of,
                          const char *output_path, gw_format format);
gw_status gw_layout_write_as_of(gw_ctx *ctx, const char *history, const char *as_of,
                                const char *output_path);

/* How gw_compare pairs the units of two editions: by id, unless their texts pair them far
 * better (two imported texts, whose ids count positions); by id; by text alone. */
typedef enum { GW_PAIR_AUTO, GW_PAIR_ID, GW_PAIR_TEXT } gw_pairing;

typedef struct gw_compare_options {
    int keep_unchanged; /* rows for the units that did not change too */
    int redline; /* the 花脸稿: the new edition, deletions struck, insertions underlined */
    gw_pairing pairing;
} gw_compare_options;

/* Renders the 修订对照表 of two editions (sources, or histories for their latest editions):
 * a titled two-column table, a row a changed unit, deleted characters struck through in the
 * left column and inserted ones underlined in the right; or, with redline, the new edition
 * marked so. opts may be NULL. */
gw_status gw_compare(gw_ctx *ctx, const char *old_path, const char *new_path,
                     const char *output_path, gw_format format, const gw_compare_options *opts);

/* `gongwen serve`: a page in the browser to write, preview, lint, save and print the sources
 * of one folder. Runs until SIGINT or SIGTERM. */
typedef struct gw_serve_options {
    const char *sources; /* the folder served; NULL: "sources" */
    const char *bind;    /* an IPv4 address; NULL: 127.0.0.1 (anything else needs a token) */
    unsigned port;       /* 0: any free port (printed) */
    const char *token;   /* required of every request when set */
} gw_serve_options;
gw_status gw_serve(gw_ctx *ctx, const gw_serve_options *options);

/* Batch builds (`gongwen build`). */
typedef struct gw_build_options {
    const char *dir;    /* the folder searched, recursively, for *.xml sources and layouts */
    const char *outdir; /* where the outputs go, at the sources' relative paths; NULL: "out" */
    gw_format format;
    unsigned jobs;            /* worker processes; 0: one per available CPU */
    unsigned shard, n_shards; /* only shard `shard` (1 to n_shards) of n_shards; 0: all */
    int progress;             /* progress bar on stderr: 1 always, 0 never, -1 on a terminal */
} gw_build_options;

typedef struct gw_build_stats {
    size_t built, skipped, failed;
    double seconds;  /* wall time of the whole build */
    int interrupted; /* the signal (SIGINT, SIGTERM, SIGHUP) that stopped it early, or 0 */
} gw_build_stats;

/* Renders every gongwen source below build->dir into build->outdir, skipping those whose
 * output is up to date by content (OUTDIR/.gongwen-build records what each output was made
 * from), in build->jobs worker processes that share one context. A failed source does not
 * stop the others; the failures are listed on stderr at the end. Returns GW_OK, GW_ERR_INPUT
 * when a source failed, GW_ERR_SYSTEM when an output could not be written (or a worker
 * died), GW_ERR_USAGE for bad options. */
gw_status gw_build(const gw_options *opts, const gw_build_options *build, gw_build_stats *stats);

#endif
