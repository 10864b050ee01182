/* Stage 1: read a source document and check it against schema/source.rng. */
#ifndef GW_SOURCE_H
#define GW_SOURCE_H

#include "base.h"

#include <libxml/tree.h>

#define GW_SOURCE_NS "urn:gongwen:source:1"
#define GW_ANNOTATION_NS "urn:gongwen:annotation"

/* A compiled RelaxNG schema from the data folder. */
typedef struct gw_schema gw_schema;
gw_schema *gw_schema_new(gw_ctx *ctx, const char *rel_path); /* NULL after reporting */
void gw_schema_drop(gw_schema *schema);
/* Reports the faults (or `what`, when libxml2 names none) and returns whether doc is valid. */
bool gw_schema_validate(gw_ctx *ctx, gw_schema *schema, xmlDocPtr doc, const char *path,
                        const char *what);

gw_status gw_source_stage_new(gw_ctx *ctx);

/* Parses without network or external entities and validates; NULL after reporting. */
xmlDocPtr gw_source_load(gw_ctx *ctx, const char *path);

/* Marks every element with its source line (gw:line), so later stages can point back to it. */
void gw_source_annotate_lines(xmlDocPtr doc);

/* Reports libxml2's structured errors as file:line: error: message, through ctx. */
void gw_xml_error_handler(void *ctx, xmlErrorPtr error);

/* Parses an XML file with the safe options every stage uses; NULL after reporting. */
xmlDocPtr gw_xml_read(gw_ctx *ctx, const char *path);
/* The same for bytes in memory, reported as coming from path. */
xmlDocPtr gw_xml_read_memory(gw_ctx *ctx, const char *data, size_t size, const char *path);

#endif
