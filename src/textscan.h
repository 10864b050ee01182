/* Text as code points: numerals, typed unit numbers, dates and document numbers as Chinese
 * official documents write them (textscan.c). No library beyond GLib's types. */
#ifndef GW_TEXTSCAN_H
#define GW_TEXTSCAN_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* A string of code points: Chinese text is easiest to match character by character. */
typedef struct gw_ustr {
    gunichar *s;
    size_t n;
} gw_ustr;

/* Typed numbers that open a unit: 第一章, 第一节, 第一条, 一、, （一）, 1., （1）. */
typedef enum {
    GW_MARK_NONE,
    GW_MARK_CHAPTER,
    GW_MARK_SECTION,
    GW_MARK_ARTICLE,
    GW_MARK_CN,   /* 一、 */
    GW_MARK_PCN,  /* （一） */
    GW_MARK_NUM,  /* 1. 1． 1、 */
    GW_MARK_PNUM, /* （1） */
} gw_mark_kind;

typedef struct gw_mark {
    gw_mark_kind kind;
    long value;     /* the typed number */
    size_t len;     /* code points of the number, its punctuation and the spaces after it */
    bool halfwidth; /* typed with ASCII brackets or a full stop: (六), 1. */
} gw_mark;

/* A document number as typed: 代字〔年份〕序号号 in any brackets, or an order's 第N号. */
typedef struct gw_docnum {
    size_t code_len; /* the code is s[0, code_len), the open bracket s[code_len] */
    long year;
    int year_digits;
    size_t seq_at, seq_len; /* as typed, perhaps with padding zeros; the close bracket is
                               s[seq_at - 1] */
    size_t signer_at;       /* 签发人 on the same line: the names start here (0: none) */
    gunichar open, close;
    bool order; /* 第N号 */
} gw_docnum;

/* Characters. Blanks include the full-width space and the no-break spaces. */
bool gw_is_blank(gunichar c);
bool gw_is_cjk(gunichar c);
int gw_arabic_digit(gunichar c); /* 0-9 (ASCII or full-width), else -1 */
bool gw_is_open_paren(gunichar c);
bool gw_is_close_paren(gunichar c);
bool gw_is_open_bracket(gunichar c);  /* 〔 （ ( [ ［ 【 〖 */
bool gw_is_close_bracket(gunichar c); /* 〕 ） ) ] ］ 】 〗 */
bool gw_is_terminal(gunichar c); /* what ends a sentence or a line: 。！？；：… ” ） */

/* Strings of code points. */
bool gw_has_char(const gunichar *s, size_t n, gunichar c);
bool gw_starts_with(const gunichar *s, size_t n, const char *utf8);
bool gw_ends_with(const gunichar *s, size_t n, const char *utf8);
size_t gw_skip_blanks(const gunichar *s, size_t n, size_t i);
char *gw_ustr_utf8(const gunichar *s, size_t n); /* newly allocated */

/* Numbers at the start of s: Chinese (三, 十二, 一百零五, 一万五千) or Arabic digits. */
bool gw_parse_cn(const gunichar *s, size_t n, size_t *len, long *value);
bool gw_parse_arabic(const gunichar *s, size_t n, size_t *len, long *value);

/* The typed number that opens a paragraph, if any. */
gw_mark gw_parse_mark(const gunichar *s, size_t n);
/* A whole line that is a date: 2020年12月31日, 二〇〇四年十一月四日 (〇 ○ 零 O for zero);
 * *arabic says whether it was written in Arabic numerals throughout. */
bool gw_parse_date(const gunichar *s, size_t n, int *y, int *m, int *d, bool *arabic);
/* 签发人： at s[i]. */
bool gw_is_signer_label(const gunichar *s, size_t n, size_t i);
/* A whole line that is a document number (perhaps with 签发人 after it). */
bool gw_parse_docnum(const gunichar *s, size_t n, gw_docnum *dn);

#endif
