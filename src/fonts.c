#include "fonts.h"

#include "ctx.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pango/pangofc-font.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct gw_fonts {
    FcConfig *config;
    PangoFontMap *map;
    PangoContext *context;
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

gw_status gw_fonts_new(gw_ctx *ctx, const char *const *extra_dirs, size_t n_extra)
{
    struct gw_fonts *f = gw_xcalloc(1, sizeof *f);
    ctx->fonts = f;
    char *conf = gw_data_path(ctx, "fonts/fonts.conf");
    f->config = FcConfigCreate();
    /* Load the configuration first: it names the cache folder that the folders added next use. */
    if (!FcConfigParseAndLoad(f->config, (const FcChar8 *)conf, FcTrue)) {
        gw_error(ctx, (gw_pos){conf, 0}, "cannot load the font configuration");
        free(conf);
        return GW_ERR_SYSTEM;
    }
    /* Fonts a user has licensed: they match the requested names before the substitutes. */
    for (size_t i = 0; i < n_extra; i++) {
        if (!is_dir(extra_dirs[i]) ||
            !FcConfigAppFontAddDir(f->config, (const FcChar8 *)extra_dirs[i])) {
            gw_error(ctx, (gw_pos){extra_dirs[i], 0}, "not a font folder");
            free(conf);
            return GW_ERR_USAGE;
        }
    }
    FcConfigBuildFonts(f->config);
    FcFontSet *set = FcConfigGetFonts(f->config, FcSetApplication);
    FcFontSet *sys = FcConfigGetFonts(f->config, FcSetSystem);
    if ((!set || set->nfont == 0) && (!sys || sys->nfont == 0)) {
        gw_error(ctx, (gw_pos){conf, 0},
                 "no font files beside the font configuration; run `make fonts` to fetch them");
        free(conf);
        return GW_ERR_SYSTEM;
    }
    free(conf);
    /* Pango loads the default configuration (/etc/fonts and the system's caches) on a thread
     * of its own for the first font map, although ours takes another: with ours the current
     * one, that load has nothing to do (4 ms of a core saved), and whatever else asks
     * fontconfig, such as librsvg for the text of an SVG image, sees our fonts too. */
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

void gw_fonts_drop(struct gw_fonts *f)
{
    if (!f)
        return;
    if (f->context)
        g_object_unref(f->context);
    if (f->map)
        g_object_unref(f->map);
    if (f->config)
        FcConfigDestroy(f->config);
    free(f);
}

PangoContext *gw_fonts_context(gw_ctx *ctx)
{
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
