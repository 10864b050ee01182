/* The pipeline from a document made in memory, for the commands that make one (compare). */
#ifndef GW_RENDER_H
#define GW_RENDER_H

#include "base.h"

#include <libxml/tree.h>

/* Transforms a document the stylesheets take (an annotated source, a comparison; freed here)
 * and typesets and writes it as gw_render does. source_path names it in messages and is never
 * written over. */
gw_status gw_render_doc(gw_ctx *ctx, xmlDocPtr doc, const char *source_path,
                        const char *output_path, gw_format format);

#endif
