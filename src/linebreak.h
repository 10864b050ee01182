/* Filling lines on the character grid, the way Chinese typesetting does it. Pango shapes a
 * paragraph and says where lines may break (Unicode line breaking); this module chooses the
 * breaks and places each character:
 *   - a line takes as many characters as its measure holds;
 *   - one or two closing marks that may not start a line (，。、；：）》” …) are pulled into the
 *     line above (推入) when the punctuation of that line can give up enough of its width, each
 *     full-width mark at most half of it;
 *   - otherwise the last character that can end the line is pushed down (推出) and the line is
 *     spread to the full measure;
 *   - the last line of a paragraph keeps its natural spacing, and holds more than one
 *     character where the line above can make room (孤字).
 * It knows nothing of fonts or Pango, so it is tested on its own (tests/unit/linebreak.c). */
#ifndef GW_LINEBREAK_H
#define GW_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    GW_PUNCT_NONE,
    GW_PUNCT_CLOSE, /* ink in the left half: may give up the right half */
    GW_PUNCT_OPEN,  /* ink in the right half: may give up the left half */
} gw_punct;

typedef struct gw_lb_cluster {
    double advance;    /* natural advance */
    bool break_before; /* a line may begin with this cluster */
    gw_punct punct;
    bool prefer;    /* a good place to begin a line (a title's 关于, 的通知) */
    double penalty; /* what breaking before it costs a balanced title: inside a word */
    bool space;     /* a space: dropped where a line ends */
} gw_lb_cluster;

typedef struct gw_lb_line {
    size_t start, end; /* clusters [start, end) */
    bool last;         /* the paragraph's last line */
    bool lone;         /* a last line of one character that could not be avoided (孤字) */
} gw_lb_line;

/* Chooses line breaks for clusters [0, n): the first line is first_width wide, the others
 * width. With avoid_lone, a last line of a single character is pulled into the line above
 * when its punctuation can make room. Returns the number of lines; *lines is malloc'ed. */
size_t gw_lb_break(const gw_lb_cluster *c, size_t n, double first_width, double width,
                   bool avoid_lone, gw_lb_line **lines);

/* Breaks a title into the fewest lines the measure allows, choosing the breaks whose lines are
 * most even, with the least penalty and the most preferred breaks. Returns the number of lines;
 * *lines is malloc'ed. */
size_t gw_lb_balance(const gw_lb_cluster *c, size_t n, double width, gw_lb_line **lines);

/* Places the clusters of one line in a measure of width: x[i - line.start] receives the left
 * edge of cluster i's glyphs from the line's start. Lines that are too long are compressed at
 * their punctuation; lines that are short are spread when justify (and not the last line).
 * Returns the width the line takes. */
double gw_lb_place(const gw_lb_cluster *c, gw_lb_line line, double width, bool justify, double *x);

/* The punctuation class of a character (full-width Chinese punctuation only). */
gw_punct gw_lb_punct_of(unsigned codepoint);

#endif
