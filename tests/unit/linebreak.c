/* Unit tests of the line filler (src/linebreak.c): breaks and positions on a grid of 10 pt
 * cells, with closing and opening marks. Prints "ok"/"FAIL" lines; exits non-zero on failure. */
#include "linebreak.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                        \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

/* 'H' a Han character, ',' a closing mark, '(' an opening mark, 'a' half width; a break is
 * allowed before every cluster except closing marks and after opening marks. */
static size_t clusters(const char *spec, gw_lb_cluster *c)
{
    size_t n = strlen(spec);
    for (size_t i = 0; i < n; i++) {
        c[i].advance = spec[i] == 'a' ? 5 : 10;
        c[i].punct = spec[i] == ',' ? GW_PUNCT_CLOSE : spec[i] == '(' ? GW_PUNCT_OPEN : GW_PUNCT_NONE;
        c[i].break_before = i > 0 && spec[i] != ',' && spec[i - 1] != '(';
    }
    return n;
}

static void test_fills_exactly(void)
{
    gw_lb_cluster c[64];
    size_t n = clusters("HHHHHHHHHHHHHHHHHHHHHHHHHHHHHH", c); /* 30 */
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(count == 3, "30 cells in lines of 10 give 3 lines, not %zu", count);
    CHECK(l[0].end == 10 && l[1].end == 20 && l[2].end == 30, "breaks at 10, 20, 30");
    CHECK(!l[0].last && l[2].last, "only the last line is last");
    free(l);
}

static void test_first_line_indent(void)
{
    gw_lb_cluster c[64];
    size_t n = clusters("HHHHHHHHHHHHHHHHHHHH", c);
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 80, 100, false, &l);
    CHECK(l[0].end == 8 && l[1].end == 18, "an indented first line holds 8, got %zu", l[0].end);
    free(l);
}

static void test_pull_in_closing_mark(void)
{
    /* The 11th cluster is a comma: it may not start a line, and the line's two commas can give
     * up 5 + 5 pt, so it is pulled in (推入) and the line is compressed to 100. */
    gw_lb_cluster c[64];
    size_t n = clusters("HHHH,HHHHH,HHH", c);
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(l[0].end == 11, "the comma is pulled into the first line (end %zu)", l[0].end);
    double x[64];
    double w = gw_lb_place(c, l[0], 100, true, x);
    CHECK(fabs(w - 100) < 1e-9, "the compressed line is 100 wide, not %g", w);
    CHECK(fabs(x[10] - 95) < 1e-9, "the last comma starts at 95, not %g", x[10]);
    CHECK(fabs(x[5] - 45) < 1e-9, "the line's first comma is kept (next starts at 45: %g)", x[5]);
    free(l);
}

static void test_push_out_when_no_room(void)
{
    /* No punctuation before the comma can give way: the last Han character goes down (推出)
     * with the comma, and the first line is spread over 100. */
    gw_lb_cluster c[64];
    size_t n = clusters("HHHHHHHHHH,HH", c);
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 100, 100, false, &l);
    /* The comma itself gives 5: 110 − 5 = 105 > 100, so the line is pushed out. */
    CHECK(l[0].end == 9, "the line ends before the character the comma follows (end %zu)",
          l[0].end);
    double x[64];
    double w = gw_lb_place(c, l[0], 100, true, x);
    CHECK(fabs(w - 100) < 1e-9, "the pushed-out line is spread to 100, not %g", w);
    CHECK(fabs(x[8] - 90) < 1e-9, "its last character ends the line (starts at 90: %g)", x[8]);
    free(l);
}

static void test_opening_mark_never_ends_a_line(void)
{
    gw_lb_cluster c[64];
    size_t n = clusters("HHHHHHHHH(HHH", c);
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(l[0].end == 9, "the opening mark starts the second line (first ends at %zu)", l[0].end);
    free(l);
}

static void test_last_line_not_spread(void)
{
    gw_lb_cluster c[64];
    size_t n = clusters("HHH", c);
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 100, 100, false, &l);
    double x[8];
    double w = gw_lb_place(c, l[0], 100, true, x);
    CHECK(fabs(w - 30) < 1e-9 && fabs(x[2] - 20) < 1e-9, "the last line keeps its spacing");
    free(l);
}

static void test_opening_mark_squeezed_from_the_left(void)
{
    gw_lb_cluster c[8];
    size_t n = clusters("HH(H", c);
    gw_lb_line line = {0, n, false, false};
    double x[8];
    double w = gw_lb_place(c, line, 35, true, x);
    CHECK(fabs(w - 35) < 1e-9, "the line is compressed to 35, not %g", w);
    CHECK(fabs(x[2] - 15) < 1e-9 && fabs(x[3] - 25) < 1e-9,
          "the opening mark's glyph moves left by what it gives (%g, %g)", x[2], x[3]);
}

static void test_unbreakable_run(void)
{
    /* A run with no break opportunity is broken by force where the measure ends. */
    gw_lb_cluster c[64];
    size_t n = clusters("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", c);
    for (size_t i = 0; i < n; i++)
        c[i].break_before = false;
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(count == 3 && l[0].end == 20, "42 half cells in 100 give 20/20/2 (%zu lines)", count);
    free(l);
}

static void test_latin_word_never_pulled_in(void)
{
    /* Commas could give up 20 pt, but the word after the measure is no closing mark: it goes
     * down whole rather than being squeezed in. */
    gw_lb_cluster c[64];
    size_t n = clusters("H,H,H,H,Haaaa", c);
    for (size_t i = 10; i < n; i++)
        c[i].break_before = false;
    gw_lb_line *l = NULL;
    gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(l[0].end == 9, "the line ends before the word (end %zu)", l[0].end);
    free(l);
}

static void test_run_of_marks_pulled_in_at_most_two(void)
{
    /* 100 commas in a row: no line takes more than its measure allows plus two marks. */
    gw_lb_cluster c[128];
    size_t n = 100;
    for (size_t i = 0; i < n; i++)
        c[i] = (gw_lb_cluster){10, false, GW_PUNCT_CLOSE, false, 0, false};
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(c, n, 100, 100, false, &l);
    for (size_t i = 0; i < count; i++)
        CHECK(l[i].end - l[i].start <= 10, "line %zu holds %zu marks", i, l[i].end - l[i].start);
    free(l);
}

static void test_long_unbreakable_paragraph_is_linear(void)
{
    /* 200 000 clusters with no break opportunity: each line costs its own length only. */
    size_t n = 200000;
    gw_lb_cluster *c = calloc(n, sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = (gw_lb_cluster){5, false, GW_PUNCT_NONE, false, 0, false};
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(count == n / 20, "%zu lines of 20", count);
    free(l);
    free(c);
}

static void test_lone_last_character_pulled_up(void)
{
    /* 11 characters in lines of 10, two commas in the first line: the 11th is pulled up (孤字). */
    gw_lb_cluster c[64];
    size_t n = clusters("HHH,HHH,HHH", c);
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(c, n, 100, 100, true, &l);
    CHECK(count == 1 && l[0].end == 11 && !l[0].lone, "one line of 11 (%zu lines)", count);
    free(l);
    /* One character and its full stop count as one (字。). */
    n = clusters("H,H,H,HHHHH,", c);
    count = gw_lb_break(c, n, 100, 100, true, &l);
    CHECK(count == 1 && l[0].end == 12, "字。 pulled up (%zu lines)", count);
    free(l);
    /* Without punctuation above it, it stays and is flagged. */
    n = clusters("HHHHHHHHHHH", c);
    count = gw_lb_break(c, n, 100, 100, true, &l);
    CHECK(count == 2 && l[1].lone, "a lone last character is reported");
    free(l);
    /* Without avoid_lone nothing changes. */
    n = clusters("HHH,HHH,HHH", c);
    count = gw_lb_break(c, n, 100, 100, false, &l);
    CHECK(count == 2 && !l[1].lone, "left alone when not asked");
    free(l);
}

/* An empty paragraph has no clusters at all (NULL): one empty line, placed without touching x. */
static void test_empty_paragraph(void)
{
    gw_lb_line *l = NULL;
    size_t count = gw_lb_break(NULL, 0, 100, 100, true, &l);
    CHECK(count <= 1, "an empty paragraph makes at most one line, got %zu", count);
    gw_lb_line empty = {0, 0, true, false};
    double x[1] = {-1};
    CHECK(gw_lb_place(NULL, count ? l[0] : empty, 100, true, x) == 0, "an empty line is 0 wide");
    CHECK(x[0] == -1, "nothing placed");
    free(l);
}

static void test_punct_classes(void)
{
    CHECK(gw_lb_punct_of(0xFF0C) == GW_PUNCT_CLOSE, "， closes");
    CHECK(gw_lb_punct_of(0x3002) == GW_PUNCT_CLOSE, "。 closes");
    CHECK(gw_lb_punct_of(0x300A) == GW_PUNCT_OPEN, "《 opens");
    CHECK(gw_lb_punct_of(0x201C) == GW_PUNCT_OPEN, "“ opens");
    CHECK(gw_lb_punct_of(0x4E00) == GW_PUNCT_NONE, "一 is no mark");
}

int main(void)
{
    test_fills_exactly();
    test_first_line_indent();
    test_pull_in_closing_mark();
    test_push_out_when_no_room();
    test_opening_mark_never_ends_a_line();
    test_last_line_not_spread();
    test_opening_mark_squeezed_from_the_left();
    test_unbreakable_run();
    test_latin_word_never_pulled_in();
    test_run_of_marks_pulled_in_at_most_two();
    test_long_unbreakable_paragraph_is_linear();
    test_lone_last_character_pulled_up();
    test_empty_paragraph();
    test_punct_classes();
    printf("%s\n", failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
