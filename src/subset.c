#include "subset.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-subset.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

/* One subset per face: fonts of one face at several sizes share it. */
typedef struct subset {
    const char *file;
    int index;
    cairo_font_face_t *face;
    hb_subset_plan_t *plan; /* holds the map of glyph ids into the subset */
} subset;

struct gw_subsets {
    subset *v;
    size_t n;
};

/* One FreeType library for the process: cairo may keep a face cached after the document is
 * done, and the library must outlive every face. */
static FT_Library freetype(void)
{
    static FT_Library lib;
    if (!lib && FT_Init_FreeType(&lib) != 0)
        lib = NULL;
    return lib;
}

typedef struct face_data {
    FT_Face ft;
    hb_blob_t *blob;
} face_data;

static const cairo_user_data_key_t face_key;

static void release_face(void *p)
{
    face_data *d = p;
    FT_Done_Face(d->ft);
    hb_blob_destroy(d->blob);
    free(d);
}

static cairo_font_face_t *make_subset(const char *file, int index, hb_set_t *glyphs,
                                      hb_subset_plan_t **plan_out)
{
    FT_Library lib = freetype();
    if (!lib || !file || !*file)
        return NULL;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(file);
    if (!blob)
        return NULL;
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    hb_blob_destroy(blob);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) {
        hb_face_destroy(face);
        return NULL;
    }
    hb_set_union(hb_subset_input_glyph_set(in), glyphs);
    /* Hinting is of no use in a PDF, and flat charstrings are quicker for cairo to subset
     * again. Glyph ids are renumbered (keeping them would leave the
     * subset as long as the font's glyph count), so the plan's map goes with the face. */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    /* cairo draws glyphs by id: no shaping or vertical tables are needed, and dropping GSUB
     * spares HarfBuzz the closure over every substitution. */
    static const hb_tag_t unused[] = {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
                                      HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
                                      HB_TAG('V', 'O', 'R', 'G'), HB_TAG('v', 'h', 'e', 'a'),
                                      HB_TAG('v', 'm', 't', 'x')};
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof unused / sizeof unused[0]; i++)
        hb_set_add(drop, unused[i]);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(face, in);
    hb_subset_input_destroy(in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    hb_face_destroy(face);
    if (!sub) {
        hb_subset_plan_destroy(plan);
        return NULL;
    }
    hb_blob_t *out = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(out, &len);
    FT_Face ft = NULL;
    if (!data || FT_New_Memory_Face(lib, (const FT_Byte *)data, (FT_Long)len, 0, &ft) != 0) {
        hb_blob_destroy(out);
        hb_subset_plan_destroy(plan);
        return NULL;
    }
    cairo_font_face_t *cf = cairo_ft_font_face_create_for_ft_face(ft, 0);
    face_data *d = malloc(sizeof *d);
    if (!d ||
        cairo_font_face_set_user_data(cf, &face_key, d, release_face) != CAIRO_STATUS_SUCCESS) {
        free(d);
        cairo_font_face_destroy(cf);
        FT_Done_Face(ft);
        hb_blob_destroy(out);
        hb_subset_plan_destroy(plan);
        return NULL;
    }
    d->ft = ft;
    d->blob = out;
    *plan_out = plan;
    return cf;
}

static size_t face_slot(gw_subsets *s, const gw_font *font)
{
    int index = 0;
    const char *file = gw_font_file(font, &index);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].index == index && strcmp(s->v[i].file, file) == 0)
            return i;
    s->v[s->n] = (subset){file, index, NULL, NULL};
    return s->n++;
}

gw_subsets *gw_subsets_new(const gw_doc *doc)
{
    gw_subsets *s = gw_xcalloc(1, sizeof *s);
    s->v = gw_xcalloc(doc->n_fonts, sizeof *s->v);
    size_t *slot_of = gw_xcalloc(doc->n_fonts, sizeof *slot_of);
    for (size_t f = 0; f < doc->n_fonts; f++)
        slot_of[f] = face_slot(s, doc->fonts[f]);
    hb_set_t **sets = gw_xcalloc(s->n, sizeof *sets);
    for (size_t i = 0; i < s->n; i++)
        sets[i] = hb_set_create();
    for (size_t p = 0; p < doc->n_pages; p++) {
        const gw_page *page = &doc->pages[p];
        for (size_t j = 0; j < page->n_items; j++) {
            if (page->items[j].kind != GW_ITEM_GLYPHS)
                continue;
            const gw_glyph_run *run = &page->items[j].u.run;
            for (size_t f = 0; f < doc->n_fonts; f++) {
                if (doc->fonts[f] != run->font)
                    continue;
                for (size_t g = 0; g < run->n_glyphs; g++)
                    hb_set_add(sets[slot_of[f]], run->glyphs[g].id);
                break;
            }
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!hb_set_is_empty(sets[i]))
            s->v[i].face = make_subset(s->v[i].file, s->v[i].index, sets[i], &s->v[i].plan);
        hb_set_destroy(sets[i]);
    }
    free(sets);
    free(slot_of);
    return s;
}

void gw_subsets_drop(gw_subsets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].face)
            cairo_font_face_destroy(s->v[i].face);
        hb_subset_plan_destroy(s->v[i].plan);
    }
    free(s->v);
    free(s);
}

cairo_font_face_t *gw_subsets_face(const gw_subsets *s, const gw_font *font, const void **map)
{
    int index = 0;
    const char *file = gw_font_file(font, &index);
    *map = NULL;
    for (size_t i = 0; s && i < s->n; i++) {
        if (s->v[i].face && s->v[i].index == index && strcmp(s->v[i].file, file) == 0) {
            *map = hb_subset_plan_old_to_new_glyph_mapping(s->v[i].plan);
            return s->v[i].face;
        }
    }
    return gw_font_cairo_face(font);
}

unsigned gw_subsets_glyph(const void *map, unsigned glyph)
{
    if (!map)
        return glyph;
    hb_codepoint_t g = hb_map_get(map, glyph);
    return g == HB_MAP_VALUE_INVALID ? 0 : g;
}
