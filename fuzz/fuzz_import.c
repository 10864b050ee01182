/* libFuzzer target: any bytes as a plain-text document for `gongwen import`. Nothing may
 * crash, hang, leak or read out of bounds; and whatever the importer accepts must be a
 * source the schema and the stylesheets take (the importer promises it), so a text it
 * accepts whose source is refused is a fault found: abort. */
#include "fuzz_ctx.h"
#include "import.h"
#include "source.h"
#include "transform.h"

#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_ctx *ctx = fuzz_context(1);
    gw_text *t = gw_text_parse(ctx, "fuzz.txt", (const char *)data, size, true);
    if (!t)
        return 0;
    if (!gw_schema_validate(ctx, ctx->source, t->source, "fuzz.txt", "invalid"))
        abort();
    xmlDocPtr check = xmlCopyDoc(t->source, 1);
    gw_source_annotate_lines(check);
    xmlDocPtr layout = gw_transform(ctx, check, "fuzz.txt");
    if (!layout)
        abort();
    xmlFreeDoc(layout);
    xmlFreeDoc(check);
    gw_text_drop(t);
    return 0;
}
