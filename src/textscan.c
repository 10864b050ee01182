/* The vocabulary of Chinese official documents typed as text, character by character: blanks,
 * numerals (一百零五, 十二, １２), the typed numbers that open units (第一条, （一）, 1.), dates
 * (二〇〇四年十一月四日) and document numbers (同师党字（2020）42号). The importer recognises
 * lines with these and the lint checks them; both see text as code points. */
#include "textscan.h"

#include "base.h"

#include <stdlib.h>
#include <string.h>

bool gw_is_blank(gunichar c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) ||
           c == 0xFEFF;
}

bool gw_is_cjk(gunichar c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3007;
}

int gw_arabic_digit(gunichar c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    return -1;
}

/* A digit of a year written digit by digit: 二〇〇四, also with ○, 零 or the letter O. */
static int year_digit(gunichar c)
{
    static const gunichar cn[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                  0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    int d = gw_arabic_digit(c);
    if (d >= 0)
        return d;
    if (c == 0x25CB || c == 0x96F6 || c == 'O' || c == 0xFF2F || c == 0x25EF)
        return 0;
    for (int i = 0; i < 10; i++)
        if (cn[i] == c)
            return i;
    return -1;
}

static int cn_digit(gunichar c)
{
    if (c == 0x3007 || c == 0x96F6 || c == 0x25CB)
        return 0;
    if (c == 0x4E24) /* 两 */
        return 2;
    int d = year_digit(c);
    return (d > 0 && gw_arabic_digit(c) < 0 && c != 'O' && c != 0xFF2F) ? d : -1;
}

/* A Chinese numeral: 三, 十二, 二十一, 一百零五. Two digits in a row (一九) are not one. */
bool gw_parse_cn(const gunichar *s, size_t n, size_t *len, long *value)
{
    long total = 0, digit = -1;
    size_t i = 0;
    bool any = false;
    for (; i < n; i++) {
        int d = cn_digit(s[i]);
        long unit = s[i] == 0x5341 ? 10 : s[i] == 0x767E ? 100 : s[i] == 0x5343 ? 1000 : 0;
        if (d >= 0) {
            if (digit > 0)
                return false;
            digit = d;
        } else if (unit) {
            if (digit == 0)
                return false;
            total += (digit < 0 ? 1 : digit) * unit;
            digit = -1;
        } else if (s[i] == 0x4E07 /* 万 */ && (total > 0 || digit > 0) && total < 10000) {
            total = (total + (digit > 0 ? digit : 0)) * 10000;
            digit = -1;
        } else {
            break;
        }
        any = true;
    }
    if (!any || (digit == 0 && i == 1))
        return false;
    if (digit > 0)
        total += digit;
    if (total <= 0)
        return false;
    *len = i;
    *value = total;
    return true;
}

bool gw_parse_arabic(const gunichar *s, size_t n, size_t *len, long *value)
{
    size_t i = 0;
    long v = 0;
    while (i < n && gw_arabic_digit(s[i]) >= 0 && i < 9)
        v = v * 10 + gw_arabic_digit(s[i++]);
    if (i == 0)
        return false;
    *len = i;
    *value = v;
    return true;
}

size_t gw_skip_blanks(const gunichar *s, size_t n, size_t i)
{
    while (i < n && gw_is_blank(s[i]))
        i++;
    return i;
}

bool gw_is_open_paren(gunichar c)
{
    return c == 0xFF08 || c == '(';
}

bool gw_is_close_paren(gunichar c)
{
    return c == 0xFF09 || c == ')';
}

/* Reads a typed number at the start of a paragraph. */
gw_mark gw_parse_mark(const gunichar *s, size_t n)
{
    gw_mark m = {0};
    size_t len = 0;
    long v = 0;
    if (n >= 3 && s[0] == 0x7B2C /* 第 */) {
        if (gw_parse_cn(s + 1, n - 1, &len, &v) || gw_parse_arabic(s + 1, n - 1, &len, &v)) {
            gunichar u = 1 + len < n ? s[1 + len] : 0;
            gw_mark_kind k = u == 0x7AE0   ? GW_MARK_CHAPTER
                             : u == 0x8282 ? GW_MARK_SECTION
                             : u == 0x6761 ? GW_MARK_ARTICLE
                                           : GW_MARK_NONE;
            if (k != GW_MARK_NONE) {
                m.kind = k;
                m.value = v;
                m.len = gw_skip_blanks(s, n, len + 2);
            }
        }
        return m;
    }
    if (n >= 3 && gw_is_open_paren(s[0])) {
        bool cn = gw_parse_cn(s + 1, n - 1, &len, &v);
        if (!cn && !(gw_parse_arabic(s + 1, n - 1, &len, &v) && v < 100))
            return m;
        if (1 + len >= n || !gw_is_close_paren(s[1 + len]))
            return m;
        m.kind = cn ? GW_MARK_PCN : GW_MARK_PNUM;
        m.value = v;
        m.halfwidth = s[0] == '(' || s[1 + len] == ')';
        m.len = gw_skip_blanks(s, n, len + 2);
        return m;
    }
    if (gw_parse_cn(s, n, &len, &v)) {
        if (len < n && s[len] == 0x3001 /* 、 */) {
            m.kind = GW_MARK_CN;
            m.value = v;
            m.len = gw_skip_blanks(s, n, len + 1);
        }
        return m;
    }
    if (gw_parse_arabic(s, n, &len, &v) && v < 1000 && len < n &&
        (s[len] == '.' || s[len] == 0xFF0E || s[len] == 0x3001) &&
        !(len + 1 < n && gw_arabic_digit(s[len + 1]) >= 0)) {
        m.kind = GW_MARK_NUM;
        m.value = v;
        m.halfwidth = s[len] == '.';
        m.len = gw_skip_blanks(s, n, len + 1);
    }
    return m;
}

bool gw_is_terminal(gunichar c)
{
    static const gunichar t[] = {0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0xFF1A, 0x2026, 0x201D,
                                 0x2019, 0xFF09, 0x300D, 0x300F, 0x300B, 0x3011, '.',
                                 '!',    '?',    ';',    ':',    ')'};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (c == t[i])
            return true;
    return false;
}

bool gw_has_char(const gunichar *s, size_t n, gunichar c)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return true;
    return false;
}

bool gw_starts_with(const gunichar *s, size_t n, const char *utf8)
{
    glong m = 0;
    gunichar *p = g_utf8_to_ucs4_fast(utf8, -1, &m);
    bool r = (size_t)m <= n && memcmp(s, p, (size_t)m * sizeof *p) == 0;
    g_free(p);
    return r;
}

bool gw_ends_with(const gunichar *s, size_t n, const char *utf8)
{
    glong m = 0;
    gunichar *p = g_utf8_to_ucs4_fast(utf8, -1, &m);
    bool r = (size_t)m <= n && memcmp(s + n - (size_t)m, p, (size_t)m * sizeof *p) == 0;
    g_free(p);
    return r;
}

char *gw_ustr_utf8(const gunichar *s, size_t n)
{
    gchar *g = g_ucs4_to_utf8(s, (glong)n, NULL, NULL, NULL);
    char *r = gw_xstrdup(g ? g : "");
    g_free(g);
    return r;
}

/* ---- dates and document numbers --------------------------------------------------------- */

/* A small number for a month or a day: 12, １２, 十二, 三十一. */
static bool parse_small(const gunichar *s, size_t n, size_t *i, int *v, bool *arabic)
{
    size_t len = 0;
    long x = 0;
    if (gw_parse_arabic(s + *i, n - *i, &len, &x)) {
        *arabic = true;
    } else if (gw_parse_cn(s + *i, n - *i, &len, &x)) {
        *arabic = false;
    } else {
        return false;
    }
    *i += len;
    *v = (int)x;
    return true;
}

/* A whole line that is a date: 2020年12月31日, 二〇〇四年十一月四日 (the letter O for 〇 too). */
bool gw_parse_date(const gunichar *s, size_t n, int *y, int *m, int *d, bool *arabic)
{
    size_t i = gw_skip_blanks(s, n, 0);
    int year = 0, digits = 0;
    bool all_arabic = true;
    while (i < n && year_digit(s[i]) >= 0 && digits < 4) {
        if (gw_arabic_digit(s[i]) < 0)
            all_arabic = false;
        year = year * 10 + year_digit(s[i++]);
        digits++;
    }
    if (digits != 4 || i >= n || s[i] != 0x5E74 /* 年 */)
        return false;
    i = gw_skip_blanks(s, n, i + 1);
    bool a1 = false, a2 = false;
    int month = 0, day = 0;
    if (!parse_small(s, n, &i, &month, &a1) || i >= n || s[i] != 0x6708 /* 月 */)
        return false;
    i = gw_skip_blanks(s, n, i + 1);
    if (!parse_small(s, n, &i, &day, &a2) || i >= n || s[i] != 0x65E5 /* 日 */)
        return false;
    i = gw_skip_blanks(s, n, i + 1);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (i != n || month < 1 || month > 12 || day < 1 || day > days[month - 1] || year < 1000 ||
        year > 2999)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return false;
    *y = year;
    *m = month;
    *d = day;
    *arabic = all_arabic && a1 && a2;
    return true;
}

bool gw_is_open_bracket(gunichar c)
{
    return c == 0x3014 || c == 0xFF08 || c == '(' || c == '[' || c == 0xFF3B || c == 0x3010 ||
           c == 0x3016;
}

bool gw_is_close_bracket(gunichar c)
{
    return c == 0x3015 || c == 0xFF09 || c == ')' || c == ']' || c == 0xFF3D || c == 0x3011 ||
           c == 0x3017;
}

bool gw_is_signer_label(const gunichar *s, size_t n, size_t i)
{
    return i + 4 <= n && gw_starts_with(s + i, n - i, "签发人") &&
           (s[i + 3] == 0xFF1A || s[i + 3] == ':');
}

/* 代字〔年份〕序号号, with any brackets; 签发人：… may follow on the line. */
bool gw_parse_docnum(const gunichar *s, size_t n, gw_docnum *dn)
{
    memset(dn, 0, sizeof *dn);
    size_t i = 0;
    if (n >= 3 && s[0] == 0x7B2C /* 第 */) {
        size_t len = 0;
        long v = 0;
        if (gw_parse_arabic(s + 1, n - 1, &len, &v) && 1 + len + 1 == n && s[1 + len] == 0x53F7) {
            dn->order = true;
            dn->seq_at = 1;
            dn->seq_len = len;
            return true;
        }
        return false;
    }
    while (i < n && !gw_is_open_bracket(s[i])) {
        if (!gw_is_cjk(s[i]) && !g_unichar_isalnum(s[i]))
            return false;
        i++;
    }
    if (i == 0 || i > 20 || i >= n)
        return false;
    dn->code_len = i;
    dn->open = s[i++];
    size_t len = 0;
    if (!gw_parse_arabic(s + i, n - i, &len, &dn->year) || (len != 4 && len != 2) ||
        (len == 4 && (dn->year < 1000 || dn->year > 2999)))
        return false;
    dn->year_digits = (int)len;
    i += len;
    if (i >= n || !gw_is_close_bracket(s[i]))
        return false;
    dn->close = s[i++];
    long seq = 0;
    if (!gw_parse_arabic(s + i, n - i, &len, &seq) || seq <= 0 || len > 6)
        return false;
    dn->seq_at = i;
    dn->seq_len = len;
    i += len;
    if (i >= n || s[i] != 0x53F7 /* 号 */)
        return false;
    i = gw_skip_blanks(s, n, i + 1);
    if (i == n)
        return true;
    if (!gw_is_signer_label(s, n, i))
        return false;
    dn->signer_at = gw_skip_blanks(s, n, i + 4);
    return dn->signer_at < n;
}
