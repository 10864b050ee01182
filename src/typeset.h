/* Stage 4: set the layout's text into lines with Pango and the lines into pages. */
#ifndef GW_TYPESET_H
#define GW_TYPESET_H

#include "layout.h"
#include "pages.h"

/* NULL after reporting; source_path is for messages. */
gw_doc *gw_typeset(gw_ctx *ctx, const gw_layout *layout, const char *source_path);

#endif
