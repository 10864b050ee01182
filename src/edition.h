/* Editions of a regulation (doc/editions.md): amendments that name units by their ids, applied
 * to an edition to make the next; histories of editions and amendments, and the edition in
 * force on a date. */
#ifndef GW_EDITION_H
#define GW_EDITION_H

#include "base.h"

#include <libxml/tree.h>

#define GW_AMENDMENT_NS "urn:gongwen:amendment:1"
#define GW_HISTORY_NS "urn:gongwen:history:1"

/* What an edition is, for the PDF's metadata. */
typedef struct gw_edition_info {
    char *effective; /* YYYY-MM-DD, the day it took effect; NULL when unknown */
    char *sha256;    /* of its source: the file, or the bytes `gongwen apply` writes of it */
    char *file;      /* the source file when the edition is one as given, no amendment applied */
    char *base;      /* the source file the amendments were applied to (its images, its lines) */
} gw_edition_info;

void gw_edition_info_clear(gw_edition_info *info);

/* The source in force on as_of (YYYY-MM-DD) of a history: a folder of editions and amendments,
 * a manifest (urn:gongwen:history:1), or a single source. The document is validated; NULL after
 * reporting. info (which may be NULL) is filled in. */
xmlDocPtr gw_edition_load(gw_ctx *ctx, const char *history, const char *as_of,
                          gw_edition_info *info);

/* A source as `gongwen apply` writes it: UTF-8, the content of every element that holds only
 * elements indented afresh, so that inserted units line up and equal editions give equal
 * bytes. The result is malloc'd. */
char *gw_edition_serialize(xmlDocPtr doc, size_t *len);

/* The SHA-256 of bytes, in hexadecimal (malloc'd). */
char *gw_sha256_hex(const char *data, size_t len);

/* Records the edition on the source's root (gw:edition, gw:sha256), where the stylesheets put
 * it into the PDF's keywords. */
void gw_edition_annotate(xmlDocPtr doc, const gw_edition_info *info);

#endif
