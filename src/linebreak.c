#include "linebreak.h"

#include "base.h"

#include <math.h>
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

/* How many clusters from `fit` may not start a line and are closing marks: the ones a line
 * may pull in (推入). Latin words and the like are never pulled in: they go down whole. */
static size_t pullable(const gw_lb_cluster *c, size_t n, size_t fit)
{
    size_t k = fit;
    while (k < n && !c[k].break_before && c[k].punct == GW_PUNCT_CLOSE && k - fit < 2)
        k++;
    return k < n && !c[k].break_before ? 0 : k - fit;
}

size_t gw_lb_break(const gw_lb_cluster *c, size_t n, double first_width, double width,
                   bool avoid_lone, gw_lb_line **lines)
{
    size_t count = 0, cap = 0;
    *lines = NULL;
    /* Prefix sums of advances and of what punctuation can give up, so that each line costs
     * time in proportion to its own length, however long the paragraph. */
    double *adv = gw_xcalloc(n + 1, sizeof *adv);
    double *give = gw_xcalloc(n + 1, sizeof *give);
    for (size_t i = 0; i < n; i++) {
        adv[i + 1] = adv[i] + c[i].advance;
        give[i + 1] = give[i] + (c[i].punct != GW_PUNCT_NONE ? c[i].advance / 2 : 0);
    }
    size_t start = 0;
    do {
        double measure = count == 0 ? first_width : width;
        /* As many clusters as fit. */
        size_t fit = start;
        while (fit < n && adv[fit + 1] - adv[start] <= measure + SLACK)
            fit++;
        if (fit == start && fit < n)
            fit++; /* a cluster wider than the measure still takes a line of its own */
        size_t end = fit;
        if (fit < n && !c[fit].break_before) {
            /* Pull in the closing marks that may not start the next line, if the line's
             * punctuation can make room for them. */
            size_t k = pullable(c, n, fit);
            double over = adv[fit + k] - adv[start] - measure;
            if (k > 0 && over <= give[fit + k] - give[start] + SLACK) {
                end = fit + k;
            } else {
                /* Push down from the last place the line may end. */
                size_t b = fit;
                while (b > start + 1 && !c[b].break_before)
                    b--;
                end = c[b].break_before && b > start ? b : fit;
            }
        }
        gw_lb_line *l = GW_PUSH(*lines, count, cap);
        *l = (gw_lb_line){start, end, end >= n, false};
        start = end;
    } while (start < n);
    if (count == 0) {
        gw_lb_line *l = GW_PUSH(*lines, count, cap);
        *l = (gw_lb_line){0, 0, true, false};
    }
    /* A single character alone on the last line, with or without the marks after it (孤字):
     * pull it into the line above when that line's punctuation can make room, else say so. */
    gw_lb_line *last = &(*lines)[count - 1];
    size_t chars = 0;
    for (size_t i = last->start; i < last->end; i++)
        chars += c[i].punct == GW_PUNCT_NONE;
    if (avoid_lone && count >= 2 && chars == 1 && last->end - last->start <= 3) {
        gw_lb_line *prev = last - 1;
        double measure = count == 2 ? first_width : width;
        double over = adv[last->end] - adv[prev->start] - measure;
        if (over <= give[last->end] - give[prev->start] + SLACK) {
            prev->end = last->end;
            prev->last = true;
            count--;
        } else {
            last->lone = true;
        }
    }
    free(adv);
    free(give);
    return count;
}

/* What a preferred break is worth against evenness: a line a third shorter than the measure
 * costs about 0.1. */
#define PREFER_BONUS 0.1

/* Titles are short: beyond this many clusters the even breaking is not worth its cost. */
#define BALANCE_MAX 600

size_t gw_lb_balance(const gw_lb_cluster *c, size_t n, double width, gw_lb_line **lines)
{
    size_t m = gw_lb_break(c, n, width, width, false, lines);
    if (m < 2 || n > BALANCE_MAX)
        return m;
    double *adv = gw_xcalloc(n + 1, sizeof *adv);
    for (size_t i = 0; i < n; i++)
        adv[i + 1] = adv[i] + c[i].advance;
    /* cost[k * (n + 1) + i]: the best cost of setting clusters [0, i) in k lines. A line's cost
     * is its shortfall squared; a preferred break earns a bonus. */
    size_t stride = n + 1;
    for (size_t k = m; k <= m + 1; k++) {
        double *cost = gw_xcalloc((k + 1) * stride, sizeof *cost);
        size_t *from = gw_xcalloc((k + 1) * stride, sizeof *from);
        for (size_t i = 0; i < (k + 1) * stride; i++)
            cost[i] = INFINITY;
        cost[0] = 0;
        for (size_t line = 1; line <= k; line++) {
            for (size_t i = 1; i <= n; i++) {
                if (i < n && !c[i].break_before)
                    continue;
                for (size_t j = i; j-- > 0;) {
                    double w = adv[i] - adv[j];
                    if (w > width + SLACK)
                        break;
                    double prev = cost[(line - 1) * stride + j];
                    if (!isfinite(prev) || (j > 0 && !c[j].break_before))
                        continue;
                    double short_by = (width - w) / width;
                    double v = prev + short_by * short_by;
                    if (i < n)
                        v += c[i].penalty - (c[i].prefer ? PREFER_BONUS : 0);
                    if (v < cost[line * stride + i]) {
                        cost[line * stride + i] = v;
                        from[line * stride + i] = j;
                    }
                }
            }
        }
        if (isfinite(cost[k * stride + n])) {
            gw_lb_line *out = gw_xcalloc(k, sizeof *out);
            size_t i = n;
            for (size_t line = k; line > 0; line--) {
                size_t j = from[line * stride + i];
                out[line - 1] = (gw_lb_line){j, i, i == n, false};
                i = j;
            }
            free(*lines);
            *lines = out;
            m = k;
            free(cost);
            free(from);
            break;
        }
        free(cost);
        free(from);
    }
    free(adv);
    return m;
}

double gw_lb_place(const gw_lb_cluster *c, gw_lb_line line, double width, bool justify, double *x)
{
    size_t n = line.end - line.start;
    if (n == 0)
        return 0; /* an empty paragraph has no clusters: c may be NULL */
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
