/* Editions: amendments applied to sources, histories, and the edition in force on a date. */
#include "edition.h"

#include "ctx.h"
#include "source.h"
#include "transform.h"

#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- small helpers ------------------------------------------------------------------- */

static bool in_ns(xmlNodePtr n, const char *ns)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST ns);
}

static bool is_el(xmlNodePtr n, const char *ns, const char *name)
{
    return in_ns(n, ns) && xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr first_el(xmlNodePtr parent, const char *ns, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (is_el(c, ns, name))
            return c;
    return NULL;
}

/* An attribute's value (malloc'd) or NULL. */
static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    char *s = v ? gw_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *text_of(xmlNodePtr n)
{
    xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
    char *s = v ? gw_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static int line_of(xmlNodePtr n)
{
    return n ? (int)xmlGetLineNo(n) : 0;
}

/* The element's id attribute, owned by the tree, or NULL. */
static const char *id_of(xmlNodePtr n)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    xmlAttrPtr a = xmlHasNsProp(n, BAD_CAST "id", NULL);
    return a && a->children ? (const char *)a->children->content : NULL;
}

static bool valid_date(const char *s)
{
    unsigned y, m, d;
    char tail;
    return s && strlen(s) == 10 && sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 &&
           s[4] == '-' && s[7] == '-' && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

char *gw_sha256_hex(const char *data, size_t len)
{
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
}

void gw_edition_info_clear(gw_edition_info *info)
{
    if (!info)
        return;
    g_free(info->sha256);
    free(info->effective);
    free(info->file);
    free(info->base);
    memset(info, 0, sizeof *info);
}

/* ---- serialising --------------------------------------------------------------------- */

/* Elements whose text is the document's own: white space in them is content. */
static bool mixed(xmlNodePtr n)
{
    static const char *const names[] = {
        "p",         "heading", "title",     "title-note", "cell",   "caption",  "organ", "signer",
        "addressee", "note",    "signature", "signatory",  "date",   "to",       "cc",    "printer",
        "printed",   "copy",    "urgency",   "present",    "absent", "attending"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (xmlStrEqual(n->name, BAD_CAST names[i]))
            return true;
    return false;
}

static bool blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Drops the white space between the children of elements that hold only elements, so that the
 * serialiser indents them afresh, wherever they came from. */
static void drop_indentation(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children, next; c; c = next) {
        next = c->next;
        if (c->type == XML_TEXT_NODE && blank(c->content) && !mixed(n)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE && !mixed(c)) {
            drop_indentation(c);
        }
    }
}

char *gw_edition_serialize(xmlDocPtr doc, size_t *len)
{
    xmlDocPtr copy = xmlCopyDoc(doc, 1);
    xmlNodePtr root = xmlDocGetRootElement(copy);
    if (root)
        drop_indentation(root);
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpFormatMemoryEnc(copy, &mem, &n, "UTF-8", 1);
    xmlFreeDoc(copy);
    char *out = gw_xstrndup(mem ? (const char *)mem : "", n > 0 ? (size_t)n : 0);
    xmlFree(mem);
    *len = n > 0 ? (size_t)n : 0;
    return out;
}

void gw_edition_annotate(xmlDocPtr doc, const gw_edition_info *info)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !info)
        return;
    xmlNsPtr ns = xmlSearchNsByHref(doc, root, BAD_CAST GW_ANNOTATION_NS);
    if (!ns)
        ns = xmlNewNs(root, BAD_CAST GW_ANNOTATION_NS, BAD_CAST "gw");
    if (info->effective)
        xmlSetNsProp(root, ns, BAD_CAST "edition", BAD_CAST info->effective);
    if (info->sha256)
        xmlSetNsProp(root, ns, BAD_CAST "sha256", BAD_CAST info->sha256);
}

/* ---- amendments ---------------------------------------------------------------------- */

typedef struct amendment {
    char *path;
    xmlDocPtr doc;
    xmlNodePtr decision;
    char *date, *effective;
} amendment;

static void amendment_drop(amendment *a)
{
    if (!a)
        return;
    xmlFreeDoc(a->doc);
    free(a->path);
    free(a->date);
    free(a->effective);
    free(a);
}

static amendment *amendment_load(gw_ctx *ctx, const char *path)
{
    xmlDocPtr doc = gw_xml_read(ctx, path);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!is_el(root, GW_AMENDMENT_NS, "amendment")) {
        gw_error(ctx, (gw_pos){path, line_of(root)},
                 "not an amendment: the root element is not <amendment> in %s", GW_AMENDMENT_NS);
        xmlFreeDoc(doc);
        return NULL;
    }
    struct gw_schema *schema = gw_schema_new(ctx, "schema/amendment.rng");
    bool ok = schema && gw_schema_validate(ctx, schema, doc, path,
                                           "not a valid amendment (schema/amendment.rng)");
    gw_schema_drop(schema);
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    amendment *a = gw_xcalloc(1, sizeof *a);
    a->path = gw_xstrdup(path);
    a->doc = doc;
    a->decision = first_el(root, GW_AMENDMENT_NS, "decision");
    a->date = prop(a->decision, "date");
    a->effective = prop(a->decision, "effective");
    if (!valid_date(a->date) || !valid_date(a->effective)) {
        gw_error(ctx, (gw_pos){path, line_of(a->decision)},
                 "the decision's date and the date it takes effect are days of the calendar, "
                 "written YYYY-MM-DD without a time zone");
        amendment_drop(a);
        return NULL;
    }
    if (strcmp(a->effective, a->date) < 0) {
        gw_error(ctx, (gw_pos){path, line_of(a->decision)},
                 "the amendment takes effect on %s, before it is decided on %s", a->effective,
                 a->date);
        amendment_drop(a);
        return NULL;
    }
    return a;
}

/* The state of one application: the edition's units by id, the units that this amendment
 * deleted (for a reference left pointing at one), and the subtrees that came from it (for the
 * file a message names). */
typedef struct applying {
    gw_ctx *ctx;
    const amendment *a;
    xmlDocPtr ed;
    const char *ed_path;
    GHashTable *units;   /* id → element */
    GHashTable *deleted; /* id → line of the operation that deleted it (GINT_TO_POINTER) */
    /* Elements copied from amendments → the amendment's path; what is not here (nor inside
     * such an element) came from ed_path. It lives as long as the edition does. */
    GHashTable *origins;
    bool failed;
} applying;

/* The file an element of the edition was written in: the amendment it was copied from (by
 * origins), else the edition's. */
static const char *origin_of(GHashTable *origins, const char *ed_path, xmlNodePtr n)
{
    for (; n && n->type != XML_DOCUMENT_NODE; n = n->parent) {
        const char *path = g_hash_table_lookup(origins, n);
        if (path)
            return path;
    }
    return ed_path;
}

static const char *origin(const applying *ap, xmlNodePtr n)
{
    return origin_of(ap->origins, ap->ed_path, n);
}

/* Frees a subtree of the edition, forgetting where its elements came from. */
static void free_subtree(applying *ap, xmlNodePtr n)
{
    xmlUnlinkNode(n);
    GPtrArray *stack = g_ptr_array_new();
    g_ptr_array_add(stack, n);
    while (stack->len) {
        xmlNodePtr x = g_ptr_array_remove_index(stack, stack->len - 1);
        g_hash_table_remove(ap->origins, x);
        for (xmlNodePtr c = x->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                g_ptr_array_add(stack, c);
    }
    g_ptr_array_free(stack, TRUE);
    xmlFreeNode(n);
}

static void index_units(applying *ap, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *id = id_of(n);
        if (id && in_ns(n, GW_SOURCE_NS))
            g_hash_table_insert(ap->units, (gpointer)id, n);
        index_units(ap, n->children);
    }
}

/* Forgets the ids of a subtree about to go; deleted_by > 0 records them as deleted there. */
static void unindex_units(applying *ap, xmlNodePtr n, int deleted_by, bool top)
{
    for (; n; n = top ? NULL : n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *id = id_of(n);
        if (id && g_hash_table_lookup(ap->units, id) == n) {
            g_hash_table_remove(ap->units, id);
            if (deleted_by > 0)
                g_hash_table_insert(ap->deleted, g_strdup(id), GINT_TO_POINTER(deleted_by));
        }
        unindex_units(ap, n->children, deleted_by, false);
    }
}

static void fail(applying *ap, xmlNodePtr op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(applying *ap, xmlNodePtr op, const char *fmt, ...)
{
    va_list v;
    va_start(v, fmt);
    gw_verror(ap->ctx, (gw_pos){ap->a->path, line_of(op)}, "error", fmt, v);
    va_end(v);
    ap->failed = true;
}

/* The unit an operation names in attribute `attr`, or NULL after reporting. */
static xmlNodePtr named_unit(applying *ap, xmlNodePtr op, const char *attr)
{
    char *id = prop(op, attr);
    xmlNodePtr n = id ? g_hash_table_lookup(ap->units, id) : NULL;
    if (!n && id) {
        gpointer line = g_hash_table_lookup(ap->deleted, id);
        if (line)
            fail(ap, op,
                 "%s=\"%s\" names a unit that line %d of this amendment has already "
                 "deleted",
                 attr, id, GPOINTER_TO_INT(line));
        else
            fail(ap, op, "%s=\"%s\" names no unit of %s", attr, id, ap->ed_path);
    }
    free(id);
    return n;
}

/* Where a place attribute (before, after, first-in, last-in) puts a node. */
typedef enum { PLACE_BEFORE, PLACE_AFTER, PLACE_FIRST_IN, PLACE_LAST_IN } place_kind;
static const char *const place_names[] = {"before", "after", "first-in", "last-in"};

static bool place_of(xmlNodePtr op, place_kind *kind)
{
    for (int k = 0; k < 4; k++) {
        if (xmlHasNsProp(op, BAD_CAST place_names[k], NULL)) {
            *kind = (place_kind)k;
            return true;
        }
    }
    return false;
}

/* Puts node (unlinked) at the place, relative to anchor. first-in stands after the anchor's
 * heading, when it has one. Returns the node, so a run of nodes can follow one another. */
static xmlNodePtr put(xmlNodePtr node, place_kind kind, xmlNodePtr anchor)
{
    switch (kind) {
    case PLACE_BEFORE:
        return xmlAddPrevSibling(anchor, node);
    case PLACE_AFTER:
        return xmlAddNextSibling(anchor, node);
    case PLACE_FIRST_IN: {
        xmlNodePtr first = NULL;
        for (xmlNodePtr c = anchor->children; c && !first; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                first = c;
        if (first && xmlStrEqual(first->name, BAD_CAST "heading"))
            return xmlAddNextSibling(first, node);
        return first ? xmlAddPrevSibling(first, node) : xmlAddChild(anchor, node);
    }
    case PLACE_LAST_IN:
        return xmlAddChild(anchor, node);
    }
    return node;
}

/* Copies an element of the amendment into the edition, in the edition's own namespace
 * declarations (as if it had been written there), keeping the amendment's line numbers for
 * messages. NULL after reporting an id the edition has already. */
static void copy_lines(xmlNodePtr from, xmlNodePtr to)
{
    for (; from && to; from = from->next, to = to->next) {
        to->line = from->line;
        if (from->type == XML_ELEMENT_NODE)
            copy_lines(from->children, to->children);
    }
}

static bool ids_free(applying *ap, xmlNodePtr n, bool top)
{
    bool ok = true;
    for (; n; n = top ? NULL : n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *id = id_of(n);
        if (id && g_hash_table_contains(ap->units, id)) {
            xmlNodePtr have = g_hash_table_lookup(ap->units, id);
            gw_error(ap->ctx, (gw_pos){ap->a->path, line_of(n)},
                     "id \"%s\" is already that of a unit (%s:%d)", id, origin(ap, have),
                     line_of(have));
            ap->failed = true;
            ok = false;
        }
        ok = ids_free(ap, n->children, false) && ok;
    }
    return ok;
}

static xmlNodePtr import_node(applying *ap, xmlNodePtr from, xmlNodePtr dest_parent)
{
    xmlNodePtr copy = NULL;
    if (xmlDOMWrapCloneNode(NULL, ap->a->doc, from, &copy, ap->ed, dest_parent, 1, 0) != 0 ||
        !copy) {
        fail(ap, from, "cannot copy this element into the edition");
        return NULL;
    }
    copy->line = from->line;
    copy_lines(from->children, copy->children);
    return copy;
}

/* The source elements among an operation's children. */
static xmlNodePtr next_block(xmlNodePtr n)
{
    while (n && !in_ns(n, GW_SOURCE_NS))
        n = n->next;
    return n;
}

static void do_insert(applying *ap, xmlNodePtr op)
{
    place_kind kind = PLACE_AFTER;
    place_of(op, &kind);
    xmlNodePtr anchor = named_unit(ap, op, place_names[kind]);
    if (!anchor)
        return;
    xmlNodePtr parent = kind == PLACE_BEFORE || kind == PLACE_AFTER ? anchor->parent : anchor;
    xmlNodePtr at = anchor;
    for (xmlNodePtr b = next_block(op->children); b; b = next_block(b->next)) {
        if (!ids_free(ap, b, true))
            continue;
        xmlNodePtr copy = import_node(ap, b, parent);
        if (!copy)
            continue;
        /* Each further block follows the one inserted before it. */
        at = at == anchor ? put(copy, kind, anchor) : xmlAddNextSibling(at, copy);
        g_hash_table_insert(ap->origins, copy, ap->a->path);
        index_units(ap, copy->children);
        if (id_of(copy))
            g_hash_table_insert(ap->units, (gpointer)id_of(copy), copy);
    }
}

static void do_delete(applying *ap, xmlNodePtr op)
{
    xmlNodePtr n = named_unit(ap, op, "unit");
    if (!n)
        return;
    unindex_units(ap, n, line_of(op), true);
    free_subtree(ap, n);
}

static void do_replace(applying *ap, xmlNodePtr op)
{
    xmlNodePtr unit = named_unit(ap, op, "unit");
    if (!unit)
        return;
    xmlNodePtr first = next_block(op->children);
    if (first && xmlStrEqual(first->name, BAD_CAST "heading")) {
        xmlNodePtr old = first_el(unit, GW_SOURCE_NS, "heading");
        if (!old) {
            fail(ap, op, "unit=\"%s\" has no heading to replace", id_of(unit));
            return;
        }
        xmlNodePtr copy = import_node(ap, first, unit);
        if (copy) {
            xmlAddPrevSibling(old, copy);
            free_subtree(ap, old);
            g_hash_table_insert(ap->origins, copy, ap->a->path);
        }
        return;
    }
    /* The whole content goes: sub-units given again keep their ids (and the references to
     * them); those left out count as deleted here. A chapter's, section's or point's heading
     * stays: the schema lets a replacement give a heading alone or content alone, and a
     * chapter without its heading is no source. */
    for (xmlNodePtr c = unit->children, next; c; c = next) {
        next = c->next;
        if (is_el(c, GW_SOURCE_NS, "heading"))
            continue;
        unindex_units(ap, c, line_of(op), true);
        free_subtree(ap, c);
    }
    for (xmlNodePtr b = first; b; b = next_block(b->next)) {
        if (!ids_free(ap, b, true))
            continue;
        xmlNodePtr copy = import_node(ap, b, unit);
        if (!copy)
            continue;
        xmlAddChild(unit, copy);
        g_hash_table_insert(ap->origins, copy, ap->a->path);
        index_units(ap, copy);
    }
    /* Ids given again are not deleted after all. */
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, ap->deleted);
    while (g_hash_table_iter_next(&it, &key, NULL))
        if (g_hash_table_contains(ap->units, key))
            g_hash_table_iter_remove(&it);
}

static bool inside(xmlNodePtr n, xmlNodePtr ancestor)
{
    for (; n; n = n->parent)
        if (n == ancestor)
            return true;
    return false;
}

static void do_move(applying *ap, xmlNodePtr op)
{
    place_kind kind = PLACE_AFTER;
    place_of(op, &kind);
    xmlNodePtr unit = named_unit(ap, op, "unit");
    xmlNodePtr anchor = named_unit(ap, op, place_names[kind]);
    if (!unit || !anchor)
        return;
    if (anchor == unit) {
        fail(ap, op, "cannot move \"%s\" relative to itself (a cycle)", id_of(unit));
        return;
    }
    if (inside(anchor, unit)) {
        fail(ap, op, "cannot move \"%s\" %s \"%s\", which stands inside it (a cycle)", id_of(unit),
             place_names[kind], id_of(anchor));
        return;
    }
    xmlUnlinkNode(unit);
    put(unit, kind, anchor);
}

/* Moves that place units relative to each other in a ring (A after B, B after A) say nothing
 * about where any of them goes: the ring is reported at its first move. */
typedef struct move_op {
    char *unit, *anchor;
    xmlNodePtr op;
} move_op;

static void check_move_cycles(applying *ap, xmlNodePtr root)
{
    move_op *moves = NULL;
    size_t n = 0, cap = 0;
    for (xmlNodePtr op = root->children; op; op = op->next) {
        if (!is_el(op, GW_AMENDMENT_NS, "move"))
            continue;
        place_kind kind = PLACE_AFTER;
        place_of(op, &kind);
        *GW_PUSH(moves, n, cap) = (move_op){prop(op, "unit"), prop(op, place_names[kind]), op};
    }
    GHashTable *by_unit = g_hash_table_new(g_str_hash, g_str_equal); /* unit → its last move */
    for (size_t i = 0; i < n; i++)
        g_hash_table_insert(by_unit, moves[i].unit, &moves[i]);
    GHashTable *reported = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t i = 0; i < n; i++) {
        /* Follow the anchors from this move; coming back to it closes a ring. */
        const move_op *m = g_hash_table_lookup(by_unit, moves[i].anchor);
        for (size_t steps = 0; m && m != &moves[i] && steps < n; steps++)
            m = g_hash_table_lookup(by_unit, m->anchor);
        if (m != &moves[i] || g_hash_table_contains(reported, m))
            continue;
        gw_buf ring = {0};
        do {
            g_hash_table_add(reported, (gpointer)m);
            gw_buf_printf(&ring, "\"%s\" (line %d) → ", m->unit, line_of(m->op));
            m = g_hash_table_lookup(by_unit, m->anchor);
        } while (m != &moves[i]);
        fail(ap, moves[i].op, "these moves place units relative to each other in a cycle: %s\"%s\"",
             ring.data, moves[i].unit);
        gw_buf_free(&ring);
    }
    g_hash_table_destroy(reported);
    g_hash_table_destroy(by_unit);
    for (size_t i = 0; i < n; i++) {
        free(moves[i].unit);
        free(moves[i].anchor);
    }
    free(moves);
}

/* A reference must still name a unit: the last check, once every operation is done. */
static void check_refs(applying *ap, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(n, GW_SOURCE_NS, "ref")) {
            char *to = prop(n, "to");
            if (to && !g_hash_table_contains(ap->units, to)) {
                gw_pos at = {origin(ap, n), line_of(n)};
                gpointer line = g_hash_table_lookup(ap->deleted, to);
                if (line)
                    gw_error(ap->ctx, at, "reference to \"%s\", which %s:%d deletes", to,
                             ap->a->path, GPOINTER_TO_INT(line));
                else
                    gw_error(ap->ctx, at,
                             "reference to \"%s\", which no unit of the amended "
                             "edition has as its id",
                             to);
                ap->failed = true;
            }
            free(to);
        }
        check_refs(ap, n->children);
    }
}

/* A chapter or section whose last unit went holds only its heading, which the schema would
 * report without a name: say which, and why. */
static void check_emptied(applying *ap, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(n, GW_SOURCE_NS, "chapter") || is_el(n, GW_SOURCE_NS, "section")) {
            bool holds = false;
            for (xmlNodePtr c = n->children; c && !holds; c = c->next)
                holds = in_ns(c, GW_SOURCE_NS) && !xmlStrEqual(c->name, BAD_CAST "heading");
            if (!holds) {
                gw_error(ap->ctx, (gw_pos){origin(ap, n), line_of(n)},
                         "%s \"%s\" holds nothing but its heading once %s is applied: delete "
                         "it too, or move or insert a unit into it",
                         (const char *)n->name, id_of(n), ap->a->path);
                ap->failed = true;
            }
        }
        check_emptied(ap, n->children);
    }
}

/* The decision's number, date and 题注 become the edition's. */
static void take_decision(applying *ap)
{
    xmlNodePtr root = xmlDocGetRootElement(ap->ed);
    xmlNodePtr head = first_el(root, GW_SOURCE_NS, "head");
    xmlNodePtr number = first_el(ap->a->decision, GW_AMENDMENT_NS, "number");
    if (number && head) {
        xmlNodePtr copy = xmlNewDocNode(ap->ed, root->ns, BAD_CAST "number", NULL);
        for (xmlAttrPtr at = number->properties; at; at = at->next) {
            xmlChar *v = xmlNodeListGetString(ap->a->doc, at->children, 1);
            xmlSetProp(copy, at->name, v);
            xmlFree(v);
        }
        xmlNodePtr old = first_el(head, GW_SOURCE_NS, "number");
        if (old) {
            xmlAddPrevSibling(old, copy);
            free_subtree(ap, old);
        } else {
            xmlNodePtr last = NULL;
            for (xmlNodePtr c = head->children; c; c = c->next)
                if (is_el(c, GW_SOURCE_NS, "organ"))
                    last = c;
            xmlAddNextSibling(last, copy);
        }
    }
    xmlNodePtr date = first_el(first_el(root, GW_SOURCE_NS, "closing"), GW_SOURCE_NS, "date");
    if (date)
        xmlNodeSetContent(date, BAD_CAST ap->a->date);
    xmlNodePtr printed =
        first_el(first_el(root, GW_SOURCE_NS, "colophon"), GW_SOURCE_NS, "printed");
    if (printed)
        xmlNodeSetContent(printed, BAD_CAST ap->a->date);
    xmlNodePtr note = first_el(ap->a->decision, GW_AMENDMENT_NS, "title-note");
    xmlNodePtr title = first_el(root, GW_SOURCE_NS, "title");
    if (note && title) {
        xmlNodePtr old = first_el(root, GW_SOURCE_NS, "title-note");
        xmlNodePtr fresh = xmlNewDocNode(ap->ed, root->ns, BAD_CAST "title-note", NULL);
        xmlChar *text = xmlNodeGetContent(note);
        xmlNodeAddContent(fresh, text);
        xmlFree(text);
        if (old) {
            xmlAddPrevSibling(old, fresh);
            free_subtree(ap, old);
        } else {
            xmlAddNextSibling(title, fresh);
        }
    }
}

/* The date of an edition: its 成文日期, else its printing date (NULL when it has neither). */
static char *source_date(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr d = first_el(first_el(root, GW_SOURCE_NS, "closing"), GW_SOURCE_NS, "date");
    if (!d)
        d = first_el(first_el(root, GW_SOURCE_NS, "colophon"), GW_SOURCE_NS, "printed");
    return text_of(d);
}

/* The schema's messages on an amended edition, each at the file its element was written in:
 * the edition's, or the amendment's for what an amendment inserted (whose lines it keeps). */
typedef struct invalid_sink {
    gw_ctx *ctx;
    GHashTable *origins;
    const char *ed_path;
    int reported;
} invalid_sink;

static void report_invalid(void *data, xmlErrorPtr e)
{
    invalid_sink *sink = data;
    if (!e || e->level == XML_ERR_WARNING || sink->reported >= 20)
        return;
    sink->reported++;
    char *msg = gw_xstrdup(e->message ? e->message : "invalid");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    xmlNodePtr node = e->node;
    int line = node ? line_of(node) : e->line;
    gw_error(sink->ctx, (gw_pos){origin_of(sink->origins, sink->ed_path, node), line}, "%s", msg);
    free(msg);
}

static bool schema_valid(gw_ctx *ctx, xmlDocPtr ed, const char *ed_path, GHashTable *origins)
{
    char *rng = gw_data_path(ctx, "schema/source.rng");
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(rng);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    if (!vc) {
        gw_error(ctx, (gw_pos){rng, 0}, "the schema does not compile");
        xmlRelaxNGFree(schema);
        free(rng);
        return false;
    }
    invalid_sink sink = {ctx, origins, ed_path, 0};
    xmlRelaxNGSetValidStructuredErrors(vc, report_invalid, &sink);
    /* ID and IDREF checks report through libxml2's global handler, not the validator's. */
    xmlSetStructuredErrorFunc(&sink, report_invalid);
    int rc = xmlRelaxNGValidateDoc(vc, ed);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    free(rng);
    if (rc != 0 && !sink.reported)
        gw_error(ctx, (gw_pos){ed_path, 0}, "the schema names no fault");
    return rc == 0;
}

/* Checks the edition as a render would: the schema, then the stylesheets (references that
 * resolve and cite what can be cited). */
static bool edition_valid(gw_ctx *ctx, xmlDocPtr ed, const char *ed_path, GHashTable *origins,
                          const char *path)
{
    int before = ctx->errors;
    if (!schema_valid(ctx, ed, ed_path, origins)) {
        gw_error(ctx, (gw_pos){path, 0},
                 "the edition this amendment makes is not a valid source (schema/source.rng); "
                 "the messages above point into it");
        return false;
    }
    xmlDocPtr copy = xmlCopyDoc(ed, 1);
    gw_source_annotate_lines(copy);
    xmlDocPtr layout = gw_transform(ctx, copy, path);
    xmlFreeDoc(copy);
    xmlFreeDoc(layout);
    return layout && ctx->errors == before;
}

/* Applies an amendment to the edition `ed` (read from ed_path), in place; origins records
 * which elements came from which amendment, across the amendments of a history. False after
 * reporting; the edition is then in an undefined state. */
static bool apply(gw_ctx *ctx, const amendment *a, xmlDocPtr ed, const char *ed_path,
                  GHashTable *origins)
{
    char *ed_date = source_date(ed);
    if (ed_date && strcmp(a->date, ed_date) < 0) {
        gw_error(ctx, (gw_pos){a->path, line_of(a->decision)},
                 "the amendment was decided on %s, before the edition it amends (%s, dated %s)",
                 a->date, ed_path, ed_date);
        free(ed_date);
        return false;
    }
    free(ed_date);
    applying ap = {ctx,
                   a,
                   ed,
                   ed_path,
                   g_hash_table_new(g_str_hash, g_str_equal),
                   g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                   origins,
                   false};
    xmlNodePtr root = xmlDocGetRootElement(a->doc);
    index_units(&ap, xmlDocGetRootElement(ed));
    check_move_cycles(&ap, root);
    for (xmlNodePtr op = root->children; op && !ap.failed; op = op->next) {
        if (is_el(op, GW_AMENDMENT_NS, "insert"))
            do_insert(&ap, op);
        else if (is_el(op, GW_AMENDMENT_NS, "delete"))
            do_delete(&ap, op);
        else if (is_el(op, GW_AMENDMENT_NS, "replace"))
            do_replace(&ap, op);
        else if (is_el(op, GW_AMENDMENT_NS, "move"))
            do_move(&ap, op);
    }
    if (!ap.failed)
        check_emptied(&ap, xmlDocGetRootElement(ed));
    if (!ap.failed)
        check_refs(&ap, xmlDocGetRootElement(ed));
    if (!ap.failed)
        take_decision(&ap);
    bool ok = !ap.failed;
    g_hash_table_destroy(ap.units);
    g_hash_table_destroy(ap.deleted);
    return ok && edition_valid(ctx, ed, ed_path, origins, a->path);
}

/* ---- histories ----------------------------------------------------------------------- */

typedef struct entry {
    char *path;
    char *date;    /* an edition's effective date, or an amendment's */
    gw_pos origin; /* the manifest's line, or the decision */
    amendment *a;  /* NULL for an edition */
} entry;

typedef struct history {
    entry *v;
    size_t n, cap;
} history;

static void history_clear(history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        amendment_drop(h->v[i].a);
        free(h->v[i].path);
        free(h->v[i].date);
    }
    free(h->v);
    memset(h, 0, sizeof *h);
}

/* Adds a file of a history: an edition (a source) or an amendment. effective, from a manifest,
 * is an edition's date; origin is where the file was named. A single source (alone) needs no
 * date. */
static bool add_entry(gw_ctx *ctx, history *h, const char *path, bool is_amendment,
                      const char *effective, gw_pos origin, bool alone)
{
    entry e = {gw_xstrdup(path), NULL, origin, NULL};
    if (is_amendment) {
        e.a = amendment_load(ctx, path);
        if (e.a) {
            e.date = gw_xstrdup(e.a->effective);
            e.origin = (gw_pos){e.a->path, line_of(e.a->decision)};
        }
    } else if (effective) {
        e.date = gw_xstrdup(effective);
    } else {
        xmlDocPtr doc = gw_source_load(ctx, path);
        e.date = doc ? source_date(doc) : NULL;
        if (doc && !e.date && alone)
            e.date = gw_xstrdup("");
        if (doc && !e.date)
            gw_error(ctx, origin,
                     "%s has neither a closing date nor a printing date: give the day it takes "
                     "effect in a manifest (effective=\"YYYY-MM-DD\")",
                     path);
        xmlFreeDoc(doc);
    }
    *GW_PUSH(h->v, h->n, h->cap) = e;
    return e.date != NULL;
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return gw_xasprintf("%.*s/%s", (int)n, dir, name);
}

static bool read_manifest(gw_ctx *ctx, history *h, const char *path)
{
    xmlDocPtr doc = gw_xml_read(ctx, path);
    if (!doc)
        return false;
    struct gw_schema *schema = gw_schema_new(ctx, "schema/history.rng");
    bool ok = schema && gw_schema_validate(ctx, schema, doc, path,
                                           "not a valid history (schema/history.rng)");
    gw_schema_drop(schema);
    char *dir = g_path_get_dirname(path);
    for (xmlNodePtr c = ok ? xmlDocGetRootElement(doc)->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *src = prop(c, "src");
        char *effective = prop(c, "effective");
        char *file = join_path(dir, src);
        gw_pos at = {path, line_of(c)};
        bool amendment_entry = xmlStrEqual(c->name, BAD_CAST "amendment");
        if (effective && !valid_date(effective)) {
            gw_error(ctx, at, "effective=\"%s\" is not a day of the calendar (YYYY-MM-DD)",
                     effective);
            ok = false;
        } else if (!add_entry(ctx, h, file, amendment_entry, effective, at, false)) {
            ok = false;
        }
        free(file);
        free(effective);
        free(src);
    }
    g_free(dir);
    xmlFreeDoc(doc);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder: history.xml when there is one, else every .xml file, each an edition or an
 * amendment by its root element. */
static bool read_folder(gw_ctx *ctx, history *h, const char *dir)
{
    char *manifest = join_path(dir, "history.xml");
    struct stat st;
    if (stat(manifest, &st) == 0) {
        bool ok = read_manifest(ctx, h, manifest);
        free(manifest);
        return ok;
    }
    free(manifest);
    DIR *d = opendir(dir);
    if (!d) {
        gw_error(ctx, (gw_pos){dir, 0}, "cannot read the folder: %s", strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && g_str_has_suffix(e->d_name, ".xml"))
            *GW_PUSH(names, n, cap) = gw_xstrdup(e->d_name);
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *file = join_path(dir, names[i]);
        xmlDocPtr doc = gw_xml_read(ctx, file);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        bool amendment_file = in_ns(root, GW_AMENDMENT_NS);
        bool source_file = in_ns(root, GW_SOURCE_NS);
        xmlFreeDoc(doc);
        if (!doc) {
            ok = false;
        } else if (!amendment_file && !source_file) {
            gw_error(ctx, (gw_pos){file, line_of(root)},
                     "neither an edition (%s) nor an amendment (%s)", GW_SOURCE_NS,
                     GW_AMENDMENT_NS);
            ok = false;
        } else if (!add_entry(ctx, h, file, amendment_file, NULL, (gw_pos){file, 0}, false)) {
            ok = false;
        }
        free(file);
        free(names[i]);
    }
    free(names);
    if (ok && h->n == 0) {
        gw_error(ctx, (gw_pos){dir, 0}, "holds no edition and no amendment (*.xml)");
        ok = false;
    }
    return ok;
}

static int by_date(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    /* On one day, the amendments come before an edition: that day's edition holds them. */
    return c ? c : (y->a != NULL) - (x->a != NULL);
}

static bool history_load(gw_ctx *ctx, history *h, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot open: %s", strerror(errno));
        return false;
    }
    bool ok;
    if (S_ISDIR(st.st_mode)) {
        ok = read_folder(ctx, h, path);
    } else {
        xmlDocPtr doc = gw_xml_read(ctx, path);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        bool manifest = in_ns(root, GW_HISTORY_NS);
        bool amendment_file = in_ns(root, GW_AMENDMENT_NS);
        xmlFreeDoc(doc);
        if (!doc)
            ok = false;
        else if (manifest)
            ok = read_manifest(ctx, h, path);
        else if (amendment_file) {
            gw_error(ctx, (gw_pos){path, line_of(root)},
                     "an amendment alone has no edition in force: give its history (a folder "
                     "or a manifest), or apply it to an edition");
            ok = false;
        } else
            ok = add_entry(ctx, h, path, false, NULL, (gw_pos){path, 0}, true);
    }
    if (!ok)
        return false;
    if (h->n)
        qsort(h->v, h->n, sizeof *h->v, by_date);
    for (size_t i = 1; i < h->n; i++) {
        const entry *x = &h->v[i - 1], *y = &h->v[i];
        if (strcmp(x->date, y->date) == 0 && (x->a != NULL) == (y->a != NULL)) {
            gw_error(
                ctx, y->origin, "%s takes effect on %s, as %s does (%s:%d): which comes first?",
                y->a ? "this amendment" : "this edition", y->date,
                y->a ? "another amendment" : "another edition", x->origin.file, x->origin.line);
            ok = false;
        }
    }
    return ok;
}

/* Reads a file whole (for its checksum). */
static char *file_sha256(gw_ctx *ctx, const char *path)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err)) {
        gw_error(ctx, (gw_pos){path, 0}, "cannot read: %s", err->message);
        g_error_free(err);
        return NULL;
    }
    char *hex = gw_sha256_hex(data, len);
    g_free(data);
    return hex;
}

xmlDocPtr gw_edition_load(gw_ctx *ctx, const char *path, const char *as_of, gw_edition_info *info)
{
    if (as_of && !valid_date(as_of)) {
        gw_error(ctx, (gw_pos){NULL, 0}, "--as-of %s is not a day of the calendar (YYYY-MM-DD)",
                 as_of);
        return NULL;
    }
    history h = {0};
    if (!history_load(ctx, &h, path)) {
        history_clear(&h);
        return NULL;
    }
    /* The latest edition in force by then, and every later amendment in force by then. */
    size_t base = h.n;
    for (size_t i = 0; i < h.n; i++)
        if (!h.v[i].a && (!as_of || strcmp(h.v[i].date, as_of) <= 0))
            base = i;
    if (base == h.n) {
        size_t first = 0;
        while (first < h.n && h.v[first].a)
            first++;
        if (first == h.n)
            gw_error(ctx, (gw_pos){path, 0}, "holds amendments but no edition to apply them to");
        else
            gw_error(ctx, (gw_pos){path, 0},
                     "no edition is in force on %s: the first (%s) takes effect on %s", as_of,
                     h.v[first].path, h.v[first].date);
        history_clear(&h);
        return NULL;
    }
    xmlDocPtr ed = gw_source_load(ctx, h.v[base].path);
    const char *effective = h.v[base].date;
    size_t applied = 0;
    GHashTable *origins = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t i = base + 1; ed && i < h.n && (!as_of || strcmp(h.v[i].date, as_of) <= 0); i++) {
        if (!h.v[i].a)
            continue;
        if (!apply(ctx, h.v[i].a, ed, h.v[base].path, origins)) {
            xmlFreeDoc(ed);
            ed = NULL;
            break;
        }
        effective = h.v[i].date;
        applied++;
    }
    g_hash_table_destroy(origins);
    if (ed && info) {
        memset(info, 0, sizeof *info);
        info->effective = *effective ? gw_xstrdup(effective) : NULL;
        info->base = gw_xstrdup(h.v[base].path);
        if (!applied)
            info->file = gw_xstrdup(h.v[base].path);
        if (applied) {
            size_t len = 0;
            char *bytes = gw_edition_serialize(ed, &len);
            info->sha256 = gw_sha256_hex(bytes, len);
            free(bytes);
        } else {
            info->sha256 = file_sha256(ctx, h.v[base].path);
            if (!info->sha256) {
                xmlFreeDoc(ed);
                ed = NULL;
            }
        }
    }
    history_clear(&h);
    return ed;
}

/* ---- the commands -------------------------------------------------------------------- */

static gw_status write_edition(gw_ctx *ctx, xmlDocPtr ed, const char *output_path)
{
    size_t len = 0;
    char *bytes = gw_edition_serialize(ed, &len);
    gw_status st = gw_write_bytes(ctx, output_path ? output_path : "-", bytes, len);
    free(bytes);
    return st;
}

gw_status gw_apply(gw_ctx *ctx, const char *edition_path, const char *amendment_path,
                   const char *output_path)
{
    if (output_path &&
        (gw_same_file(edition_path, output_path) || gw_same_file(amendment_path, output_path))) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the new edition over an input");
        return GW_ERR_USAGE;
    }
    xmlDocPtr ed = gw_source_load(ctx, edition_path);
    amendment *a = ed ? amendment_load(ctx, amendment_path) : NULL;
    gw_status st = GW_ERR_INPUT;
    GHashTable *origins = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (a && apply(ctx, a, ed, edition_path, origins))
        st = write_edition(ctx, ed, output_path);
    g_hash_table_destroy(origins);
    amendment_drop(a);
    xmlFreeDoc(ed);
    return st;
}

gw_status gw_edition_write(gw_ctx *ctx, const char *history, const char *as_of,
                           const char *output_path)
{
    if (output_path && gw_same_file(history, output_path)) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the edition over its history");
        return GW_ERR_USAGE;
    }
    gw_edition_info info = {0};
    xmlDocPtr ed = gw_edition_load(ctx, history, as_of, &info);
    if (!ed)
        return GW_ERR_INPUT;
    gw_status st;
    gchar *data = NULL;
    gsize len = 0;
    /* An edition as given is written as it is, so its checksum stays the file's. */
    if (info.file && g_file_get_contents(info.file, &data, &len, NULL))
        st = gw_write_bytes(ctx, output_path ? output_path : "-", data, len);
    else
        st = write_edition(ctx, ed, output_path);
    g_free(data);
    gw_edition_info_clear(&info);
    xmlFreeDoc(ed);
    return st;
}
