#include "subset.h"

#include <cairo-ft.h>
#include <glib.h>
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
    cairo_font_face_t *face; /* for cairo (PDF) */
    hb_blob_t *blob;         /* the subset's file, for embedding (OFD) */
    hb_subset_plan_t *plan;  /* holds the map of glyph ids into the subset */
    char *postscript;        /* the face's names, for embedding */
    int weight;
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

/* Cuts the face down to the glyphs (renumbered: the plan maps the old ids to the new) and, for
 * embedding, the characters (so that the subset's cmap still maps them). NULL on failure. */
static hb_blob_t *cut(const char *file, int index, hb_set_t *glyphs, hb_set_t *unicodes,
                      unsigned flags, hb_subset_plan_t **plan_out)
{
    if (!file || !*file)
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
    if (unicodes)
        hb_set_union(hb_subset_input_unicode_set(in), unicodes);
    hb_subset_input_set_flags(in, flags);
    /* Glyphs are drawn by id: no shaping or vertical tables are needed, and dropping GSUB
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
    if (hb_blob_get_length(out) == 0) {
        hb_blob_destroy(out);
        hb_subset_plan_destroy(plan);
        return NULL;
    }
    *plan_out = plan;
    return out;
}

static cairo_font_face_t *make_subset(const char *file, int index, hb_set_t *glyphs,
                                      hb_subset_plan_t **plan_out)
{
    FT_Library lib = freetype();
    if (!lib)
        return NULL;
    /* Hinting is of no use in a PDF, and flat charstrings are quicker for cairo to subset
     * again. Glyph ids are renumbered (keeping them would leave the subset as long as the
     * font's glyph count), so the plan's map goes with the face. */
    hb_subset_plan_t *plan = NULL;
    hb_blob_t *out = cut(file, index, glyphs, NULL,
                         HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE, &plan);
    if (!out)
        return NULL;
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
    s->v[s->n] = (subset){file, index, NULL, NULL, NULL, NULL, 0};
    return s->n++;
}

/* The face's PostScript name and weight, read before subsetting drops what it does not need. */
static void read_names(subset *v)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(v->file);
    hb_face_t *face = hb_face_create(blob, (unsigned)v->index);
    hb_blob_destroy(blob);
    char name[256] = "";
    unsigned len = sizeof name;
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, hb_language_from_string("en", -1),
                        &len, name);
    v->postscript = gw_xstrdup(name);
    hb_font_t *font = hb_font_create(face);
    v->weight = (int)hb_style_get_value(font, HB_STYLE_TAG_WEIGHT);
    hb_font_destroy(font);
    hb_face_destroy(face);
}

/* The PDF wants cairo faces of glyphs alone; embedding wants the files, with the characters
 * the glyphs were shaped from in their cmaps. */
static gw_subsets *build(const gw_doc *doc, bool embed)
{
    gw_subsets *s = gw_xcalloc(1, sizeof *s);
    s->v = gw_xcalloc(doc->n_fonts, sizeof *s->v);
    size_t *slot_of = gw_xcalloc(doc->n_fonts, sizeof *slot_of);
    for (size_t f = 0; f < doc->n_fonts; f++)
        slot_of[f] = face_slot(s, doc->fonts[f]);
    hb_set_t **sets = gw_xcalloc(s->n, sizeof *sets);
    hb_set_t **chars = gw_xcalloc(s->n, sizeof *chars);
    for (size_t i = 0; i < s->n; i++) {
        sets[i] = hb_set_create();
        chars[i] = embed ? hb_set_create() : NULL;
    }
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
                for (const char *c = run->text; embed && c < run->text + run->text_len;
                     c = g_utf8_next_char(c))
                    hb_set_add(chars[slot_of[f]], g_utf8_get_char(c));
                break;
            }
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        subset *v = &s->v[i];
        if (!hb_set_is_empty(sets[i]) && !embed)
            v->face = make_subset(v->file, v->index, sets[i], &v->plan);
        /* Flat charstrings here too: with so few glyphs they come out smaller than the
         * subroutines they would need. */
        if (!hb_set_is_empty(sets[i]) && embed) {
            v->blob = cut(v->file, v->index, sets[i], chars[i],
                          HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE, &v->plan);
            read_names(v);
        }
        hb_set_destroy(sets[i]);
        hb_set_destroy(chars[i]);
    }
    free(sets);
    free(chars);
    free(slot_of);
    return s;
}

gw_subsets *gw_subsets_new(const gw_doc *doc)
{
    return build(doc, false);
}

gw_subsets *gw_subsets_new_embedded(const gw_doc *doc)
{
    return build(doc, true);
}

void gw_subsets_drop(gw_subsets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].face)
            cairo_font_face_destroy(s->v[i].face);
        hb_blob_destroy(s->v[i].blob);
        hb_subset_plan_destroy(s->v[i].plan);
        free(s->v[i].postscript);
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

bool gw_subsets_file(const gw_subsets *s, const gw_font *font, gw_face_file *out, const void **map)
{
    int index = 0;
    const char *file = gw_font_file(font, &index);
    *map = NULL;
    for (size_t i = 0; s && i < s->n; i++) {
        const subset *v = &s->v[i];
        if (v->blob && v->index == index && strcmp(v->file, file) == 0) {
            unsigned len = 0;
            out->data = hb_blob_get_data(v->blob, &len);
            out->len = len;
            out->postscript = v->postscript;
            out->weight = v->weight;
            *map = hb_subset_plan_old_to_new_glyph_mapping(v->plan);
            return true;
        }
    }
    return false;
}
