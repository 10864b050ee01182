#include "words.h"

#include "base.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

static bool is_han(UChar32 c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

gw_word_break *gw_word_starts(const char *utf8, size_t len)
{
    if (len > 1 << 20)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, utf8, (int32_t)len, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    st = U_ZERO_ERROR;
    UChar *u = gw_xcalloc((size_t)ulen + 1, sizeof *u);
    u_strFromUTF8(u, ulen + 1, NULL, utf8, (int32_t)len, &st);
    UBreakIterator *bi = U_SUCCESS(st) ? ubrk_open(UBRK_WORD, "zh", u, ulen, &st) : NULL;
    if (!bi || U_FAILURE(st)) {
        free(u);
        return NULL;
    }
    /* UTF-16 offsets to byte offsets. */
    size_t *byte_of = gw_xcalloc((size_t)ulen + 1, sizeof *byte_of);
    size_t b = 0;
    for (int32_t i = 0; i < ulen;) {
        UChar32 c;
        int32_t start = i;
        U16_NEXT(u, i, ulen, c);
        for (int32_t k = start; k < i; k++)
            byte_of[k] = b;
        b += (size_t)U8_LENGTH(c);
    }
    byte_of[ulen] = len;
    /* Word boundaries, then the lengths of the words on either side of each. */
    size_t n_bounds = 0, cap = 0;
    int32_t *bounds = NULL;
    for (int32_t p = ubrk_first(bi); p != UBRK_DONE; p = ubrk_next(bi))
        *GW_PUSH(bounds, n_bounds, cap) = p;
    ubrk_close(bi);
    gw_word_break *starts = gw_xcalloc(len + 1, sizeof *starts);
    for (size_t k = 1; k + 1 < n_bounds; k++) {
        int32_t before = bounds[k] - bounds[k - 1], after = bounds[k + 1] - bounds[k];
        UChar32 prev, next;
        int32_t i = bounds[k];
        U16_PREV(u, 0, i, prev);
        i = bounds[k];
        U16_NEXT(u, i, ulen, next);
        bool han = is_han(prev) && is_han(next);
        /* One-character Han words hold on to their neighbours. */
        starts[byte_of[bounds[k]]] =
            !han || (before > 1 && after > 1) ? GW_WORD_START : GW_WORD_GLUED;
    }
    free(bounds);
    free(byte_of);
    free(u);
    return starts;
}
