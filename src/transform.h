/* Stage 2: the stylesheets turn a source into the intermediate layout. */
#ifndef GW_TRANSFORM_H
#define GW_TRANSFORM_H

#include "base.h"

#include <libxml/tree.h>

gw_status gw_transform_stage_new(gw_ctx *ctx);
void gw_transform_stage_drop(struct gw_transform_stage *stage);

/* Checks that every -p NAME=VALUE names a parameter of the stylesheets. */
gw_status gw_transform_check_params(gw_ctx *ctx);

/* Applies stylesheets/gongwen.xsl to an annotated source; NULL after reporting. */
xmlDocPtr gw_transform(gw_ctx *ctx, xmlDocPtr source, const char *source_path);

/* Serialises a layout document. */
gw_status gw_transform_write(gw_ctx *ctx, xmlDocPtr layout, FILE *out);

#endif
