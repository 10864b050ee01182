/* libFuzzer target: any bytes as a source (or a layout): parse, validate, transform, read the
 * layout, typeset it and write the PDF. Nothing may crash, hang, leak or read out of bounds;
 * errors are reported (to /dev/null here) and the input refused. */
#include "backend.h"
#include "fuzz_ctx.h"
#include "layout.h"
#include "source.h"
#include "transform.h"
#include "typeset.h"

#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_ctx *ctx = fuzz_context(0);
    xmlDocPtr doc = gw_xml_read_memory(ctx, (const char *)data, size, "fuzz.xml");
    if (!doc)
        return 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    bool is_layout = root && root->ns &&
                     strcmp((const char *)root->ns->href, "urn:gongwen:layout:1") == 0;
    xmlDocPtr layout = doc;
    if (!is_layout) {
        if (!gw_schema_validate(ctx, ctx->source, doc, "fuzz.xml", "invalid")) {
            xmlFreeDoc(doc);
            return 0;
        }
        gw_source_annotate_lines(doc);
        layout = gw_transform(ctx, doc, "fuzz.xml");
        xmlFreeDoc(doc);
        if (!layout)
            return 0;
    }
    gw_layout *L = gw_layout_read(ctx, layout, "fuzz.xml");
    xmlFreeDoc(layout);
    if (L) {
        gw_doc *pages = gw_typeset(ctx, L, "fuzz.xml");
        if (pages)
            gw_backend_lookup(GW_FORMAT_PDF)->write(ctx, pages, -1, "/dev/null", "fuzz.pdf");
        gw_doc_drop(pages);
        gw_layout_drop(L);
    }
    return 0;
}
