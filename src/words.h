/* Where a line may break without splitting a word. Chinese has no spaces, so words come from
 * ICU's dictionary-based word breaking; a one-character word (会 in 委员会, 制 in 责任制) holds
 * on to its neighbours, as its neighbours are nearly always its stem. Used for titles, which
 * must never break inside a word (never 工作责 / 任制). */
#ifndef GW_WORDS_H
#define GW_WORDS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    GW_WORD_INSIDE, /* within a word */
    GW_WORD_GLUED,  /* a boundary next to a one-character word */
    GW_WORD_START,  /* between words of two characters or more */
} gw_word_break;

/* For each byte offset of utf8 (len + 1 entries), what kind of place it is; NULL when ICU
 * cannot segment the text. malloc'ed. */
gw_word_break *gw_word_starts(const char *utf8, size_t len);

#endif
