#include "typeset.h"

#include "fonts.h"
#include "image.h"
#include "linebreak.h"
#include "words.h"

#include <limits.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* Positions are compared with this slack (pt) so that rounding never costs a line. */
#define EPS 0.01

/* One line of text (or a row of cells) before it is given its place on a page. Item
 * positions are relative to the left edge of the type area and to the baseline. */
typedef struct set_line {
    bool image;       /* a box (an image, columns), not a line of text: its ink fills the cell */
    double cell;      /* height of the line's cell */
    double base;      /* baseline below the top of the cell */
    double size;      /* em size, for the em box */
    double width;     /* logical width */
    double ink_depth; /* ink below the cell's top when deeper than the cell (hung seals) */
    gw_item *items;
    size_t n_items, cap_items;
    int line;
} set_line;

typedef struct line_list {
    set_line *v;
    size_t n, cap;
} line_list;

/* The type area of the page being set: the layout's, or on a landscape page the layout's
 * turned a quarter (§8), in the landscape page's own coordinates. */
typedef struct area {
    double left, top, w, h;
} area;

typedef struct typesetter {
    gw_ctx *ctx;
    const gw_layout *L;
    const char *path;
    gw_doc *doc;
    PangoContext *pc;
    bool failed;
    /* Where the flow stands: the page, the cursor below the type area's top, and the bottom of
     * the last text's em box (rules are placed from it). */
    size_t page;
    double y, ink_bottom;
    bool page_empty;
    double prev_top, prev_bottom; /* the last block's extent on the current page */
    bool quiet;                   /* looking ahead: the real pass reports what goes wrong */
    area area;                    /* of the current page */
    bool landscape;               /* the current page is turned for a wide table */
    bool landscape_done;    /* a landscape block ended: the next block starts a portrait page */
    const char *relocated;  /* the fallback taken: its blocks left out, its colophon blocks in */
    size_t first_line_page; /* where the last block placed began */
    double carried_before;  /* the space of a block left out, for the next one */
    gunichar last_missing;  /* the last character reported missing, and where */
    int last_missing_line;
} typesetter;

static double ln_pt(const typesetter *T)
{
    return T->L->area_h / T->L->lines;
}

static double ch_pt(const typesetter *T)
{
    return T->L->area_w / T->L->chars;
}

static double len(const typesetter *T, gw_len l, double em)
{
    return gw_len_pt(T->L, l, em);
}

/* Loads an image named by the layout, relative to the source's folder; NULL after reporting. */
static const gw_image *load_image(typesetter *T, const gw_block *b)
{
    char *path;
    const char *slash = strrchr(T->path, '/');
    if (b->src[0] == '/' || !slash)
        path = gw_xstrdup(b->src);
    else
        path = gw_xasprintf("%.*s/%s", (int)(slash - T->path), T->path, b->src);
    if (T->quiet) {
        free(path); /* looking ahead: the image's box is all that counts */
        return NULL;
    }
    gw_image *img = gw_image_new(T->ctx, path, (gw_pos){T->path, b->line});
    free(path);
    if (!img) {
        T->failed = true;
        return NULL;
    }
    *GW_PUSH(T->doc->images, T->doc->n_images, T->doc->cap_images) = img;
    return img;
}

/* An image item of a block, at (x, y) from the line's origin. */
static void add_image(typesetter *T, const gw_block *b, set_line *sl, double x, double y)
{
    const gw_image *img = load_image(T, b);
    if (!img)
        return;
    gw_item *it = GW_PUSH(sl->items, sl->n_items, sl->cap_items);
    memset(it, 0, sizeof *it);
    it->kind = GW_ITEM_IMAGE;
    it->line = b->line;
    it->u.image = (gw_placed_image){
        img, x, y, len(T, b->width, b->style.size), len(T, b->height, b->style.size), b->multiply};
}

/* Where a box of width w goes in a measure of width avail: left or right `inset` in, or centred. */
static double side_x(gw_align align, double avail, double inset, double w)
{
    return align == GW_RIGHT ? avail - inset - w : align == GW_CENTER ? (avail - w) / 2 : inset;
}

static void fail(typesetter *T, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(typesetter *T, int line, const char *fmt, ...)
{
    if (T->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    gw_verror(T->ctx, (gw_pos){T->path, line}, "error", fmt, ap);
    va_end(ap);
    T->failed = true;
}

static const gw_font *font_for(typesetter *T, PangoFont *pf)
{
    for (size_t i = 0; i < T->doc->n_fonts; i++)
        if (gw_font_pango(T->doc->fonts[i]) == pf)
            return T->doc->fonts[i];
    gw_font *f = gw_font_new(pf);
    *GW_PUSH(T->doc->fonts, T->doc->n_fonts, T->doc->cap_fonts) = f;
    return f;
}

static const gw_span *span_at(const gw_text *t, size_t offset)
{
    for (size_t i = 0; i < t->n_spans; i++)
        if (offset >= t->spans[i].start && offset < t->spans[i].end)
            return &t->spans[i];
    return t->n_spans ? &t->spans[t->n_spans - 1] : NULL;
}

/* Role names outlive the layout: the document keeps its own copies for the backends. */
static const char *role_name(typesetter *T, int face)
{
    gw_doc *doc = T->doc;
    if (!doc->roles) {
        doc->n_roles = T->L->n_faces;
        doc->roles = gw_xcalloc(doc->n_roles, sizeof *doc->roles);
        for (size_t i = 0; i < doc->n_roles; i++)
            doc->roles[i] = gw_xstrdup(T->L->faces[i].role);
    }
    return (size_t)face < doc->n_roles ? doc->roles[face] : "";
}

static PangoLayout *new_layout(typesetter *T, const gw_text *t)
{
    PangoLayout *lay = pango_layout_new(T->pc);
    pango_layout_set_text(lay, t->utf8, (int)t->len);
    PangoAttrList *al = pango_attr_list_new();
    for (size_t i = 0; i < t->n_spans; i++) {
        const gw_span *s = &t->spans[i];
        PangoFontDescription *d = pango_font_description_new();
        pango_font_description_set_family(d, T->L->faces[s->style.face].family);
        pango_font_description_set_size(d, (int)lround(s->style.size * PANGO_SCALE));
        PangoAttribute *a = pango_attr_font_desc_new(d);
        pango_font_description_free(d);
        a->start_index = (guint)s->start;
        a->end_index = (guint)s->end;
        pango_attr_list_insert(al, a);
    }
    pango_layout_set_attributes(lay, al);
    pango_attr_list_unref(al);
    return lay;
}

/* A cluster as Pango shaped it: where its glyphs and bytes are. */
typedef struct cluster_ref {
    PangoGlyphItem *run;
    int glyph, n_glyphs;
    int byte, bytes;
    double shift; /* moves the glyphs to the middle of a grid cell */
} cluster_ref;

/* One unbroken Pango line (a paragraph, or the part of one up to a forced break) as clusters. */
typedef struct shaped {
    gw_lb_cluster *c;
    cluster_ref *ref;
    size_t n;
} shaped;

/* With grid, every cluster advances its natural width plus the tracking that puts a full-width
 * character on the grid (156 mm / 28 is 15.79 pt for a 16 pt face), its glyphs centred in
 * the narrower cell. */
static void add_cluster(shaped *out, size_t *cap, gw_lb_cluster c, cluster_ref r)
{
    size_t old = *cap;
    *GW_PUSH(out->c, out->n, *cap) = c;
    if (*cap != old)
        out->ref = gw_xrealloc(out->ref, *cap * sizeof *out->ref);
    out->ref[out->n - 1] = r;
}

static int by_offset(const void *a, const void *b)
{
    int x = (*(PangoGlyphItem *const *)a)->item->offset;
    int y = (*(PangoGlyphItem *const *)b)->item->offset;
    return (x > y) - (x < y);
}

static void shape(const typesetter *T, PangoLayout *lay, PangoLayoutLine *line, const gw_text *t,
                  bool grid, shaped *out)
{
    int n_attrs = 0;
    const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(lay, &n_attrs);
    const char *text = pango_layout_get_text(lay);
    size_t len = strlen(text);
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    /* Break opportunities are per character, clusters per byte. */
    int *char_at = gw_xcalloc(len + 1, sizeof *char_at);
    int ci = 0;
    for (const char *p = text; (size_t)(p - text) < len; p = g_utf8_next_char(p))
        char_at[p - text] = ci++;
    char_at[len] = ci;
    /* Pango lists a line's runs in visual order; the line filler wants the text's order (the
     * lines it makes are put in visual order again by emit_line). */
    size_t n_runs = g_slist_length(line->runs), r = 0;
    PangoGlyphItem **runs = gw_xcalloc(n_runs ? n_runs : 1, sizeof *runs);
    for (GSList *l = line->runs; l; l = l->next)
        runs[r++] = l->data;
    qsort(runs, n_runs, sizeof *runs, by_offset);
    for (r = 0; r < n_runs; r++) {
        PangoGlyphItem *gi = runs[r];
        PangoGlyphString *gs = gi->glyphs;
        const gw_span *span = span_at(t, (size_t)gi->item->offset);
        double em = span ? span->style.size : 0;
        double track = grid ? ch_pt(T) - em : 0;
        /* Clusters in logical order: right-to-left runs list their glyphs reversed. */
        bool rtl = gi->item->analysis.level & 1;
        int n = gs->num_glyphs;
        for (int k = 0; k < n;) {
            int first = rtl ? n - 1 - k : k;
            int start = gs->log_clusters[first];
            int m = 0; /* glyphs in this cluster */
            double adv = 0;
            while (k + m < n && gs->log_clusters[rtl ? n - 1 - (k + m) : k + m] == start) {
                adv +=
                    (double)gs->glyphs[rtl ? n - 1 - (k + m) : k + m].geometry.width / PANGO_SCALE;
                m++;
            }
            int next =
                k + m < n ? gs->log_clusters[rtl ? n - 1 - (k + m) : k + m] : gi->item->length;
            int byte = gi->item->offset + start;
            gunichar cp = g_utf8_get_char(text + byte);
            gw_punct punct = gw_lb_punct_of(cp);
            /* Only full-width marks have a blank half to give up. */
            if (adv < 0.75 * em)
                punct = GW_PUNCT_NONE;
            int ch = byte >= 0 && (size_t)byte <= len ? char_at[byte] : 0;
            bool brk = ch < n_attrs && attrs[ch].is_line_break;
            /* Zero-width characters take no grid cell. */
            double tr = adv > 0 ? track : 0;
            add_cluster(out, &cap,
                        (gw_lb_cluster){adv + tr, brk, punct, false, 0, cp == 0x20 || cp == 0x3000},
                        (cluster_ref){gi, rtl ? n - k - m : k, m, byte, next - start, tr / 2});
            k += m;
        }
    }
    free(runs);
    free(char_at);
}

static void free_shaped(shaped *s)
{
    free(s->c);
    free(s->ref);
}

static gw_glyph_run *new_run(typesetter *T, const gw_text *t, set_line *out, PangoGlyphItem *gi)
{
    const gw_span *span = span_at(t, (size_t)gi->item->offset);
    gw_item *it = GW_PUSH(out->items, out->n_items, out->cap_items);
    memset(it, 0, sizeof *it);
    it->kind = GW_ITEM_GLYPHS;
    it->line = out->line;
    gw_glyph_run *run = &it->u.run;
    run->font = font_for(T, gi->item->analysis.font);
    run->role = span ? role_name(T, span->style.face) : "";
    run->size = span ? span->style.size : 0;
    run->color = span ? span->style.color : 0;
    run->scale_x = 1;
    return run;
}

static int level_of(const shaped *s, size_t q)
{
    return s->ref[q].run->item->analysis.level;
}

/* The line's clusters in visual order (Unicode's rule L2: from the highest embedding level down
 * to the lowest odd one, reverse every stretch at that level or above), and where each then
 * stands: its logical width (to the next cluster's x, or the line's end) laid end to end. */
static void visual_order(const shaped *s, gw_lb_line line, const double *x, double line_width,
                         size_t *order, double *vx)
{
    size_t n = line.end - line.start;
    int high = 0, low_odd = INT_MAX;
    for (size_t i = 0; i < n; i++) {
        order[i] = line.start + i;
        int lv = level_of(s, line.start + i);
        high = lv > high ? lv : high;
        if (lv & 1 && lv < low_odd)
            low_odd = lv;
    }
    for (int lv = high; lv >= low_odd && lv > 0; lv--)
        for (size_t i = 0; i < n;) {
            if (level_of(s, order[i]) < lv) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && level_of(s, order[j]) >= lv)
                j++;
            for (size_t p = i, q = j - 1; p < q; p++, q--) {
                size_t tmp = order[p];
                order[p] = order[q];
                order[q] = tmp;
            }
            i = j;
        }
    double at = n ? x[0] : 0; /* an opening mark may start the line left of 0 */
    for (size_t i = 0; i < n; i++) {
        size_t q = order[i] - line.start;
        vx[order[i] - line.start] = at;
        at += (q + 1 < n ? x[q + 1] : line_width) - x[q];
    }
}

/* Struck and underlined text (a comparison's deletions and insertions) gets rules of its own,
 * one for each stretch of clusters that share a decoration, a size and a colour, so that a
 * backend paints them as it paints any rule. They span the clusters' advances, tracking and
 * justification included, so a stretch on the grid is one unbroken line. The strike runs through
 * the em box's middle, the underline a tenth of an em below its bottom; both are an
 * twentieth of an em thick. */
static void decorate_line(typesetter *T, const gw_text *t, const shaped *s, gw_lb_line line,
                          const size_t *order, const double *vx, double line_x, double scale,
                          double line_width, set_line *out)
{
    size_t n = line.end - line.start;
    for (size_t i = 0; i < n;) {
        const gw_span *span = span_at(t, (size_t)s->ref[order[i]].byte);
        if (!span || span->style.decoration == GW_DECO_NONE) {
            i++;
            continue;
        }
        gw_style st = span->style;
        double x0 = vx[order[i] - line.start];
        for (i++; i < n; i++) {
            const gw_span *next = span_at(t, (size_t)s->ref[order[i]].byte);
            if (!next || next->style.decoration != st.decoration || next->style.size != st.size ||
                next->style.color != st.color)
                break;
        }
        double x1 = i < n ? vx[order[i] - line.start] : line_width;
        double y = st.decoration == GW_DECO_STRIKE ? -(T->L->em_top - 0.5) * st.size
                                                   : (1.1 - T->L->em_top) * st.size;
        gw_item *it = GW_PUSH(out->items, out->n_items, out->cap_items);
        memset(it, 0, sizeof *it);
        it->kind = GW_ITEM_RULE;
        it->line = out->line;
        it->u.rule =
            (gw_rule){line_x + x0 * scale, line_x + x1 * scale, y, st.size / 20, st.color, y};
    }
}

/* Turns the clusters of one line, placed at x (from line_x, scaled by scale), into glyph runs:
 * one per stretch of clusters that Pango shaped in one run, in visual order. Right-to-left
 * stretches keep their text in logical order and list their glyphs visually (backward). */
static void emit_line(typesetter *T, const gw_text *t, const shaped *s, gw_lb_line line,
                      const double *x, double line_x, double scale, double line_width,
                      set_line *out)
{
    size_t n = line.end - line.start;
    size_t *order = gw_xcalloc(n ? n : 1, sizeof *order);
    double *vx = gw_xcalloc(n ? n : 1, sizeof *vx);
    visual_order(s, line, x, line_width, order, vx);
    size_t i = 0;
    while (i < n) {
        PangoGlyphItem *gi = s->ref[order[i]].run;
        bool backward = level_of(s, order[i]) & 1;
        size_t first = i;
        while (i < n && s->ref[order[i]].run == gi)
            i++;
        /* The stretch's clusters in logical order: lo .. hi. */
        size_t lo = backward ? order[i - 1] : order[first];
        size_t hi = backward ? order[first] : order[i - 1];
        gw_glyph_run *run = new_run(T, t, out, gi);
        double origin = vx[order[first] - line.start];
        run->x = line_x + origin * scale;
        run->scale_x = scale;
        run->backward = backward;
        int byte0 = s->ref[lo].byte;
        int byte1 = s->ref[hi].byte + s->ref[hi].bytes;
        run->text = gw_xstrndup(t->utf8 + byte0, (size_t)(byte1 - byte0));
        run->text_len = (size_t)(byte1 - byte0);
        size_t n_glyphs = 0;
        for (size_t q = lo; q <= hi; q++)
            n_glyphs += (size_t)s->ref[q].n_glyphs;
        run->glyphs = gw_xcalloc(n_glyphs, sizeof *run->glyphs);
        run->clusters = gw_xcalloc(hi - lo + 1, sizeof *run->clusters);
        int *drawn_in = gw_xcalloc(hi - lo + 1, sizeof *drawn_in);
        for (size_t v = first; v < i; v++) {
            size_t q = order[v];
            const cluster_ref *r = &s->ref[q];
            double gx = vx[q - line.start] - origin + r->shift;
            int drawn = 0;
            for (int g = r->glyph; g < r->glyph + r->n_glyphs; g++) {
                PangoGlyphInfo *info = &gi->glyphs->glyphs[g];
                if (info->glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
                    gunichar c = info->glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
                    char utf8[8] = {0};
                    g_unichar_to_utf8(c, utf8);
                    /* Once per character and source line is enough. */
                    if (c != T->last_missing || out->line != T->last_missing_line)
                        fail(T, out->line, "no font has the character U+%04X \"%s\"", (unsigned)c,
                             utf8);
                    T->last_missing = c;
                    T->last_missing_line = out->line;
                } else if (info->glyph != PANGO_GLYPH_EMPTY) {
                    run->glyphs[run->n_glyphs++] =
                        (gw_glyph){info->glyph, gx + (double)info->geometry.x_offset / PANGO_SCALE,
                                   (double)info->geometry.y_offset / PANGO_SCALE};
                    drawn++;
                }
                gx += (double)info->geometry.width / PANGO_SCALE;
            }
            drawn_in[q - lo] = drawn;
        }
        for (size_t q = lo; q <= hi; q++)
            run->clusters[run->n_clusters++] = (gw_cluster){s->ref[q].bytes, drawn_in[q - lo]};
        free(drawn_in);
        double end = i < n ? vx[order[i] - line.start] : line_width;
        run->advance = end - origin;
    }
    decorate_line(T, t, s, line, order, vx, line_x, scale, line_width, out);
    free(vx);
    free(order);
}

static void free_lines(line_list *ll, bool items_moved);

/* Moves a placed item by (dx, dy). */
static void item_shift(gw_item *it, double dx, double dy)
{
    if (it->kind == GW_ITEM_IMAGE) {
        it->u.image.x += dx;
        it->u.image.y += dy;
    } else if (it->kind == GW_ITEM_GLYPHS) {
        it->u.run.x += dx;
        it->u.run.y += dy;
    } else {
        it->u.rule.x0 += dx;
        it->u.rule.x1 += dx;
        it->u.rule.y += dy;
        it->u.rule.y1 += dy;
    }
}

static set_line *new_line(line_list *out, const typesetter *T, double size, bool cell_em, int src)
{
    set_line *sl = GW_PUSH(out->v, out->n, out->cap);
    memset(sl, 0, sizeof *sl);
    sl->size = size;
    sl->line = src;
    if (cell_em) {
        sl->cell = size;
        sl->base = T->L->em_top * size;
    } else {
        /* The em box is centred in the line's cell. */
        sl->cell = ln_pt(T);
        sl->base = sl->cell / 2 + (T->L->em_top - 0.5) * size;
    }
    return sl;
}

/* A title breaks between words: a break elsewhere costs a penalty that only a much more even
 * title can outweigh (the fewest lines come first all the same). The layout's <wbr/> hints
 * become preferred breaks. */
static void keep_words(const gw_text *t, shaped *s)
{
    gw_word_break *starts = gw_word_starts(t->utf8, t->len);
    for (size_t k = 1; k < s->n; k++) {
        size_t byte = (size_t)s->ref[k].byte;
        if (starts && byte <= t->len)
            s->c[k].penalty = starts[byte] == GW_WORD_START   ? 0
                              : starts[byte] == GW_WORD_GLUED ? 0.3
                                                              : 1;
        /* Inside a <keep> (an organ's name in a title), a break costs more than anywhere. */
        for (size_t r = 0; r + 1 < t->n_keeps; r += 2)
            if (byte > t->keeps[r] && byte < t->keeps[r + 1])
                s->c[k].penalty += 2;
        for (size_t h = 0; h < t->n_hints; h++) {
            if (t->hints[h] == byte) {
                s->c[k].prefer = true;
                s->c[k].penalty = 0; /* the stylesheet knows a word ends here */
                s->c[k].break_before = true;
            }
        }
    }
    free(starts);
}

/* Sets a paragraph into lines within [x_left, x_left + width]. */
static void set_para(typesetter *T, const gw_block *b, double x_left, double width, line_list *out)
{
    double size = b->style.size;
    double left = len(T, b->left, size), right = len(T, b->right, size);
    double hang = len(T, b->hang, size);
    double indent = hang > 0 ? 0 : len(T, b->indent, size);
    x_left += left;
    width -= left + right;
    PangoLayout *lay = new_layout(T, &b->text);
    /* Pango shapes each forced line (split at <br/>) whole; the line filler breaks it. */
    for (int p = 0; p < pango_layout_get_line_count(lay); p++) {
        PangoLayoutLine *pl = pango_layout_get_line_readonly(lay, p);
        shaped s;
        shape(T, lay, pl, &b->text, b->grid, &s);
        if (b->balance)
            keep_words(&b->text, &s);
        double scale = 1;
        double measure = width;
        if (b->fit_compress) {
            double natural = 0;
            for (size_t i = 0; i < s.n; i++)
                natural += s.c[i].advance;
            double max = b->max_width.set ? len(T, b->max_width, size) : width;
            if (max <= 0) {
                fail(T, b->line, "a line compressed to fit needs a positive width");
                max = width;
            }
            if (natural > max)
                scale = max / natural;
            measure = INFINITY; /* one line */
        }
        gw_lb_line *lines = NULL;
        size_t n = b->balance && !indent && !hang
                       ? gw_lb_balance(s.c, s.n, measure, &lines)
                       : gw_lb_break(s.c, s.n, measure - (p == 0 ? indent : hang), measure - hang,
                                     b->align == GW_JUSTIFY, &lines);
        if (n > 0 && lines[n - 1].lone)
            gw_warning(T->ctx, (gw_pos){T->path, b->line},
                       "a paragraph ends with one character alone on its last line (孤字): the "
                       "line above has too little punctuation to make room for it");
        /* A space where a line ends is not set: it would push a centred line off centre. */
        for (size_t li = 0; li + 1 < n; li++)
            while (lines[li].end > lines[li].start + 1 && s.c[lines[li].end - 1].space)
                lines[li].end--;
        double *x = gw_xcalloc(s.n + 1, sizeof *x);
        for (size_t li = 0; li < n; li++) {
            bool first = li == 0 && p == 0;
            double line_indent = first ? indent : hang;
            double avail = (isinf(measure) ? width / scale : measure) - line_indent;
            gw_lb_line line = lines[li];
            if (b->align == GW_DISTRIBUTE)
                line.last = false; /* even the last line fills the measure */
            double used = gw_lb_place(s.c, line, avail,
                                      b->align == GW_JUSTIFY || b->align == GW_DISTRIBUTE, x);
            used *= scale;
            double lx = x_left + line_indent;
            if (b->align == GW_CENTER)
                lx = x_left + (width - used) / 2;
            else if (b->align == GW_RIGHT)
                lx = x_left + width - used;
            set_line *sl = new_line(out, T, size, b->cell_em, b->line);
            sl->width = used;
            emit_line(T, &b->text, &s, lines[li], x, lx, scale, used / scale, sl);
        }
        free(x);
        free(lines);
        free_shaped(&s);
    }
    g_object_unref(lay);
}

/* The natural width of a text set on one line. */
static double natural_width(typesetter *T, const gw_text *t, bool grid, int *n_lines)
{
    PangoLayout *lay = new_layout(T, t);
    *n_lines = pango_layout_get_line_count(lay);
    shaped s;
    shape(T, lay, pango_layout_get_line_readonly(lay, 0), t, grid, &s);
    double w = 0;
    for (size_t i = 0; i < s.n; i++)
        w += s.c[i].advance;
    free_shaped(&s);
    g_object_unref(lay);
    return w;
}

static void set_row(typesetter *T, const gw_block *b, line_list *out)
{
    /* Each cell is a one-line paragraph placed by its alignment and inset; the cells share
     * one line. */
    set_line *sl = new_line(out, T, b->style.size, false, b->line);
    double prev_right = -1;
    for (size_t i = 0; i < b->n_cells; i++) {
        const gw_cell *c = &b->cells[i];
        double size = c->text.n_spans ? c->text.spans[0].style.size : b->style.size;
        int n_lines = 0;
        double w = natural_width(T, &c->text, b->grid, &n_lines);
        double inset = len(T, c->inset, size);
        double x = side_x(c->align, T->area.w, inset, w);
        if (n_lines > 1)
            fail(T, b->line, "a part of this line holds a line break; it must fit on one line");
        if (x < prev_right - EPS || x + w > T->area.w + EPS || x < -EPS)
            fail(T, b->line, "the parts of this line do not fit side by side in the type area");
        prev_right = x + w;
        gw_block cell = {.kind = GW_BLOCK_PARA,
                         .style = b->style,
                         .text = c->text,
                         .grid = b->grid,
                         .align = GW_LEFT,
                         .outline_level = -1};
        line_list tmp = {0};
        set_para(T, &cell, x, INFINITY, &tmp);
        for (size_t k = 0; k < tmp.n; k++) {
            for (size_t j = 0; j < tmp.v[k].n_items; j++)
                *GW_PUSH(sl->items, sl->n_items, sl->cap_items) = tmp.v[k].items[j];
            tmp.v[k].n_items = 0;
        }
        free_lines(&tmp, true);
    }
}

/* Images (a seal) lie over a group, centred on the box [x, x + box], hung from the top of its
 * first line's cell. */
static void place_group_images(typesetter *T, const gw_block *b, line_list *out, size_t first,
                               double x, double box)
{
    for (size_t i = 0; i < b->n_children && out->n > first; i++) {
        const gw_block *c = &b->children[i];
        if (c->kind != GW_BLOCK_IMAGE)
            continue;
        set_line *sl = &out->v[first];
        double w = len(T, c->width, c->style.size);
        add_image(T, c, sl, x + box / 2 - w / 2, len(T, c->top, c->style.size) - sl->base);
    }
}

static void set_group(typesetter *T, const gw_block *b, line_list *out)
{
    /* Lines are set flush left at their shift, then the group is aligned as one box. The box
     * is the first line's unless a later line is longer than it (GB/T 9704 §7.3.5.2: the
     * signature stands two characters in, and only a date longer than the signature moves it):
     * then it is the widest extent of all. */
    size_t first = out->n;
    double box = 0, first_width = -1;
    bool longer = false;
    for (size_t i = 0; i < b->n_children; i++) {
        const gw_block *c = &b->children[i];
        if (c->kind == GW_BLOCK_IMAGE)
            continue; /* laid over the lines once the group stands */
        double shift = len(T, c->shift, c->style.size);
        size_t from = out->n;
        gw_block para = *c;
        para.align = GW_LEFT;
        set_para(T, &para, shift, T->area.w - shift, out);
        for (size_t k = from; k < out->n; k++) {
            if (first_width < 0)
                first_width = out->v[k].width;
            else if (out->v[k].width > first_width + EPS)
                longer = true;
            if (shift + out->v[k].width > box)
                box = shift + out->v[k].width;
        }
    }
    double inset = len(T, b->inset, b->style.size);
    if (b->align == GW_RIGHT && !longer && first_width >= 0 &&
        T->area.w - inset - first_width + box <= T->area.w + EPS)
        box = first_width; /* later lines may reach past it, within the type area */
    if (b->center_on_last && out->n > first) {
        /* The last line (the date) is aligned; the others are centred on it. */
        double anchor = out->v[out->n - 1].width;
        double x = side_x(b->align, T->area.w, inset, anchor);
        double lo = x, hi = x + anchor;
        for (size_t k = first; k < out->n; k++) {
            double dx = x + (anchor - out->v[k].width) / 2;
            if (dx < lo)
                lo = dx;
            if (dx + out->v[k].width > hi)
                hi = dx + out->v[k].width;
            for (size_t j = 0; j < out->v[k].n_items; j++)
                item_shift(&out->v[k].items[j], dx, 0);
        }
        /* A signature longer than its date may reach past the type area: the block moves in
         * until it fits. */
        double in = hi > T->area.w ? hi - T->area.w : 0;
        if (lo - in < -EPS)
            fail(T, b->line, "the signature is wider than the type area");
        for (size_t k = first; k < out->n && in > 0; k++)
            for (size_t j = 0; j < out->v[k].n_items; j++)
                item_shift(&out->v[k].items[j], -in, 0);
        place_group_images(T, b, out, first, x - in, anchor);
        return;
    }
    double x = side_x(b->align, T->area.w, inset, box);
    if (x < -EPS || x + box > T->area.w + EPS)
        fail(T, b->line, "these lines are too long to be set as one block in the type area");
    for (size_t k = first; k < out->n; k++)
        for (size_t j = 0; j < out->v[k].n_items; j++)
            item_shift(&out->v[k].items[j], x, 0);
    place_group_images(T, b, out, first, x, box);
}

/* Columns side by side (the joint mark, §7.2.4: the organs stacked, 文件 to their right, centred
 * on the stack). A column's lines are as wide as its widest, distributed lines spread to it;
 * the whole is compressed horizontally to max-width if wider, and aligned as one box. It is
 * one line of the flow, as tall as its tallest column. */
static void set_columns(typesetter *T, const gw_block *b, line_list *out)
{
    size_t nc = b->n_children;
    line_list *cols = gw_xcalloc(nc ? nc : 1, sizeof *cols);
    double *widths = gw_xcalloc(nc ? nc : 1, sizeof *widths);
    double *heights = gw_xcalloc(nc ? nc : 1, sizeof *heights);
    double total = 0, tallest = 0;
    for (size_t c = 0; c < nc; c++) {
        const gw_block *col = &b->children[c];
        /* Natural widths first (or equal shares of the type area), then every line set again
         * at the column's width. */
        if (b->equal) {
            widths[c] = T->area.w / (double)(b->shares ? (size_t)b->shares : nc);
        } else {
            for (size_t i = 0; i < col->n_children; i++) {
                if (col->children[i].kind != GW_BLOCK_PARA)
                    continue;
                line_list tmp = {0};
                gw_block p = col->children[i];
                p.align = GW_LEFT;
                set_para(T, &p, 0, INFINITY, &tmp);
                for (size_t k = 0; k < tmp.n; k++)
                    if (tmp.v[k].width > widths[c])
                        widths[c] = tmp.v[k].width;
                free_lines(&tmp, false);
            }
        }
        double gap = len(T, col->gap, col->style.size);
        for (size_t i = 0; i < col->n_children; i++) {
            const gw_block *p = &col->children[i];
            if (p->kind != GW_BLOCK_PARA)
                continue; /* images lie over the column once it stands */
            set_para(T, p, 0,
                     p->align == GW_DISTRIBUTE || p->align == GW_CENTER || p->align == GW_RIGHT
                         ? widths[c]
                         : INFINITY,
                     &cols[c]);
        }
        for (size_t k = 0; k < cols[c].n; k++)
            heights[c] += cols[c].v[k].cell + (k + 1 < cols[c].n ? gap : 0);
        if (heights[c] > tallest)
            tallest = heights[c];
        total += widths[c] + (c + 1 < nc && !b->equal ? len(T, b->gap, b->style.size) : 0);
    }
    double max = b->max_width.set ? len(T, b->max_width, b->style.size) : T->area.w;
    double scale = total > max + EPS && total > 0 ? max / total : 1;
    double x0 = side_x(b->align, T->area.w, 0, total * scale);
    set_line *sl = new_line(out, T, b->style.size, true, b->line);
    sl->image = true; /* a box: its ink reaches its cell's bottom */
    sl->cell = tallest;
    sl->base = 0;
    sl->width = total * scale;
    double x = 0;
    for (size_t c = 0; c < nc; c++) {
        const gw_block *col = &b->children[c];
        double gap = len(T, col->gap, col->style.size);
        /* each column centred on the tallest, or all from the top (names on one line) */
        double y = b->top_aligned ? 0 : (tallest - heights[c]) / 2;
        double top = y;
        for (size_t k = 0; k < cols[c].n; k++) {
            set_line *l = &cols[c].v[k];
            for (size_t j = 0; j < l->n_items; j++) {
                gw_item it = l->items[j];
                if (it.kind == GW_ITEM_GLYPHS) {
                    it.u.run.x = x0 + (x + it.u.run.x) * scale;
                    it.u.run.scale_x *= scale;
                } else if (it.kind == GW_ITEM_RULE) { /* a decoration: compressed with its text */
                    it.u.rule.x0 = x0 + (x + it.u.rule.x0) * scale;
                    it.u.rule.x1 = x0 + (x + it.u.rule.x1) * scale;
                }
                item_shift(&it, it.kind == GW_ITEM_IMAGE ? x0 + x * scale : 0, y + l->base);
                *GW_PUSH(sl->items, sl->n_items, sl->cap_items) = it;
            }
            l->n_items = 0;
            y += l->cell + gap;
        }
        /* Images (a seal over each signature of a joint closing), centred on the column, hung
         * from the top of its first line. */
        for (size_t i = 0; i < col->n_children; i++) {
            const gw_block *im = &col->children[i];
            if (im->kind != GW_BLOCK_IMAGE)
                continue;
            double w = len(T, im->width, im->style.size);
            double im_top = top + len(T, im->top, im->style.size);
            add_image(T, im, sl, x0 + (x + widths[c] / 2) * scale - w / 2, im_top);
            double im_bottom = im_top + len(T, im->height, im->style.size);
            if (im_bottom > sl->ink_depth)
                sl->ink_depth = im_bottom;
        }
        x += widths[c] + (b->equal ? 0 : len(T, b->gap, b->style.size));
        free_lines(&cols[c], true);
    }
    free(cols);
    free(widths);
    free(heights);
}

static void set_block(typesetter *T, const gw_block *b, line_list *out)
{
    switch (b->kind) {
    case GW_BLOCK_PARA:
        set_para(T, b, 0, T->area.w, out);
        break;
    case GW_BLOCK_ROW:
        set_row(T, b, out);
        break;
    case GW_BLOCK_GROUP:
        set_group(T, b, out);
        break;
    case GW_BLOCK_COLUMNS:
        set_columns(T, b, out);
        break;
    case GW_BLOCK_COLUMN:
    case GW_BLOCK_TABLE: /* set row by row as it is placed (flow_table) */
    case GW_BLOCK_TR:
        break;
    case GW_BLOCK_IMAGE: {
        /* In the flow, an image takes its own height as its line. */
        set_line *sl = new_line(out, T, b->style.size, false, b->line);
        sl->image = true;
        sl->cell = len(T, b->height, b->style.size);
        sl->base = 0;
        double w = len(T, b->width, b->style.size);
        sl->width = w;
        add_image(T, b, sl, side_x(b->align, T->area.w, len(T, b->inset, b->style.size), w), 0);
        break;
    }
    case GW_BLOCK_RULE:
        break;
    }
}

static void free_lines(line_list *ll, bool items_moved)
{
    for (size_t i = 0; i < ll->n; i++) {
        if (!items_moved)
            for (size_t j = 0; j < ll->v[i].n_items; j++) {
                gw_item *it = &ll->v[i].items[j];
                if (it->kind == GW_ITEM_GLYPHS) {
                    free(it->u.run.glyphs);
                    free(it->u.run.text);
                    free(it->u.run.clusters);
                }
            }
        free(ll->v[i].items);
    }
    free(ll->v);
    ll->v = NULL;
    ll->n = ll->cap = 0;
}

static gw_page *page(typesetter *T, size_t i)
{
    return &T->doc->pages[i];
}

static void add_page(typesetter *T)
{
    gw_page *p = GW_PUSH(T->doc->pages, T->doc->n_pages, T->doc->cap_pages);
    memset(p, 0, sizeof *p);
    p->width = T->L->page_w;
    p->height = T->L->page_h;
}

static void set_geometry(typesetter *T)
{
    const gw_layout *L = T->L;
    gw_page *p = &T->doc->pages[T->page];
    if (!T->landscape) {
        T->area = (area){L->area_left, L->area_top, L->area_w, L->area_h};
        p->rotation = 0;
    } else {
        /* §8: the table's head toward the binding on odd pages and toward the outer edge on
         * even ones, which is the left of the sheet either way: bound, every turned page
         * reads the same way up. */
        T->area = (area){L->page_h - L->area_top - L->area_h, L->area_left, L->area_h, L->area_w};
        p->rotation = -90;
    }
}

static void new_page(typesetter *T)
{
    add_page(T);
    T->page = T->doc->n_pages - 1;
    T->y = 0;
    T->ink_bottom = 0;
    T->page_empty = true;
    set_geometry(T);
}

static void push_item(typesetter *T, size_t pg, gw_item it)
{
    gw_page *p = page(T, pg);
    *GW_PUSH(p->items, p->n_items, p->cap_items) = it;
}

/* Puts a set line on page pg with its cell's top at y (below the type area's top). */
static void put_line(typesetter *T, size_t pg, set_line *sl, double y)
{
    double baseline = T->area.top + y + sl->base;
    for (size_t j = 0; j < sl->n_items; j++) {
        gw_item it = sl->items[j];
        item_shift(&it, T->area.left, baseline);
        push_item(T, pg, it);
    }
    sl->n_items = 0; /* the page owns them now */
}

static void put_rule(typesetter *T, size_t pg, const gw_block *b, double y)
{
    double len_pt = b->length.set ? len(T, b->length, b->style.size) : T->area.w;
    double x0 = T->area.left + (T->area.w - len_pt) / 2;
    gw_item it = {.kind = GW_ITEM_RULE, .line = b->line};
    double yy = T->area.top + y;
    it.u.rule =
        (gw_rule){x0, x0 + len_pt, yy, len(T, b->thickness, b->style.size), b->style.color, yy};
    push_item(T, pg, it);
}

static double lines_height(const line_list *ll, size_t from)
{
    double h = 0;
    for (size_t i = from; i < ll->n; i++)
        h += ll->v[i].cell;
    return h;
}

static void add_outline(typesetter *T, const gw_block *b)
{
    if (b->outline_level < 0)
        return;
    gw_outline_entry *e = GW_PUSH(T->doc->outline, T->doc->n_outline, T->doc->cap_outline);
    const char *title = b->outline_title ? b->outline_title : b->text.utf8;
    e->title = gw_xstrdup(title);
    for (char *p = e->title; *p; p++)
        if (*p == '\n')
            *p = ' ';
    e->level = b->outline_level;
    e->page = (int)T->page + 1;
    e->y = T->area.top + T->y;
}

/* Blocks outside the flow: a fixed block stands where its `at` says; a block beside the previous
 * one is centred on it vertically. Neither moves the flow on. */
static void place_aside(typesetter *T, const gw_block *b)
{
    if (b->kind == GW_BLOCK_RULE) {
        put_rule(T, T->page, b, len(T, b->at, b->style.size));
        return;
    }
    line_list ll = {0};
    set_block(T, b, &ll);
    double y = len(T, b->at, b->style.size);
    if (b->beside_previous)
        y = (T->prev_top + T->prev_bottom) / 2 - lines_height(&ll, 0) / 2;
    else if (b->beside_last)
        y = T->prev_bottom - lines_height(&ll, 0);
    for (size_t k = 0; k < ll.n; k++) {
        put_line(T, T->page, &ll.v[k], y);
        y += ll.v[k].cell;
    }
    free_lines(&ll, false);
}

/* A table row set into cells: each cell's lines, and the row's height. */
typedef struct table_row {
    line_list *cells;
    double *x; /* left edge of each cell, from the table's left */
    double *w; /* width of each cell */
    size_t n;
    double height;
} table_row;

/* The pitch of a table's lines: its own, or 1.5 em of its size. */
static double table_pitch(typesetter *T, const gw_block *table)
{
    double size = table->style.size;
    return table->pitch.set ? len(T, table->pitch, size) : size * 1.5;
}

static void set_table_row(typesetter *T, const gw_block *table, const gw_block *tr,
                          const double *col_x, size_t n_cols, table_row *out)
{
    double size = table->style.size;
    double pad = len(T, table->padding, size);
    double pitch = table_pitch(T, table);
    memset(out, 0, sizeof *out);
    out->n = tr->n_cells;
    out->cells = gw_xcalloc(out->n ? out->n : 1, sizeof *out->cells);
    out->x = gw_xcalloc(out->n ? out->n : 1, sizeof *out->x);
    out->w = gw_xcalloc(out->n ? out->n : 1, sizeof *out->w);
    size_t col = 0;
    double tallest = 0;
    for (size_t i = 0; i < tr->n_cells && col < n_cols; i++) {
        const gw_cell *c = &tr->cells[i];
        size_t end = col + (size_t)c->span < n_cols ? col + (size_t)c->span : n_cols;
        out->x[i] = col_x[col];
        out->w[i] = col_x[end] - col_x[col];
        gw_block p = {.kind = GW_BLOCK_PARA,
                      .style = c->text.n_spans ? c->text.spans[0].style : tr->style,
                      .text = c->text,
                      .align = c->align,
                      .outline_level = -1,
                      .line = tr->line};
        set_para(T, &p, out->x[i] + pad, out->w[i] - 2 * pad, &out->cells[i]);
        double h = 0;
        for (size_t k = 0; k < out->cells[i].n; k++) {
            /* Table lines keep their own pitch, the em box centred in it. */
            set_line *sl = &out->cells[i].v[k];
            sl->cell = pitch;
            sl->base = pitch / 2 + (T->L->em_top - 0.5) * sl->size;
            h += pitch;
        }
        if (h > tallest)
            tallest = h;
        col = end;
    }
    out->height = tallest + 2 * pad;
}

static void drop_row(table_row *r)
{
    for (size_t i = 0; i < r->n; i++)
        free_lines(&r->cells[i], false);
    free(r->cells);
    free(r->x);
    free(r->w);
}

/* Puts a row at y on the current page: its cells' lines, the rule along its top, and the rules
 * between and around its cells. */
static void put_table_row(typesetter *T, const gw_block *table, table_row *r, double y,
                          double width)
{
    double pad = len(T, table->padding, table->style.size);
    double thick = len(T, table->rule, table->style.size);
    double left = T->area.left, top = T->area.top;
    gw_item it = {.kind = GW_ITEM_RULE, .line = table->line};
    it.u.rule = (gw_rule){left, left + width, top + y, thick, table->style.color, top + y};
    push_item(T, T->page, it);
    for (size_t i = 0; i < r->n; i++) {
        double ly = y + pad;
        for (size_t k = 0; k < r->cells[i].n; k++) {
            put_line(T, T->page, &r->cells[i].v[k], ly);
            ly += r->cells[i].v[k].cell;
        }
        it.u.rule = (gw_rule){left + r->x[i], left + r->x[i],     top + y,
                              thick,          table->style.color, top + y + r->height};
        push_item(T, T->page, it);
    }
    it.u.rule = (gw_rule){left + width, left + width,       top + y,
                          thick,        table->style.color, top + y + r->height};
    push_item(T, T->page, it);
}

static void close_table(typesetter *T, const gw_block *table, double y, double width)
{
    double left = T->area.left, top = T->area.top;
    gw_item it = {.kind = GW_ITEM_RULE, .line = table->line};
    it.u.rule = (gw_rule){
        left,   left + width, top + y, len(T, table->rule, table->style.size), table->style.color,
        top + y};
    push_item(T, T->page, it);
}

/* A table (§7.3.3 tables, §8): ruled, its cells' text wrapping within their columns, set row by
 * row; a row breaks across pages only when it is taller than a page, and the header rows start
 * every page the table runs onto again. */
static double table_lead(typesetter *T, const gw_block *b);

/* The header rows again, at the top of a page the table runs onto. */
static void put_header(typesetter *T, const gw_block *b, const double *col_x, size_t n_cols,
                       size_t n_head, double width)
{
    for (size_t h = 0; h < n_head; h++) {
        table_row again;
        set_table_row(T, b, &b->children[h], col_x, n_cols, &again);
        put_table_row(T, b, &again, T->y, width);
        T->y += again.height;
        drop_row(&again);
    }
}

/* A row taller than a page (a long article in a 修订对照表) is split between its cells' lines:
 * as many lines as the page holds, the part closed by a rule, and the rest on the next page
 * below the header rows again. */
static void flow_tall_row(typesetter *T, const gw_block *b, table_row *r, const double *col_x,
                          size_t n_cols, size_t n_head, double width, bool first, bool *started)
{
    double size = b->style.size;
    double pad = len(T, b->padding, size);
    double pitch = table_pitch(T, b);
    size_t *from = gw_xcalloc(r->n ? r->n : 1, sizeof *from);
    line_list *views = gw_xcalloc(r->n ? r->n : 1, sizeof *views);
    for (bool done = false; !done;) {
        /* Lines that fit below the cursor with the padding above and below them: none when
         * less than the padding is left. */
        double room = T->area.h - T->y - 2 * pad + EPS;
        size_t fit = room > 0 ? (size_t)floor(room / pitch) : 0;
        if (fit == 0 && !T->page_empty) {
            if (*started)
                close_table(T, b, T->y, width);
            new_page(T);
            *started = false;
            put_header(T, b, col_x, n_cols, n_head, width);
            continue;
        }
        if (fit == 0) { /* not one line on an empty page: the pitch is taller than the page */
            fail(T, b->line, "a table line is taller than a page");
            break;
        }
        size_t tallest = 0;
        done = true;
        for (size_t c = 0; c < r->n; c++) {
            size_t left = r->cells[c].n - from[c];
            size_t n = left < fit ? left : fit;
            views[c] = (line_list){r->cells[c].v + from[c], n, n};
            from[c] += n;
            tallest = n > tallest ? n : tallest;
            done &= from[c] == r->cells[c].n;
        }
        table_row part = {views, r->x, r->w, r->n, (double)tallest * pitch + 2 * pad};
        if (first) { /* where the table began: its first part, not the later ones */
            T->prev_top = T->y;
            T->first_line_page = T->page;
            first = false;
        }
        put_table_row(T, b, &part, T->y, width);
        T->y += part.height;
        T->page_empty = false;
        *started = true;
        if (!done) {
            close_table(T, b, T->y, width);
            new_page(T);
            *started = false;
            put_header(T, b, col_x, n_cols, n_head, width);
        }
    }
    free(views);
    free(from);
}

static void flow_table(typesetter *T, const gw_block *b, double before)
{
    size_t n_cols = b->n_widths;
    double width = T->area.w, sum = 0;
    for (size_t i = 0; i < n_cols; i++)
        sum += b->widths[i];
    double *col_x = gw_xcalloc(n_cols + 1, sizeof *col_x);
    for (size_t i = 0; i < n_cols; i++)
        col_x[i + 1] = col_x[i] + width * b->widths[i] / sum;
    size_t n_head = 0;
    while (n_head < b->n_children && b->children[n_head].header)
        n_head++;
    table_row *head = gw_xcalloc(n_head ? n_head : 1, sizeof *head);
    double head_h = 0;
    for (size_t i = 0; i < n_head; i++) {
        set_table_row(T, b, &b->children[i], col_x, n_cols, &head[i]);
        head_h += head[i].height;
    }
    /* Header rows are repeated whole on every page: with one line of a row below them, they
     * must fit on one. */
    double pad = len(T, b->padding, b->style.size);
    double pitch = table_pitch(T, b);
    if (n_head && head_h + 2 * pad + pitch > T->area.h + EPS) {
        fail(T, b->children[0].line, "the header rows of a table are taller than a page");
        for (size_t i = 0; i < n_head; i++)
            drop_row(&head[i]);
        free(head);
        free(col_x);
        return;
    }
    /* The header rows and the first row never stand apart. */
    double lead = table_lead(T, b);
    if (!T->page_empty && T->y + before + lead > T->area.h + EPS && lead <= T->area.h) {
        new_page(T);
        before = 0;
    }
    T->y += before;
    bool started = false; /* rows placed on the current page */
    for (size_t i = 0; i < b->n_children; i++) {
        table_row r;
        set_table_row(T, b, &b->children[i], col_x, n_cols, &r);
        if (r.height + head_h > T->area.h + EPS && i >= n_head) {
            flow_tall_row(T, b, &r, col_x, n_cols, n_head, width, i == 0, &started);
            drop_row(&r);
            continue;
        }
        if (T->y + r.height > T->area.h + EPS && !T->page_empty) {
            if (started)
                close_table(T, b, T->y, width);
            new_page(T);
            started = false;
            if (i >= n_head)
                put_header(T, b, col_x, n_cols, n_head, width);
        }
        if (!started && i == 0) {
            T->prev_top = T->y;
            T->first_line_page = T->page;
        }
        put_table_row(T, b, &r, T->y, width);
        T->y += r.height;
        T->page_empty = false;
        started = true;
        drop_row(&r);
    }
    if (started)
        close_table(T, b, T->y, width);
    T->ink_bottom = T->y;
    T->prev_bottom = T->y;
    for (size_t i = 0; i < n_head; i++)
        drop_row(&head[i]);
    free(head);
    free(col_x);
}

/* The height a table needs on its first page: its header rows and its first row. */
static double table_lead(typesetter *T, const gw_block *b)
{
    size_t n_cols = b->n_widths;
    double sum = 0;
    for (size_t i = 0; i < n_cols; i++)
        sum += b->widths[i];
    double *col_x = gw_xcalloc(n_cols + 1, sizeof *col_x);
    for (size_t i = 0; i < n_cols; i++)
        col_x[i + 1] = col_x[i] + T->area.w * b->widths[i] / sum;
    double pad = len(T, b->padding, b->style.size);
    double pitch = table_pitch(T, b);
    double h = 0;
    bool quiet = T->quiet;
    T->quiet = true;
    for (size_t i = 0; i < b->n_children; i++) {
        table_row r;
        set_table_row(T, b, &b->children[i], col_x, n_cols, &r);
        /* A first row taller than a page is broken: its first line goes with the header. */
        bool tall = !b->children[i].header && h + r.height > T->area.h + EPS;
        h += tall ? 2 * pad + pitch : r.height;
        drop_row(&r);
        if (!b->children[i].header)
            break;
    }
    T->quiet = quiet;
    free(col_x);
    return h;
}

/* The height a block takes, its space above included. */
static double block_height(typesetter *T, const gw_block *b)
{
    if (b->fixed || b->beside_previous || b->beside_last)
        return 0; /* outside the flow */
    if (b->kind == GW_BLOCK_RULE)
        return len(T, b->before, b->style.size) + len(T, b->thickness, b->style.size);
    line_list ll = {0};
    bool quiet = T->quiet;
    T->quiet = true;
    set_block(T, b, &ll);
    T->quiet = quiet;
    double h = len(T, b->before, b->style.size) + lines_height(&ll, 0);
    free_lines(&ll, false);
    return h;
}

static void flow_block(typesetter *T, const gw_block *blocks, size_t n_blocks, size_t i)
{
    const gw_block *b = &blocks[i];
    const gw_block *next = i + 1 < n_blocks ? &blocks[i + 1] : NULL;
    if (b->landscape != T->landscape || (T->landscape_done && !b->landscape)) {
        /* Wide tables stand on pages of their own, turned a quarter (§8). */
        T->landscape = b->landscape;
        T->landscape_done = false;
        if (T->page_empty)
            set_geometry(T);
        else
            new_page(T);
    }
    if (b->landscape)
        T->landscape_done = true;
    double area_h = T->area.h;
    if (b->fixed || b->beside_previous || b->beside_last) {
        place_aside(T, b);
        return;
    }
    if (b->break_before && !T->page_empty)
        new_page(T);
    double before = T->page_empty ? 0 : len(T, b->before, b->style.size);
    if (T->carried_before > before && !T->page_empty)
        before = T->carried_before;
    T->carried_before = 0;
    if (b->at.set) {
        T->y = len(T, b->at, b->style.size);
        before = 0;
    }
    if (b->kind == GW_BLOCK_TABLE) {
        flow_table(T, b, before);
        return;
    }
    if (b->kind == GW_BLOCK_RULE) {
        double thickness = len(T, b->thickness, b->style.size);
        double y = (b->before_from_ink ? T->ink_bottom : T->y) + before;
        if (!T->page_empty && y + thickness / 2 > area_h + EPS) {
            new_page(T);
            y = 0;
        }
        put_rule(T, T->page, b, y);
        T->first_line_page = T->page;
        T->y = y + thickness / 2;
        T->ink_bottom = T->y;
        T->prev_top = y - thickness / 2;
        T->prev_bottom = T->y;
        T->page_empty = false;
        return;
    }
    line_list ll = {0};
    set_block(T, b, &ll);
    /* A next block that may not begin a page alone takes this block's last lines with it. */
    double follower = 0;
    size_t tail = 0;
    if (next && next->keep_with_previous && next->kind != GW_BLOCK_RULE) {
        follower = block_height(T, next);
        tail = ll.n > 2 ? ll.n - 2 : 0;
    }
    double need = before + lines_height(&ll, 0);
    bool keep = b->keep_together || b->kind == GW_BLOCK_ROW;
    if (b->keep_with_next && next) {
        /* The block, every block chained to it by keep-with-next (a chapter heading and the
         * section heading under it), and the first line after them stay on one page. */
        keep = true;
        size_t j = i + 1;
        while (j < n_blocks && blocks[j - 1].keep_with_next && blocks[j].keep_with_next)
            need += block_height(T, &blocks[j++]);
        if (j < n_blocks)
            need += len(T, blocks[j].before, blocks[j].style.size) +
                    (blocks[j].kind == GW_BLOCK_TABLE ? table_lead(T, &blocks[j]) : ln_pt(T));
    }
    if (keep && !T->page_empty && T->y + need > area_h + EPS && need <= area_h) {
        new_page(T);
        before = 0;
    }
    if ((b->before_to_ink || b->before_from_ink) && ll.n > 0) {
        /* `before` measured from the last ink (from="ink") and to this block's em-box top
         * (to="ink"), so that it is the visible gap. */
        const set_line *first = &ll.v[0];
        double em_gap =
            b->before_to_ink && !first->image ? first->base - T->L->em_top * first->size : 0;
        T->y = (b->before_from_ink ? T->ink_bottom : T->y) + before - em_gap;
        before = 0;
    }
    T->y += before;
    T->prev_top = T->y;
    for (size_t k = 0; k < ll.n; k++) {
        set_line *sl = &ll.v[k];
        if (T->y + sl->cell > area_h + EPS && (T->page_empty || sl->cell > area_h + EPS) &&
            sl->cell > area_h - (b->at.set ? len(T, b->at, b->style.size) : 0) + EPS)
            fail(T, b->line, "this block is taller than the type area can hold");
        double rest = lines_height(&ll, k) + follower;
        if (!T->page_empty && follower > 0 && k == tail && T->y + rest > area_h + EPS &&
            rest <= area_h)
            new_page(T);
        if (!T->page_empty && T->y + sl->cell > area_h + EPS)
            new_page(T);
        if (k == 0)
            add_outline(T, b);
        if (k == 0)
            T->first_line_page = T->page;
        if (k == 0 || T->page_empty)
            T->prev_top = T->y;
        put_line(T, T->page, sl, T->y);
        T->ink_bottom = sl->image ? T->y + fmax(sl->cell, sl->ink_depth)
                                  : T->y + sl->base + (1 - T->L->em_top) * sl->size;
        T->y += sl->cell;
        T->page_empty = false;
    }
    T->prev_bottom = T->y;
    free_lines(&ll, false);
}

/* The colophon: its last rule on the bottom edge of the type area, on the last page, which is
 * even when the layout asks for it; blank pages are added where needed. Returns the colophon's
 * page, or -1 when there is none. */
static long place_colophon(typesetter *T)
{
    const gw_layout *L = T->L;
    if (!L->has_colophon)
        return -1;
    line_list ll = {0};
    size_t *first_line = gw_xcalloc(L->n_colophon + 1, sizeof *first_line);
    for (size_t i = 0; i < L->n_colophon; i++) {
        first_line[i] = ll.n;
        const gw_block *b = &L->colophon[i];
        if (!b->when || (T->relocated && strcmp(b->when, T->relocated) == 0))
            set_block(T, b, &ll);
    }
    first_line[L->n_colophon] = ll.n;
    if (ll.n == 0) { /* every block waits for a relocation that did not happen */
        free(first_line);
        free_lines(&ll, false);
        return -1;
    }
    double height = lines_height(&ll, 0);
    if (height > L->area_h + EPS) {
        fail(T, L->colophon[0].line, "the colophon (版记) is taller than the type area");
        free(first_line);
        free_lines(&ll, false);
        return -1;
    }
    size_t last = T->page;
    bool fits = T->page_empty || T->y <= L->area_h - height + EPS;
    size_t target = fits ? last : last + 1;
    if (L->colophon_even)
        while ((target + 1) % 2 != 0)
            target++;
    while (T->doc->n_pages <= target)
        add_page(T);
    double y = L->area_h;
    for (size_t i = L->n_colophon; i-- > 0;) {
        const gw_block *b = &L->colophon[i];
        if (b->when && !(T->relocated && strcmp(b->when, T->relocated) == 0))
            continue;
        if (b->kind == GW_BLOCK_RULE) {
            put_rule(T, target, b, y);
            continue;
        }
        for (size_t k = first_line[i + 1]; k-- > first_line[i];) {
            y -= ll.v[k].cell;
            put_line(T, target, &ll.v[k], y);
        }
    }
    free(first_line);
    free_lines(&ll, false);
    return (long)target;
}

static void place_folios(typesetter *T, long colophon_page, size_t last_text_page)
{
    const gw_layout *L = T->L;
    const gw_folio *f = &L->folio;
    if (!f->present)
        return;
    for (size_t i = 0; i < T->doc->n_pages; i++) {
        bool after_text = colophon_page >= 0 && i > last_text_page;
        bool blank_before = colophon_page >= 0 && (size_t)colophon_page > last_text_page + 1;
        if ((f->omit == GW_OMIT_AFTER_BLANK && after_text && blank_before) ||
            (f->omit == GW_OMIT_COLOPHON && (after_text || (long)i == colophon_page)) ||
            (f->skip_first && i == 0))
            continue;
        int n = (int)i + 1;
        char *s = gw_xasprintf("%s%d%s", f->prefix ? f->prefix : "", n, f->suffix ? f->suffix : "");
        gw_text t = {s, strlen(s), &(gw_span){0, strlen(s), f->style}, 1, NULL, 0, NULL, 0};
        gw_block b = {.kind = GW_BLOCK_PARA, .style = f->style, .text = t, .outline_level = -1};
        line_list ll = {0};
        set_para(T, &b, 0, L->area_w, &ll);
        set_line *sl = &ll.v[0];
        double inset = len(T, f->inset, f->style.size);
        gw_align side = n % 2 ? f->odd : f->even;
        double x = side_x(side, L->area_w, inset, sl->width);
        for (size_t j = 0; j < sl->n_items; j++)
            item_shift(&sl->items[j], x, 0);
        /* The em box, and with it the dashes, centred on the line `below` under the area. */
        double centre = L->area_h + len(T, f->below, f->style.size);
        sl->base = f->style.size * (L->em_top - 0.5);
        size_t before_items = page(T, i)->n_items;
        put_line(T, i, sl, centre);
        /* The number stays where it is on an upright page, even on a turned one. */
        for (size_t j = before_items; j < page(T, i)->n_items; j++)
            page(T, i)->items[j].upright = true;
        page(T, i)->folio = n;
        free_lines(&ll, false);
        free(s);
    }
}

/* One pass over the layout. Returns the document, or NULL after reporting; *relocate names a
 * fallback whose following block did not begin on the first page. */
static gw_doc *typeset_pass(gw_ctx *ctx, const gw_layout *L, const char *source_path,
                            const char *relocated, const char **relocate)
{
    typesetter T = {.ctx = ctx,
                    .L = L,
                    .path = source_path,
                    .doc = gw_xcalloc(1, sizeof(gw_doc)),
                    .pc = gw_fonts_context(ctx),
                    .relocated = relocated};
    gw_doc *doc = T.doc;
    doc->title = gw_xstrdup(L->title ? L->title : "");
    doc->author = gw_xstrdup(L->author ? L->author : "");
    doc->subject = gw_xstrdup(L->subject ? L->subject : "");
    doc->keywords = gw_xstrdup(L->keywords ? L->keywords : "");
    doc->creator = gw_xstrdup(L->creator ? L->creator : "gongwen");
    new_page(&T);
    const char *pending = NULL; /* a fallback waiting to see where the next block begins */
    *relocate = NULL;
    for (size_t i = 0; i < L->n_flow; i++) {
        const gw_block *b = &L->flow[i];
        if (b->fallback && relocated && strcmp(b->fallback, relocated) == 0) {
            /* The block after it keeps the space the left-out block had above it. */
            T.carried_before = len(&T, b->before, b->style.size);
            continue;
        }
        flow_block(&T, L->flow, L->n_flow, i);
        if (pending && !*relocate && T.first_line_page > 0)
            *relocate = pending;
        pending = b->fallback;
    }
    if (T.landscape) {
        T.landscape = false;
        new_page(&T);
    }
    size_t last_text_page = T.page;
    long colophon_page = place_colophon(&T);
    place_folios(&T, colophon_page, last_text_page);
    if (T.failed) {
        gw_doc_drop(doc);
        return NULL;
    }
    return doc;
}

gw_doc *gw_typeset(gw_ctx *ctx, const gw_layout *L, const char *source_path)
{
    const char *relocate = NULL;
    gw_doc *doc = typeset_pass(ctx, L, source_path, NULL, &relocate);
    if (doc && relocate) {
        /* The text would not begin on the first page: set it again with the fallback taken. */
        const char *again = NULL;
        gw_doc_drop(doc);
        doc = typeset_pass(ctx, L, source_path, relocate, &again);
    }
    return doc;
}

void gw_doc_drop(gw_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n_pages; i++) {
        gw_page *p = &doc->pages[i];
        for (size_t j = 0; j < p->n_items; j++) {
            if (p->items[j].kind == GW_ITEM_GLYPHS) {
                free(p->items[j].u.run.glyphs);
                free(p->items[j].u.run.text);
                free(p->items[j].u.run.clusters);
            }
        }
        free(p->items);
    }
    free(doc->pages);
    for (size_t i = 0; i < doc->n_outline; i++)
        free(doc->outline[i].title);
    free(doc->outline);
    for (size_t i = 0; i < doc->n_fonts; i++)
        gw_font_drop(doc->fonts[i]);
    for (size_t i = 0; i < doc->n_images; i++)
        gw_image_drop(doc->images[i]);
    free(doc->images);
    free(doc->fonts);
    for (size_t i = 0; i < doc->n_roles; i++)
        free(doc->roles[i]);
    free(doc->roles);
    free(doc->title);
    free(doc->author);
    free(doc->subject);
    free(doc->keywords);
    free(doc->creator);
    free(doc->date);
    free(doc->lang);
    free(doc);
}
