/* Plain text → recognised lines → source. See import.h and doc/import.md.
 *
 * The text is read whole, decoded (UTF-8, UTF-16 with a BOM, or GB18030, which covers GBK),
 * cut into lines, and each line is given a role by looking at it and at its neighbours: the
 * 版记 from the end, the 版头 and the title from the start, the closing at the first line that
 * is a date, attachments after it. The body's lines are joined into paragraphs and their
 * typed numbers turned into structure. Everything the importer had to guess or change goes
 * into the report, with the line it concerns. */
#include "import.h"

#include "ctx.h"
#include "source.h"
#include "transform.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXT_BYTES (64u << 20)
/* names on one line: organs in a mark or a signature, signers */
#define MAX_NAMES 64

/* ---- reading and decoding --------------------------------------------------------------- */

static void report(gw_text *t, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(gw_text *t, int line, const char *what, const char *fmt, ...)
{
    bool recognised = strcmp(what, "recognised") == 0;
    if (strcmp(what, "guessed") == 0)
        t->n_guessed++;
    else if (strcmp(what, "normalised") == 0)
        t->n_normalised++;
    if (recognised && !t->verbose)
        return;
    gw_buf_printf(&t->report, "%s:%d: note: %s: ", t->path, line, what);
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) >= 0) {
        gw_buf_adds(&t->report, msg);
        free(msg);
    }
    va_end(ap);
    gw_buf_adds(&t->report, "\n");
}

static char *convert(const char *from, const char *in, size_t len, size_t *bad_at)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16;
    char *out = gw_xmalloc(cap);
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = cap - 1;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(op - out);
                cap *= 2;
                out = gw_xrealloc(out, cap);
                op = out + used;
                ol = cap - used - 1;
                continue;
            }
            *bad_at = (size_t)(ip - in);
            iconv_close(cd);
            free(out);
            return NULL;
        }
    }
    iconv_close(cd);
    *op = '\0';
    return out;
}

static int line_of_offset(const char *s, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        line += s[i] == '\n';
    return line;
}

/* The text as UTF-8, or NULL after reporting why it is not text. */
static char *decode(gw_ctx *ctx, gw_text *t, char *raw, size_t len)
{
    const unsigned char *u = (const unsigned char *)raw;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        size_t bad = 0;
        char *r = convert("UTF-16", raw, len, &bad);
        if (!r)
            gw_error(ctx, (gw_pos){t->path, 1}, "broken UTF-16 at byte %zu", bad);
        else
            report(t, 1, "normalised", "decoded from UTF-16");
        t->decoded = true;
        free(raw);
        return r;
    }
    if (memchr(raw, '\0', len)) {
        gw_error(ctx, (gw_pos){t->path, 0}, "a binary file, not text (it holds NUL bytes)");
        free(raw);
        return NULL;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        memmove(raw, raw + 3, len - 3 + 1);
        len -= 3;
        report(t, 1, "normalised", "dropped the UTF-8 byte order mark");
        t->bom = true;
    }
    const gchar *end = NULL;
    if (g_utf8_validate(raw, (gssize)len, &end))
        return raw;
    size_t bad_utf8 = (size_t)(end - raw);
    size_t bad = 0;
    char *r = convert("GB18030", raw, len, &bad);
    if (!r) {
        gw_error(ctx, (gw_pos){t->path, line_of_offset(raw, bad_utf8)},
                 "neither UTF-8 nor GBK text (byte 0x%02X at offset %zu); convert it to UTF-8 "
                 "first, e.g. with iconv",
                 u[bad_utf8], bad_utf8);
        free(raw);
        return NULL;
    }
    report(t, 1, "normalised", "decoded from GBK (GB18030): not valid UTF-8 at byte %zu", bad_utf8);
    free(raw);
    return r;
}

/* A line that is only a page number, as PDF extraction leaves them: 3, — 3 —, - 3 -, 第3页. */
static bool is_page_number(const gunichar *s, size_t n)
{
    size_t i = 0;
    bool digits = false, page = false;
    if (i < n && s[i] == 0x7B2C) {
        i = gw_skip_blanks(s, n, i + 1);
        page = true;
    }
    while (i < n && (gw_is_blank(s[i]) || s[i] == '-' || s[i] == 0x2014 || s[i] == 0x2013 ||
                     s[i] == 0xFF0D || s[i] == '~'))
        i++;
    size_t count_digits = 0;
    while (i < n && gw_arabic_digit(s[i]) >= 0) {
        digits = true;
        count_digits++;
        i++;
    }
    if (page) {
        i = gw_skip_blanks(s, n, i);
        if (i < n && s[i] == 0x9875 /* 页 */)
            i++;
        else
            return false;
    }
    while (i < n && (gw_is_blank(s[i]) || s[i] == '-' || s[i] == 0x2014 || s[i] == 0x2013 ||
                     s[i] == 0xFF0D || s[i] == '~'))
        i++;
    return digits && i == n && n <= 16 && count_digits <= 4; /* a 份号 has six */
}

/* Removes what web pages leave in text: &nbsp; and its broken forms. */
static size_t drop_entities(gunichar *s, size_t n)
{
    static const char *ents[] = {"&nbsp;", "&sp;", "&ensp;", "&emsp;"};
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        bool hit = false;
        for (size_t e = 0; e < sizeof ents / sizeof ents[0] && s[i] == '&'; e++) {
            size_t m = strlen(ents[e]);
            if (gw_starts_with(s + i, n - i, ents[e])) {
                i += m;
                hit = true;
                break;
            }
        }
        if (!hit)
            s[w++] = s[i++];
    }
    return w;
}

static void add_line(gw_text *t, gunichar *s, size_t n, int no, bool blank_before)
{
    gw_line *l = GW_PUSH(t->lines, t->n_lines, t->cap_lines);
    memset(l, 0, sizeof *l);
    l->text.s = s;
    l->text.n = n;
    l->no = no;
    l->blank_before = blank_before;
}

static bool split_lines(gw_ctx *ctx, gw_text *t, const char *text)
{
    int no = 1;
    bool blank = false, content = false, crlf_seen = false, ff_seen = false;
    const char *p = text;
    while (*p || p == text) {
        size_t n = strcspn(p, "\r\n\f");
        const char *next = p + n;
        bool ff = *next == '\f';
        if (*next == '\r') {
            crlf_seen = true;
            next += next[1] == '\n' ? 2 : 1;
        } else if (*next) {
            next++;
        }
        glong m = 0;
        gunichar *s = g_utf8_to_ucs4_fast(p, (glong)n, &m);
        size_t len = (size_t)m;
        for (size_t i = 0; i < len; i++) {
            if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F) {
                gw_error(ctx, (gw_pos){t->path, no},
                         "control character U+%04X: not a text document", (unsigned)s[i]);
                g_free(s);
                return false;
            }
        }
        /* Zero-width spaces and byte order marks inside the text are not text. */
        size_t w = 0;
        for (size_t i = 0; i < len; i++)
            if (s[i] != 0x200B && s[i] != 0xFEFF)
                s[w++] = s[i];
        if (w != len)
            report(t, no, "normalised", "zero-width spaces dropped");
        len = w;
        /* A table row has a tab after some text; its leading and trailing tabs are empty
         * cells. Elsewhere tabs are indentation. */
        size_t first = 0, last = len;
        while (first < len && gw_is_blank(s[first]))
            first++;
        while (last > first && gw_is_blank(s[last - 1]))
            last--;
        bool tabbed = gw_has_char(s + first, last - first, '\t');
        size_t a = first;
        if (tabbed) {
            while (a > 0 && s[a - 1] == '\t')
                a--;
            while (last < len && s[last] == '\t')
                last++;
        }
        len = last;
        if (!tabbed) {
            size_t before = len - a;
            size_t after = drop_entities(s + a, len - a);
            if (after != before) {
                report(t, no, "normalised",
                       "dropped an HTML entity (&sp; or &nbsp;) left by a web page");
                len = a + after;
                while (len > a && gw_is_blank(s[len - 1]))
                    len--;
            }
        }
        if (len == a) {
            blank = content;
            g_free(s);
        } else if (!content && s[a] == '#') {
            gunichar *c = gw_xmalloc((len - a) * sizeof *c);
            memcpy(c, s + a, (len - a) * sizeof *c);
            add_line(t, c, len - a, no, false);
            t->lines[t->n_lines - 1].role = GW_LINE_COMMENT;
            g_free(s);
        } else {
            gunichar *c = gw_xmalloc((len - a) * sizeof *c);
            memcpy(c, s + a, (len - a) * sizeof *c);
            g_free(s);
            if (is_page_number(c, len - a)) {
                report(t, no, "normalised", "dropped a line that is only a page number");
                free(c);
            } else {
                add_line(t, c, len - a, no, blank);
                content = true;
                blank = false;
            }
        }
        if (ff) {
            if (!ff_seen)
                report(t, no, "normalised", "page breaks (form feeds) are not kept");
            ff_seen = true;
        } else {
            no++;
        }
        if (!*next)
            break;
        p = next;
    }
    if (crlf_seen)
        report(t, 1, "normalised", "CR LF line ends read as LF");
    return true;
}

/* ---- recognising the parts -------------------------------------------------------------- */

typedef struct rec {
    gw_ctx *ctx;
    gw_text *t;
    size_t end;      /* lines past this are the 版记 */
    char prefix[16]; /* of ids: "" in the document, "f2-" in its second attachment */
    xmlNsPtr ns;
    xmlDocPtr doc;
    bool blank_mode; /* paragraphs are parted by blank lines */
    bool order;      /* an order (命令): its mark ends in 令, its 令号 stands for a title */
    /* the typed 附件说明 names, for matching the attachments' titles */
    gw_ustr *att_names;
    size_t n_att_names, cap_att_names;
    int first_date_y, first_date_m, first_date_d;
    bool have_date;
} rec;

static gw_line *L(rec *r, size_t i)
{
    return &r->t->lines[i];
}

static const char *const kinds[] = {
    "实施细则", "实施办法", "实施意见", "复函", "批复", "请示", "报告", "通知",
    "通报",     "意见",     "决定",     "决议", "命令", "公告", "通告", "公报",
    "议案",     "纪要",     "规定",     "办法", "细则", "条例", "规则", "方案",
    "规划",     "要点",     "章程",     "准则", "制度", "函",   "令",
};

/* The 文种 a title ends with, or NULL. */
static const char *title_kind(const gunichar *s, size_t n)
{
    /* a letter-spaced title (工 作 规 则) names its kind too */
    gunichar tail[8];
    size_t m = 0;
    if (n > 1 && (s[n - 1] == 0x3002 || s[n - 1] == '.'))
        n--;
    for (size_t i = n; i > 0 && m < 8; i--)
        if (!gw_is_blank(s[i - 1]))
            tail[7 - m++] = s[i - 1];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (gw_ends_with(tail + 8 - m, m, kinds[k]))
            return kinds[k];
    return NULL;
}

static size_t count_cjk(const gunichar *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += gw_is_cjk(s[i]);
    return c;
}

/* Could this line be (part of) a title: short, no sentence inside, no number opening it. */
static bool title_like(const gw_line *l, size_t max_chars)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    /* a title that ends with a stop is still a title (lint reports the stop) */
    if (n > 1 && (s[n - 1] == 0x3002 || s[n - 1] == '.'))
        n--;
    if (l->role != GW_LINE_TEXT || n == 0 || n > max_chars || gw_has_char(s, n, '\t'))
        return false;
    if (gw_has_char(s, n, 0x3002) || gw_has_char(s, n, 0xFF1A) || gw_has_char(s, n, ':') ||
        gw_has_char(s, n, 0xFF1B))
        return false;
    if (gw_parse_mark(s, n).kind != GW_MARK_NONE)
        return false;
    int y, m, d;
    bool a;
    return !gw_parse_date(s, n, &y, &m, &d, &a) && count_cjk(s, n) * 2 >= n;
}

/* 主送机关: one line ending in a colon, naming organs, with no sentence in it. */
static bool addressee_like(const gw_line *l)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    if (l->role != GW_LINE_TEXT || n < 3 || (s[n - 1] != 0xFF1A && s[n - 1] != ':'))
        return false;
    if (gw_has_char(s, n - 1, 0x3002) || gw_has_char(s, n - 1, 0xFF1B) ||
        gw_has_char(s, n - 1, 0xFF1A) || gw_has_char(s, n, '\t') ||
        gw_parse_mark(s, n).kind != GW_MARK_NONE)
        return false;
    static const char *const not_organs[] = {"如下", "附件", "附：", "注：", "说明", "现将",
                                             "《",   "根据", "按照", "依据", "决定", "为了"};
    for (size_t k = 0; k < sizeof not_organs / sizeof not_organs[0]; k++) {
        glong m = 0;
        gunichar *w = g_utf8_to_ucs4_fast(not_organs[k], -1, &m);
        bool hit = false;
        for (size_t i = 0; i + (size_t)m <= n && !hit; i++)
            hit = memcmp(s + i, w, (size_t)m * sizeof *w) == 0;
        g_free(w);
        if (hit)
            return false;
    }
    return true;
}

/* How the names of organs that receive documents end (an addressee line). */
static const char *const addressee_ends[] = {"政府", "部门", "单位", "机构",   "委员会", "党委",
                                             "党组", "厅",   "局",   "办公室", "各部委", "学校",
                                             "公司", "总支", "支部", "院",     "处",     "室"};
/* And those that issue them too (a mark): 中共某某市委, 某某部, 某某署, 某某中心. */
static const char *const issuer_ends[] = {"委", "部", "会", "署", "中心", "团", "所", "站"};

static bool ends_with_any(const gunichar *s, size_t n, const char *const *ends, size_t n_ends)
{
    for (size_t k = 0; k < n_ends; k++)
        if (gw_ends_with(s, n, ends[k]))
            return true;
    return false;
}

#define ENDS_WITH_ANY(s, n, list) ends_with_any(s, n, list, sizeof list / sizeof list[0])

/* 主送机关 typed without its colon: organs' names, no sentence, and a paragraph after it. */
static bool addressee_without_colon(const gw_line *l, const gw_line *next)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    if (l->role != GW_LINE_TEXT || !next || next->text.n < 20 || n < 2 || n > 100 ||
        !gw_is_cjk(s[n - 1]) || gw_parse_mark(s, n).kind != GW_MARK_NONE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (gw_is_terminal(s[i]) || s[i] == '\t')
            return false;
    return ENDS_WITH_ANY(s, n, addressee_ends);
}

/* A line of a stacked mark (联合行文, the organs one above the other, 文件 beside them): an
 * organ's name or several, perhaps followed by 文件, or 文件 alone. *wenjian says whether the
 * line carries 文件. */
/* The length of s without a 文件 at its end (letter-spaced too: 文　件) and the blanks before
 * and after it; *found says whether there was one. */
static size_t without_wenjian(const gunichar *s, size_t n, bool *found)
{
    while (n > 0 && gw_is_blank(s[n - 1]))
        n--;
    size_t k = n;
    *found = false;
    if (k > 0 && s[k - 1] == 0x4EF6) { /* 件 */
        k--;
        while (k > 0 && gw_is_blank(s[k - 1]))
            k--;
        if (k > 0 && s[k - 1] == 0x6587) { /* 文 */
            *found = true;
            n = k - 1;
            while (n > 0 && gw_is_blank(s[n - 1]))
                n--;
        }
    }
    return n;
}

static bool contains(const gunichar *s, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (gw_starts_with(s + i, n - i, word))
            return true;
    return false;
}

static bool mark_line(const gunichar *s, size_t n, bool *wenjian)
{
    n = without_wenjian(s, n, wenjian);
    if (*wenjian && n == 0)
        return true;
    if (n < 2 || n > 40 || gw_is_blank(s[0]) || title_kind(s, n))
        return false;
    /* A title broken after 文件 (关于转发省政府文件 / 的通知) is no organ. */
    static const char *const title_words[] = {"关于", "的", "转发", "印发", "批转", "废止", "颁布"};
    for (size_t k = 0; k < sizeof title_words / sizeof title_words[0]; k++)
        if (contains(s, n, title_words[k]))
            return false;
    for (size_t i = 0; i < n; i++)
        if (!gw_is_cjk(s[i]) && !gw_is_blank(s[i]) && s[i] != 0xFF08 && s[i] != 0xFF09)
            return false;
    return ENDS_WITH_ANY(s, n, addressee_ends) || ENDS_WITH_ANY(s, n, issuer_ends);
}

/* The last line of a stacked mark that starts at line i: two lines or more, one of them with
 * 文件; i when there is none. */
static size_t stacked_mark_end(rec *r, size_t i, size_t end)
{
    size_t wenjian = 0, names = 0, j = i;
    bool seen = false;
    for (bool w; j < end && j < i + 8 && mark_line(L(r, j)->text.s, L(r, j)->text.n, &w); j++) {
        if (w && seen)
            break; /* a second 文件: another mark */
        if (w) {
            seen = true;
            wenjian = j;
        }
        names += !w || L(r, j)->text.n > 2;
    }
    if (!seen || j - i < 2 || names < 2)
        return i;
    /* Names below the 文件 line belong to the mark only if the number comes next: otherwise
     * they may begin the title (某某市人民政府办公室 / 关于印发……的通知). */
    gw_docnum dn;
    if (j - 1 > wenjian && !(j < end && gw_parse_docnum(L(r, j)->text.s, L(r, j)->text.n, &dn)))
        j = wenjian + 1;
    return j - 1 > i ? j - 1 : i;
}

/* 出席：… 0, 请假：… 1, 列席：… 2, else -1. */
static int attendance_kind(const gw_line *l)
{
    static const char *const labels[] = {"出席", "请假", "列席"};
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    if (l->role != GW_LINE_TEXT || n < 4 || (s[2] != 0xFF1A && s[2] != ':') ||
        gw_has_char(s, n, '\t') || gw_skip_blanks(s, n, 3) == n)
        return -1;
    for (int k = 0; k < 3; k++)
        if (gw_starts_with(s, n, labels[k]))
            return k;
    return -1;
}

static bool is_date_line(const gw_line *l)
{
    int y, m, d;
    bool a;
    return gw_parse_date(l->text.s, l->text.n, &y, &m, &d, &a);
}

/* A name above the date: short, no sentence punctuation, not a number or a table row. */
static bool signature_like(const gw_line *l)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    if (l->role != GW_LINE_TEXT || n == 0 || n > 40 || gw_has_char(s, n, '\t'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (gw_is_terminal(s[i]) || s[i] == 0xFF0C || s[i] == 0x3001 || s[i] == ',')
            return false;
    /* the closing formulas of the text, typed without their stop */
    static const char *const formulas[] = {"特此", "此复",   "专此",   "妥否", "此致",
                                           "以上", "请批示", "请审批", "请予"};
    for (size_t k = 0; k < sizeof formulas / sizeof formulas[0]; k++)
        if (gw_starts_with(s, n, formulas[k]))
            return false;
    return gw_parse_mark(s, n).kind == GW_MARK_NONE && count_cjk(s, n) >= 2;
}

/* 附件 / 附件2 / 附件：name / 附： alone above an attachment. Sets *title_at when the title
 * follows on the same line, *enclosed for 附：. */
static bool att_label(const gw_line *l, size_t *title_at, bool *enclosed, long *number)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n, i = 0;
    *title_at = 0;
    *enclosed = false;
    *number = 0;
    if (l->role != GW_LINE_TEXT)
        return false;
    if (n == 2 && s[0] == 0x9644 && (s[1] == 0xFF1A || s[1] == ':')) {
        *enclosed = true;
        return true;
    }
    if (!gw_starts_with(s, n, "附件"))
        return false;
    i = gw_skip_blanks(s, n, 2);
    size_t len = 0;
    long v = 0;
    if (gw_parse_arabic(s + i, n - i, &len, &v)) {
        *number = v;
        i = gw_skip_blanks(s, n, i + len);
    }
    if (i == n)
        return true;
    if (s[i] == 0xFF1A || s[i] == ':') {
        /* 附件：name is the 附件说明 when it stands before the signature; after it, a label */
        size_t j = gw_skip_blanks(s, n, i + 1);
        if (j == n)
            return true;
        if (gw_parse_mark(s + j, n - j).kind == GW_MARK_NUM)
            return false;
        *title_at = j;
        return true;
    }
    return false;
}

static void set_role(rec *r, size_t i, gw_line_role role, const char *what)
{
    L(r, i)->role = role;
    if (what)
        report(r->t, L(r, i)->no, "recognised", "%s", what);
}

/* ---- building the source ---------------------------------------------------------------- */

static xmlNodePtr el(rec *r, xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, r->ns, BAD_CAST name, NULL);
}

static xmlNodePtr el_text(rec *r, xmlNodePtr parent, const char *name, const gunichar *s, size_t n)
{
    char *u = gw_ustr_utf8(s, n);
    xmlNodePtr e = xmlNewTextChild(parent, r->ns, BAD_CAST name, BAD_CAST u);
    free(u);
    return e;
}

/* Ids follow the structure (a12, a4-2, p1-3, c2; f1-a3 in attachment 1), so they stay what
 * they are when the text is imported again. Returns the id, owned by the element. */
static const char *set_id(rec *r, xmlNodePtr e, const xmlNodePtr parent, const char *stem, long n)
{
    xmlChar *pid = parent ? xmlGetProp(parent, BAD_CAST "id") : NULL;
    char *id = pid ? gw_xasprintf("%s-%s%ld", (const char *)pid, stem, n)
                   : gw_xasprintf("%s%s%ld", r->prefix, stem, n);
    xmlFree(pid);
    xmlAttrPtr a = xmlNewProp(e, BAD_CAST "id", BAD_CAST id);
    free(id);
    return (const char *)a->children->content;
}

/* A paragraph: lines joined, the first line's index kept for its number. */
typedef struct para {
    gunichar *s;
    size_t n;
    size_t first; /* line index */
    gw_mark mark;
    bool row;
} para;

/* A heading: short, one sentence at most (加强领导，明确职责 is one). */
static bool heading_like(const gunichar *s, size_t n)
{
    if (n == 0 || n > 30)
        return false;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 0x3002 || s[i] == 0xFF1B || s[i] == ';' || s[i] == 0xFF1F || s[i] == 0xFF01)
            return false;
    return true;
}

/* Does line k continue the paragraph that ends with line j? */
static bool continues(rec *r, size_t j, size_t k)
{
    const gw_line *a = L(r, j), *b = L(r, k);
    if (b->role != GW_LINE_TEXT || a->role != GW_LINE_TEXT)
        return false;
    if (gw_has_char(a->text.s, a->text.n, '\t') || gw_has_char(b->text.s, b->text.n, '\t'))
        return false;
    gw_mark mb = gw_parse_mark(b->text.s, b->text.n);
    if (mb.kind != GW_MARK_NONE || is_date_line(b))
        return false;
    gw_mark ma = gw_parse_mark(a->text.s, a->text.n);
    if (ma.kind == GW_MARK_CHAPTER || ma.kind == GW_MARK_SECTION)
        return false;
    const gunichar *s = a->text.s;
    size_t n = a->text.n;
    bool open_end = !gw_is_terminal(s[n - 1]);
    /* a short numbered line is a heading; one as long as a wrapped line of text is text */
    if (ma.kind != GW_MARK_NONE && ma.kind != GW_MARK_ARTICLE &&
        heading_like(s + ma.len, n - ma.len) && !(open_end && n - ma.len >= 20))
        return false;
    /* a line that starts with a label (电子邮箱：…, 联系人：…) starts anew */
    const gunichar *t = b->text.s;
    for (size_t i = 1; i < b->text.n && i <= 6 && gw_is_cjk(t[i - 1]); i++)
        if (t[i] == 0xFF1A || t[i] == ':')
            return false;
    if (!open_end)
        return false;
    if (r->blank_mode && !b->blank_before)
        return true;
    return n >= 15;
}

static size_t collect_paras(rec *r, size_t a, size_t b, para **out)
{
    para *ps = NULL;
    size_t np = 0, cap = 0;
    for (size_t i = a; i < b;) {
        gw_line *l = L(r, i);
        if (l->role != GW_LINE_TEXT && l->role != GW_LINE_ROW) {
            i++;
            continue;
        }
        para *p = GW_PUSH(ps, np, cap);
        memset(p, 0, sizeof *p);
        p->first = i;
        if (gw_has_char(l->text.s, l->text.n, '\t')) {
            l->role = GW_LINE_ROW;
            p->row = true;
            p->s = gw_xmalloc(l->text.n * sizeof *p->s);
            memcpy(p->s, l->text.s, l->text.n * sizeof *p->s);
            p->n = l->text.n;
            i++;
            continue;
        }
        size_t j = i, total = l->text.n;
        while (j + 1 < b && continues(r, j, j + 1)) {
            j++;
            total += L(r, j)->text.n;
        }
        p->s = gw_xmalloc((total ? total : 1) * sizeof *p->s);
        for (size_t k = i; k <= j; k++) {
            memcpy(p->s + p->n, L(r, k)->text.s, L(r, k)->text.n * sizeof *p->s);
            p->n += L(r, k)->text.n;
        }
        if (j > i)
            report(r->t, L(r, i)->no, "normalised",
                   "lines %d to %d joined into one paragraph (a line ended mid-sentence)",
                   L(r, i)->no, L(r, j)->no);
        p->mark = gw_parse_mark(p->s, p->n);
        l->mark = p->mark;
        i = j + 1;
    }
    *out = ps;
    return np;
}

static void free_paras(para *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ps[i].s);
    free(ps);
}

static void add_p(rec *r, xmlNodePtr parent, const gunichar *s, size_t n)
{
    el_text(r, parent, "p", s, n);
}

/* The cells of a tab-separated row: [at[k], at[k] + len[k]) trimmed. */
static size_t row_cells(const gunichar *s, size_t n, size_t *at, size_t *len, size_t max)
{
    size_t k = 0;
    for (size_t a = 0; a <= n && k < max;) {
        size_t b = a;
        while (b < n && s[b] != '\t')
            b++;
        if (k + 1 == max) /* the last slot keeps the rest of the row: nothing is lost */
            b = n;
        size_t x = gw_skip_blanks(s, b, a), y = b;
        while (y > x && gw_is_blank(s[y - 1]))
            y--;
        at[k] = x;
        len[k++] = y - x;
        a = b + 1;
    }
    return k;
}

#define MAX_COLUMNS 64

/* Tables: every line a row, cells parted by tabs; the first row is the head. A row with fewer
 * cells than the table continues cells merged from the rows above (rows spanned, as text
 * loses them), so its cells are set to the right. Columns get widths from their text: room
 * for a short word whole, the rest shared by how much each holds. */
static size_t add_table(rec *r, xmlNodePtr parent, para *ps, size_t i, size_t np)
{
    size_t j = i, cols = 0;
    size_t at[MAX_COLUMNS], len[MAX_COLUMNS];
    double longest[MAX_COLUMNS] = {0}, sum[MAX_COLUMNS] = {0}, count[MAX_COLUMNS] = {0};
    while (j < np && ps[j].row) {
        size_t m = row_cells(ps[j].s, ps[j].n, at, len, MAX_COLUMNS);
        if (m > cols)
            cols = m;
        j++;
    }
    for (size_t k = i; k < j; k++) {
        size_t m = row_cells(ps[k].s, ps[k].n, at, len, MAX_COLUMNS);
        for (size_t c = 0; c < m; c++) {
            size_t col = c + cols - m;
            if (len[c]) {
                longest[col] = len[c] > longest[col] ? (double)len[c] : longest[col];
                sum[col] += (double)len[c];
                count[col]++;
            }
        }
    }
    xmlNodePtr table = el(r, parent, "table");
    /* widths in characters of the table's size across the type area (table-size 14 pt) */
    const double across = 156.0 / (14.0 * 25.4 / 72.0);
    double need[MAX_COLUMNS], want[MAX_COLUMNS], total_need = 0, total_want = 0;
    for (size_t c = 0; c < cols; c++) {
        need[c] = (longest[c] < 4 ? longest[c] : 4) + 0.6;
        want[c] = sqrt(count[c] ? sum[c] / count[c] : 1); /* long text wraps anyway */
        total_need += need[c];
        total_want += want[c];
    }
    /* shares by content, but never under a column's need: the columns held to their need
     * leave the rest to the others, until none falls short */
    double w[MAX_COLUMNS];
    bool fixed[MAX_COLUMNS] = {0};
    for (bool again = true; again;) {
        again = false;
        double room = across, share = 0;
        for (size_t c = 0; c < cols; c++) {
            if (fixed[c])
                room -= need[c];
            else
                share += want[c];
        }
        for (size_t c = 0; c < cols; c++) {
            w[c] = fixed[c] ? need[c] : (share > 0 ? room * want[c] / share : need[c]);
            if (!fixed[c] && w[c] < need[c]) {
                fixed[c] = again = true;
            }
        }
    }
    (void)total_need;
    (void)total_want;
    gw_buf widths = {0};
    for (size_t c = 0; c < cols; c++)
        gw_buf_printf(&widths, "%s%.1f", c ? " " : "", w[c] > need[c] ? w[c] : need[c]);
    if (cols > 1)
        xmlNewProp(table, BAD_CAST "widths", BAD_CAST widths.data);
    gw_buf_free(&widths);
    xmlNodePtr head = j - i > 1 ? el(r, table, "head") : NULL;
    for (size_t k = i; k < j; k++) {
        xmlNodePtr row = el(r, k == i && head ? head : table, "row");
        size_t m = row_cells(ps[k].s, ps[k].n, at, len, MAX_COLUMNS);
        if (m < cols)
            report(r->t, L(r, ps[k].first)->no, "guessed",
                   "a row of %zu cells in a table of %zu: its cells set to the right, under cells "
                   "merged from above",
                   m, cols);
        for (size_t c = m; c < cols; c++)
            el(r, row, "cell");
        for (size_t c = 0; c < m; c++) {
            if (len[c])
                el_text(r, row, "cell", ps[k].s + at[c], len[c]);
            else
                el(r, row, "cell");
        }
    }
    report(r->t, L(r, ps[i].first)->no, "recognised", "a table of %zu rows and %zu columns", j - i,
           cols);
    return j;
}

static void note_number(rec *r, para *p, long expected, const char *unit)
{
    gw_line *l = L(r, p->first);
    l->expected = expected;
    if (p->mark.value != expected)
        report(r->t, l->no, "normalised",
               "the %s typed as number %ld is number %ld in sequence, and printed so", unit,
               p->mark.value, expected);
    if (p->mark.halfwidth)
        report(r->t, l->no, "normalised",
               "the typed number's half-width brackets or stop are "
               "printed full-width");
}

/* Regulations: 章, 节, 条 (or 一、 in a rule whose articles are so numbered), 项, 目. Returns
 * false when the paragraphs do not fit that structure (text before the first article, a
 * table among articles …); the caller then keeps them flat. */
static bool build_articles(rec *r, xmlNodePtr parent, para *ps, size_t np, bool ordinal)
{
    xmlNodePtr chapter = NULL, section = NULL, article = NULL, item = NULL, sub = NULL;
    long n_chapter = 0, n_section = 0, n_article = 0, n_item = 0, n_sub = 0;
    gw_mark_kind art_kind = ordinal ? GW_MARK_CN : GW_MARK_ARTICLE;
    bool chapters = false;
    long in_chapter = 0, in_section = 0; /* articles directly in the open chapter, section */
    for (size_t i = 0; i < np; i++)
        chapters |= ps[i].mark.kind == GW_MARK_CHAPTER;
    for (size_t i = 0; i < np; i++) {
        para *p = &ps[i];
        const gunichar *rest = p->s + p->mark.len;
        size_t rn = p->n - p->mark.len;
        if (p->row)
            return false;
        if (p->mark.kind == GW_MARK_CHAPTER || p->mark.kind == GW_MARK_SECTION) {
            bool is_ch = p->mark.kind == GW_MARK_CHAPTER;
            if (!is_ch && !chapter)
                return false;
            /* 章 holds 节 or 条, 节 holds 条: none may stand empty, nor mix 节 with 条 */
            if (section && !in_section)
                return false;
            if (is_ch && chapter && !section && !in_chapter)
                return false;
            if (!is_ch && in_chapter)
                return false;
            xmlNodePtr u = el(r, is_ch ? parent : chapter, is_ch ? "chapter" : "section");
            set_id(r, u, is_ch ? NULL : chapter, is_ch ? "c" : "s",
                   is_ch ? n_chapter + 1 : n_section + 1);
            /* 第一章　总  则: the spaces that spread a short heading are not text */
            gunichar *h = gw_xmalloc((rn ? rn : 1) * sizeof *h);
            size_t hn = 0;
            for (size_t k = 0; k < rn; k++)
                if (!gw_is_blank(rest[k]))
                    h[hn++] = rest[k];
            if (hn != rn)
                report(r->t, L(r, p->first)->no, "normalised",
                       "spaces inside the heading dropped (the layout spreads headings itself)");
            if (hn == 0 && i + 1 < np && ps[i + 1].mark.kind == GW_MARK_NONE && !ps[i + 1].row &&
                heading_like(ps[i + 1].s, ps[i + 1].n)) {
                i++;
                el_text(r, u, "heading", ps[i].s, ps[i].n);
            } else if (hn == 0) {
                free(h);
                return false;
            } else {
                el_text(r, u, "heading", h, hn);
            }
            free(h);
            in_section = 0;
            if (is_ch) {
                in_chapter = 0;
                chapter = u;
                section = NULL;
                note_number(r, p, ++n_chapter, "chapter");
                n_section = 0;
            } else {
                section = u;
                note_number(r, p, ++n_section, "section");
            }
            article = item = sub = NULL;
            continue;
        }
        if (p->mark.kind == art_kind) {
            if (chapters && !chapter)
                return false;
            if (section)
                in_section++;
            else
                in_chapter++;
            article = el(r, section ? section : chapter ? chapter : parent, "article");
            set_id(r, article, NULL, "a", n_article + 1);
            note_number(r, p, ++n_article, "article");
            n_item = 0;
            item = sub = NULL;
            if (rn == 0) {
                if (i + 1 >= np || ps[i + 1].mark.kind != GW_MARK_NONE || ps[i + 1].row)
                    return false;
                i++;
                add_p(r, article, ps[i].s, ps[i].n);
            } else {
                add_p(r, article, rest, rn);
            }
            continue;
        }
        if (!article)
            return false;
        if (p->mark.kind == GW_MARK_PCN && rn > 0) {
            item = el(r, article, "item");
            set_id(r, item, article, "", n_item + 1);
            note_number(r, p, ++n_item, "item");
            n_sub = 0;
            sub = NULL;
            add_p(r, item, rest, rn);
            continue;
        }
        if (p->mark.kind == GW_MARK_NUM && item && rn > 0) {
            sub = el(r, item, "item");
            set_id(r, sub, item, "", n_sub + 1);
            note_number(r, p, ++n_sub, "sub-item");
            add_p(r, sub, rest, rn);
            continue;
        }
        if (p->mark.kind != GW_MARK_NONE)
            L(r, p->first)->skips_level = true;
        if (p->mark.kind != GW_MARK_NONE)
            report(r->t, L(r, p->first)->no, "guessed",
                   "a typed number that fits no level of the structure: kept as text");
        add_p(r, sub ? sub : item ? item : article, p->s, p->n);
    }
    if ((section && !in_section) || (chapter && !section && !in_chapter))
        return false;
    return article != NULL;
}

/* Headings of notices: 一、 （一） 1. （1）, nested by level; a paragraph without a number belongs
 * to the innermost open point. */
static void build_points(rec *r, xmlNodePtr parent, para *ps, size_t np)
{
    xmlNodePtr open[5] = {parent, NULL, NULL, NULL, NULL};
    long count[5] = {0};
    int depth = 0;
    for (size_t i = 0; i < np;) {
        para *p = &ps[i];
        if (p->row) {
            i = add_table(r, open[depth], ps, i, np);
            continue;
        }
        int level = p->mark.kind == GW_MARK_CN     ? 1
                    : p->mark.kind == GW_MARK_PCN  ? 2
                    : p->mark.kind == GW_MARK_NUM  ? 3
                    : p->mark.kind == GW_MARK_PNUM ? 4
                                                   : 0;
        const gunichar *rest = p->s + p->mark.len;
        size_t rn = p->n - p->mark.len;
        if (level && level <= depth + 1 && rn > 0) {
            depth = level - 1;
            xmlNodePtr pt = el(r, open[depth], "point");
            set_id(r, pt, depth ? open[depth] : NULL, depth ? "" : "p", count[depth] + 1);
            note_number(r, p, ++count[depth], "heading");
            for (int k = level; k < 5; k++)
                count[k] = 0;
            depth = level;
            open[depth] = pt;
            /* The heading: the whole text when it is short; the first sentence of a longer
             * one below the first level; none (the number runs in) otherwise. */
            size_t h = 0;
            if (heading_like(rest, rn))
                h = rn;
            else if (level > 1) {
                for (size_t k = 0; k < rn && k < 24; k++)
                    if (rest[k] == 0x3002) {
                        h = k + 1;
                        break;
                    }
                if (h && !heading_like(rest, h))
                    h = 0;
            }
            if (h)
                el_text(r, pt, "heading", rest, h);
            if (h < rn)
                add_p(r, pt, rest + h, rn - h);
            i++;
            continue;
        }
        if (level)
            L(r, p->first)->skips_level = true;
        if (level)
            report(r->t, L(r, p->first)->no, "guessed",
                   "a typed number that skips a level (GB/T 9704 §7.3.3: 一、（一）1.（1））: kept "
                   "as text");
        add_p(r, open[depth], p->s, p->n);
        i++;
    }
}

/* The body of the document or of an attachment, lines [a, b). */
static void build_content(rec *r, xmlNodePtr parent, size_t a, size_t b, const char *ordinal_attr)
{
    para *ps = NULL;
    size_t np = collect_paras(r, a, b, &ps);
    if (np == 0) {
        free(ps);
        return;
    }
    bool articles = false, chapters = false, cn = false;
    for (size_t i = 0; i < np; i++) {
        articles |= ps[i].mark.kind == GW_MARK_ARTICLE;
        chapters |= ps[i].mark.kind == GW_MARK_CHAPTER;
        cn |= ps[i].mark.kind == GW_MARK_CN;
    }
    bool ordinal = !articles && chapters && cn;
    if (articles || ordinal) {
        xmlNodePtr trial = xmlNewNode(r->ns, BAD_CAST "body");
        gw_buf saved = r->t->report;
        size_t saved_len = saved.len;
        int g = r->t->n_guessed, nn = r->t->n_normalised;
        if (build_articles(r, trial, ps, np, ordinal)) {
            xmlNodePtr c;
            while ((c = trial->children)) {
                xmlUnlinkNode(c);
                xmlAddChild(parent, c);
            }
            xmlFreeNode(trial);
            if (ordinal && ordinal_attr)
                xmlNewProp(parent, BAD_CAST ordinal_attr, BAD_CAST "ordinal");
            if (ordinal)
                report(r->t, L(r, ps[0].first)->no, "recognised",
                       "articles numbered 一、二、… through chapters");
            free_paras(ps, np);
            return;
        }
        xmlFreeNode(trial);
        r->t->report.len = saved_len;
        if (r->t->report.data)
            r->t->report.data[saved_len] = '\0';
        r->t->n_guessed = g;
        r->t->n_normalised = nn;
        for (size_t i = 0; i < np; i++)
            L(r, ps[i].first)->expected = 0;
        report(r->t, L(r, ps[0].first)->no, "guessed",
               "articles and chapters that do not nest as 章 > 节 > 条 > 项 > 目: kept as "
               "paragraphs, their numbers as typed");
        for (size_t i = 0; i < np;) {
            if (ps[i].row) {
                i = add_table(r, parent, ps, i, np);
            } else {
                add_p(r, parent, ps[i].s, ps[i].n);
                i++;
            }
        }
        free_paras(ps, np);
        return;
    }
    build_points(r, parent, ps, np);
    free_paras(ps, np);
}

/* ---- the parts, in order ---------------------------------------------------------------- */

/* Splits a line of names parted by spaces (国务院　中央军委) into its names. */
static size_t split_names(const gunichar *s, size_t n, size_t at[], size_t len[], size_t max)
{
    size_t k = 0;
    for (size_t i = gw_skip_blanks(s, n, 0); i < n && k < max;) {
        size_t j = i;
        while (j < n && !gw_is_blank(s[j]))
            j++;
        if (k + 1 == max) { /* the last slot keeps the rest of the line: nothing is lost */
            j = n;
            while (j > i && gw_is_blank(s[j - 1]))
                j--;
        }
        at[k] = i;
        len[k++] = j - i;
        i = gw_skip_blanks(s, n, j);
    }
    return k;
}

/* A line of people's names only: one to four of two to four Chinese characters each. */
static bool names_only(const gw_line *l)
{
    size_t at[5], len[5];
    size_t m = split_names(l->text.s, l->text.n, at, len, 5);
    if (l->role != GW_LINE_TEXT || m == 0 || m > 4)
        return false;
    for (size_t k = 0; k < m; k++) {
        if (len[k] < 2 || len[k] > 4)
            return false;
        for (size_t c = 0; c < len[k]; c++)
            if (!gw_is_cjk(l->text.s[at[k] + c]))
                return false;
    }
    return true;
}

/* Title lines from i: up to four lines, the last ending in a kind of document when one does.
 * Returns the index after them. */
static size_t find_title(rec *r, size_t i, size_t limit, size_t max_chars)
{
    size_t k = i;
    while (k < limit && k < i + 4 && title_like(L(r, k), max_chars)) {
        /* a line may end in a kind and the title go on: …转发市教育局 / 学校安全工作实施方案 /
         * 的通知 */
        const gw_line *next = k + 1 < limit && k + 1 < i + 4 ? L(r, k + 1) : NULL;
        bool goes_on = next && title_like(next, max_chars) &&
                       (gw_starts_with(next->text.s, next->text.n, "的") ||
                        title_kind(next->text.s, next->text.n));
        if (title_kind(L(r, k)->text.s, L(r, k)->text.n) && !goes_on)
            return k + 1;
        k++;
    }
    if (k > i) {
        report(r->t, L(r, i)->no, "guessed",
               "the title is line %d alone (no line of it names "
               "the kind of document at its end)",
               L(r, i)->no);
        return i + 1;
    }
    return i;
}

/* A title's lines: spaces between words are line breaks (or, letter-spaced, nothing). */
static void add_title_text(rec *r, xmlNodePtr title, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        gw_line *l = L(r, i);
        l->role = GW_LINE_TITLE;
        const gunichar *s = l->text.s;
        size_t n = l->text.n;
        if (i > a)
            el(r, title, "br");
        size_t spaces = 0;
        for (size_t k = 0; k < n; k++)
            spaces += gw_is_blank(s[k]);
        bool letter_spaced = spaces > 0 && spaces * 2 + 1 >= n && n < 40;
        gw_buf out = {0};
        for (size_t k = 0; k < n;) {
            if (gw_is_blank(s[k])) {
                size_t e = gw_skip_blanks(s, n, k);
                /* the spaces word processors put around Latin and digits (做好 2024 年) are
                 * not a line break */
                bool latin = (k > 0 && s[k - 1] < 0x80 && g_unichar_isalnum(s[k - 1])) ||
                             (e < n && s[e] < 0x80 && g_unichar_isalnum(s[e]));
                if (latin)
                    report(r->t, l->no, "normalised",
                           "the spaces around Latin letters or digits in the title dropped");
                else if (!letter_spaced)
                    gw_buf_adds(&out, "\n");
                k = e;
                continue;
            }
            char u[8];
            int m = g_unichar_to_utf8(s[k], u);
            gw_buf_add(&out, u, (size_t)m);
            k++;
        }
        if (letter_spaced)
            report(r->t, l->no, "normalised", "letter-spaced title: the spaces dropped");
        else if (spaces)
            report(r->t, l->no, "normalised", "a space in the title read as a line break");
        /* the newlines become <br/> */
        char *p = out.data ? out.data : "";
        while (*p) {
            char *nl = strchr(p, '\n');
            size_t m = nl ? (size_t)(nl - p) : strlen(p);
            char *piece = gw_xstrndup(p, m);
            xmlNodeAddContent(title, BAD_CAST piece);
            free(piece);
            if (!nl)
                break;
            el(r, title, "br");
            p = nl + 1;
        }
        gw_buf_free(&out);
    }
}

static bool parenthesised(const gunichar *s, size_t n)
{
    return n >= 3 && gw_is_open_paren(s[0]) && gw_is_close_paren(s[n - 1]);
}

/* 题注: a parenthesised line (or lines) under a title. Returns the index after it. */
static size_t add_title_note(rec *r, xmlNodePtr parent, size_t i, size_t limit)
{
    if (i >= limit || L(r, i)->role != GW_LINE_TEXT || !gw_is_open_paren(L(r, i)->text.s[0]))
        return i;
    size_t j = i;
    while (j < limit && j < i + 3 && L(r, j)->role == GW_LINE_TEXT &&
           !gw_is_close_paren(L(r, j)->text.s[L(r, j)->text.n - 1]))
        j++;
    for (size_t k = i; k <= j && k < limit; k++)
        if (gw_has_char(L(r, k)->text.s, L(r, k)->text.n, '\t'))
            return i;
    if (j >= limit || j >= i + 3 || L(r, j)->role != GW_LINE_TEXT)
        return i;
    gw_buf b = {0};
    for (size_t k = i; k <= j; k++) {
        char *u = gw_ustr_utf8(L(r, k)->text.s, L(r, k)->text.n);
        gw_buf_adds(&b, u);
        free(u);
        L(r, k)->role = GW_LINE_TITLE_NOTE;
    }
    xmlNewTextChild(parent, r->ns, BAD_CAST "title-note", BAD_CAST b.data);
    gw_buf_free(&b);
    report(r->t, L(r, i)->no, "recognised", "a note under the title (题注)");
    if (j > i)
        report(r->t, L(r, i)->no, "normalised", "the note's lines %d to %d joined", L(r, i)->no,
               L(r, j)->no);
    return j + 1;
}

/* The closing: the first whole-line date in [a, b), the names above it. Sets *sig to the
 * first signature line and returns the date's index, or b when there is none. */
static size_t find_closing(rec *r, size_t a, size_t b, size_t *sig)
{
    /* The first date with a name above it; else the first date the text does not go on
     * after (a date in the body, 一、会议时间 / 2024年3月12日 / 二、…, is not the closing). */
    size_t bare = b;
    for (size_t d = a; d < b; d++) {
        if (L(r, d)->role != GW_LINE_TEXT || !is_date_line(L(r, d)))
            continue;
        size_t s = d;
        while (s > a && d - s < 4 && signature_like(L(r, s - 1)))
            s--;
        if (s < d) {
            *sig = s;
            return d;
        }
        if (bare == b &&
            (d + 1 == b || L(r, d + 1)->role != GW_LINE_TEXT ||
             gw_parse_mark(L(r, d + 1)->text.s, L(r, d + 1)->text.n).kind == GW_MARK_NONE))
            bare = d;
    }
    *sig = bare;
    return bare;
}

static char *iso_date(const gw_line *l, rec *r)
{
    int y = 0, m = 0, d = 0;
    bool arabic = true;
    gw_parse_date(l->text.s, l->text.n, &y, &m, &d, &arabic);
    if (!arabic)
        report(r->t, l->no, "normalised",
               "the date in Chinese numerals is printed in Arabic ones (GB/T 9704 §7.3.5)");
    return gw_xasprintf("%04d-%02d-%02d", y, m, d);
}

/* Does a name end as an organ's does (…部, …委员会, …专家组), not as a place's (…村)? */
static bool organ_ending(const gunichar *s, size_t n)
{
    static const char ends[] = "部委厅局院办会组府室处所司署行社团队校区心站军党社馆";
    glong m = 0;
    gunichar *e = g_utf8_to_ucs4_fast(ends, -1, &m);
    bool hit = n > 0 && gw_has_char(e, (size_t)m, s[n - 1]);
    g_free(e);
    return hit;
}

static void add_signature(rec *r, xmlNodePtr closing, xmlNodePtr organs, const gunichar *s,
                          size_t n)
{
    el_text(r, closing, "signature", s, n);
    if (organs)
        el_text(r, organs, "organ", s, n);
}

static void add_closing(rec *r, xmlNodePtr parent, size_t sig, size_t date, xmlNodePtr organs)
{
    xmlNodePtr closing = el(r, parent, "closing");
    /* an order is signed by a person: 市长　王某某 (the office, then the name) */
    size_t at2[4], len2[4];
    if (r->order && date == sig + 1 &&
        split_names(L(r, sig)->text.s, L(r, sig)->text.n, at2, len2, 4) == 2) {
        const gunichar *s = L(r, sig)->text.s;
        set_role(r, sig, GW_LINE_SIGNATURE, "the signatory of the order (职务 and 姓名)");
        xmlNodePtr who = el_text(r, closing, "signatory", s + at2[1], len2[1]);
        char *office = gw_ustr_utf8(s + at2[0], len2[0]);
        xmlNewProp(who, BAD_CAST "title", BAD_CAST office);
        free(office);
        sig = date;
    }
    gunichar *pending = NULL; /* a name broken over lines: 湖北省…马鬃山村 / 地质险情调查专家组 */
    size_t pn = 0;
    for (size_t k = sig; k < date; k++) {
        gw_line *l = L(r, k);
        set_role(r, k, GW_LINE_SIGNATURE, "signature (发文机关署名)");
        size_t at[MAX_NAMES], len[MAX_NAMES];
        size_t m = split_names(l->text.s, l->text.n, at, len, MAX_NAMES);
        if (m > 1)
            report(r->t, l->no, "recognised", "%zu organs sign on one line (联合行文)", m);
        if (m == 1 && (pending || (k + 1 < date && !organ_ending(l->text.s + at[0], len[0])))) {
            pending = gw_xrealloc(pending, (pn + len[0]) * sizeof *pending);
            memcpy(pending + pn, l->text.s + at[0], len[0] * sizeof *pending);
            pn += len[0];
            if (organ_ending(l->text.s + at[0], len[0]) || k + 1 == date) {
                report(r->t, l->no, "guessed",
                       "one organ's name broken over lines %d to %d: joined", L(r, k)->no - 1,
                       l->no);
                add_signature(r, closing, organs, pending, pn);
                free(pending);
                pending = NULL;
                pn = 0;
            }
            continue;
        }
        if (pending) { /* a line of several names ends the broken one */
            add_signature(r, closing, organs, pending, pn);
            free(pending);
            pending = NULL;
            pn = 0;
        }
        for (size_t j = 0; j < m; j++)
            add_signature(r, closing, organs, l->text.s + at[j], len[j]);
    }
    if (pending)
        add_signature(r, closing, organs, pending, pn);
    free(pending);
    set_role(r, date, GW_LINE_DATE, "date (成文日期)");
    char *iso = iso_date(L(r, date), r);
    xmlNewTextChild(closing, r->ns, BAD_CAST "date", BAD_CAST iso);
    free(iso);
}

/* 附件说明 above the signature: 附件：1.name, then 2.name one a line. Returns its first line
 * index, or sig when there is none. */
static size_t find_att_list(rec *r, size_t a, size_t sig)
{
    size_t j = sig;
    while (j > a && gw_parse_mark(L(r, j - 1)->text.s, L(r, j - 1)->text.n).kind == GW_MARK_NUM &&
           L(r, j - 1)->text.n < 60 &&
           !gw_has_char(L(r, j - 1)->text.s, L(r, j - 1)->text.n, 0x3002))
        j--;
    if (j == a)
        return sig;
    gw_line *l = L(r, j - 1);
    if (l->text.n > 3 && gw_starts_with(l->text.s, l->text.n, "附件") &&
        (l->text.s[2] == 0xFF1A || l->text.s[2] == ':'))
        return j - 1;
    return sig;
}

static void take_att_list(rec *r, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++) {
        gw_line *l = L(r, k);
        l->role = GW_LINE_ATT_LIST;
        size_t i = k == from ? gw_skip_blanks(l->text.s, l->text.n, 3) : 0;
        gw_mark m = gw_parse_mark(l->text.s + i, l->text.n - i);
        if (m.kind == GW_MARK_NUM)
            i += m.len;
        gw_ustr *name = GW_PUSH(r->att_names, r->n_att_names, r->cap_att_names);
        name->s = l->text.s + i;
        name->n = l->text.n - i;
    }
    report(r->t, L(r, from)->no, "recognised",
           "附件说明 of %zu attachments: made again from the attachments' titles", to - from);
}

static bool same_text(const gunichar *a, size_t an, const gunichar *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && gw_is_blank(a[i]))
            i++;
        while (j < bn && gw_is_blank(b[j]))
            j++;
        if (i == an || j == bn)
            return i == an && j == bn;
        if (a[i++] != b[j++])
            return false;
    }
}

/* A new attachment of the document, with its id f1, f2, … by its place; *nth is that place. */
static xmlNodePtr new_attachment(rec *r, xmlNodePtr doc_el, int *nth)
{
    xmlNodePtr att = el(r, doc_el, "attachment");
    *nth = 1;
    for (xmlNodePtr c = doc_el->children; c != att; c = c->next)
        *nth += c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "attachment");
    char id[32];
    snprintf(id, sizeof id, "f%d", *nth);
    xmlNewProp(att, BAD_CAST "id", BAD_CAST id);
    return att;
}

/* An attachment from line i: label, title, 题注, 主送, content, closing. Returns the next
 * line. */
static size_t add_attachment(rec *r, xmlNodePtr doc_el, size_t i, size_t end, int *labelled)
{
    size_t title_at = 0;
    bool enclosed = false;
    long number = 0;
    bool has_label = att_label(L(r, i), &title_at, &enclosed, &number);
    int nth = 0;
    xmlNodePtr att = new_attachment(r, doc_el, &nth);
    snprintf(r->prefix, sizeof r->prefix, "f%d-", nth);
    bool yes = has_label && !enclosed;
    if (!yes)
        xmlNewProp(att, BAD_CAST "label", BAD_CAST "no");
    if (has_label) {
        set_role(r, i, GW_LINE_ATT_LABEL, "attachment label");
        if (enclosed)
            report(r->t, L(r, i)->no, "normalised",
                   "the label 附： is not printed: the attachment belongs to the enclosed "
                   "document above it, and stands unlabelled");
        if (yes) {
            ++*labelled;
            if (number && number != *labelled)
                report(r->t, L(r, i)->no, "normalised",
                       "attachment typed as 附件%ld is attachment %d, and labelled so", number,
                       *labelled);
        }
    }
    xmlNodePtr title = el(r, att, "title");
    size_t k = has_label ? i + 1 : i;
    if (title_at) {
        gw_line *l = L(r, i);
        char *u = gw_ustr_utf8(l->text.s + title_at, l->text.n - title_at);
        xmlNodeAddContent(title, BAD_CAST u);
        free(u);
    } else {
        /* the title as the 附件说明 names it, or by its look */
        size_t t_end = k;
        const gw_ustr *want =
            yes && (size_t)*labelled <= r->n_att_names ? &r->att_names[*labelled - 1] : NULL;
        if (want) {
            gw_buf joined = {0};
            for (size_t j = k; j < end && j < k + 4; j++) {
                char *u = gw_ustr_utf8(L(r, j)->text.s, L(r, j)->text.n);
                gw_buf_adds(&joined, u);
                free(u);
                glong m = 0;
                gunichar *js = g_utf8_to_ucs4_fast(joined.data, -1, &m);
                bool same = same_text(js, (size_t)m, want->s, want->n);
                g_free(js);
                if (same) {
                    t_end = j + 1;
                    break;
                }
            }
            gw_buf_free(&joined);
        }
        bool matched = t_end > k;
        if (t_end == k) {
            if (has_label) {
                while (t_end < end && t_end < k + 3 && title_like(L(r, t_end), 25))
                    t_end++;
            } else {
                t_end = find_title(r, k, end, 30);
            }
        }
        if (want && !matched && t_end > k) {
            char *named = gw_ustr_utf8(want->s, want->n);
            report(r->t, L(r, k)->no, "normalised",
                   "the 附件说明 names this attachment 「%s」: it is listed by its title", named);
            free(named);
        }
        if (t_end == k && k < end) {
            report(r->t, L(r, k)->no, "guessed", "the attachment's title is this line");
            t_end = k + 1;
        }
        if (t_end == k) {
            gw_error(r->ctx, (gw_pos){r->t->path, L(r, i)->no},
                     "an attachment label with nothing after it");
            return end;
        }
        add_title_text(r, title, k, t_end);
        report(r->t, L(r, k)->no, "recognised", "attachment title");
        k = t_end;
    }
    k = add_title_note(r, att, k, end);
    /* the end of this attachment: the next label, or its own closing */
    size_t stop = k;
    size_t dummy_title = 0;
    bool dummy_enclosed = false;
    long dummy_number = 0;
    while (stop < end && !att_label(L(r, stop), &dummy_title, &dummy_enclosed, &dummy_number))
        stop++;
    size_t sig = stop;
    size_t date = find_closing(r, k, stop, &sig);
    if (k < sig && addressee_like(L(r, k))) {
        set_role(r, k, GW_LINE_ADDRESSEE, "the attachment's addressee (主送)");
        el_text(r, att, "addressee", L(r, k)->text.s, L(r, k)->text.n);
        k++;
    }
    size_t body_end = date < stop ? sig : stop;
    if (body_end > k) {
        xmlNodePtr holder = xmlNewNode(r->ns, BAD_CAST "attachment");
        build_content(r, holder, k, body_end, "article-style");
        xmlChar *style = xmlGetProp(holder, BAD_CAST "article-style");
        if (style) {
            xmlNewProp(att, BAD_CAST "article-style", style);
            xmlFree(style);
        }
        xmlNodePtr c;
        while ((c = holder->children)) {
            xmlUnlinkNode(c);
            xmlAddChild(att, c);
        }
        xmlFreeNode(holder);
    }
    size_t next = stop;
    if (date < stop) {
        add_closing(r, att, sig, date, NULL);
        next = date + 1;
    }
    for (size_t k2 = i; k2 < next; k2++)
        L(r, k2)->part = nth;
    return next;
}

/* 版记 from the end: 主送, 抄送 and the 印发 line. Returns the first line of it. */
/* 抄送：… or 主送：… */
static bool colophon_list(const gw_line *l)
{
    const gunichar *s = l->text.s;
    size_t n = l->text.n;
    return n > 3 && !gw_has_char(s, n, '\t') && gw_skip_blanks(s, n, 3) < n &&
           (gw_starts_with(s, n, "抄送") || gw_starts_with(s, n, "主送")) &&
           (s[2] == 0xFF1A || s[2] == ':');
}

static size_t find_colophon(rec *r, size_t a, size_t b)
{
    size_t i = b;
    while (i > a) {
        gw_line *l = L(r, i - 1);
        const gunichar *s = l->text.s;
        size_t n = l->text.n;
        /* a list wrapped onto up to three more lines: those lines carry on it */
        size_t start = i - 1;
        while (start > a && i - 1 - start < 3 && !colophon_list(L(r, start - 1)) &&
               !gw_is_terminal(L(r, start - 1)->text.s[L(r, start - 1)->text.n - 1]) &&
               !gw_has_char(L(r, start - 1)->text.s, L(r, start - 1)->text.n, '\t'))
            start--;
        bool carried = !colophon_list(l) && start > a && colophon_list(L(r, start - 1)) &&
                       !gw_is_terminal(L(r, start - 1)->text.s[L(r, start - 1)->text.n - 1]) &&
                       !gw_has_char(s, n, '\t') && !is_date_line(l) && !gw_ends_with(s, n, "印发");
        if (colophon_list(l) || carried) {
            const gw_line *list = carried ? L(r, start - 1) : l;
            l->role = list->text.s[0] == 0x6284 ? GW_LINE_CC : GW_LINE_TO;
        } else if (n > 8 && gw_ends_with(s, n, "印发") && !gw_has_char(s, n, '\t')) {
            size_t j = n - 2;
            while (j > 0 && !gw_is_blank(s[j - 1]))
                j--;
            int y, m, d;
            bool ar;
            if (j == 0 || !gw_parse_date(s + j, n - 2 - j, &y, &m, &d, &ar))
                break;
            l->role = GW_LINE_PRINTED;
        } else {
            break;
        }
        i--;
    }
    return i;
}

static void add_colophon(rec *r, xmlNodePtr doc_el, size_t a, size_t b, xmlNodePtr head)
{
    if (a == b)
        return;
    xmlNodePtr col = el(r, doc_el, "colophon");
    xmlNodePtr to = NULL, cc = NULL;
    char *printer = NULL, *printed = NULL;
    for (size_t i = a; i < b; i++) {
        gw_line *l = L(r, i);
        const gunichar *s = l->text.s;
        size_t n = l->text.n;
        if (l->role == GW_LINE_TO || l->role == GW_LINE_CC) {
            /* a list's first line, or a line it was wrapped onto, or a second list of the
             * same kind: all of it is one list */
            bool first = colophon_list(l);
            size_t k = first ? gw_skip_blanks(s, n, 3) : 0;
            char *u = gw_ustr_utf8(s + k, n - k);
            xmlNodePtr *list = l->role == GW_LINE_TO ? &to : &cc;
            if (!*list)
                *list = xmlNewTextChild(col, r->ns, BAD_CAST(l->role == GW_LINE_TO ? "to" : "cc"),
                                        BAD_CAST u);
            else
                xmlNodeAddContent(*list, BAD_CAST u);
            free(u);
            if (!first)
                report(r->t, l->no, "normalised", "a line of the 版记's list joined to it");
            report(r->t, l->no, "recognised", "版记: %s", l->role == GW_LINE_TO ? "主送" : "抄送");
        } else if (l->role == GW_LINE_PRINTED) {
            size_t j = n - 2;
            while (j > 0 && !gw_is_blank(s[j - 1]))
                j--;
            size_t pe = j;
            while (pe > 0 && gw_is_blank(s[pe - 1]))
                pe--;
            int y, m, d;
            bool ar;
            gw_parse_date(s + j, n - 2 - j, &y, &m, &d, &ar);
            free(printer);
            free(printed);
            printer = gw_ustr_utf8(s, pe);
            printed = gw_xasprintf("%04d-%02d-%02d", y, m, d);
            if (!ar)
                report(r->t, l->no, "normalised", "the 印发 date is printed in Arabic numerals");
            report(r->t, l->no, "recognised", "版记: 印发机关 and 印发日期");
        }
    }
    if (!printer) {
        xmlNodePtr first_organ = xmlFirstElementChild(head);
        while (first_organ && !xmlStrEqual(first_organ->name, BAD_CAST "organ"))
            first_organ = xmlNextElementSibling(first_organ);
        xmlChar *organ = first_organ ? xmlNodeGetContent(first_organ) : NULL;
        printer = gw_xstrdup(organ ? (const char *)organ : "");
        xmlFree(organ);
        if (r->have_date)
            printed =
                gw_xasprintf("%04d-%02d-%02d", r->first_date_y, r->first_date_m, r->first_date_d);
        report(r->t, L(r, a)->no, "guessed",
               "the 版记 has no 印发 line: the organ prints it on the date of the document");
    }
    if (!printed)
        printed = gw_xstrdup("2000-01-01");
    xmlNewTextChild(col, r->ns, BAD_CAST "printer", BAD_CAST printer);
    xmlNewTextChild(col, r->ns, BAD_CAST "printed", BAD_CAST printed);
    free(printer);
    free(printed);
}

static void add_comment(rec *r, const gw_line *l)
{
    char *u = gw_ustr_utf8(l->text.s + 1, l->text.n - 1);
    /* "--" may not stand in an XML comment */
    for (char *p = u; (p = strstr(p, "--"));)
        p[1] = '_';
    gw_buf b = {0};
    gw_buf_printf(&b, "%s ", u);
    xmlNodePtr c = xmlNewDocComment(r->doc, BAD_CAST b.data);
    xmlNodePtr root = xmlDocGetRootElement(r->doc);
    if (root)
        xmlAddPrevSibling(root, c);
    else
        xmlAddChild((xmlNodePtr)r->doc, c);
    gw_buf_free(&b);
    free(u);
}

static const char *kind_of(const char *k)
{
    if (!k)
        return "公文";
    if (strcmp(k, "实施细则") == 0)
        return "细则";
    if (strcmp(k, "实施办法") == 0)
        return "办法";
    if (strcmp(k, "实施意见") == 0)
        return "意见";
    if (strcmp(k, "复函") == 0)
        return "函";
    return k;
}

static bool recognise(gw_ctx *ctx, gw_text *t)
{
    rec r = {.ctx = ctx, .t = t};
    size_t n = t->n_lines, blanks = 0;
    for (size_t i = 0; i < n; i++)
        blanks += t->lines[i].blank_before;
    r.blank_mode = blanks * 3 >= n && blanks > 2;
    r.doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "document");
    r.ns = xmlNewNs(root, BAD_CAST GW_SOURCE_NS, NULL);
    xmlSetNs(root, r.ns);
    xmlDocSetRootElement(r.doc, root);
    size_t i = 0;
    while (i < n && t->lines[i].role == GW_LINE_COMMENT)
        add_comment(&r, &t->lines[i++]);
    if (i == n) {
        gw_error(ctx, (gw_pos){t->path, n ? t->lines[n - 1].no : 1}, "no text: the file is empty");
        xmlFreeDoc(r.doc);
        return false;
    }
    size_t end = find_colophon(&r, i, n);
    xmlNodePtr head = el(&r, root, "head");
    xmlNodePtr copy = NULL, secrecy = NULL, urgency = NULL, number = NULL, organ = NULL;
    xmlNodePtr signers = xmlNewNode(r.ns, BAD_CAST "signers");
    bool joint_sig = false;
    /* 版头 */
    for (; i < end; i++) {
        gw_line *l = L(&r, i);
        const gunichar *s = l->text.s;
        size_t len = l->text.n;
        gw_docnum dn;
        bool digits6 = len == 6;
        for (size_t k = 0; k < len && digits6; k++)
            digits6 = gw_arabic_digit(s[k]) >= 0;
        if (digits6 && !copy) {
            set_role(&r, i, GW_LINE_COPY, "份号");
            char *u = gw_ustr_utf8(s, len);
            copy = xmlNewTextChild(head, r.ns, BAD_CAST "copy", BAD_CAST u);
            free(u);
        } else if (!secrecy && len >= 2 &&
                   (gw_starts_with(s, len, "绝密") || gw_starts_with(s, len, "机密") ||
                    gw_starts_with(s, len, "秘密")) &&
                   (len == 2 || s[2] == 0x2605 || s[2] == '*')) {
            set_role(&r, i, GW_LINE_SECRECY, "密级");
            secrecy = el(&r, head, "secrecy");
            char *lv = gw_ustr_utf8(s, 2);
            xmlNewProp(secrecy, BAD_CAST "level", BAD_CAST lv);
            free(lv);
            if (len > 3) {
                char *term = gw_ustr_utf8(s + 3, len - 3);
                xmlNewProp(secrecy, BAD_CAST "term", BAD_CAST term);
                free(term);
            }
        } else if (!urgency && len == 2 &&
                   (gw_starts_with(s, len, "特急") || gw_starts_with(s, len, "加急"))) {
            set_role(&r, i, GW_LINE_URGENCY, "紧急程度");
            urgency = el_text(&r, head, "urgency", s, 2);
        } else if (!organ && i < 8 && stacked_mark_end(&r, i, end) > i) {
            /* 联合行文 with the organs stacked: every line's names, 文件 beside them. */
            size_t last = stacked_mark_end(&r, i, end);
            for (size_t k = i; k <= last; k++) {
                set_role(&r, k, GW_LINE_MARK, "发文机关标志");
                const gunichar *ks = L(&r, k)->text.s;
                bool w;
                size_t kn = without_wenjian(ks, L(&r, k)->text.n, &w);
                size_t at[MAX_NAMES], nl[MAX_NAMES];
                size_t m = split_names(ks, kn, at, nl, MAX_NAMES);
                for (size_t q = 0; q < m; q++) {
                    xmlNodePtr o = el_text(&r, head, "organ", ks + at[q], nl[q]);
                    if (!organ) {
                        organ = o;
                        xmlNewProp(organ, BAD_CAST "suffix", BAD_CAST "文件");
                    }
                }
            }
            report(t, L(&r, i)->no, "guessed",
                   "the mark (发文机关标志) stands on %zu lines: the organs of a joint document",
                   last - i + 1);
            i = last;
        } else if (!organ && len > 2 && i < 8 && !gw_has_char(s, len, '\t') && !gw_is_blank(s[0]) &&
                   (gw_ends_with(s, len, "文件") ||
                    /* an order's mark (…令) above its 令号 (第12号) */
                    (gw_ends_with(s, len, "令") && i + 1 < end &&
                     gw_parse_docnum(L(&r, i + 1)->text.s, L(&r, i + 1)->text.n, &dn) &&
                     dn.order) ||
                    /* a minutes' mark (…会议纪要) above a title that is a 纪要 too */
                    (gw_ends_with(s, len, "纪要") && i + 1 < end &&
                     title_kind(L(&r, i + 1)->text.s, L(&r, i + 1)->text.n) &&
                     strcmp(title_kind(L(&r, i + 1)->text.s, L(&r, i + 1)->text.n), "纪要") ==
                         0))) {
            set_role(&r, i, GW_LINE_MARK, "发文机关标志");
            size_t suffix_len = gw_ends_with(s, len, "令") && !gw_ends_with(s, len, "文件") ? 1 : 2;
            r.order = suffix_len == 1;
            size_t e = len - suffix_len;
            while (e > 0 && gw_is_blank(s[e - 1]))
                e--;
            size_t at[MAX_NAMES], nl[MAX_NAMES];
            size_t m = split_names(s, e, at, nl, MAX_NAMES);
            if (m == 0)
                break;
            organ = el_text(&r, head, "organ", s + at[0], nl[0]);
            char *suffix = gw_ustr_utf8(s + len - suffix_len, suffix_len);
            xmlNewProp(organ, BAD_CAST "suffix", BAD_CAST suffix);
            free(suffix);
            for (size_t k = 1; k < m; k++)
                el_text(&r, head, "organ", s + at[k], nl[k]);
        } else if (!number && gw_parse_docnum(s, len, &dn)) {
            break; /* handled below, shared with the number under the title */
        } else if (gw_is_signer_label(s, len, 0)) {
            break;
        } else {
            break;
        }
    }
    /* the number and 签发人, above the title or (gov.cn) under it */
    size_t title_start = i, title_end = i, early_addressee = SIZE_MAX;
    for (int pass = 0; pass < 2; pass++) {
        for (; i < end; i++) {
            gw_line *l = L(&r, i);
            gw_docnum dn;
            if (!number && gw_parse_docnum(l->text.s, l->text.n, &dn)) {
                set_role(&r, i, GW_LINE_NUMBER, "发文字号");
                number = xmlNewNode(r.ns, BAD_CAST "number");
                const gunichar *s = l->text.s;
                if (!dn.order) {
                    char *code = gw_ustr_utf8(s, dn.code_len);
                    long year = dn.year;
                    if (dn.year_digits == 2) {
                        year += year < 50 ? 2000 : 1900;
                        report(t, l->no, "normalised",
                               "the year in the document number is printed in full: %ld", year);
                    }
                    char *ys = gw_xasprintf("%ld", year);
                    xmlNewProp(number, BAD_CAST "code", BAD_CAST code);
                    xmlNewProp(number, BAD_CAST "year", BAD_CAST ys);
                    free(code);
                    free(ys);
                    if (dn.open != 0x3014 || dn.close != 0x3015)
                        report(t, l->no, "normalised",
                               "the year's brackets are printed as 〔〕 (GB/T 9704 §7.2.4)");
                }
                size_t z = dn.seq_at;
                while (z + 1 < dn.seq_at + dn.seq_len && gw_arabic_digit(s[z]) == 0)
                    z++;
                if (z > dn.seq_at)
                    report(t, l->no, "normalised",
                           "the padding zeros of the number are not printed (GB/T 9704 §7.2.4)");
                char digits[16];
                size_t nd = 0;
                for (size_t k = z; k < dn.seq_at + dn.seq_len && nd < 15; k++)
                    digits[nd++] = (char)('0' + gw_arabic_digit(s[k]));
                digits[nd] = '\0';
                xmlNewProp(number, BAD_CAST "seq", BAD_CAST digits);
                if (dn.signer_at) {
                    size_t at[MAX_NAMES], nl[MAX_NAMES];
                    size_t m =
                        split_names(s + dn.signer_at, l->text.n - dn.signer_at, at, nl, MAX_NAMES);
                    for (size_t k = 0; k < m; k++)
                        el_text(&r, signers, "signer", s + dn.signer_at + at[k], nl[k]);
                    t->has_signer = true;
                }
                if (pass == 1)
                    report(t, l->no, "recognised",
                           "the number printed under the title, as on "
                           "gov.cn");
            } else if (gw_is_signer_label(l->text.s, l->text.n, 0)) {
                set_role(&r, i, GW_LINE_SIGNER, "签发人");
                size_t k = gw_skip_blanks(l->text.s, l->text.n, 4);
                size_t at[MAX_NAMES], nl[MAX_NAMES];
                size_t m = split_names(l->text.s + k, l->text.n - k, at, nl, MAX_NAMES);
                for (size_t j = 0; j < m; j++)
                    el_text(&r, signers, "signer", l->text.s + k + at[j], nl[j]);
                t->has_signer = true;
            } else if (t->has_signer && names_only(l)) {
                /* the signers of a joint document, set two a line under the first */
                set_role(&r, i, GW_LINE_SIGNER, "签发人 (continued)");
                size_t at[MAX_NAMES], nl[MAX_NAMES];
                size_t m = split_names(l->text.s, l->text.n, at, nl, MAX_NAMES);
                for (size_t j = 0; j < m; j++)
                    el_text(&r, signers, "signer", l->text.s + at[j], nl[j]);
            } else {
                break;
            }
        }
        if (pass == 0) {
            /* 主送 typed above the title (as a message or a forwarded text may have it) */
            if (i + 1 < end && addressee_like(L(&r, i)) && find_title(&r, i + 1, end, 40) > i + 1) {
                early_addressee = i;
                i++;
            }
            title_start = i;
            title_end = find_title(&r, i, end, 40);
            i = title_end;
        }
    }
    t->has_head = organ != NULL;
    /* the title, its note, the addressee */
    xmlNodePtr title = NULL;
    if (title_end > title_start) {
        title = el(&r, root, "title");
        add_title_text(&r, title, title_start, title_end);
        report(t, L(&r, title_start)->no, "recognised", "title (标题)");
        const gw_line *last = L(&r, title_end - 1);
        t->kind = gw_xstrdup(kind_of(title_kind(last->text.s, last->text.n)));
    } else if (r.order) {
        t->kind = gw_xstrdup("令");
    } else {
        /* only an order (命令) goes without a title */
        gw_error(ctx, (gw_pos){t->path, i < n ? L(&r, i)->no : L(&r, n - 1)->no},
                 "no title found after the 版头: a short line naming the kind of document "
                 "(…的通知) was expected here");
        xmlFreeNode(signers);
        xmlFreeNode(number); /* not yet in the tree */
        free(r.att_names);
        xmlFreeDoc(r.doc);
        return false;
    }
    /* 题注 under the document's title, as regulations have it */
    if (title)
        i = add_title_note(&r, root, i, end);
    xmlNodePtr addressee = NULL;
    size_t sig = end;
    size_t date = find_closing(&r, i, end, &sig);
    size_t at = SIZE_MAX;
    if (early_addressee != SIZE_MAX && title) {
        at = early_addressee;
        report(t, L(&r, at)->no, "normalised",
               "the addressee typed above the title stands below it (GB/T 9704 §7.3.2)");
    } else if (i < sig && (addressee_like(L(&r, i)) ||
                           addressee_without_colon(L(&r, i), i + 1 < sig ? L(&r, i + 1) : NULL))) {
        at = i++;
    }
    if (at != SIZE_MAX) {
        set_role(&r, at, GW_LINE_ADDRESSEE, "主送机关");
        addressee = el_text(&r, root, "addressee", L(&r, at)->text.s, L(&r, at)->text.n);
        gunichar last = L(&r, at)->text.s[L(&r, at)->text.n - 1];
        if (last != 0xFF1A)
            report(t, L(&r, at)->no, "normalised",
                   "the addressee ends with the full-width colon (GB/T 9704 §7.3.2)");
    }
    /* attachments without a closing start at their label */
    size_t body_end = sig;
    if (date == end) {
        size_t ta = 0;
        bool enc = false;
        long num = 0;
        for (size_t k = i; k < end; k++)
            if (att_label(L(&r, k), &ta, &enc, &num) && !ta) {
                body_end = k;
                break;
            }
    }
    size_t list = date < end ? find_att_list(&r, i, sig) : body_end;
    if (date < end && list < sig)
        take_att_list(&r, list, sig);
    /* 出席, 请假, 列席 (minutes) end the text, in that order */
    size_t content_end = date < end ? list : body_end, attend = content_end;
    for (int want = 2; attend > i && want >= 0; want--)
        if (attendance_kind(L(&r, attend - 1)) == want)
            attend--;
    xmlNodePtr body = el(&r, root, "body");
    build_content(&r, body, i, attend, NULL);
    if (attend < content_end) {
        static const char *const names[] = {"present", "absent", "attending"};
        xmlNodePtr attendance = el(&r, root, "attendance");
        for (size_t k = attend; k < content_end; k++) {
            gw_line *l = L(&r, k);
            int which = attendance_kind(l);
            set_role(&r, k, GW_LINE_ATTENDANCE, "出席, 请假 or 列席");
            size_t from = gw_skip_blanks(l->text.s, l->text.n, 3);
            el_text(&r, attendance, names[which], l->text.s + from, l->text.n - from);
        }
    }
    if (!body->children) {
        gw_error(ctx, (gw_pos){t->path, L(&r, i < n ? i : n - 1)->no},
                 "no body text found after the title");
        xmlFreeNode(signers);
        xmlFreeNode(number); /* not yet in the tree */
        free(r.att_names);
        xmlFreeDoc(r.doc);
        return false;
    }
    xmlChar *style = xmlGetProp(body, BAD_CAST "article-style");
    if (style) {
        xmlUnsetProp(body, BAD_CAST "article-style");
        xmlNewProp(root, BAD_CAST "article-style", style);
        xmlFree(style);
    }
    xmlNodePtr sig_organs = xmlNewNode(r.ns, BAD_CAST "organs");
    if (date < end) {
        int y, m, d;
        bool a;
        gw_parse_date(L(&r, date)->text.s, L(&r, date)->text.n, &y, &m, &d, &a);
        r.have_date = true;
        r.first_date_y = y;
        r.first_date_m = m;
        r.first_date_d = d;
        add_closing(&r, root, sig, date, sig_organs);
        joint_sig = date - sig > 1 || (sig_organs->children && sig_organs->children->next);
        i = date + 1;
        if (i < end && L(&r, i)->role == GW_LINE_TEXT &&
            parenthesised(L(&r, i)->text.s, L(&r, i)->text.n) && L(&r, i)->text.n <= 40 &&
            !gw_has_char(L(&r, i)->text.s, L(&r, i)->text.n, '\t')) {
            set_role(&r, i, GW_LINE_NOTE, "附注");
            el_text(&r, root, "note", L(&r, i)->text.s + 1, L(&r, i)->text.n - 2);
            i++;
        }
    } else {
        i = body_end;
    }
    /* attachments */
    int labelled = 0;
    while (i < end && ctx->errors == 0)
        i = add_attachment(&r, root, i, end, &labelled);
    if ((size_t)labelled != r.n_att_names && r.n_att_names)
        report(t, L(&r, list)->no, "guessed",
               "the 附件说明 names %zu attachments, the text holds %d labelled ones", r.n_att_names,
               labelled);
    /* Attachments the 附件说明 names but the text does not hold: their titles still stand (on
     * pages of their own), so that the 附件说明 made from them keeps every name. */
    for (size_t k = (size_t)labelled; k < r.n_att_names; k++) {
        int nth = 0;
        xmlNodePtr att = new_attachment(&r, root, &nth);
        el_text(&r, att, "title", r.att_names[k].s, r.att_names[k].n);
        report(t, L(&r, list)->no + (int)k, "guessed",
               "attachment %zu is not in the text: its page holds its title alone", k + 1);
    }
    if (labelled && !r.n_att_names && date < end)
        report(t, L(&r, date)->no, "normalised",
               "no 附件说明 was typed: it is made from the attachments' titles");
    /* the organ: the mark, else the signatures, else the title's words before 关于 */
    if (!organ) {
        if (sig_organs->children) {
            xmlNodePtr o = sig_organs->children;
            xmlNodePtr first = NULL;
            while (o) {
                xmlNodePtr next = o->next;
                xmlUnlinkNode(o);
                xmlAddChild(head, o);
                if (!first)
                    first = o;
                o = next;
            }
            organ = first;
            report(t, L(&r, sig)->no, "guessed",
                   "no 版头 in the text: the mark (发文机关标志) names the signing organ%s",
                   joint_sig ? "s" : "");
        } else if (title) {
            const gw_line *l = L(&r, title_start);
            size_t k = 0;
            while (k + 1 < l->text.n && !(l->text.s[k] == 0x5173 && l->text.s[k + 1] == 0x4E8E))
                k++;
            if (k > 1 && k + 1 < l->text.n) {
                organ = el_text(&r, head, "organ", l->text.s, k);
                report(t, l->no, "guessed",
                       "no 版头 and no signature: the mark names the organ the title begins "
                       "with");
            }
        }
    }
    xmlFreeNode(sig_organs);
    /* a date with no name above it: the organ of the mark signs (GB/T 9704 §7.3.5 wants a
     * 发文机关署名 in every case) */
    if (organ && date < end && t->has_head) {
        xmlNodePtr closing = NULL;
        for (xmlNodePtr c = root->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "closing"))
                closing = c;
        xmlNodePtr first = closing ? xmlFirstElementChild(closing) : NULL;
        if (first && xmlStrEqual(first->name, BAD_CAST "date")) {
            for (xmlNodePtr o = xmlFirstElementChild(head); o; o = xmlNextElementSibling(o)) {
                if (!xmlStrEqual(o->name, BAD_CAST "organ"))
                    continue;
                xmlChar *name = xmlNodeGetContent(o);
                xmlNodePtr sg = xmlNewDocNode(r.doc, r.ns, BAD_CAST "signature", NULL);
                xmlNodeAddContent(sg, name);
                xmlAddPrevSibling(first, sg);
                xmlFree(name);
            }
            report(t, L(&r, date)->no, "guessed",
                   "no signature (发文机关署名) above the date: the organ of the mark signs");
        }
    }
    if (!organ) {
        gw_error(ctx, (gw_pos){t->path, L(&r, title_start < n ? title_start : 0)->no},
                 "cannot tell the issuing organ: no mark line (…文件), no signature above the "
                 "date, and no title of the form …关于…");
        xmlFreeNode(signers);
        xmlFreeNode(number); /* not yet in the tree */
        free(r.att_names);
        xmlFreeDoc(r.doc);
        return false;
    }
    /* head's children in the schema's order: copy secrecy urgency organ+ number signer* */
    if (number)
        xmlAddChild(head, number);
    xmlNodePtr s;
    while ((s = signers->children)) {
        xmlUnlinkNode(s);
        xmlAddChild(head, s);
    }
    xmlFreeNode(signers);
    if (copy || secrecy || urgency) {
        /* 份号, 密级, 紧急 first, in that order, however they were typed */
        xmlNodePtr order[3] = {urgency, secrecy, copy};
        for (int k = 0; k < 3; k++)
            if (order[k] && order[k] != xmlFirstElementChild(head)) {
                xmlUnlinkNode(order[k]);
                xmlAddPrevSibling(xmlFirstElementChild(head), order[k]);
            }
    }
    add_colophon(&r, root, end, n, head);
    /* the document's attributes */
    xmlNewProp(root, BAD_CAST "kind", BAD_CAST t->kind);
    const char *kind = t->kind;
    bool letter = strcmp(kind, "函") == 0;
    bool up = strcmp(kind, "请示") == 0 || strcmp(kind, "报告") == 0;
    if (r.order) {
        xmlNewProp(root, BAD_CAST "format", BAD_CAST "order");
        xmlNewProp(root, BAD_CAST "direction", BAD_CAST "down");
    } else if (strcmp(kind, "纪要") == 0) {
        xmlNewProp(root, BAD_CAST "format", BAD_CAST "minutes");
    } else if (letter) {
        xmlNewProp(root, BAD_CAST "format", BAD_CAST "letter");
        xmlNewProp(root, BAD_CAST "direction", BAD_CAST "level");
        if (t->has_signer) {
            report(t, 1, "guessed", "a letter has no place for 签发人: laid out as a file instead");
            xmlSetProp(root, BAD_CAST "format", BAD_CAST "file");
        }
    } else {
        xmlNewProp(root, BAD_CAST "direction", BAD_CAST(up ? "up" : "down"));
    }
    if (strcmp(kind, "公文") == 0)
        report(t, title ? L(&r, title_start)->no : 1, "guessed",
               "the title names no kind of document (通知, 请示, …): kind=\"公文\"");
    (void)addressee;
    t->source = r.doc;
    free(r.att_names);
    return true;
}

/* ---- public --------------------------------------------------------------------------- */

gw_text *gw_text_parse(gw_ctx *ctx, const char *name, const char *data, size_t len, bool verbose)
{
    gw_text *t = gw_xcalloc(1, sizeof *t);
    t->path = name;
    t->verbose = verbose;
    char *raw = gw_xmalloc(len + 1);
    memcpy(raw, data, len);
    raw[len] = '\0';
    char *text = decode(ctx, t, raw, len);
    if (!text || !split_lines(ctx, t, text) || !recognise(ctx, t)) {
        free(text);
        gw_text_drop(t);
        return NULL;
    }
    t->utf8 = text;
    return t;
}

gw_text *gw_text_new(gw_ctx *ctx, const char *path, bool verbose)
{
    size_t len = 0;
    char *raw = gw_read_file(ctx, path, MAX_TEXT_BYTES, &len);
    if (!raw)
        return NULL;
    gw_text *t = gw_text_parse(ctx, path, raw, len, verbose);
    free(raw);
    return t;
}

void gw_text_drop(gw_text *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_lines; i++)
        free(t->lines[i].text.s);
    free(t->lines);
    free(t->kind);
    free(t->utf8);
    if (t->source)
        xmlFreeDoc(t->source);
    gw_buf_free(&t->report);
    free(t);
}

/* Writes doc to path atomically, or to standard output for NULL or "-". */
gw_status gw_write_xml(gw_ctx *ctx, xmlDocPtr doc, const char *path)
{
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    gw_status st = gw_write_bytes(ctx, path ? path : "-", mem ? (const char *)mem : "",
                                  mem ? (size_t)size : 0);
    xmlFree(mem);
    return st;
}

gw_status gw_import(gw_ctx *ctx, const char *text_path, const char *output_path, int verbose)
{
    if (output_path && strcmp(output_path, "-") != 0 && gw_same_file(text_path, output_path)) {
        gw_error(ctx, (gw_pos){output_path, 0}, "refusing to write the source over the text");
        return GW_ERR_USAGE;
    }
    gw_text *t = gw_text_new(ctx, text_path, verbose != 0);
    if (!t)
        return ctx->errors ? GW_ERR_INPUT : GW_ERR_SYSTEM;
    if (t->report.len)
        fputs(t->report.data, ctx->err);
    /* What the importer makes must be a source gongwen takes: the schema and the
     * stylesheets' own checks. A failure here is the importer's fault, reported as such. */
    gw_status st = GW_OK;
    xmlDocPtr check = xmlCopyDoc(t->source, 1);
    if (!gw_schema_validate(ctx, ctx->source, check, text_path, "the imported source")) {
        st = GW_ERR_INPUT;
    } else {
        gw_source_annotate_lines(check);
        xmlDocPtr layout = gw_transform(ctx, check, text_path);
        if (!layout)
            st = GW_ERR_INPUT;
        xmlFreeDoc(layout);
    }
    xmlFreeDoc(check);
    if (st == GW_OK)
        st = gw_write_xml(ctx, t->source, output_path);
    else
        gw_error(ctx, (gw_pos){text_path, 0},
                 "the source made from this text is not valid (an importer fault); nothing "
                 "written");
    gw_text_drop(t);
    return st;
}
