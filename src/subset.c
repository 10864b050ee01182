#include "subset.h"

#include "ctx.h"

#include <glib.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

/* One subset per face: fonts of one face at several sizes share it. */
typedef struct subset {
    const char *file;
    int index;
    hb_blob_t *blob;        /* the subset's file */
    hb_subset_plan_t *plan; /* holds the map of glyph ids into the subset */
    char *postscript;       /* the face's names, for embedding */
    int weight;
    bool variable; /* CFF2 outlines: not cut, not embedded */
    bool cff;      /* PostScript outlines, else TrueType */
} subset;

struct gw_subsets {
    subset *v;
    size_t n;
};

/* Cuts the face down to the glyphs (renumbered: the plan maps the old ids to the new) and, for
 * embedding, the characters (so that the subset's cmap still maps them). NULL on failure. */
static hb_blob_t *cut(hb_face_t *face, hb_set_t *glyphs, hb_set_t *unicodes, unsigned flags,
                      hb_subset_plan_t **plan_out)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
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

static size_t face_slot(gw_subsets *s, const gw_font *font)
{
    int index = 0;
    const char *file = gw_font_file(font, &index);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].index == index && strcmp(s->v[i].file, file) == 0)
            return i;
    s->v[s->n] = (subset){.file = file, .index = index};
    return s->n++;
}

/* The face's PostScript name and weight, read before subsetting drops what it does not need. */
static void read_names(subset *v, hb_face_t *face)
{
    char name[256] = "";
    unsigned len = sizeof name;
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, hb_language_from_string("en", -1),
                        &len, name);
    v->postscript = gw_xstrdup(name);
    hb_font_t *font = hb_font_create(face);
    v->weight = (int)hb_style_get_value(font, HB_STYLE_TAG_WEIGHT);
    hb_font_destroy(font);
}

typedef struct cut_job {
    subset *v;
    hb_set_t **glyphs, **chars;
} cut_job;

/* One face; the faces are cut in parallel, each in its own blob and face. */
/* The face's tables, but for the cmap: HarfBuzz would otherwise go through all of it (44,000
 * characters in a Noto CJK face, half the time of its subset) to learn which characters the
 * kept glyphs have, for a cmap that the PDF does not embed with a CFF face (it embeds the bare
 * CFF table; a TrueType face goes in whole, and keeps its cmap). */
static hb_blob_t *table_for_glyphs(hb_face_t *face, hb_tag_t tag, void *user_data)
{
    (void)face;
    if (tag == HB_TAG('c', 'm', 'a', 'p'))
        return hb_blob_get_empty();
    return hb_face_reference_table(user_data, tag);
}

static bool has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *table = hb_face_reference_table(face, tag);
    bool has = hb_blob_get_length(table) > 0;
    hb_blob_destroy(table);
    return has;
}

static void cut_one(void *data, size_t i)
{
    cut_job *job = data;
    subset *v = &job->v[i];
    if (hb_set_is_empty(job->glyphs[i]) || !v->file || !*v->file)
        return;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(v->file);
    if (!blob)
        return;
    hb_face_t *face = hb_face_create(blob, (unsigned)v->index);
    hb_blob_destroy(blob);
    v->variable = has_table(face, HB_TAG('C', 'F', 'F', '2'));
    v->cff = has_table(face, HB_TAG('C', 'F', 'F', ' '));
    if (v->variable) {
        hb_face_destroy(face);
        return;
    }
    read_names(v, face);
    if (!job->chars[i] && v->cff) {
        hb_face_t *tables =
            hb_face_create_for_tables(table_for_glyphs, face, (hb_destroy_func_t)hb_face_destroy);
        hb_face_set_upem(tables, hb_face_get_upem(face));
        hb_face_set_glyph_count(tables, hb_face_get_glyph_count(face));
        face = tables;
    }
    /* Hinting is of no use on paper or screen at these sizes, and with so few glyphs flat
     * charstrings come out smaller than the subroutines they would need. */
    v->blob = cut(face, job->glyphs[i], job->chars[i],
                  HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE, &v->plan);
    hb_face_destroy(face);
}

/* The PDF draws glyphs by id alone; OFD readers want the characters the glyphs were shaped
 * from in the subsets' cmaps too. */
gw_subsets *gw_subsets_new(gw_ctx *ctx, const gw_doc *doc, bool with_cmap)
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
        chars[i] = with_cmap ? hb_set_create() : NULL;
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
                for (const char *c = run->text; with_cmap && c < run->text + run->text_len;
                     c = g_utf8_next_char(c))
                    hb_set_add(chars[slot_of[f]], g_utf8_get_char(c));
                break;
            }
        }
    }
    cut_job job = {s->v, sets, chars};
    gw_parallel_for(ctx->threads, s->n, cut_one, &job);
    for (size_t i = 0; i < s->n; i++) {
        hb_set_destroy(sets[i]);
        hb_set_destroy(chars[i]);
    }
    free(sets);
    free(chars);
    free(slot_of);
    return s;
}

void gw_subsets_drop(gw_subsets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        hb_blob_destroy(s->v[i].blob);
        hb_subset_plan_destroy(s->v[i].plan);
        free(s->v[i].postscript);
    }
    free(s->v);
    free(s);
}

unsigned gw_subsets_glyph(const void *map, unsigned glyph)
{
    if (!map)
        return glyph;
    hb_codepoint_t g = hb_map_get(map, glyph);
    return g == HB_MAP_VALUE_INVALID ? 0 : g;
}

bool gw_subsets_variable(const gw_subsets *s, const gw_font *font)
{
    int index = 0;
    const char *file = gw_font_file(font, &index);
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i].index == index && strcmp(s->v[i].file, file) == 0)
            return s->v[i].variable;
    return false;
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
            out->cff = v->cff;
            *map = hb_subset_plan_old_to_new_glyph_mapping(v->plan);
            return true;
        }
    }
    return false;
}
