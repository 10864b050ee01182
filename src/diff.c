/* gongwen compare: the 修订对照表 of two editions, and the 花脸稿 (doc/editions.md).
 *
 * The stylesheets print each edition's units (chapters, sections, articles, paragraphs, points,
 * tables) as the document prints them, numbers and references generated (editions.xsl, mode
 * "units"). Units are paired by id, or by the similarity of their texts where ids do not
 * pair them; inside a pair the printed texts are compared character by character, so that one
 * changed character marks one character. The result is a comparison document
 * (schema/compare.rng), which the stylesheets lay out as a table, or the new edition with its
 * paragraphs printed and marked, which they lay out as the document. */
#include "ctx.h"
#include "edition.h"
#include "render.h"
#include "source.h"
#include "transform.h"

#include <glib.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GW_COMPARE_NS "urn:gongwen:compare:1"
#define GW_UNITS_NS "urn:gongwen:units:1"

/* Pairs by similarity need at least this much of their texts' character pairs in common. */
#define SIMILAR 0.5
/* Longer middles than this (characters × characters) are not searched for common characters:
 * the whole middle counts as deleted and inserted. */
#define DIFF_CELLS 4000000u

/* ---- the units of an edition --------------------------------------------------------- */

typedef struct unit {
    char *kind; /* title, chapter, section, article, p, point, table */
    char *id;   /* NULL for paragraphs and the title */
    long n;     /* its number among its kind (chapters, articles), 0 when none */
    int line;
    gunichar *text;       /* its paragraphs as printed, parted by '\n' */
    unsigned char *label; /* 1 for the characters of a printed number (第五条) */
    size_t len;
    char *label_text;  /* the first paragraph's number, or NULL */
    char *key;         /* what it says, without its numbers and with references by id */
    uint64_t *bigrams; /* of the key, sorted, for similarity */
    size_t n_bigrams;
    xmlNodePtr el;      /* the element of the source */
    bool in_attachment; /* numbered afresh: left out of the note of renumbered units */
    long partner;       /* index in the other edition, -1 for none */
    bool moved;
} unit;

typedef struct edition {
    const char *path;
    xmlDocPtr doc; /* the source, valid */
    gw_edition_info info;
    unit *u;
    size_t n, cap;
} edition;

static bool in_ns(xmlNodePtr n, const char *ns)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST ns);
}

static bool is_el(xmlNodePtr n, const char *ns, const char *name)
{
    return in_ns(n, ns) && xmlStrEqual(n->name, BAD_CAST name);
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    char *s = v ? gw_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static void edition_clear(edition *e)
{
    for (size_t i = 0; i < e->n; i++) {
        unit *u = &e->u[i];
        free(u->kind);
        free(u->id);
        g_free(u->text);
        free(u->label);
        free(u->label_text);
        free(u->key);
        free(u->bigrams);
    }
    free(e->u);
    xmlFreeDoc(e->doc);
    gw_edition_info_clear(&e->info);
}

/* Appends UTF-8 text to a unit's characters with one label flag. */
static void add_text(unit *u, size_t *cap, const char *utf8, unsigned char label)
{
    glong n = 0;
    gunichar *cs = g_utf8_to_ucs4_fast(utf8, -1, &n);
    while (u->len + (size_t)n + 1 > *cap) {
        *cap = *cap ? *cap * 2 : 64;
        u->text = g_renew(gunichar, u->text, *cap);
        u->label = gw_xrealloc(u->label, *cap);
    }
    memcpy(u->text + u->len, cs, (size_t)n * sizeof *cs);
    memset(u->label + u->len, label, (size_t)n);
    u->len += (size_t)n;
    g_free(cs);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void make_bigrams(unit *u)
{
    glong n = 0;
    gunichar *cs = g_utf8_to_ucs4_fast(u->key ? u->key : "", -1, &n);
    u->n_bigrams = n > 1 ? (size_t)n - 1 : 0;
    u->bigrams = gw_xcalloc(u->n_bigrams, sizeof *u->bigrams);
    for (size_t i = 0; i < u->n_bigrams; i++)
        u->bigrams[i] = (uint64_t)cs[i] << 32 | cs[i + 1];
    qsort(u->bigrams, u->n_bigrams, sizeof *u->bigrams, cmp_u64);
    g_free(cs);
}

/* Dice's coefficient of the character pairs of two keys: 1 for the same text. */
static double similarity(const unit *a, const unit *b)
{
    if (a->n_bigrams + b->n_bigrams == 0)
        return a->key && b->key && strcmp(a->key, b->key) == 0 ? 1 : 0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->n_bigrams && j < b->n_bigrams) {
        if (a->bigrams[i] == b->bigrams[j]) {
            common++;
            i++;
            j++;
        } else if (a->bigrams[i] < b->bigrams[j]) {
            i++;
        } else {
            j++;
        }
    }
    return 2.0 * (double)common / (double)(a->n_bigrams + b->n_bigrams);
}

/* The source's units in the order the stylesheets list them (editions.xsl, mode "units"). */
static void unit_elements(xmlNodePtr n, xmlNodePtr **out, size_t *len, size_t *cap)
{
    for (; n; n = n->next) {
        if (!in_ns(n, GW_SOURCE_NS))
            continue;
        if (is_el(n, GW_SOURCE_NS, "chapter") || is_el(n, GW_SOURCE_NS, "section")) {
            *GW_PUSH(*out, *len, *cap) = n;
            unit_elements(n->children, out, len, cap);
        } else if (is_el(n, GW_SOURCE_NS, "article") || is_el(n, GW_SOURCE_NS, "p") ||
                   is_el(n, GW_SOURCE_NS, "point") || is_el(n, GW_SOURCE_NS, "table")) {
            *GW_PUSH(*out, *len, *cap) = n;
        }
    }
}

static xmlNodePtr child_el(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, GW_SOURCE_NS, name))
            return c;
    return NULL;
}

/* Loads an edition (a source, or the latest edition of a history) and its printed units. */
static bool edition_load(gw_ctx *ctx, edition *e, const char *path)
{
    e->path = path;
    e->doc = gw_edition_load(ctx, path, NULL, &e->info);
    if (!e->doc)
        return false;
    xmlDocPtr copy = xmlCopyDoc(e->doc, 1);
    gw_source_annotate_lines(copy);
    xmlNodePtr root = xmlDocGetRootElement(copy);
    xmlSetNsProp(root, xmlSearchNsByHref(copy, root, BAD_CAST GW_ANNOTATION_NS), BAD_CAST "output",
                 BAD_CAST "units");
    xmlDocPtr units = gw_transform(ctx, copy, path);
    xmlFreeDoc(copy);
    if (!units)
        return false;
    /* The elements the units came from, in the same order. */
    xmlNodePtr *els = NULL;
    size_t n_els = 0, cap_els = 0;
    xmlNodePtr src = xmlDocGetRootElement(e->doc);
    xmlNodePtr title = child_el(src, "title");
    if (title)
        *GW_PUSH(els, n_els, cap_els) = title;
    unit_elements(child_el(src, "body") ? child_el(src, "body")->children : NULL, &els, &n_els,
                  &cap_els);
    size_t first_attached = n_els;
    for (xmlNodePtr c = src->children; c; c = c->next)
        if (is_el(c, GW_SOURCE_NS, "attachment"))
            unit_elements(c->children, &els, &n_els, &cap_els);
    bool ok = true;
    for (xmlNodePtr un = xmlDocGetRootElement(units)->children; un && ok; un = un->next) {
        if (!is_el(un, GW_UNITS_NS, "unit"))
            continue;
        unit *u = GW_PUSH(e->u, e->n, e->cap);
        memset(u, 0, sizeof *u);
        u->partner = -1;
        u->kind = prop(un, "kind");
        u->id = prop(un, "id");
        if (u->id && !*u->id) {
            free(u->id);
            u->id = NULL;
        }
        char *n = prop(un, "n");
        u->n = n ? atol(n) : 0;
        free(n);
        char *line = prop(un, "line");
        u->line = line ? atoi(line) : 0;
        free(line);
        size_t cap = 0, paras = 0;
        add_text(u, &cap, "", 0);
        for (xmlNodePtr p = un->children; p; p = p->next) {
            if (is_el(p, GW_UNITS_NS, "key")) {
                xmlChar *k = xmlNodeGetContent(p);
                u->key = gw_xstrdup((const char *)k);
                xmlFree(k);
                continue;
            }
            if (!is_el(p, GW_UNITS_NS, "p"))
                continue;
            if (paras++)
                add_text(u, &cap, "\n", 0);
            for (xmlNodePtr t = p->children; t; t = t->next) {
                xmlChar *s = xmlNodeGetContent(t);
                bool label = is_el(t, GW_UNITS_NS, "label");
                add_text(u, &cap, (const char *)s, label);
                if (label && !u->label_text)
                    u->label_text = gw_xstrdup((const char *)s);
                xmlFree(s);
            }
        }
        make_bigrams(u);
        size_t i = e->n - 1;
        u->el = i < n_els ? els[i] : NULL;
        u->in_attachment = i >= first_attached;
        const char *want = strcmp(u->kind, "title") == 0 ? "title" : u->kind;
        if (!u->el || !xmlStrEqual(u->el->name, BAD_CAST want)) {
            gw_error(ctx, (gw_pos){path, u->line},
                     "the stylesheets listed a %s where the source has %s (a fault of gongwen)",
                     u->kind, u->el ? (const char *)u->el->name : "nothing");
            ok = false;
        }
    }
    free(els);
    xmlFreeDoc(units);
    return ok;
}

/* ---- pairing ------------------------------------------------------------------------- */

typedef struct candidate {
    size_t a, b;
    double sim;
} candidate;

static int by_similarity(const void *x, const void *y)
{
    const candidate *p = x, *q = y;
    if (p->sim != q->sim)
        return p->sim < q->sim ? 1 : -1;
    /* Equal texts pair in their order: the nearest first. */
    long dp = labs((long)p->a - (long)p->b), dq = labs((long)q->a - (long)q->b);
    return dp != dq ? (dp > dq) - (dp < dq) : (p->a > q->a) - (p->a < q->a);
}

/* Pairs units still unpaired, of one kind, most similar first. Returns their similarity's sum. */
static double pair_by_text(edition *o, edition *n)
{
    candidate *c = NULL;
    size_t nc = 0, cap = 0;
    for (size_t i = 0; i < o->n; i++) {
        if (o->u[i].partner >= 0)
            continue;
        for (size_t j = 0; j < n->n; j++) {
            if (n->u[j].partner >= 0 || strcmp(o->u[i].kind, n->u[j].kind) != 0)
                continue;
            double sim = similarity(&o->u[i], &n->u[j]);
            if (sim >= SIMILAR)
                *GW_PUSH(c, nc, cap) = (candidate){i, j, sim};
        }
    }
    if (nc)
        qsort(c, nc, sizeof *c, by_similarity);
    double score = 0;
    for (size_t k = 0; k < nc; k++) {
        if (o->u[c[k].a].partner >= 0 || n->u[c[k].b].partner >= 0)
            continue;
        o->u[c[k].a].partner = (long)c[k].b;
        n->u[c[k].b].partner = (long)c[k].a;
        score += c[k].sim;
    }
    free(c);
    return score;
}

static void unpair(edition *o, edition *n)
{
    for (size_t i = 0; i < o->n; i++)
        o->u[i].partner = -1;
    for (size_t j = 0; j < n->n; j++)
        n->u[j].partner = -1;
}

/* Pairs by id (and the titles), then the rest by text. Returns the similarity's sum. */
static double pair_by_id(edition *o, edition *n)
{
    GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t j = 0; j < n->n; j++)
        if (n->u[j].id)
            g_hash_table_insert(ids, n->u[j].id, GSIZE_TO_POINTER(j + 1));
    double score = 0;
    for (size_t i = 0; i < o->n; i++) {
        size_t j = o->u[i].id ? GPOINTER_TO_SIZE(g_hash_table_lookup(ids, o->u[i].id)) : 0;
        if (!o->u[i].id && strcmp(o->u[i].kind, "title") == 0)
            for (size_t k = 0; k < n->n && !j; k++)
                j = strcmp(n->u[k].kind, "title") == 0 ? k + 1 : 0;
        if (!j || strcmp(o->u[i].kind, n->u[j - 1].kind) != 0 || n->u[j - 1].partner >= 0)
            continue;
        o->u[i].partner = (long)j - 1;
        n->u[j - 1].partner = (long)i;
        score += similarity(&o->u[i], &n->u[j - 1]);
    }
    g_hash_table_destroy(ids);
    return score + pair_by_text(o, n);
}

/* Marks the pairs that stand in another order as moved: of the pairs in the new order, those
 * outside the heaviest run whose old order increases too (each weighs its text's length, so
 * that of two units that changed places the shorter is the one shown moved). */
static void find_moves(edition *o, edition *n)
{
    size_t m = 0;
    size_t *seq = gw_xcalloc(n->n, sizeof *seq); /* new indices of paired units */
    for (size_t j = 0; j < n->n; j++)
        if (n->u[j].partner >= 0)
            seq[m++] = j;
    double *best = gw_xcalloc(m, sizeof *best);
    long *prev = gw_xcalloc(m, sizeof *prev);
    long top = -1;
    for (size_t a = 0; a < m; a++) {
        long oa = n->u[seq[a]].partner;
        best[a] = (double)n->u[seq[a]].len + 1;
        prev[a] = -1;
        for (size_t b = 0; b < a; b++) {
            if (n->u[seq[b]].partner < oa && best[b] + (double)n->u[seq[a]].len + 1 > best[a]) {
                best[a] = best[b] + (double)n->u[seq[a]].len + 1;
                prev[a] = (long)b;
            }
        }
        if (top < 0 || best[a] > best[top])
            top = (long)a;
    }
    for (size_t a = 0; a < m; a++)
        n->u[seq[a]].moved = true;
    for (long a = top; a >= 0; a = prev[a])
        n->u[seq[a]].moved = false;
    for (size_t a = 0; a < m; a++)
        o->u[n->u[seq[a]].partner].moved = n->u[seq[a]].moved;
    free(prev);
    free(best);
    free(seq);
}

/* ---- the character difference -------------------------------------------------------- */

enum { EQ, DEL, INS };

typedef struct dchar {
    gunichar c;
    unsigned char op, label;
} dchar;

typedef struct dlist {
    dchar *v;
    size_t n, cap;
} dlist;

static void push(dlist *d, gunichar c, int op, unsigned char label)
{
    *GW_PUSH(d->v, d->n, d->cap) = (dchar){c, (unsigned char)op, label};
}

/* Within each stretch of changes, the deleted characters before the inserted ones. */
static void group_changes(dlist *d)
{
    dchar *tmp = gw_xcalloc(d->n, sizeof *tmp);
    for (size_t i = 0; i < d->n;) {
        if (d->v[i].op == EQ) {
            i++;
            continue;
        }
        size_t j = i, k = 0;
        while (j < d->n && d->v[j].op != EQ)
            j++;
        for (size_t x = i; x < j; x++)
            if (d->v[x].op == DEL)
                tmp[k++] = d->v[x];
        for (size_t x = i; x < j; x++)
            if (d->v[x].op == INS)
                tmp[k++] = d->v[x];
        memcpy(d->v + i, tmp, (j - i) * sizeof *tmp);
        i = j;
    }
    free(tmp);
}

/* A few characters left in common between two changes (的 in two rewritten sentences) make
 * the marks harder to read than marking them changed: an equal stretch no longer than the
 * changes on both sides of it becomes a deletion and an insertion (as diff-match-patch's
 * semantic cleanup does). Repeats until nothing changes. */
static void cleanup(dlist *d)
{
    bool again = true;
    while (again) {
        again = false;
        group_changes(d);
        size_t prev_change = 0; /* the longer side of the change before, 0 for none */
        for (size_t i = 0; i < d->n;) {
            size_t j = i;
            if (d->v[i].op != EQ) {
                size_t dels = 0, inss = 0;
                for (; j < d->n && d->v[j].op != EQ; j++)
                    *(d->v[j].op == DEL ? &dels : &inss) += 1;
                prev_change = dels > inss ? dels : inss;
                i = j;
                continue;
            }
            while (j < d->n && d->v[j].op == EQ)
                j++;
            size_t eq = j - i, dels = 0, inss = 0;
            for (size_t k = j; k < d->n && d->v[k].op != EQ; k++)
                *(d->v[k].op == DEL ? &dels : &inss) += 1;
            size_t next_change = dels > inss ? dels : inss;
            if (prev_change && next_change && eq <= prev_change && eq <= next_change) {
                /* The equal stretch becomes a deletion followed by an insertion of itself. */
                size_t grow = eq;
                d->v = gw_xrealloc(d->v, (d->n + grow) * sizeof *d->v);
                d->cap = d->n + grow;
                memmove(d->v + j + grow, d->v + j, (d->n - j) * sizeof *d->v);
                for (size_t k = 0; k < eq; k++) {
                    d->v[j + k] = d->v[i + k];
                    d->v[j + k].op = INS;
                    d->v[i + k].op = DEL;
                }
                d->n += grow;
                again = true;
                break;
            }
            prev_change = 0;
            i = j;
        }
    }
    group_changes(d);
}

/* The characters of a and b in order, each kept (EQ), deleted or inserted: the longest common
 * subsequence of their middles, after what they share at both ends. */
static dlist diff_units(const unit *a, const unit *b)
{
    dlist d = {0};
    size_t n = a ? a->len : 0, m = b ? b->len : 0;
    size_t pre = 0, suf = 0;
    while (pre < n && pre < m && a->text[pre] == b->text[pre])
        pre++;
    while (suf < n - pre && suf < m - pre && a->text[n - 1 - suf] == b->text[m - 1 - suf])
        suf++;
    for (size_t i = 0; i < pre; i++)
        push(&d, a->text[i], EQ, a->label[i]);
    size_t an = n - pre - suf, bn = m - pre - suf;
    if (an && bn && an * bn <= DIFF_CELLS) {
        const gunichar *x = a->text + pre, *y = b->text + pre;
        uint16_t *t = gw_xcalloc((an + 1) * (bn + 1), sizeof *t); /* lengths ≤ 2000 */
#define T(i, j) t[(i) * (bn + 1) + (j)]
        for (size_t i = an; i-- > 0;)
            for (size_t j = bn; j-- > 0;)
                T(i, j) = x[i] == y[j]                 ? (uint16_t)(T(i + 1, j + 1) + 1)
                          : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j)
                                                       : T(i, j + 1);
        size_t i = 0, j = 0;
        while (i < an || j < bn) {
            if (i < an && j < bn && x[i] == y[j]) {
                push(&d, x[i], EQ, a->label[pre + i]);
                i++;
                j++;
            } else if (j >= bn || (i < an && T(i + 1, j) >= T(i, j + 1))) {
                push(&d, x[i], DEL, a->label[pre + i]);
                i++;
            } else {
                push(&d, y[j], INS, b->label[pre + j]);
                j++;
            }
        }
#undef T
        free(t);
    } else {
        for (size_t i = 0; i < an; i++)
            push(&d, a->text[pre + i], DEL, a->label[pre + i]);
        for (size_t j = 0; j < bn; j++)
            push(&d, b->text[pre + j], INS, b->label[pre + j]);
    }
    for (size_t i = n - suf; i < n; i++)
        push(&d, a->text[i], EQ, a->label[i]);
    cleanup(&d);
    return d;
}

/* ---- marked paragraphs --------------------------------------------------------------- */

/* Writes the characters of d that `keep` accepts (1 << op) into paragraphs, parted where
 * they hold '\n': each made by make(data) and filled with text, <c:label>, <c:del> and
 * <c:ins>. */
typedef xmlNodePtr (*para_maker)(void *data);

static void add_run(xmlNodePtr parent, xmlNsPtr cns, const gw_buf *run, int op)
{
    if (!run->len)
        return;
    if (op == EQ) {
        xmlNodeAddContentLen(parent, BAD_CAST run->data, (int)run->len);
        return;
    }
    xmlNodePtr m = xmlNewChild(parent, cns, BAD_CAST(op == DEL ? "del" : "ins"), NULL);
    xmlNodeAddContentLen(m, BAD_CAST run->data, (int)run->len);
}

static void write_paras(const dlist *d, unsigned keep, xmlNsPtr cns, para_maker make, void *data)
{
    xmlNodePtr p = NULL, label = NULL;
    gw_buf run = {0};
    int run_op = EQ;
    bool broken = false; /* the last character kept parts paragraphs */
    for (size_t i = 0; i < d->n; i++) {
        const dchar *c = &d->v[i];
        if (!(keep & (1u << c->op)))
            continue;
        broken = c->c == '\n';
        if (run.len && (c->c == '\n' || c->op != run_op || (c->label != 0) != (label != NULL))) {
            add_run(label ? label : p, cns, &run, run_op);
            run.len = 0;
        }
        if (c->c == '\n') {
            if (!p)
                make(data); /* an empty paragraph */
            p = label = NULL;
            continue;
        }
        if (!p)
            p = make(data);
        if (!c->label)
            label = NULL;
        else if (!label)
            label = xmlNewChild(p, cns, BAD_CAST "label", NULL);
        run_op = c->op;
        char utf8[8];
        gw_buf_add(&run, utf8, (size_t)g_unichar_to_utf8(c->c, utf8));
    }
    if (run.len)
        add_run(label ? label : p, cns, &run, run_op);
    /* A last paragraph that is empty is a paragraph too. */
    if (broken)
        make(data);
    gw_buf_free(&run);
}

/* ---- the comparison ------------------------------------------------------------------ */

typedef struct row {
    long o, n; /* unit indices, -1 for none */
} row;

/* Every unit of both editions in the order of the new one, a deleted unit after the unit that
 * came before it in the old one (or first). */
static row *order_rows(const edition *o, const edition *n, size_t *count)
{
    typedef struct keyed {
        long anchor; /* new index it follows, -1 for the start */
        int deleted;
        long index;
    } keyed;
    keyed *k = gw_xcalloc(o->n + n->n, sizeof *k);
    size_t m = 0;
    for (size_t j = 0; j < n->n; j++)
        k[m++] = (keyed){(long)j, 0, (long)j};
    long anchor = -1;
    for (size_t i = 0; i < o->n; i++) {
        if (o->u[i].partner >= 0 && !o->u[i].moved)
            anchor = o->u[i].partner;
        else if (o->u[i].partner < 0)
            k[m++] = (keyed){anchor, 1, (long)i};
    }
    /* Sort: by anchor; a new unit before the deleted ones that follow it. */
    for (size_t a = 1; a < m; a++) {
        keyed x = k[a];
        size_t b = a;
        while (b > 0 && (k[b - 1].anchor > x.anchor ||
                         (k[b - 1].anchor == x.anchor && k[b - 1].deleted > x.deleted)))
            k[b] = k[b - 1], b--;
        k[b] = x;
    }
    row *rows = gw_xcalloc(m, sizeof *rows);
    for (size_t a = 0; a < m; a++)
        rows[a] =
            k[a].deleted ? (row){k[a].index, -1} : (row){n->u[k[a].index].partner, k[a].index};
    free(k);
    *count = m;
    return rows;
}

static const char *row_kind(const edition *o, const edition *n, row r)
{
    if (r.o < 0)
        return "inserted";
    if (r.n < 0)
        return "deleted";
    if (n->u[r.n].moved)
        return "moved";
    return strcmp(o->u[r.o].key, n->u[r.n].key) != 0 ? "changed" : "unchanged";
}

typedef struct cell_maker {
    xmlNodePtr parent;
    xmlNsPtr ns;
} cell_maker;

static xmlNodePtr new_cell_para(void *data)
{
    cell_maker *m = data;
    return xmlNewChild(m->parent, m->ns, BAD_CAST "p", NULL);
}

static void edition_header(xmlNodePtr parent, xmlNsPtr cns, const char *name, const edition *e)
{
    xmlNodePtr h = xmlNewChild(parent, cns, BAD_CAST name, NULL);
    xmlNewProp(h, BAD_CAST "path", BAD_CAST e->path);
    xmlNewProp(h, BAD_CAST "sha256", BAD_CAST e->info.sha256);
    xmlNodePtr root = xmlDocGetRootElement(e->doc);
    xmlNodePtr closing = child_el(root, "closing");
    xmlNodePtr date = child_el(closing, "date");
    if (!date)
        date = child_el(child_el(root, "colophon"), "printed");
    xmlChar *v = date ? xmlNodeGetContent(date) : NULL;
    if (v && xmlStrlen(v) == 10)
        xmlNewProp(h, BAD_CAST "date", v);
    xmlFree(v);
    xmlNodePtr head = child_el(root, "head");
    v = xmlNodeGetContent(child_el(head, "organ"));
    if (v)
        xmlNewProp(h, BAD_CAST "organ", v);
    xmlFree(v);
    xmlNodePtr number = child_el(head, "number");
    if (number)
        xmlAddChild(h, xmlDocCopyNode(number, parent->doc, 1));
}

/* Consecutive old numbers that all grew (or shrank) by the same, as one range. */
static void note_renumbered(xmlNodePtr root, xmlNsPtr cns, const edition *o, const edition *n,
                            const char *kind)
{
    long from = 0, to = 0, by = 0;
    for (size_t i = 0; i <= o->n; i++) {
        const unit *u = i < o->n ? &o->u[i] : NULL;
        bool take = u && u->partner >= 0 && !u->moved && !u->in_attachment &&
                    strcmp(u->kind, kind) == 0 && strcmp(u->key, n->u[u->partner].key) == 0 &&
                    n->u[u->partner].n != u->n;
        long d = take ? n->u[u->partner].n - u->n : 0;
        if (take && by && d == by && u->n == to + 1) {
            to = u->n;
            continue;
        }
        if (u && strcmp(u->kind, kind) != 0 && !take)
            continue; /* units of other kinds do not break a run */
        if (by) {
            char buf[3][24];
            snprintf(buf[0], sizeof buf[0], "%ld", from);
            snprintf(buf[1], sizeof buf[1], "%ld", to);
            snprintf(buf[2], sizeof buf[2], "%ld", by);
            xmlNodePtr r = xmlNewChild(root, cns, BAD_CAST "renumbered", NULL);
            xmlNewProp(r, BAD_CAST "kind", BAD_CAST kind);
            xmlNewProp(r, BAD_CAST "from", BAD_CAST buf[0]);
            xmlNewProp(r, BAD_CAST "to", BAD_CAST buf[1]);
            xmlNewProp(r, BAD_CAST "by", BAD_CAST buf[2]);
        }
        by = take ? d : 0;
        from = to = take ? u->n : 0;
    }
}

/* Whether two units print the same once their own numbers are left out. */
static bool same_without_labels(const unit *a, const unit *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->len && a->label[i])
            i++;
        while (j < b->len && b->label[j])
            j++;
        if (i == a->len || j == b->len)
            return i == a->len && j == b->len;
        if (a->text[i++] != b->text[j++])
            return false;
    }
}

static xmlDocPtr make_comparison(edition *o, edition *n, bool keep_all)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "comparison", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr cns = xmlNewNs(root, BAD_CAST GW_COMPARE_NS, NULL);
    xmlSetNs(root, cns);
    xmlNewNs(root, BAD_CAST GW_SOURCE_NS, BAD_CAST "s");
    const unit *title = NULL;
    for (size_t j = 0; j < n->n && !title; j++)
        if (strcmp(n->u[j].kind, "title") == 0)
            title = &n->u[j];
    char *t = title ? g_ucs4_to_utf8(title->text, (glong)title->len, NULL, NULL, NULL) : NULL;
    xmlNewTextChild(root, cns, BAD_CAST "title", BAD_CAST(t ? t : ""));
    g_free(t);
    edition_header(root, cns, "before", o);
    edition_header(root, cns, "after", n);
    size_t n_rows = 0;
    row *rows = order_rows(o, n, &n_rows);
    bool followed = false;
    for (size_t r = 0; r < n_rows; r++) {
        const unit *a = rows[r].o >= 0 ? &o->u[rows[r].o] : NULL;
        const unit *b = rows[r].n >= 0 ? &n->u[rows[r].n] : NULL;
        const char *kind = row_kind(o, n, rows[r]);
        bool unchanged = strcmp(kind, "unchanged") == 0;
        if (unchanged && !same_without_labels(a, b))
            followed = true;
        if (unchanged && !keep_all)
            continue;
        xmlNodePtr row = xmlNewChild(root, cns, BAD_CAST "row", NULL);
        xmlNewProp(row, BAD_CAST "kind", BAD_CAST kind);
        xmlNewProp(row, BAD_CAST "unit", BAD_CAST(b ? b : a)->kind);
        if (strcmp(kind, "moved") == 0 && a->label_text)
            xmlNewProp(row, BAD_CAST "from", BAD_CAST a->label_text);
        char line[24];
        snprintf(line, sizeof line, "%d", (b ? b : a)->line);
        xmlNewProp(row, BAD_CAST "line", BAD_CAST line);
        dlist d = diff_units(a, b);
        cell_maker old_cell = {xmlNewChild(row, cns, BAD_CAST "old", NULL), cns};
        cell_maker new_cell = {xmlNewChild(row, cns, BAD_CAST "new", NULL), cns};
        write_paras(&d, 1u << EQ | 1u << DEL, cns, new_cell_para, &old_cell);
        write_paras(&d, 1u << EQ | 1u << INS, cns, new_cell_para, &new_cell);
        free(d.v);
    }
    note_renumbered(root, cns, o, n, "chapter");
    note_renumbered(root, cns, o, n, "article");
    if (followed)
        xmlNewChild(root, cns, BAD_CAST "followed", NULL);
    free(rows);
    return doc;
}

/* ---- the redline --------------------------------------------------------------------- */

static int level(const char *kind)
{
    return strcmp(kind, "chapter") == 0 ? 1 : strcmp(kind, "section") == 0 ? 2 : 3;
}

typedef struct redline_maker {
    xmlNodePtr parent; /* paragraphs are added to it, or (heading) it is the one paragraph */
    bool heading;
    xmlNsPtr sns, gwns;
} redline_maker;

static xmlNodePtr new_redline_para(void *data)
{
    redline_maker *m = data;
    xmlNodePtr p = m->heading ? m->parent : xmlNewChild(m->parent, m->sns, BAD_CAST "p", NULL);
    if (p != m->parent) {
        /* Messages point at the unit in the new edition. */
        xmlChar *line = xmlGetNsProp(m->parent, BAD_CAST "line", BAD_CAST GW_ANNOTATION_NS);
        if (line)
            xmlSetNsProp(p, m->gwns, BAD_CAST "line", line);
        xmlFree(line);
    }
    xmlSetNsProp(p, m->gwns, BAD_CAST "printed", BAD_CAST "yes");
    return p;
}

/* Removes what an element prints but its items, which keep their places (and so their
 * numbers) and their sub-items. */
static void strip_text(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children, next; c; c = next) {
        next = c->next;
        if (is_el(c, GW_SOURCE_NS, "item")) {
            strip_text(c);
        } else {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

/* Replaces what a unit's element prints by the marked characters d: a chapter's or section's
 * heading, an article's paragraphs (its items become paragraphs that print their numbers), a
 * paragraph's text. */
static void print_unit(xmlNodePtr el, const dlist *d, xmlNsPtr cns, xmlNsPtr gwns)
{
    redline_maker m = {el, false, el->ns, gwns};
    if (xmlStrEqual(el->name, BAD_CAST "chapter") || xmlStrEqual(el->name, BAD_CAST "section")) {
        m.parent = child_el(el, "heading");
        m.heading = true;
    }
    if (!m.parent)
        return;
    /* A heading or a paragraph keeps its element; an article keeps only its items, emptied,
     * which print nothing but still answer the references to them. */
    strip_text(m.parent);
    if (xmlStrEqual(el->name, BAD_CAST "p"))
        m.heading = true; /* the paragraph is its one paragraph */
    /* A heading takes one paragraph: the marked characters without breaks. */
    write_paras(d, 1u << EQ | 1u << DEL | 1u << INS, cns, new_redline_para, &m);
}

/* Where a deleted unit goes in the redline: after the element of the unit before it, at its
 * own level (after that unit's chapter, say, for a deleted chapter), or as the first unit
 * under it when that is a chapter or section that holds it. */
static void place_deleted(xmlNodePtr el, int lvl, xmlNodePtr prev, int prev_lvl, xmlNodePtr body)
{
    if (!prev) {
        xmlNodePtr first = body->children;
        while (first && first->type != XML_ELEMENT_NODE)
            first = first->next;
        if (first)
            xmlAddPrevSibling(first, el);
        else
            xmlAddChild(body, el);
        return;
    }
    if (lvl > prev_lvl) {
        xmlNodePtr heading = child_el(prev, "heading");
        if (heading)
            xmlAddNextSibling(heading, el);
        else
            xmlAddChild(prev, el);
        return;
    }
    for (int l = prev_lvl; l > lvl && prev->parent && !is_el(prev->parent, GW_SOURCE_NS, "body") &&
                           !is_el(prev->parent, GW_SOURCE_NS, "attachment");
         l--)
        prev = prev->parent;
    xmlAddNextSibling(prev, el);
}

static bool redline_kind(const char *kind)
{
    return strcmp(kind, "chapter") == 0 || strcmp(kind, "section") == 0 ||
           strcmp(kind, "article") == 0 || strcmp(kind, "p") == 0;
}

/* The new edition, every unit that can be printed printed with its marks, the deleted units in
 * their places. Points and tables that changed print as they are: their changes are reported. */
static xmlDocPtr make_redline(gw_ctx *ctx, edition *o, edition *n)
{
    xmlDocPtr doc = n->doc;
    n->doc = NULL; /* the redline is made of it */
    /* Lines and article numbers (gw:line, gw:index) before anything is added. */
    gw_source_annotate_lines(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr gwns = xmlSearchNsByHref(doc, root, BAD_CAST GW_ANNOTATION_NS);
    xmlNsPtr cns = xmlNewNs(root, BAD_CAST GW_COMPARE_NS, BAD_CAST "c");
    xmlNodePtr body = child_el(root, "body");
    size_t n_rows = 0;
    row *rows = order_rows(o, n, &n_rows);
    xmlNodePtr prev = NULL;
    int prev_lvl = 0;
    for (size_t r = 0; r < n_rows; r++) {
        const unit *a = rows[r].o >= 0 ? &o->u[rows[r].o] : NULL;
        const unit *b = rows[r].n >= 0 ? &n->u[rows[r].n] : NULL;
        const unit *u = b ? b : a;
        if (!redline_kind(u->kind)) {
            if (!b)
                gw_warning(ctx, (gw_pos){o->path, a->line},
                           "this %s was deleted; the redline leaves it out, the comparison "
                           "table shows it",
                           a->kind);
            if (b && strcmp(row_kind(o, n, rows[r]), "unchanged") != 0)
                gw_warning(ctx, (gw_pos){n->path, b->line},
                           "this %s changed; the redline shows it as it is now, the comparison "
                           "table shows what changed",
                           b->kind);
            if (b && strcmp(b->kind, "title") != 0)
                prev = b->el, prev_lvl = level(b->kind);
            continue;
        }
        dlist d = diff_units(a, b);
        xmlNodePtr el = b ? b->el : NULL;
        if (!el) {
            /* A deleted unit: an element of its kind, placed where it stood. */
            el = xmlNewDocNode(doc, root->ns, BAD_CAST a->kind, NULL);
            if (level(a->kind) < 3)
                xmlNewChild(el, root->ns, BAD_CAST "heading", NULL);
            xmlSetNsProp(el, gwns, BAD_CAST "deleted", BAD_CAST "yes");
            place_deleted(el, level(a->kind), prev, prev_lvl, body ? body : root);
        }
        print_unit(el, &d, cns, gwns);
        free(d.v);
        if (a && b && b->moved && a->label_text && strcmp(b->kind, "article") == 0)
            xmlSetNsProp(el, gwns, BAD_CAST "moved-from", BAD_CAST a->label_text);
        prev = el;
        prev_lvl = level(u->kind);
    }
    free(rows);
    return doc;
}

/* ---- the command --------------------------------------------------------------------- */

gw_status gw_compare(gw_ctx *ctx, const char *old_path, const char *new_path,
                     const char *output_path, gw_format format, const gw_compare_options *opts)
{
    gw_compare_options none = {0};
    if (!opts)
        opts = &none;
    if (gw_same_file(old_path, output_path) || gw_same_file(new_path, output_path)) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the output over an input");
        return GW_ERR_USAGE;
    }
    edition o = {0}, n = {0};
    gw_status st = GW_ERR_INPUT;
    if (edition_load(ctx, &o, old_path) && edition_load(ctx, &n, new_path)) {
        /* Ids pair units unless the texts pair them far better: two imported texts, whose ids
         * only count positions. */
        double by_id = opts->pairing == GW_PAIR_TEXT ? 0 : pair_by_id(&o, &n);
        if (opts->pairing != GW_PAIR_ID) {
            unpair(&o, &n);
            double by_text = pair_by_text(&o, &n);
            bool text = opts->pairing == GW_PAIR_TEXT || by_text > 1.5 * by_id;
            if (!text) {
                unpair(&o, &n);
                pair_by_id(&o, &n);
            } else if (opts->pairing == GW_PAIR_AUTO) {
                gw_warning(ctx, (gw_pos){new_path, 0},
                           "the ids of the two editions do not follow their texts (imported "
                           "texts?): units are paired by their texts; --pair=id pairs them by id");
            }
        }
        find_moves(&o, &n);
        xmlDocPtr doc = opts->redline ? make_redline(ctx, &o, &n)
                                      : make_comparison(&o, &n, opts->keep_unchanged);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (!opts->redline) {
            /* What the stylesheets are promised (schema/compare.rng). */
            struct gw_schema *schema = gw_schema_new(ctx, "schema/compare.rng");
            bool ok = schema && gw_schema_validate(ctx, schema, doc, new_path,
                                                   "the comparison is not valid (a fault of "
                                                   "gongwen)");
            gw_schema_drop(schema);
            if (!ok) {
                xmlFreeDoc(doc);
                doc = NULL;
            }
        } else {
            gw_edition_annotate(doc, &n.info);
            xmlSetNsProp(root, xmlSearchNsByHref(doc, root, BAD_CAST GW_ANNOTATION_NS),
                         BAD_CAST "against", BAD_CAST o.info.sha256);
        }
        /* A redline's images (seals) are relative to the new edition's source. */
        const char *doc_path = opts->redline && n.info.base ? n.info.base : new_path;
        st = doc ? gw_render_doc(ctx, doc, doc_path, output_path, format) : GW_ERR_INPUT;
    }
    edition_clear(&o);
    edition_clear(&n);
    return st;
}
