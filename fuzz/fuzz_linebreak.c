/* libFuzzer target: the line filler on any clusters. Each input byte makes a cluster (its
 * advance, whether a line may begin with it, its punctuation class); the lines must cover the
 * clusters in order, and every position must be finite. */
#include "linebreak.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    double width = 20 + data[0] % 200;
    size_t n = size - 1;
    gw_lb_cluster *c = calloc(n, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = data[i + 1];
        c[i].advance = (b & 0x1f) + (b & 0x20 ? 0.5 : 0);
        c[i].break_before = i > 0 && (b & 0x40);
        c[i].punct = b >> 7 ? ((b & 1) ? GW_PUNCT_OPEN : GW_PUNCT_CLOSE) : GW_PUNCT_NONE;
        c[i].prefer = (b & 3) == 3;
        c[i].penalty = (b & 0x0c) / 8.0;
        c[i].space = (b & 0x1f) == 7;
    }
    for (int mode = 0; mode < 2; mode++) {
        gw_lb_line *lines = NULL;
        size_t count = mode ? gw_lb_balance(c, n, width, &lines)
                            : gw_lb_break(c, n, width * 0.8, width, data[0] & 1, &lines);
        size_t at = 0;
        double *x = calloc(n + 1, sizeof *x);
        for (size_t l = 0; l < count; l++) {
            if (lines[l].start != at || lines[l].end < lines[l].start || lines[l].end > n)
                abort();
            at = lines[l].end;
            double w = gw_lb_place(c, lines[l], width, true, x);
            if (!isfinite(w))
                abort();
            for (size_t k = 0; k < lines[l].end - lines[l].start; k++)
                if (!isfinite(x[k]))
                    abort();
        }
        if (at != n)
            abort();
        free(x);
        free(lines);
    }
    free(c);
    return 0;
}
