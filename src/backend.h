/* Stage 5: backends paint the page model. They see gw_doc and nothing of the stages before. */
#ifndef GW_BACKEND_H
#define GW_BACKEND_H

#include "pages.h"

#include <stdio.h>

typedef struct gw_backend {
    const char *name;
    /* Writes one page per file (PNG, SVG) rather than the whole document in one. */
    bool per_page;
    /* Writes the document, or its page `page` (0-based) when per_page, to path; errors name
     * the file as `name` (path is a temporary file that will be renamed to it). */
    gw_status (*write)(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                       const char *name);
} gw_backend;

const gw_backend *gw_backend_lookup(gw_format format);

/* PDF: the whole document in one file at path (out_pdf.c). */
gw_status gw_pdf_write(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                       const char *name);

/* The images the PDF backend keeps encoded in the context between documents. */
typedef struct gw_pdf_images gw_pdf_images;
void gw_pdf_images_drop(gw_pdf_images *kept);

/* OFD (GB/T 33190-2016): the whole document as one package at path (out_ofd.c). */
gw_status gw_ofd_write(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                       const char *name);

/* The trace: every placed box as a line of text, positions in mm. Reports a write error
 * against name. */
gw_status gw_trace_write(gw_ctx *ctx, const gw_doc *doc, FILE *out, const char *name);

#endif
