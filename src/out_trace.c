/* The trace backend: every placed box as one line, so tests can state positions exactly and a
 * change in layout shows as a readable diff. Positions in mm from the page's top-left corner. */
#include "backend.h"

#include "ctx.h"
#include "image.h"

#define MM(pt) ((pt)*GW_MM_PER_PT)

gw_status gw_trace_write(gw_ctx *ctx, const gw_doc *doc, FILE *out, const char *name)
{
    for (size_t i = 0; i < doc->n_pages; i++) {
        const gw_page *p = &doc->pages[i];
        fprintf(out, "page %zu %.2fx%.2f folio %d%s\n", i + 1, MM(p->width), MM(p->height),
                p->folio, p->rotation ? (p->rotation < 0 ? " turned left" : " turned right") : "");
        for (size_t j = 0; j < p->n_items; j++) {
            const gw_item *it = &p->items[j];
            if (it->kind == GW_ITEM_IMAGE) {
                const gw_placed_image *im = &it->u.image;
                fprintf(out, "  image x=%.2f..%.2f y=%.2f..%.2f%s |%s|\n", MM(im->x),
                        MM(im->x + im->width), MM(im->y), MM(im->y + im->height),
                        im->multiply ? " multiply" : "", gw_image_path(im->image));
            } else if (it->kind == GW_ITEM_RULE) {
                const gw_rule *r = &it->u.rule;
                if (r->y1 > r->y)
                    fprintf(out, "  vrule x=%.2f y=%.2f..%.2f thickness=%.2f color=#%06X\n",
                            MM(r->x0), MM(r->y), MM(r->y1), MM(r->thickness), (unsigned)r->color);
                else
                    fprintf(out, "  rule x=%.2f..%.2f y=%.2f thickness=%.2f color=#%06X\n",
                            MM(r->x0), MM(r->x1), MM(r->y), MM(r->thickness), (unsigned)r->color);
            } else {
                const gw_glyph_run *r = &it->u.run;
                fprintf(out,
                        "  text x=%.2f..%.2f baseline=%.2f %s %.2fpt color=#%06X scale=%.3f "
                        "font=\"%s\" |%.*s|\n",
                        MM(r->x), MM(r->x + r->advance * r->scale_x), MM(r->y), r->role, r->size,
                        (unsigned)r->color, r->scale_x, gw_font_family(r->font), (int)r->text_len,
                        r->text);
            }
        }
    }
    if (ferror(out) || fflush(out) != 0) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write the trace");
        return GW_ERR_SYSTEM;
    }
    return GW_OK;
}
