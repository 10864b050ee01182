#include "fonts.h"

#include "ctx.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangofc-font.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The fonts are loaded on a thread of their own (gw_fonts_new), while the main thread compiles
 * the schemas and stylesheets and reads the first document: fontconfig's configuration and
 * cache, the Pango font map, then a line set in each face the stylesheets name, which makes
 * FreeType open the file and HarfBuzz read its tables. The thread owns config, map and context
 * until it is joined (gw_fonts_context, gw_fonts_drop), as Pango objects are not for two
 * threads at once; what it reports waits in a buffer until the main thread prints it. */
struct gw_fonts {
    FcConfig *config;
    PangoFontMap *map;
    PangoContext *context;

    char *conf; /* fonts/fonts.conf */
    char **dirs;
    size_t n_dirs;
    pthread_t thread;
    bool running; /* started and not yet joined */
    double setup_ms, faces_ms;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* Under lock. The thread sets set_up when it has set up fontconfig and the font map, or
     * failed to (status, and its messages in report); the main thread sets told when it has
     * given the faces to load (maybe none), and stop when the thread should load no more. */
    bool set_up, told, stop;
    gw_status status;
    gw_ctx report; /* the thread's error stream: a buffer, not the context's */
    char *messages;
    size_t messages_len;
    char **families;
    double *sizes;
    size_t n_faces;
};

struct gw_font {
    PangoFont *pango;
    cairo_font_face_t *face;
    char *file;
    int index;
    char *family;
};

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* fontconfig with our configuration and the folders given, and a Pango font map on it;
 * failures are reported through ctx. */
static gw_status set_up(gw_ctx *ctx, struct gw_fonts *f)
{
    f->config = FcConfigCreate();
    /* Load the configuration first: it names the cache folder that the folders added next use. */
    if (!FcConfigParseAndLoad(f->config, (const FcChar8 *)f->conf, FcTrue)) {
        gw_error(ctx, (gw_pos){f->conf, 0}, "cannot load the font configuration");
        return GW_ERR_SYSTEM;
    }
    /* Fonts a user has licensed: they match the requested names before the substitutes. */
    for (size_t i = 0; i < f->n_dirs; i++) {
        if (!is_dir(f->dirs[i]) || !FcConfigAppFontAddDir(f->config, (const FcChar8 *)f->dirs[i])) {
            gw_error(ctx, (gw_pos){f->dirs[i], 0}, "not a font folder");
            return GW_ERR_USAGE;
        }
    }
    FcConfigBuildFonts(f->config);
    FcFontSet *set = FcConfigGetFonts(f->config, FcSetApplication);
    FcFontSet *sys = FcConfigGetFonts(f->config, FcSetSystem);
    if ((!set || set->nfont == 0) && (!sys || sys->nfont == 0)) {
        gw_error(ctx, (gw_pos){f->conf, 0},
                 "no font files beside the font configuration; run `make fonts` to fetch them");
        return GW_ERR_SYSTEM;
    }
    /* Pango loads the default configuration (/etc/fonts and the system's caches) on a thread
     * of its own for the first font map, although ours takes another, and setting the font
     * map's configuration waits for that load (3 ms). With ours the current one, the load has
     * nothing to do, and whatever else asks fontconfig, such as librsvg for the text of an SVG
     * image, sees our fonts too. */
    FcConfigSetCurrent(f->config);
    f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), f->config);
    /* Pango on cairo assumes 96 dpi; at 72, one Pango point is one PDF point. */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(f->map), 72);
    f->context = pango_font_map_create_context(f->map);
    cairo_font_options_t *opts = cairo_font_options_create();
    /* Unhinted metrics: hinting would round every advance to whole points. */
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(f->context, opts);
    cairo_font_options_destroy(opts);
    pango_context_set_round_glyph_positions(f->context, FALSE);
    pango_context_set_language(f->context, pango_language_from_string("zh-cn"));
    pango_context_set_base_dir(f->context, PANGO_DIRECTION_LTR);
    return GW_OK;
}

/* Sets a few characters in a face at a size, as the typesetter will: what Pango, FreeType and
 * HarfBuzz load on a face's first use (the sorted fallbacks, the open file, the shaping tables)
 * then stays in the font map for the document. */
static void load_face(struct gw_fonts *f, const char *family, double size)
{
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, family);
    pango_font_description_set_size(d, (int)lround(size * PANGO_SCALE));
    PangoLayout *layout = pango_layout_new(f->context);
    pango_layout_set_font_description(layout, d);
    pango_layout_set_text(layout, "中文，", -1);
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    pango_font_description_free(d);
}

static void *load(void *data)
{
    struct gw_fonts *f = data;
    double start = gw_clock();
    gw_status st = set_up(&f->report, f);
    fclose(f->report.err);
    f->setup_ms = (gw_clock() - start) * 1e3;
    pthread_mutex_lock(&f->lock);
    f->status = st;
    f->set_up = true;
    pthread_cond_broadcast(&f->cond);
    while (!f->told && !f->stop)
        pthread_cond_wait(&f->cond, &f->lock);
    start = gw_clock();
    for (size_t i = 0; st == GW_OK && i < f->n_faces && !f->stop; i++) {
        pthread_mutex_unlock(&f->lock);
        load_face(f, f->families[i], f->sizes[i]);
        pthread_mutex_lock(&f->lock);
    }
    pthread_mutex_unlock(&f->lock);
    f->faces_ms = (gw_clock() - start) * 1e3;
    return NULL;
}

void gw_fonts_new(gw_ctx *ctx, const char *const *extra_dirs, size_t n_extra)
{
    struct gw_fonts *f = gw_xcalloc(1, sizeof *f);
    ctx->fonts = f;
    f->conf = gw_data_path(ctx, "fonts/fonts.conf");
    f->dirs = gw_xcalloc(n_extra, sizeof *f->dirs);
    for (size_t i = 0; i < n_extra; i++)
        f->dirs[i] = gw_xstrdup(extra_dirs[i]);
    f->n_dirs = n_extra;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    /* Without a thread, gw_fonts_ready sets them up on the main thread. */
    f->report.err = open_memstream(&f->messages, &f->messages_len);
    if (!f->report.err)
        return;
    /* Signals go to the main thread, where the handlers of build and serve expect them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    f->running = pthread_create(&f->thread, NULL, load, f) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!f->running) {
        fclose(f->report.err);
        f->report.err = NULL;
    }
}

void gw_fonts_preload(gw_ctx *ctx, char **families, double *sizes, size_t n)
{
    struct gw_fonts *f = ctx->fonts;
    pthread_mutex_lock(&f->lock);
    f->families = families;
    f->sizes = sizes;
    f->n_faces = n;
    f->told = true;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

gw_status gw_fonts_ready(gw_ctx *ctx)
{
    struct gw_fonts *f = ctx->fonts;
    /* No thread: set up here, and let each face load on its first use. */
    if (!f->running)
        return set_up(ctx, f);
    pthread_mutex_lock(&f->lock);
    while (!f->set_up)
        pthread_cond_wait(&f->cond, &f->lock);
    gw_status st = f->status;
    pthread_mutex_unlock(&f->lock);
    gw_timing(ctx, "fonts wait");
    gw_timing_aside(ctx, "fonts", f->setup_ms);
    /* The thread's messages, once, where the context's own would have gone. */
    if (f->messages_len)
        fwrite(f->messages, 1, f->messages_len, ctx->err ? ctx->err : stderr);
    ctx->errors += f->report.errors;
    return st;
}

/* Waits for the thread to finish; with stop, it loads no further face. */
static void join(gw_ctx *ctx, struct gw_fonts *f, bool stop)
{
    if (!f->running)
        return;
    if (stop) {
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
    pthread_join(f->thread, NULL);
    f->running = false;
    if (ctx) {
        gw_timing(ctx, "faces wait");
        gw_timing_aside(ctx, "faces", f->faces_ms);
    }
}

void gw_fonts_drop(struct gw_fonts *f)
{
    if (!f)
        return;
    join(NULL, f, true);
    if (f->context)
        g_object_unref(f->context);
    if (f->map)
        g_object_unref(f->map);
    if (f->config)
        FcConfigDestroy(f->config);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    free(f->messages);
    for (size_t i = 0; i < f->n_faces; i++)
        free(f->families[i]);
    free(f->families);
    free(f->sizes);
    for (size_t i = 0; i < f->n_dirs; i++)
        free(f->dirs[i]);
    free(f->dirs);
    free(f->conf);
    free(f);
}

PangoContext *gw_fonts_context(gw_ctx *ctx)
{
    join(ctx, ctx->fonts, false);
    return ctx->fonts->context;
}

gw_font *gw_font_new(PangoFont *pf)
{
    gw_font *font = gw_xcalloc(1, sizeof *font);
    font->pango = g_object_ref(pf);
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(pf));
    font->face = cairo_font_face_reference(cairo_scaled_font_get_font_face(sf));
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(pf));
    FcChar8 *file = NULL, *family = NULL;
    int index = 0;
    FcPatternGetString(pat, FC_FILE, 0, &file);
    FcPatternGetString(pat, FC_FAMILY, 0, &family);
    FcPatternGetInteger(pat, FC_INDEX, 0, &index);
    font->file = gw_xstrdup(file ? (const char *)file : "");
    font->family = gw_xstrdup(family ? (const char *)family : "");
    font->index = index;
    return font;
}

void gw_font_drop(gw_font *font)
{
    if (!font)
        return;
    g_object_unref(font->pango);
    cairo_font_face_destroy(font->face);
    free(font->file);
    free(font->family);
    free(font);
}

PangoFont *gw_font_pango(const gw_font *font)
{
    return font->pango;
}

cairo_font_face_t *gw_font_cairo_face(const gw_font *font)
{
    return font->face;
}

const char *gw_font_file(const gw_font *font, int *index)
{
    if (index)
        *index = font->index;
    return font->file;
}

const char *gw_font_family(const gw_font *font)
{
    return font->family;
}
