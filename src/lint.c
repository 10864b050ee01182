/* gongwen lint: the rules of GB/T 9704-2012 (and GB/T 15834 for punctuation) that people get
 * wrong, checked on a plain-text document (through the importer's recognition of its lines)
 * or on a source. Each warning names its rule; doc/lint.md gives each rule's clause. --fix
 * rewrites what a rule can fix by itself and leaves the rest to the author. */
#include "import.h"

#include "ctx.h"
#include "source.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

typedef struct lint {
    gw_ctx *ctx;
    const char *path;
    int warnings;
    bool fix;
} lint;

static void warn(lint *l, int line, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(lint *l, int line, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    fprintf(l->ctx->err, "%s:%d: warning: %s [%s]\n", l->path, line, msg ? msg : "", rule);
    free(msg);
    l->warnings++;
}

/* ---- rules on a string of code points, shared by text and sources ----------------------- */

static bool cjk_or_fullwidth(gunichar c)
{
    return gw_is_cjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           c == 0x201C || c == 0x201D;
}

static gunichar fullwidth_of(gunichar c)
{
    switch (c) {
    case '(':
        return 0xFF08;
    case ')':
        return 0xFF09;
    case ',':
        return 0xFF0C;
    case ';':
        return 0xFF1B;
    case ':':
        return 0xFF1A;
    case '?':
        return 0xFF1F;
    case '!':
        return 0xFF01;
    case '.':
        return 0x3002;
    default:
        return 0;
    }
}

/* Half-width punctuation in Chinese text: a mark with Chinese on either side, and both
 * brackets of a pair around Chinese. Fixed in place; returns how many. */
static int halfwidth(gunichar *s, size_t n, size_t *first)
{
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        gunichar f = fullwidth_of(s[i]);
        if (!f)
            continue;
        bool cjk_before = i > 0 && cjk_or_fullwidth(s[i - 1]);
        bool cjk_after = i + 1 < n && cjk_or_fullwidth(s[i + 1]);
        bool hit = cjk_before || cjk_after;
        size_t pair = i; /* a bracket pair is decided once, for both its brackets */
        if (s[i] == '.') /* a stop after Chinese; 1.三级 is a number, 通知.doc a file name */
            hit = i > 0 && gw_is_cjk(s[i - 1]) &&
                  !(i + 1 < n && s[i + 1] < 0x80 && g_unichar_isalnum(s[i + 1]));
        if (s[i] == '(') {
            size_t b = i + 1;
            while (b < n && s[b] != ')' && s[b] != '(')
                b++;
            if (b < n && s[b] == ')') {
                /* (六), (试行): what it holds is Chinese, or Chinese stands around it; not
                 * (2024) in 某政发(2024)7号, which the document-number rule treats */
                bool inside = false;
                for (size_t k = i + 1; k < b && !inside; k++)
                    inside = gw_is_cjk(s[k]);
                bool after = b + 1 < n && cjk_or_fullwidth(s[b + 1]);
                hit = inside || (cjk_before && after);
                pair = b;
            }
        } /* a ')' met here has no '(' before it: its neighbours decide, as for other marks */
        if (hit) {
            if (!found)
                *first = i;
            s[i] = f;
            found++;
            if (pair != i) {
                s[pair] = fullwidth_of(s[pair]);
                found++;
            }
        }
        if (pair != i)
            i = pair;
    }
    return found;
}

static bool is_end_punct(gunichar c)
{
    static const gunichar p[] = {0x3002, 0xFF0C, 0xFF1B, 0xFF1A, 0x3001, 0xFF01, 0xFF1F,
                                 '.',    ',',    ';',    ':',    '!',    '?'};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (c == p[i])
            return true;
    return false;
}

static char *utf8_char(gunichar c)
{
    char buf[8];
    int n = g_unichar_to_utf8(c, buf);
    return gw_xstrndup(buf, (size_t)n);
}

/* ---- plain text -------------------------------------------------------------------------- */

/* The lines of the decoded text as typed, for writing the fixed text. */
typedef struct raw_lines {
    char **line;
    size_t n, cap;
} raw_lines;

static void split_raw(const char *text, raw_lines *rl)
{
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\r\n");
        *GW_PUSH(rl->line, rl->n, rl->cap) = gw_xstrndup(p, n);
        p += n;
        if (!*p)
            break;
        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
        if (!*p)
            break;
    }
}

/* Replaces the line's typed text by its fixed text in the raw line. */
static bool apply_fix(raw_lines *rl, const gw_line *ln, const gunichar *fixed, size_t n)
{
    if (ln->no < 1 || (size_t)ln->no > rl->n)
        return false;
    char *old = gw_ustr_utf8(ln->text.s, ln->text.n);
    char *neu = gw_ustr_utf8(fixed, n);
    char *raw = rl->line[ln->no - 1];
    char *at = strstr(raw, old);
    bool ok = at != NULL;
    if (ok) {
        char *r = gw_xasprintf("%.*s%s%s", (int)(at - raw), raw, neu, at + strlen(old));
        free(raw);
        rl->line[ln->no - 1] = r;
    }
    free(old);
    free(neu);
    return ok;
}

static const char *mark_name(gw_mark_kind k)
{
    switch (k) {
    case GW_MARK_CHAPTER:
        return "chapter (第X章)";
    case GW_MARK_SECTION:
        return "section (第X节)";
    case GW_MARK_ARTICLE:
        return "article (第X条)";
    case GW_MARK_CN:
        return "heading 一、";
    case GW_MARK_PCN:
        return "heading （一）";
    case GW_MARK_NUM:
        return "heading 1.";
    case GW_MARK_PNUM:
        return "heading （1）";
    default:
        return "number";
    }
}

/* The document number: 〔〕 around a full year, no padding zeros (§7.2.4). */
static size_t fix_number(lint *l, const gw_line *ln, gunichar *s, size_t n)
{
    gw_docnum dn;
    if (!gw_parse_docnum(s, n, &dn) || dn.order)
        return n;
    size_t open = dn.code_len, close = dn.seq_at - 1;
    if (s[open] != 0x3014 || s[close] != 0x3015) {
        char *o = utf8_char(s[open]), *c = utf8_char(s[close]);
        warn(l, ln->no, "number-brackets",
             "the year in the document number stands in %s%s; GB/T 9704 §7.2.4 wants 〔〕", o, c);
        free(o);
        free(c);
        s[open] = 0x3014;
        s[close] = 0x3015;
    }
    if (dn.year_digits == 2)
        warn(l, ln->no, "number-year",
             "the year in the document number has two digits; write it in full (§7.2.4)");
    size_t z = dn.seq_at, k = z;
    while (k + 1 < dn.seq_at + dn.seq_len && gw_arabic_digit(s[k]) == 0)
        k++;
    if (k > z) {
        warn(l, ln->no, "number-padding",
             "the document number has padding zeros; GB/T 9704 §7.2.4: 序号不编虚位");
        memmove(s + z, s + k, (n - k) * sizeof *s);
        n -= k - z;
    }
    return n;
}

/* A date line: Arabic numerals, the year in full, no padding zeros (§7.3.5). */
static size_t fix_date(lint *l, const gw_line *ln, gunichar *s, size_t n, size_t from, size_t cap)
{
    int y, m, d;
    bool arabic;
    size_t end = n;
    const char *tail = "";
    if (ln->role == GW_LINE_PRINTED) {
        end = n - 2;
        tail = "印发";
    }
    if (!gw_parse_date(s + from, end - from, &y, &m, &d, &arabic))
        return n;
    char *typed = gw_ustr_utf8(s + from, end - from);
    char *want = gw_xasprintf("%d年%d月%d日", y, m, d);
    bool padded = strcmp(typed, want) != 0 && arabic;
    if (!arabic)
        warn(l, ln->no, "date-numerals",
             "the date is written in Chinese numerals; GB/T 9704 §7.3.5 wants Arabic ones "
             "(%s)",
             want);
    else if (padded)
        warn(l, ln->no, "date-padding",
             "the date has padding zeros or spaces; GB/T 9704 §7.3.5: 月、日不编虚位 (%s)", want);
    if (!arabic || padded) {
        char *full = gw_xasprintf("%s%s", want, tail);
        glong m2 = 0;
        gunichar *w = g_utf8_to_ucs4_fast(full, -1, &m2);
        if (from + (size_t)m2 <= cap) {
            memcpy(s + from, w, (size_t)m2 * sizeof *w);
            n = from + (size_t)m2;
        }
        g_free(w);
        free(full);
    }
    free(typed);
    free(want);
    return n;
}

static gw_status lint_text(lint *l, const char *fix_path)
{
    gw_text *t = gw_text_new(l->ctx, l->path, false);
    if (!t)
        return GW_ERR_INPUT;
    raw_lines rl = {0};
    if (fix_path)
        split_raw(t->utf8, &rl);
    int unfixed = 0;
    bool any_signer_rule = false;
    int depth_warned = 0;
    for (size_t i = 0; i < t->n_lines; i++) {
        const gw_line *ln = &t->lines[i];
        if (ln->role == GW_LINE_COMMENT || ln->role == GW_LINE_DROPPED || ln->role == GW_LINE_ROW)
            continue;
        size_t cap = ln->text.n + 16;
        gunichar *s = gw_xmalloc(cap * sizeof *s);
        memcpy(s, ln->text.s, ln->text.n * sizeof *s);
        size_t n = ln->text.n;
        bool changed = false;
        size_t at = 0;
        int hw = halfwidth(s, n, &at);
        if (hw) {
            warn(l, ln->no, "halfwidth-punct",
                 "half-width punctuation in Chinese text (%d, the first at character %zu); "
                 "GB/T 15834 wants full-width marks",
                 hw, at + 1);
            changed = true;
        }
        switch (ln->role) {
        case GW_LINE_NUMBER: {
            size_t before = n;
            gunichar *copy = gw_xmalloc(cap * sizeof *copy);
            memcpy(copy, s, n * sizeof *s);
            n = fix_number(l, ln, s, n);
            changed |= n != before || memcmp(copy, s, n * sizeof *s) != 0;
            free(copy);
            break;
        }
        case GW_LINE_DATE:
        case GW_LINE_PRINTED: {
            size_t from = 0;
            if (ln->role == GW_LINE_PRINTED) {
                from = n - 2;
                while (from > 0 && s[from - 1] != ' ' && s[from - 1] != 0x3000)
                    from--;
            }
            size_t before = n;
            gunichar *copy = gw_xmalloc(cap * sizeof *copy);
            memcpy(copy, s, n * sizeof *s);
            n = fix_date(l, ln, s, n, from, cap);
            changed |= n != before || memcmp(copy, s, n * sizeof *s) != 0;
            free(copy);
            break;
        }
        case GW_LINE_TITLE:
            /* only the title's last line ends it */
            if ((i + 1 >= t->n_lines || t->lines[i + 1].role != GW_LINE_TITLE) &&
                is_end_punct(s[n - 1])) {
                warn(l, ln->no, ln->part ? "attachment-name-punct" : "title-punct",
                     ln->part ? "the attachment's title ends with a punctuation mark; GB/T 9704 "
                                "§7.3.4: 附件名称后不加标点符号"
                              : "the title ends with a punctuation mark; a title takes none "
                                "there (GB/T 9704 §7.3.1, as practised)");
                n--;
                changed = true;
            }
            break;
        case GW_LINE_ATT_LIST:
            if (is_end_punct(s[n - 1])) {
                warn(l, ln->no, "attachment-name-punct",
                     "an attachment's name in the 附件说明 ends with a punctuation mark; GB/T 9704 "
                     "§7.3.4: 附件名称后不加标点符号");
                n--;
                changed = true;
            }
            break;
        case GW_LINE_ADDRESSEE:
            if (s[n - 1] != 0xFF1A) {
                warn(l, ln->no, "addressee-colon",
                     "the addressee (主送机关) does not end with the full-width colon (GB/T 9704 "
                     "§7.3.2)");
                if (s[n - 1] == ':' || s[n - 1] == 0xFF0C || s[n - 1] == 0x3002)
                    s[n - 1] = 0xFF1A;
                else
                    s[n++] = 0xFF1A;
                changed = true;
            }
            break;
        case GW_LINE_CC:
            /* only the list's last line ends it: a line it was wrapped onto may follow */
            if (i + 1 < t->n_lines && t->lines[i + 1].role == GW_LINE_CC &&
                !gw_starts_with(t->lines[i + 1].text.s, t->lines[i + 1].text.n, "抄送"))
                break;
            if (s[n - 1] != 0x3002) {
                warn(l, ln->no, "cc-stop",
                     "the 抄送 line does not end with a full stop 。 (GB/T 9704 §7.4.2)");
                if (is_end_punct(s[n - 1]))
                    s[n - 1] = 0x3002;
                else
                    s[n++] = 0x3002;
                changed = true;
            }
            break;
        default:
            break;
        }
        if (ln->mark.kind != GW_MARK_NONE && ln->role == GW_LINE_TEXT) {
            if (ln->skips_level) {
                /* one warning for a run of them (notes 1.–12. under a table) */
                size_t j = i + 1;
                while (j < t->n_lines && t->lines[j].skips_level &&
                       t->lines[j].mark.kind == ln->mark.kind)
                    j++;
                if (!(i > 0 && t->lines[i - 1].skips_level &&
                      t->lines[i - 1].mark.kind == ln->mark.kind)) {
                    if (j - i > 1)
                        warn(l, ln->no, "heading-level",
                             "%zu typed numbers (%s, to line %d) skip a level of the order "
                             "一、（一）1.（1） (GB/T 9704 §7.3.3) or stand where no structure is "
                             "open",
                             j - i, mark_name(ln->mark.kind), t->lines[j - 1].no);
                    else
                        warn(l, ln->no, "heading-level",
                             "this %s skips a level of the order 一、（一）1.（1） (GB/T 9704 "
                             "§7.3.3) or stands where no structure is open",
                             mark_name(ln->mark.kind));
                }
                depth_warned++;
                unfixed++;
            } else if (ln->expected && ln->expected != ln->mark.value) {
                warn(l, ln->no, "numbering",
                     "this %s is typed as number %ld but is number %ld in sequence (a gap or a "
                     "repeat)",
                     mark_name(ln->mark.kind), ln->mark.value, ln->expected);
                unfixed++;
            }
        }
        if (ln->role == GW_LINE_DATE && (i == 0 || t->lines[i - 1].role != GW_LINE_SIGNATURE)) {
            warn(l, ln->no, "signature-missing",
                 "no issuing organ signs above the date; GB/T 9704 §7.3.5 puts the 发文机关署名 "
                 "there");
            unfixed++;
        }
        if (changed && fix_path && !apply_fix(&rl, ln, s, n))
            unfixed++;
        free(s);
    }
    if (t->kind && (strcmp(t->kind, "请示") == 0 || strcmp(t->kind, "报告") == 0) &&
        !t->has_signer) {
        int line = 1;
        for (size_t i = 0; i < t->n_lines; i++)
            if (t->lines[i].role == GW_LINE_TITLE) {
                line = t->lines[i].no;
                break;
            }
        warn(l, line, "signer-missing",
             "a %s is an upward document and names its 签发人 (GB/T 9704 §7.2.6)", t->kind);
        unfixed++;
        any_signer_rule = true;
    }
    (void)any_signer_rule;
    (void)depth_warned;
    gw_status st = GW_OK;
    if (fix_path) {
        /* the text as it was but for the fixes: its byte order mark and its line ends */
        gw_buf out = {0};
        const char *eol = strstr(t->utf8, "\r\n") ? "\r\n" : "\n";
        if (t->bom && !t->decoded)
            gw_buf_adds(&out, "\xEF\xBB\xBF");
        for (size_t i = 0; i < rl.n; i++) {
            gw_buf_adds(&out, rl.line[i]);
            if (i + 1 < rl.n || (t->utf8[0] && t->utf8[strlen(t->utf8) - 1] == '\n'))
                gw_buf_adds(&out, eol);
        }
        st = gw_write_bytes(l->ctx, fix_path, out.data ? out.data : "", out.len);
        gw_buf_free(&out);
        if (t->decoded && st == GW_OK)
            fprintf(l->ctx->err, "%s:1: note: the fixed text is written in UTF-8\n", l->path);
        if (unfixed)
            fprintf(l->ctx->err, "%s: %d %s the author: not fixed\n", l->path, unfixed,
                    unfixed == 1 ? "warning needs" : "warnings need");
    }
    for (size_t i = 0; i < rl.n; i++)
        free(rl.line[i]);
    free(rl.line);
    gw_text_drop(t);
    return st;
}

/* ---- sources ----------------------------------------------------------------------------- */

static bool in_ns(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, BAD_CAST GW_SOURCE_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

/* Rewrites a text node from code points. */
static void set_text(xmlNodePtr node, const gunichar *s, size_t n)
{
    char *u = gw_ustr_utf8(s, n);
    xmlNodeSetContent(node, NULL);
    xmlChar *esc = xmlEncodeSpecialChars(node->doc, BAD_CAST u);
    xmlNodeSetContent(node, esc);
    xmlFree(esc);
    free(u);
}

static gunichar *node_text(xmlNodePtr node, size_t *n)
{
    glong m = 0;
    gunichar *s = g_utf8_to_ucs4_fast((const char *)node->content, -1, &m);
    *n = (size_t)m;
    return s;
}

/* The last text node inside an element (where its ending punctuation is). */
static xmlNodePtr last_text(xmlNodePtr e)
{
    for (xmlNodePtr c = e->last; c; c = c->prev)
        if (c->type == XML_TEXT_NODE) {
            const xmlChar *p = c->content;
            while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
                p++;
            if (*p)
                return c;
        }
    return NULL;
}

static void lint_end_punct(lint *l, xmlNodePtr e, const char *rule, const char *msg)
{
    xmlNodePtr tn = last_text(e);
    if (!tn)
        return;
    size_t n = 0;
    gunichar *s = node_text(tn, &n);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    if (n > 0 && is_end_punct(s[n - 1])) {
        warn(l, (int)xmlGetLineNo(e), rule, "%s", msg);
        if (l->fix)
            set_text(tn, s, n - 1);
    }
    g_free(s);
}

static void lint_typed_number(lint *l, xmlNodePtr e, const char *unit)
{
    xmlNodePtr tn = e->children;
    if (!tn || tn->type != XML_TEXT_NODE)
        return;
    size_t n = 0;
    gunichar *s = node_text(tn, &n);
    size_t a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\n' || s[a] == 0x3000))
        a++;
    char *u = gw_ustr_utf8(s + a, n - a);
    glong m = 0;
    gunichar *w = g_utf8_to_ucs4_fast(u, -1, &m);
    free(u);
    /* a number the structure prints anyway: 第三条 typed in an article, （一） in an item */
    gw_mark mk = gw_parse_mark(w, (size_t)m);
    if (mk.kind != GW_MARK_NONE && mk.len < (size_t)m) {
        warn(l, (int)xmlGetLineNo(e), "typed-number",
             "the %s's number is typed in its text, and gongwen prints one too; numbers are "
             "generated from the structure",
             unit);
        if (l->fix)
            set_text(tn, s + a + mk.len, n - a - mk.len);
    }
    g_free(w);
    g_free(s);
}

static void lint_tree(lint *l, xmlNodePtr e)
{
    for (xmlNodePtr c = e->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            size_t n = 0;
            gunichar *s = node_text(c, &n);
            size_t at = 0;
            int hw = halfwidth(s, n, &at);
            if (hw) {
                warn(l, (int)xmlGetLineNo(e), "halfwidth-punct",
                     "half-width punctuation in Chinese text (%d) in <%s>; GB/T 15834 wants "
                     "full-width marks",
                     hw, (const char *)e->name);
                if (l->fix)
                    set_text(c, s, n);
            }
            g_free(s);
        } else if (c->type == XML_ELEMENT_NODE) {
            lint_tree(l, c);
        }
    }
    if (in_ns(e, "title") && in_ns(e->parent, "document"))
        lint_end_punct(l, e, "title-punct",
                       "the title ends with a punctuation mark; a title takes none there "
                       "(GB/T 9704 §7.3.1, as practised)");
    if (in_ns(e, "title") && in_ns(e->parent, "attachment"))
        lint_end_punct(l, e, "attachment-name-punct",
                       "the attachment's title ends with a punctuation mark; GB/T 9704 §7.3.4: "
                       "附件名称后不加标点符号");
    if (in_ns(e, "p") && (in_ns(e->parent, "article") || in_ns(e->parent, "item")) &&
        xmlFirstElementChild(e->parent) == e)
        lint_typed_number(l, e, (const char *)e->parent->name);
    if (in_ns(e, "heading") && in_ns(e->parent, "point"))
        lint_typed_number(l, e, "point");
}

static gw_status lint_source(lint *l, const char *fix_path)
{
    xmlDocPtr doc = gw_xml_read(l->ctx, l->path);
    if (!doc)
        return GW_ERR_INPUT;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!in_ns(root, "document")) {
        gw_error(l->ctx, (gw_pos){l->path, root ? (int)xmlGetLineNo(root) : 1},
                 "not a gongwen source (the root is not <document> in %s)", GW_SOURCE_NS);
        xmlFreeDoc(doc);
        return GW_ERR_INPUT;
    }
    l->fix = fix_path != NULL;
    lint_tree(l, root);
    xmlChar *kind = xmlGetProp(root, BAD_CAST "kind");
    bool up = kind && (xmlStrEqual(kind, BAD_CAST "请示") || xmlStrEqual(kind, BAD_CAST "报告"));
    bool signer = false;
    for (xmlNodePtr h = root->children; h; h = h->next)
        if (in_ns(h, "head"))
            for (xmlNodePtr c = h->children; c; c = c->next)
                signer |= in_ns(c, "signer");
    if (up && !signer)
        warn(l, (int)xmlGetLineNo(root), "signer-missing",
             "a %s is an upward document and names its 签发人 (GB/T 9704 §7.2.6): add <signer>",
             (const char *)kind);
    xmlFree(kind);
    gw_status st = GW_OK;
    if (fix_path) {
        xmlChar *mem = NULL;
        int size = 0;
        xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
        st = gw_write_bytes(l->ctx, fix_path, (const char *)mem, (size_t)size);
        xmlFree(mem);
    }
    xmlFreeDoc(doc);
    return st;
}

gw_status gw_lint(gw_ctx *ctx, const char *path, const char *fix_path)
{
    if (fix_path && strcmp(fix_path, "-") != 0 && strcmp(fix_path, path) != 0 &&
        gw_same_file(path, fix_path)) {
        gw_error(ctx, (gw_pos){fix_path, 0}, "refusing to write over the input: use --in-place");
        return GW_ERR_USAGE;
    }
    lint l = {.ctx = ctx, .path = path};
    size_t len = strlen(path);
    bool xml = len > 4 && strcmp(path + len - 4, ".xml") == 0;
    int errors = ctx->errors;
    gw_status st = xml ? lint_source(&l, fix_path) : lint_text(&l, fix_path);
    if (st != GW_OK)
        return st;
    if (ctx->errors > errors)
        return GW_ERR_INPUT;
    return l.warnings ? GW_ERR_INPUT : GW_OK;
}
