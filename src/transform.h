/* Stage 2: the stylesheets turn a source into the intermediate layout. */
#ifndef GW_TRANSFORM_H
#define GW_TRANSFORM_H

#include "base.h"

#include <libxml/tree.h>

gw_status gw_transform_stage_new(gw_ctx *ctx);
void gw_transform_stage_drop(struct gw_transform_stage *stage);

/* Checks that every -p NAME=VALUE names a parameter of the stylesheets. */
gw_status gw_transform_check_params(gw_ctx *ctx);

/* The faces the stylesheets name (each face-ROLE parameter, as the command line sets it) and
 * the size each will likely be set at (ROLE-size, else body-size), in points: which faces to
 * load before the first document asks for them. Returns their number; both arrays are the
 * caller's. */
size_t gw_transform_faces(gw_ctx *ctx, char ***families, double **sizes);

/* Applies stylesheets/gongwen.xsl to an annotated source; NULL after reporting. */
xmlDocPtr gw_transform(gw_ctx *ctx, xmlDocPtr source, const char *source_path);

/* Serialises a layout document. */
gw_status gw_transform_write(gw_ctx *ctx, xmlDocPtr layout, FILE *out);

#endif
