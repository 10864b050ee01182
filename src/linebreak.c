#include "linebreak.h"

#include "base.h"

#include <stdlib.h>

/* Widths are compared with this slack (pt), so that rounding never costs a character. */
#define SLACK 0.01

gw_punct gw_lb_punct_of(unsigned c)
{
    switch (c) {
    case 0xFF0C: /* ， */
    case 0x3002: /* 。 */
    case 0x3001: /* 、 */
    case 0xFF1B: /* ； */
    case 0xFF1A: /* ： */
    case 0xFF09: /* ） */
    case 0x300B: /* 》 */
    case 0x3009: /* 〉 */
    case 0x300D: /* 」 */
    case 0x300F: /* 』 */
    case 0x3011: /* 】 */
    case 0x3015: /* 〕 */
    case 0x201D: /* ” */
    case 0x2019: /* ’ */
        return GW_PUNCT_CLOSE;
    case 0xFF08: /* （ */
    case 0x300A: /* 《 */
    case 0x3008: /* 〈 */
    case 0x300C: /* 「 */
    case 0x300E: /* 『 */
    case 0x3010: /* 【 */
    case 0x3014: /* 〔 */
    case 0x201C: /* “ */
    case 0x2018: /* ‘ */
        return GW_PUNCT_OPEN;
    default:
        return GW_PUNCT_NONE;
    }
}

static double natural(const gw_lb_cluster *c, size_t start, size_t end)
{
    double w = 0;
    for (size_t i = start; i < end; i++)
        w += c[i].advance;
    return w;
}

/* How much the punctuation of a line can give up. */
static double squeezable(const gw_lb_cluster *c, size_t start, size_t end)
{
    double w = 0;
    for (size_t i = start; i < end; i++)
        if (c[i].punct != GW_PUNCT_NONE)
            w += c[i].advance / 2;
    return w;
}

size_t gw_lb_break(const gw_lb_cluster *c, size_t n, double first_width, double width,
                   gw_lb_line **lines)
{
    size_t count = 0, cap = 0;
    *lines = NULL;
    size_t start = 0;
    do {
        double measure = count == 0 ? first_width : width;
        /* As many clusters as fit. */
        size_t fit = start;
        double w = 0;
        while (fit < n && w + c[fit].advance <= measure + SLACK)
            w += c[fit++].advance;
        if (fit == start && fit < n)
            fit++; /* a cluster wider than the measure still takes a line of its own */
        size_t end = fit;
        if (fit < n && !c[fit].break_before) {
            /* Pull in what may not start the next line, if the punctuation can make room. */
            size_t next = fit;
            while (next < n && !c[next].break_before)
                next++;
            double over = natural(c, start, next) - measure;
            if (over <= squeezable(c, start, next) + SLACK) {
                end = next;
            } else {
                /* Push down from the last place the line may end. */
                size_t b = fit;
                while (b > start + 1 && !c[b].break_before)
                    b--;
                end = c[b].break_before && b > start ? b : fit;
            }
        }
        gw_lb_line *l = GW_PUSH(*lines, count, cap);
        *l = (gw_lb_line){start, end, end >= n};
        start = end;
    } while (start < n);
    if (count == 0) {
        gw_lb_line *l = GW_PUSH(*lines, count, cap);
        *l = (gw_lb_line){0, 0, true};
    }
    return count;
}

double gw_lb_place(const gw_lb_cluster *c, gw_lb_line line, double width, bool justify,
                   double *x)
{
    size_t n = line.end - line.start;
    const gw_lb_cluster *lc = c + line.start;
    double nat = natural(c, line.start, line.end);
    double *give = gw_xcalloc(n ? n : 1, sizeof *give);
    double over = nat - width;
    /* Too long: the punctuation gives up width, the line's last mark first, then backwards. */
    for (size_t k = n; over > SLACK / 2 && k-- > 0;) {
        if (lc[k].punct == GW_PUNCT_NONE)
            continue;
        double g = lc[k].advance / 2 < over ? lc[k].advance / 2 : over;
        give[k] = g;
        over -= g;
    }
    double used = nat;
    for (size_t k = 0; k < n; k++)
        used -= give[k];
    /* Too short: spread the difference over the gaps between clusters. */
    double gap = 0;
    if (justify && !line.last && n > 1 && used < width - SLACK)
        gap = (width - used) / (double)(n - 1);
    double pos = 0;
    for (size_t k = 0; k < n; k++) {
        /* Opening marks give up their left half, so their glyphs move left. */
        x[k] = pos - (lc[k].punct == GW_PUNCT_OPEN ? give[k] : 0);
        pos += lc[k].advance - give[k] + (k + 1 < n ? gap : 0);
    }
    free(give);
    return pos;
}
