/* PDF, written directly: glyph runs in Type 0 fonts made of HarfBuzz subsets, rules as filled
 * rectangles, images as image XObjects, the outline and the document information.
 *
 * cairo's PDF surface did this before, and it cost more than the rest of a render together:
 * it loaded every glyph's outline to know its extents and subset every font a second time
 * (doc/performance.md). Everything a PDF needs is already in the page model: the glyphs'
 * positions, the subsets' metrics and the text each glyph stands for.
 *
 * The page content is written in the page model's own coordinates (pt, from the top-left
 * corner, y down): each page's content starts by turning PDF's y-up space over. */
#include "backend.h"

#include "ctx.h"
#include "image.h"
#include "subset.h"

#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_CID_H
#include FT_TRUETYPE_TABLES_H
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Vector images (SVG seals) are embedded as pixels at this resolution: twice what an office
 * printer resolves, so a seal prints as sharp as the text around it. */
#define SVG_DPI 600.0

/* One face of the document, embedded once whatever the sizes it is set in. */
typedef struct face {
    gw_face_file file;
    const void *map; /* the typesetter's glyph ids → the subset's */
    FT_Face ft;
    bool cff;         /* PostScript outlines (CIDFontType0), else TrueType (CIDFontType2) */
    unsigned n;       /* glyphs in the subset */
    unsigned *cid;    /* per subset glyph: the character code it is drawn with */
    bool *used;       /* per subset glyph */
    char **text;      /* per subset glyph: the text it stands for (ToUnicode), NULL for none */
    unsigned font_id; /* the Type 0 font; the next four objects are its parts */
    gw_buf program;   /* the font program as embedded */
    bool program_deflated;
} face;

typedef struct image_obj {
    const gw_image *image;
    long pw, ph; /* drawn size of a vector image, 0 × 0 for a bitmap */
    unsigned id;
    guint8 digest[32]; /* of the file, as the kept images have it; all 0 when not known */
} image_obj;

/* An image as embedded: its pixels' stream and its alpha's, deflated. A batch renders the same
 * seal in document after document, so the last few are kept in the context (ctx->pdf_images)
 * under their file's digest and drawn size. */
typedef struct encoded_image {
    guint8 digest[32];
    long pw, ph;
    int w, h;   /* the alpha's size, the image's */
    int bw, bh; /* the colour's: 1 × 1 for an image of one colour */
    bool opaque;
    gw_buf rgb, alpha;
    bool rgb_deflated, alpha_deflated;
} encoded_image;

#define KEPT_IMAGES 16

struct gw_pdf_images {
    encoded_image *v[KEPT_IMAGES];
    size_t next; /* the slot to fill next, oldest first */
};

static void drop_encoded(encoded_image *e)
{
    if (!e)
        return;
    gw_buf_free(&e->rgb);
    gw_buf_free(&e->alpha);
    free(e);
}

void gw_pdf_images_drop(gw_pdf_images *kept)
{
    if (!kept)
        return;
    for (size_t i = 0; i < KEPT_IMAGES; i++)
        drop_encoded(kept->v[i]);
    free(kept);
}

typedef struct pdf {
    gw_ctx *ctx;
    const gw_doc *doc;
    const char *name;
    FILE *f;
    int err; /* errno of the first failed write */
    bool failed;
    long long offset;
    GChecksum *md5;     /* of the file, for its identifier: every byte but those of font programs
                         * and images, which stand in it by what identifies them */
    bool unhashed;      /* while writing those */
    long long *offsets; /* per object number */
    size_t cap_offsets;
    unsigned next_id;
    gw_subsets *subsets;
    face *faces;
    size_t n_faces, cap_faces;
    size_t *face_of_font; /* per doc->fonts entry: index into faces + 1, 0 unresolved */
    image_obj *images;
    size_t n_images, cap_images;
    unsigned multiply_id; /* the blend mode for seals printed over text, 0 while unused */
    unsigned *page_ids;
    FT_Library freetype; /* reads the subsets' metrics and CIDs */
} pdf;

enum { CATALOG = 1, PAGES, INFO, RESOURCES, FIRST_FREE };

/* --- bytes ------------------------------------------------------------------------------ */

static void put(pdf *P, const void *data, size_t len)
{
    if (P->err || len == 0)
        return;
    if (fwrite(data, 1, len, P->f) != len)
        P->err = errno ? errno : EIO;
    if (P->md5 && !P->unhashed)
        g_checksum_update(P->md5, data, (gssize)len);
    P->offset += (long long)len;
}

static void puts_(pdf *P, const char *s)
{
    put(P, s, strlen(s));
}

static void begin_obj(pdf *P, unsigned id)
{
    if (id >= P->cap_offsets) {
        size_t cap = P->cap_offsets ? P->cap_offsets : 64;
        while (cap <= id)
            cap *= 2;
        P->offsets = gw_xrealloc(P->offsets, cap * sizeof *P->offsets);
        memset(P->offsets + P->cap_offsets, 0, (cap - P->cap_offsets) * sizeof *P->offsets);
        P->cap_offsets = cap;
    }
    P->offsets[id] = P->offset;
    char head[32];
    snprintf(head, sizeof head, "%u 0 obj\n", id);
    puts_(P, head);
}

/* An object whose body is b. */
static void put_obj(pdf *P, unsigned id, const gw_buf *b)
{
    begin_obj(P, id);
    put(P, b->data, b->len);
    puts_(P, "\nendobj\n");
}

/* Deflating is cut into pieces of this size, deflated on all the CPUs there are and joined
 * into one zlib stream, as pigz does: each piece is primed with the 32 KiB before it and ends
 * on a byte boundary. The pieces depend on the length alone, so the bytes do not depend on
 * the number of threads. */
#define PIECE (64 * 1024)
#define WINDOW (32 * 1024)
#define PARALLEL_PIECES 16

typedef struct piece {
    const Bytef *in; /* the whole buffer: a piece's dictionary lies before it */
    int level, strategy;
    size_t start, len;
    bool last;
    Bytef *out;
    size_t out_len;
    bool ok;
} piece;

static void deflate_piece(void *data, size_t i)
{
    piece *p = &((piece *)data)[i];
    z_stream z = {0};
    if (deflateInit2(&z, p->level, Z_DEFLATED, -15, 8, p->strategy) != Z_OK)
        return;
    size_t dict = p->start < WINDOW ? p->start : WINDOW;
    if (dict && deflateSetDictionary(&z, p->in + p->start - dict, (uInt)dict) != Z_OK) {
        deflateEnd(&z);
        return;
    }
    size_t cap = deflateBound(&z, (uLong)p->len) + 16;
    p->out = gw_xmalloc(cap);
    z.next_in = (Bytef *)(p->in + p->start);
    z.avail_in = (uInt)p->len;
    z.next_out = p->out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, p->last ? Z_FINISH : Z_SYNC_FLUSH);
    p->ok = p->last ? rc == Z_STREAM_END : rc == Z_OK && z.avail_in == 0;
    p->out_len = cap - z.avail_out;
    deflateEnd(&z);
}

/* How to deflate what. Text (content streams, maps) shrinks to a fifth at any level: zlib's
 * default. Pixels: the fastest level, a few percent larger in a third less time. Font
 * programs shrink by a fifth at most, and nearly all of it is in the Huffman codes: coded
 * without looking for repeats they come out 2 % larger in half the time of the fastest
 * level (FandolFang's 230 kB for the seed: 2.0 ms instead of 4.2, 6.2 at the default). */
typedef enum { TEXT, PIXELS, FONT } stream_kind;

static const struct {
    int level, strategy;
} deflate_as[] = {
    [TEXT] = {Z_DEFAULT_COMPRESSION, Z_DEFAULT_STRATEGY},
    [PIXELS] = {Z_BEST_SPEED, Z_DEFAULT_STRATEGY},
    [FONT] = {Z_BEST_SPEED, Z_HUFFMAN_ONLY},
};

/* data deflated (zlib format) into out; false, with out empty, when zlib fails. */
static bool deflated(const pdf *P, const void *data, size_t len, stream_kind kind, gw_buf *out)
{
    size_t n = len / PIECE + (len % PIECE != 0);
    if (n == 0)
        return false;
    piece *pieces = gw_xcalloc(n, sizeof *pieces);
    for (size_t i = 0; i < n; i++)
        pieces[i] = (piece){.in = data,
                            .level = deflate_as[kind].level,
                            .strategy = deflate_as[kind].strategy,
                            .start = i * PIECE,
                            .len = i + 1 < n ? PIECE : len - i * PIECE,
                            .last = i + 1 == n};
    /* Waking another CPU costs a millisecond or more here: worth it from a megabyte on. */
    gw_parallel_for(n >= PARALLEL_PIECES ? P->ctx->threads : 1, n, deflate_piece, pieces);
    bool ok = true;
    gw_buf_add(out, "\x78\x9c", 2);
    for (size_t i = 0; i < n; i++) {
        ok &= pieces[i].ok;
        gw_buf_add(out, (const char *)pieces[i].out, pieces[i].out_len);
        free(pieces[i].out);
    }
    free(pieces);
    uLong adler = adler32(adler32(0, NULL, 0), data, (uInt)len);
    unsigned char tail[4] = {adler >> 24, (adler >> 16) & 0xff, (adler >> 8) & 0xff, adler & 0xff};
    gw_buf_add(out, (const char *)tail, 4);
    if (!ok)
        gw_buf_free(out);
    return ok;
}

/* A stream object: dict holds the entries other than /Length and /Filter; the data is
 * deflated already when `filtered`. */
static void put_stream_as(pdf *P, unsigned id, const char *dict, const void *data, size_t len,
                          bool filtered)
{
    begin_obj(P, id);
    char *head = gw_xasprintf("<<%s /Length %zu%s >>\nstream\n", dict, len,
                              filtered ? " /Filter /FlateDecode" : "");
    puts_(P, head);
    free(head);
    put(P, data, len);
    puts_(P, "\nendstream\nendobj\n");
}

static void put_stream(pdf *P, unsigned id, const char *dict, const void *data, size_t len,
                       stream_kind kind)
{
    gw_buf z = {0};
    if (deflated(P, data, len, kind, &z)) {
        put_stream_as(P, id, dict, z.data, z.len, true);
        gw_buf_free(&z);
    } else {
        put_stream_as(P, id, dict, data, len, false);
    }
}

static unsigned new_id(pdf *P)
{
    return P->next_id++;
}

/* A number and a space: lengths to a thousandth of a point, scales to a millionth (a
 * compressed line of 156 mm would be 0.1 mm off its end with a scale to a thousandth). */
static void num_to(gw_buf *b, double v, int decimals)
{
    char s[40];
    gw_fmt_fixed(s, sizeof s, llround(v * pow(10, decimals)), decimals);
    gw_buf_adds(b, s);
    gw_buf_add(b, " ", 1);
}

static void num(gw_buf *b, double v)
{
    num_to(b, v, 3);
}

/* A text string: ASCII as a literal, anything else as UTF-16BE with its byte order mark. */
static void text_string(gw_buf *b, const char *utf8)
{
    bool ascii = true;
    for (const char *c = utf8; *c; c++)
        if ((unsigned char)*c >= 0x7f || (unsigned char)*c < 0x20)
            ascii = false;
    if (ascii) {
        gw_buf_add(b, "(", 1);
        for (const char *c = utf8; *c; c++) {
            if (*c == '(' || *c == ')' || *c == '\\')
                gw_buf_add(b, "\\", 1);
            gw_buf_add(b, c, 1);
        }
        gw_buf_add(b, ")", 1);
        return;
    }
    gw_buf_adds(b, "<FEFF");
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);
    for (glong i = 0; u && i < n; i++)
        gw_buf_printf(b, "%04X", (unsigned)u[i]);
    g_free(u);
    gw_buf_add(b, ">", 1);
}

/* --- fonts ------------------------------------------------------------------------------ */

static bool open_face(pdf *P, face *F)
{
    if (!P->freetype || FT_New_Memory_Face(P->freetype, (const FT_Byte *)F->file.data,
                                           (FT_Long)F->file.len, 0, &F->ft) != 0) {
        F->ft = NULL;
        return false;
    }
    F->cff = F->file.cff;
    F->n = (unsigned)F->ft->num_glyphs;
    F->cid = gw_xcalloc(F->n, sizeof *F->cid);
    F->used = gw_xcalloc(F->n, sizeof *F->used);
    F->text = gw_xcalloc(F->n, sizeof *F->text);
    /* A CID-keyed CFF selects its glyphs by the CIDs in its charset, which the subset keeps
     * from the whole font; any other face is drawn by glyph index. */
    FT_Bool cid_keyed = 0;
    if (F->cff && FT_Get_CID_Is_Internally_CID_Keyed(F->ft, &cid_keyed) != 0)
        cid_keyed = 0;
    for (unsigned g = 0; g < F->n; g++) {
        FT_UInt cid = g;
        if (cid_keyed && FT_Get_CID_From_Glyph_Index(F->ft, g, &cid) != 0)
            cid = g;
        F->cid[g] = cid;
    }
    F->font_id = P->next_id;
    P->next_id += 5;
    return true;
}

static void drop_face(face *F);

/* The face a run's font is embedded as; NULL after reporting when it cannot be. */
static face *face_for(pdf *P, const gw_font *font)
{
    size_t f = 0;
    while (f < P->doc->n_fonts && P->doc->fonts[f] != font)
        f++;
    if (f < P->doc->n_fonts && P->face_of_font[f])
        return &P->faces[P->face_of_font[f] - 1];
    gw_face_file file;
    const void *map = NULL;
    int index = 0;
    const char *path = gw_font_file(font, &index);
    if (!gw_subsets_file(P->subsets, font, &file, &map)) {
        if (!P->failed && gw_subsets_variable(P->subsets, font))
            gw_error(P->ctx, (gw_pos){P->name, 0}, GW_VARIABLE_FONT_ERROR, path);
        else if (!P->failed)
            gw_error(P->ctx, (gw_pos){P->name, 0}, "cannot embed the font %s (face %d)", path,
                     index);
        P->failed = true;
        return NULL;
    }
    size_t i = 0;
    while (i < P->n_faces && P->faces[i].file.data != file.data)
        i++;
    if (i == P->n_faces) {
        face *F = GW_PUSH(P->faces, P->n_faces, P->cap_faces);
        *F = (face){.file = file, .map = map};
        if (!open_face(P, F)) {
            if (!P->failed)
                gw_error(P->ctx, (gw_pos){P->name, 0}, "cannot read the subset of the font %s",
                         path);
            P->failed = true;
            drop_face(F);
            P->n_faces--;
            return NULL;
        }
    }
    if (f < P->doc->n_fonts)
        P->face_of_font[f] = i + 1;
    return &P->faces[i];
}

static bool same_text(const char *a, const char *b, size_t len)
{
    return a && strlen(a) == len && memcmp(a, b, len) == 0;
}

/* A six-letter tag for the subset's name, from the face and the glyphs it keeps: two documents
 * that use the same glyphs of a face get the same name, as PDF asks of subsets. */
static void subset_tag(const face *F, char tag[7])
{
    guint8 digest[32];
    gsize len = sizeof digest;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)F->file.postscript, (gssize)strlen(F->file.postscript));
    for (unsigned g = 0; g < F->n; g++)
        if (F->used[g])
            g_checksum_update(sum, (const guchar *)&F->cid[g], sizeof F->cid[g]);
    g_checksum_get_digest(sum, digest, &len);
    g_checksum_free(sum);
    for (int i = 0; i < 6; i++)
        tag[i] = (char)('A' + digest[i] % 26);
    tag[6] = 0;
}

/* Whether s can stand in a literal string as it is (the registry and ordering of a CFF). */
static bool pdf_name_safe(const char *s)
{
    for (; s && *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
            return false;
    return s != NULL;
}

static int compare_by_cid(const void *a, const void *b, void *data)
{
    const unsigned *cid = data;
    unsigned x = cid[*(const unsigned *)a], y = cid[*(const unsigned *)b];
    return (x > y) - (x < y);
}

static void utf16_hex(gw_buf *b, const char *utf8)
{
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(utf8, -1, NULL, &n, NULL);
    for (glong i = 0; u && i < n; i++)
        gw_buf_printf(b, "%04X", (unsigned)u[i]);
    g_free(u);
}

/* The font program: a CFF face goes in as its bare CFF table, a CIDFont whose charset
 * maps the CIDs to glyphs; a TrueType face as its whole file. */
static void prepare_program(const pdf *P, face *F)
{
    const void *raw = F->file.data;
    size_t len = F->file.len;
    FT_Byte *cff = NULL;
    if (F->cff) {
        FT_ULong n = 0;
        FT_Load_Sfnt_Table(F->ft, FT_MAKE_TAG('C', 'F', 'F', ' '), 0, NULL, &n);
        cff = gw_xmalloc(n ? n : 1);
        if (FT_Load_Sfnt_Table(F->ft, FT_MAKE_TAG('C', 'F', 'F', ' '), 0, cff, &n) != 0)
            n = 0;
        raw = cff;
        len = n;
    }
    F->program_deflated = deflated(P, raw, len, FONT, &F->program);
    if (!F->program_deflated)
        gw_buf_add(&F->program, raw, len);
    free(cff);
}

static void write_font(pdf *P, face *F)
{
    FT_Face ft = F->ft;
    double k = 1000.0 / (ft->units_per_EM ? ft->units_per_EM : 1000);
    prepare_program(P, F);
    char tag[7];
    subset_tag(F, tag);
    gw_buf name = {0};
    gw_buf_printf(&name, "%s+", tag);
    const char *ps = *F->file.postscript ? F->file.postscript : "Font";
    for (const char *c = ps; *c; c++)
        gw_buf_add(&name, g_ascii_isalnum(*c) || *c == '-' || *c == '_' ? c : "_", 1);
    gw_buf_add(&name, "", 1);

    unsigned *order = gw_xcalloc(F->n ? F->n : 1, sizeof *order);
    unsigned n_used = 0;
    for (unsigned g = 0; g < F->n; g++)
        if (F->used[g])
            order[n_used++] = g;
    g_qsort_with_data(order, (gint)n_used, sizeof *order, compare_by_cid, F->cid);

    /* A CID-keyed CFF names its character collection (FandolFang: Adobe-GB1-5), which the
     * CIDFont repeats; any other face is Adobe-Identity-0. */
    const char *registry = "Adobe", *ordering = "Identity", *r = NULL, *o = NULL;
    FT_Int supplement = 0, sup = 0;
    if (F->cff && FT_Get_CID_Registry_Ordering_Supplement(ft, &r, &o, &sup) == 0 &&
        pdf_name_safe(r) && pdf_name_safe(o)) {
        registry = r;
        ordering = o;
        supplement = sup;
    }

    gw_buf b = {0};
    gw_buf_printf(&b,
                  "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
                  "/DescendantFonts [%u 0 R] /ToUnicode %u 0 R >>",
                  name.data, F->font_id + 1, F->font_id + 4);
    put_obj(P, F->font_id, &b);

    /* Widths: the common one as the default, the others listed. */
    b.len = 0;
    gw_buf_printf(&b,
                  "<< /Type /Font /Subtype /CIDFontType%d /BaseFont /%s /CIDSystemInfo << "
                  "/Registry (%s) /Ordering (%s) /Supplement %d >> /FontDescriptor %u 0 "
                  "R%s /DW 1000 /W [",
                  F->cff ? 0 : 2, name.data, registry, ordering, supplement, F->font_id + 2,
                  F->cff ? "" : " /CIDToGIDMap /Identity");
    for (unsigned i = 0; i < n_used; i++) {
        FT_Fixed adv = 0;
        FT_Get_Advance(ft, order[i], FT_LOAD_NO_SCALE, &adv);
        long w = lround((double)adv * k);
        if (w == 1000)
            continue;
        gw_buf_printf(&b, "%u [%ld] ", F->cid[order[i]], w);
    }
    gw_buf_adds(&b, "] >>");
    put_obj(P, F->font_id + 1, &b);

    b.len = 0;
    TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
    gw_buf_printf(&b,
                  "<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%ld %ld %ld %ld] "
                  "/ItalicAngle 0 /Ascent %ld /Descent %ld /CapHeight %ld /StemV %d "
                  "/FontWeight %d /FontFile%s %u 0 R >>",
                  name.data, lround((double)ft->bbox.xMin * k), lround((double)ft->bbox.yMin * k),
                  lround((double)ft->bbox.xMax * k), lround((double)ft->bbox.yMax * k),
                  lround((double)ft->ascender * k), lround((double)ft->descender * k),
                  lround((double)(os2 && os2->sCapHeight ? os2->sCapHeight : ft->ascender) * k),
                  F->file.weight >= 600 ? 120 : 80, F->file.weight, F->cff ? "3" : "2",
                  F->font_id + 3);
    put_obj(P, F->font_id + 2, &b);

    char *dict = F->cff ? gw_xstrdup(" /Subtype /CIDFontType0C")
                        : gw_xasprintf(" /Length1 %zu", F->file.len);
    g_checksum_update(P->md5, (const guchar *)name.data, (gssize)name.len);
    P->unhashed = true;
    put_stream_as(P, F->font_id + 3, dict, F->program.data, F->program.len, F->program_deflated);
    P->unhashed = false;
    free(dict);

    b.len = 0;
    gw_buf_adds(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned mapped = 0;
    for (unsigned i = 0; i < n_used; i++)
        mapped += F->text[order[i]] != NULL;
    for (unsigned i = 0, done = 0; i < n_used; i++) {
        const char *t = F->text[order[i]];
        if (!t)
            continue;
        if (done % 100 == 0)
            gw_buf_printf(&b, "%u beginbfchar\n", mapped - done < 100 ? mapped - done : 100);
        gw_buf_printf(&b, "<%04X> <", F->cid[order[i]]);
        utf16_hex(&b, t);
        gw_buf_adds(&b, ">\n");
        if (++done % 100 == 0 || done == mapped)
            gw_buf_adds(&b, "endbfchar\n");
    }
    gw_buf_adds(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    put_stream(P, F->font_id + 4, "", b.data, b.len, TEXT);
    gw_buf_free(&b);
    gw_buf_free(&name);
    free(order);
}

static void drop_face(face *F)
{
    gw_buf_free(&F->program);
    for (unsigned g = 0; g < F->n; g++)
        free(F->text[g]);
    free(F->text);
    free(F->used);
    free(F->cid);
    if (F->ft)
        FT_Done_Face(F->ft);
}

/* --- page content ----------------------------------------------------------------------- */

static void set_fill(gw_buf *b, uint32_t c)
{
    num(b, ((c >> 16) & 0xff) / 255.0);
    num(b, ((c >> 8) & 0xff) / 255.0);
    num(b, (c & 0xff) / 255.0);
    gw_buf_adds(b, "rg\n");
}

/* The glyphs of a run, grouped by the stretch of text they stand for. Where one glyph stands
 * for its text alone, the font's ToUnicode says what it is; where not (a glyph for several
 * characters elsewhere drawn otherwise, a character of several glyphs, a character with no
 * glyph such as a tab), the stretch is marked with its /ActualText. */
typedef struct stretch {
    size_t glyph, n_glyphs; /* in the run's glyph order */
    const char *text;
    size_t len;
    bool actual;
} stretch;

static bool only_format(const char *text, size_t len)
{
    for (const char *c = text; c < text + len; c = g_utf8_next_char(c))
        if (g_unichar_type(g_utf8_get_char(c)) != G_UNICODE_FORMAT)
            return false;
    return true;
}

/* The first character of text that a glyph can stand for (not a mark, a joiner or a control),
 * as its length in bytes at *len; NULL for none. */
static const char *base_character(const char *text, size_t n, size_t *len)
{
    for (const char *c = text; c < text + n; c = g_utf8_next_char(c)) {
        switch (g_unichar_type(g_utf8_get_char(c))) {
        case G_UNICODE_FORMAT:
        case G_UNICODE_CONTROL:
        case G_UNICODE_NON_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
        case G_UNICODE_SPACING_MARK:
            continue;
        default:
            *len = (size_t)(g_utf8_next_char(c) - c);
            return c;
        }
    }
    return NULL;
}

static stretch *stretches(face *F, const gw_glyph_run *run, size_t *n_out)
{
    stretch *v = gw_xcalloc(run->n_clusters + 1, sizeof *v);
    size_t n = 0, byte = 0, glyph = 0;
    for (size_t c = 0; c < run->n_clusters; c++) {
        const gw_cluster *cl = &run->clusters[c];
        size_t first = run->backward ? run->n_glyphs - glyph - (size_t)cl->glyphs : glyph;
        const char *text = run->text + byte, *end = text + cl->bytes;
        if (cl->glyphs == 0 && only_format(text, (size_t)cl->bytes)) {
            /* Bidirectional controls and the like: they shape the text, they are not in it. */
        } else if (cl->glyphs == 0 && n > 0) {
            /* A character without a glyph (a tab, a variation selector) goes with the stretch
             * before it, and with what was skipped between. */
            v[n - 1].len = (size_t)(end - v[n - 1].text);
            v[n - 1].actual = true;
        } else if (n > 0 && v[n - 1].n_glyphs == 0) {
            v[n - 1].glyph = first;
            v[n - 1].n_glyphs = (size_t)cl->glyphs;
            v[n - 1].len = (size_t)(end - v[n - 1].text);
        } else {
            v[n++] = (stretch){first, (size_t)cl->glyphs, text, (size_t)cl->bytes, cl->glyphs != 1};
        }
        byte += (size_t)cl->bytes;
        glyph += (size_t)cl->glyphs;
    }
    for (size_t i = 0; i < n; i++) {
        stretch *s = &v[i];
        if (s->n_glyphs == 0) {
            s->actual = false; /* text without any glyph in the run: nothing to mark */
            continue;
        }
        unsigned g = gw_subsets_glyph(F->map, run->glyphs[s->glyph].id);
        if (g >= F->n)
            continue;
        if (s->actual) {
            /* Readers that ignore /ActualText still find the base character in ToUnicode. */
            size_t len = 0;
            const char *base = base_character(s->text, s->len, &len);
            if (!F->text[g] && base)
                F->text[g] = gw_xstrndup(base, len);
            continue;
        }
        if (!F->text[g])
            F->text[g] = gw_xstrndup(s->text, s->len);
        else if (!same_text(F->text[g], s->text, s->len))
            s->actual = true;
    }
    *n_out = n;
    return v;
}

static void actual_text(gw_buf *b, const char *text, size_t len)
{
    char *t = gw_xstrndup(text, len);
    gw_buf_adds(b, "/Span << /ActualText ");
    text_string(b, t);
    gw_buf_adds(b, " >> BDC\n");
    free(t);
}

static void paint_run(pdf *P, gw_buf *b, const gw_glyph_run *run)
{
    if (run->n_glyphs == 0)
        return;
    face *F = face_for(P, run->font);
    if (!F)
        return;
    double k = 1000.0 / (F->ft->units_per_EM ? F->ft->units_per_EM : 1000);
    size_t n_st = 0;
    stretch *st = stretches(F, run, &n_st);
    /* The stretch each glyph belongs to, in glyph order. */
    size_t *of = gw_xcalloc(run->n_glyphs, sizeof *of);
    for (size_t i = 0; i < n_st; i++)
        for (size_t g = st[i].glyph; g < st[i].glyph + st[i].n_glyphs && g < run->n_glyphs; g++)
            of[g] = i;

    gw_buf_adds(b, "BT\n");
    set_fill(b, run->color);
    gw_buf_printf(b, "/F%zu ", (size_t)(F - P->faces));
    num(b, run->size);
    gw_buf_adds(b, "Tf\n");
    double pen = 0;    /* where the next glyph would go, in thousandths of the size */
    bool open = false; /* inside a TJ array */
    bool in_hex = false;
    double line_y = NAN;
    size_t open_span = (size_t)-1;
    for (size_t g = 0; g < run->n_glyphs; g++) {
        const gw_glyph *gl = &run->glyphs[g];
        unsigned sub = gw_subsets_glyph(F->map, gl->id);
        if (sub >= F->n)
            sub = 0;
        const stretch *s = &st[of[g]];
        size_t span = s->actual ? of[g] : (size_t)-1;
        bool new_line = gl->y != line_y;
        if (span != open_span || new_line) {
            if (in_hex)
                gw_buf_add(b, ">", 1);
            in_hex = false;
            if (open)
                gw_buf_adds(b, "] TJ\n");
            open = false;
            if (open_span != (size_t)-1 && span != open_span)
                gw_buf_adds(b, "EMC\n");
            if (span != (size_t)-1 && span != open_span)
                actual_text(b, s->text, s->len);
            open_span = span;
        }
        double x = gl->x * 1000 / run->size;
        if (new_line) {
            num_to(b, run->scale_x, 6);
            gw_buf_adds(b, "0 0 -1 ");
            num(b, run->x + gl->x * run->scale_x);
            num(b, run->y + gl->y);
            gw_buf_adds(b, "Tm\n");
            line_y = gl->y;
            pen = x;
        }
        if (!open) {
            gw_buf_add(b, "[", 1);
            open = true;
        }
        /* TJ moves the next glyph back by its numbers: say exactly how far, rounded as
         * written, so that rounding never adds up along a line. */
        long long adjust = llround((pen - x) * 1000);
        if (adjust != 0) {
            if (in_hex)
                gw_buf_add(b, ">", 1);
            in_hex = false;
            char s_num[40];
            gw_fmt_fixed(s_num, sizeof s_num, adjust, 3);
            gw_buf_adds(b, s_num);
            pen -= (double)adjust / 1000;
        }
        if (!in_hex)
            gw_buf_add(b, "<", 1);
        in_hex = true;
        gw_buf_printf(b, "%04X", F->cid[sub]);
        F->used[sub] = true;
        FT_Fixed adv = 0;
        FT_Get_Advance(F->ft, sub, FT_LOAD_NO_SCALE, &adv);
        pen += (double)lround((double)adv * k);
    }
    if (in_hex)
        gw_buf_add(b, ">", 1);
    if (open)
        gw_buf_adds(b, "] TJ\n");
    if (open_span != (size_t)-1)
        gw_buf_adds(b, "EMC\n");
    gw_buf_adds(b, "ET\n");
    free(of);
    free(st);
}

/* The pixels of an image drawn pw × ph (a bitmap's own at 0 × 0), encoded; NULL after
 * reporting when they cannot be had. */
static encoded_image *encode_image(pdf *P, const gw_image *image, long pw, long ph)
{
    cairo_surface_t *s = gw_image_pixels(image, pw, ph);
    cairo_surface_flush(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        gw_error(P->ctx, (gw_pos){P->name, 0}, "cannot convert the image %s: %s",
                 gw_image_path(image), cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    bool has_alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    size_t n = (size_t)w * (size_t)h;
    unsigned char *a = gw_xmalloc(n + 1);
    /* The alpha, and the colour of the most opaque pixel: a seal is one colour throughout. */
    bool opaque = true;
    uint32_t ink = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            unsigned al = has_alpha ? row[x] >> 24 : 255;
            a[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)al;
            opaque &= al == 255;
            if (al > ink >> 24)
                ink = row[x];
        }
    }
    /* cairo keeps colours multiplied by their alpha; PDF wants them as they are. */
    unsigned ink_alpha = ink >> 24;
    uint8_t colour[3];
    for (int c = 0; c < 3; c++) {
        unsigned v = (ink >> (16 - 8 * c)) & 0xff;
        colour[c] = (uint8_t)(ink_alpha ? (v * 255 + ink_alpha / 2) / ink_alpha : 0);
    }
    /* The pixel each alpha would have in that colour (premultiplied, as cairo keeps it). */
    uint32_t in_colour[256];
    for (unsigned al = 0; al < 256; al++)
        in_colour[al] = al << 24 | (colour[0] * al + 127) / 255 << 16 |
                        (colour[1] * al + 127) / 255 << 8 | (colour[2] * al + 127) / 255;
    bool one_colour = !opaque;
    for (int y = 0; y < h && one_colour; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w && one_colour; x++) {
            uint32_t want = in_colour[row[x] >> 24];
            for (int shift = 0; shift < 24; shift += 8)
                one_colour &=
                    abs((int)((row[x] >> shift) & 0xff) - (int)((want >> shift) & 0xff)) <= 1;
        }
    }
    /* One colour is drawn as a single pixel stretched over the page, shaped by the alpha at
     * full resolution (a soft mask need not have its image's size): a third of the bytes to
     * write and to deflate. */
    int bw = one_colour ? 1 : w, bh = one_colour ? 1 : h;
    unsigned char *rgb = gw_xmalloc((size_t)bw * (size_t)bh * 3 + 1);
    if (one_colour) {
        memcpy(rgb, colour, 3);
    } else {
        for (int y = 0; y < h; y++) {
            const uint32_t *row = (const uint32_t *)(px + (size_t)y * (size_t)stride);
            for (int x = 0; x < w; x++) {
                size_t i = (size_t)y * (size_t)w + (size_t)x;
                unsigned al = a[i];
                for (int c = 0; c < 3; c++) {
                    unsigned v = (row[x] >> (16 - 8 * c)) & 0xff;
                    rgb[i * 3 + (size_t)c] = (unsigned char)(al ? (v * 255 + al / 2) / al : 0);
                }
            }
        }
    }
    cairo_surface_destroy(s);
    encoded_image *e = gw_xcalloc(1, sizeof *e);
    *e = (encoded_image){.pw = pw, .ph = ph, .w = w, .h = h, .bw = bw, .bh = bh, .opaque = opaque};
    e->rgb_deflated = deflated(P, rgb, (size_t)bw * (size_t)bh * 3, PIXELS, &e->rgb);
    if (!e->rgb_deflated)
        gw_buf_add(&e->rgb, (const char *)rgb, (size_t)bw * (size_t)bh * 3);
    if (!opaque) {
        e->alpha_deflated = deflated(P, a, n, PIXELS, &e->alpha);
        if (!e->alpha_deflated)
            gw_buf_add(&e->alpha, (const char *)a, n);
    }
    free(rgb);
    free(a);
    return e;
}

/* The encoded image, from those the context keeps when its file and size were seen before;
 * borrowed from there. */
static const encoded_image *kept_image(pdf *P, const gw_image *image, long pw, long ph)
{
    gchar *bytes = NULL;
    gsize len = 0;
    guint8 digest[32] = {0};
    gsize dlen = sizeof digest;
    /* An unreadable file is not kept; drawing it reports why. */
    bool keep = g_file_get_contents(gw_image_path(image), &bytes, &len, NULL);
    if (keep) {
        GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
        g_checksum_update(sum, (const guchar *)bytes, (gssize)len);
        g_checksum_get_digest(sum, digest, &dlen);
        g_checksum_free(sum);
        g_free(bytes);
    }
    if (!P->ctx->pdf_images)
        P->ctx->pdf_images = gw_xcalloc(1, sizeof *P->ctx->pdf_images);
    gw_pdf_images *kept = P->ctx->pdf_images;
    for (size_t i = 0; keep && i < KEPT_IMAGES; i++) {
        encoded_image *e = kept->v[i];
        if (e && e->pw == pw && e->ph == ph && memcmp(e->digest, digest, sizeof digest) == 0)
            return e;
    }
    encoded_image *e = encode_image(P, image, pw, ph);
    if (!e)
        return NULL;
    memcpy(e->digest, digest, sizeof digest);
    if (!keep)
        e->pw = -1; /* in a slot of its own that nothing matches: the next image takes it */
    drop_encoded(kept->v[kept->next]);
    kept->v[kept->next] = e;
    kept->next = (kept->next + 1) % KEPT_IMAGES;
    return e;
}

static unsigned image_for(pdf *P, const gw_placed_image *im)
{
    long pw = 0, ph = 0;
    gw_image_raster_size(im->image, im->width, im->height, SVG_DPI, &pw, &ph);
    for (size_t i = 0; i < P->n_images; i++)
        if (P->images[i].image == im->image && P->images[i].pw == pw && P->images[i].ph == ph)
            return (unsigned)i;
    const encoded_image *e = kept_image(P, im->image, pw, ph);
    /* The same file placed again at the same size (each <image> loads its own): one object. */
    static const guint8 unknown[32];
    for (size_t i = 0; e && e->pw >= 0 && i < P->n_images; i++)
        if (P->images[i].pw == pw && P->images[i].ph == ph &&
            memcmp(P->images[i].digest, e->digest, sizeof unknown) == 0 &&
            memcmp(e->digest, unknown, sizeof unknown) != 0)
            return (unsigned)i;
    image_obj *o = GW_PUSH(P->images, P->n_images, P->cap_images);
    *o = (image_obj){im->image, pw, ph, new_id(P), {0}};
    if (e && e->pw >= 0)
        memcpy(o->digest, e->digest, sizeof o->digest);
    if (!e) {
        P->failed = true;
        return (unsigned)(P->n_images - 1);
    }
    unsigned smask = e->opaque ? 0 : new_id(P);
    gw_buf dict = {0};
    gw_buf_printf(&dict,
                  " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                  "/BitsPerComponent 8 /Interpolate true",
                  e->bw, e->bh);
    if (smask)
        gw_buf_printf(&dict, " /SMask %u 0 R", smask);
    g_checksum_update(P->md5, e->digest, sizeof e->digest);
    g_checksum_update(P->md5, (const guchar *)&e->pw, sizeof e->pw);
    g_checksum_update(P->md5, (const guchar *)&e->ph, sizeof e->ph);
    P->unhashed = true;
    put_stream_as(P, o->id, dict.data, e->rgb.data, e->rgb.len, e->rgb_deflated);
    if (smask) {
        dict.len = 0;
        gw_buf_printf(&dict,
                      " /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                      "/DeviceGray /BitsPerComponent 8 /Interpolate true",
                      e->w, e->h);
        put_stream_as(P, smask, dict.data, e->alpha.data, e->alpha.len, e->alpha_deflated);
    }
    P->unhashed = false;
    gw_buf_free(&dict);
    return (unsigned)(P->n_images - 1);
}

static void paint_page(pdf *P, gw_buf *b, const gw_page *p)
{
    gw_buf_adds(b, "1 0 0 -1 0 ");
    num(b, p->height);
    gw_buf_adds(b, "cm\n");
    for (size_t i = 0; i < p->n_items; i++) {
        const gw_item *it = &p->items[i];
        bool turned = (p->rotation == -90 || p->rotation == 90) && !it->upright;
        if (turned) {
            gw_buf_adds(b, "q\n");
            if (p->rotation == -90) {
                gw_buf_adds(b, "0 -1 1 0 0 ");
                num(b, p->height);
            } else {
                gw_buf_adds(b, "0 1 -1 0 ");
                num(b, p->width);
                gw_buf_adds(b, "0 ");
            }
            gw_buf_adds(b, "cm\n");
        }
        if (it->kind == GW_ITEM_RULE) {
            const gw_rule *r = &it->u.rule;
            set_fill(b, r->color);
            if (r->y1 > r->y) { /* vertical */
                num(b, r->x0 - r->thickness / 2);
                num(b, r->y);
                num(b, r->thickness);
                num(b, r->y1 - r->y);
            } else {
                num(b, r->x0);
                num(b, r->y - r->thickness / 2);
                num(b, r->x1 - r->x0);
                num(b, r->thickness);
            }
            gw_buf_adds(b, "re f\n");
        } else if (it->kind == GW_ITEM_IMAGE) {
            const gw_placed_image *im = &it->u.image;
            unsigned n = image_for(P, im);
            gw_buf_adds(b, "q\n");
            if (im->multiply) {
                if (!P->multiply_id)
                    P->multiply_id = new_id(P);
                gw_buf_adds(b, "/Multiply gs\n");
            }
            /* An image fills the unit square, its first row at the top. */
            num(b, im->width);
            gw_buf_adds(b, "0 0 ");
            num(b, -im->height);
            num(b, im->x);
            num(b, im->y + im->height);
            gw_buf_printf(b, "cm\n/Im%u Do\nQ\n", n);
        } else {
            paint_run(P, b, &it->u.run);
        }
        if (turned)
            gw_buf_adds(b, "Q\n");
    }
}

/* --- the document ----------------------------------------------------------------------- */

/* ISO 8601 (2020-12-31T00:00:00+08:00, or …Z) as a PDF date: D:20201231000000+08'00'. */
static char *pdf_date(const char *iso)
{
    char digits[15] = {0};
    size_t n = 0;
    const char *c = iso;
    for (; *c && n < 14; c++) {
        if (g_ascii_isdigit(*c))
            digits[n++] = *c;
        else if (*c != '-' && *c != ':' && *c != 'T')
            break;
    }
    if (n != 14)
        return NULL;
    if (*c == 'Z')
        return gw_xasprintf("D:%sZ", digits);
    if ((*c == '+' || *c == '-') && strlen(c) >= 6)
        return gw_xasprintf("D:%s%c%.2s'%.2s'", digits, *c, c + 1, c + 4);
    return gw_xasprintf("D:%s", digits);
}

static void write_info(pdf *P)
{
    const gw_doc *d = P->doc;
    gw_buf b = {0};
    gw_buf_adds(&b, "<<");
    const struct {
        const char *key, *value;
    } fields[] = {{"Title", d->title},       {"Author", d->author},   {"Subject", d->subject},
                  {"Keywords", d->keywords}, {"Creator", d->creator}, {"Producer", d->creator}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].value || !*fields[i].value)
            continue;
        gw_buf_printf(&b, " /%s ", fields[i].key);
        text_string(&b, fields[i].value);
    }
    char *date = d->date ? pdf_date(d->date) : NULL;
    if (date)
        gw_buf_printf(&b, " /CreationDate (%s) /ModDate (%s)", date, date);
    free(date);
    gw_buf_adds(&b, " >>");
    put_obj(P, INFO, &b);
    gw_buf_free(&b);
}

/* The outline: each entry hangs below the nearest entry of a lower level before it; the
 * top level is open, the levels below closed. Returns the root's object number, 0 for none. */
static unsigned write_outline(pdf *P)
{
    const gw_doc *d = P->doc;
    size_t n = d->n_outline;
    if (n == 0)
        return 0;
    unsigned root = new_id(P), first_id = P->next_id;
    P->next_id += (unsigned)n;
    size_t none = (size_t)-1;
    size_t *parent = gw_xcalloc(n, sizeof *parent), *first = gw_xcalloc(n, sizeof *first),
           *last = gw_xcalloc(n, sizeof *last), *prev = gw_xcalloc(n, sizeof *prev),
           *next = gw_xcalloc(n, sizeof *next);
    long *count = gw_xcalloc(n, sizeof *count);
    size_t stack[16], top_first = none, top_last = none;
    for (int l = 0; l < 16; l++)
        stack[l] = none;
    for (size_t i = 0; i < n; i++) {
        int level = d->outline[i].level < 0    ? 0
                    : d->outline[i].level > 15 ? 15
                                               : d->outline[i].level;
        parent[i] = none;
        for (int l = level - 1; l >= 0; l--)
            if (stack[l] != none) {
                parent[i] = stack[l];
                break;
            }
        first[i] = last[i] = next[i] = none;
        size_t *sib_last = parent[i] == none ? &top_last : &last[parent[i]];
        prev[i] = *sib_last;
        if (*sib_last != none)
            next[*sib_last] = i;
        else if (parent[i] == none)
            top_first = i;
        else
            first[parent[i]] = i;
        *sib_last = i;
        stack[level] = i;
        for (int l = level + 1; l < 16; l++)
            stack[l] = none;
    }
    /* Visible descendants, children before their parents (they come after them). */
    long top_count = 0;
    for (size_t i = n; i-- > 0;) {
        bool open = parent[i] == none;
        long below = 0;
        for (size_t c = first[i]; c != none; c = next[c])
            below += 1 + (count[c] > 0 ? count[c] : 0);
        count[i] = open ? below : -below;
        if (parent[i] == none)
            top_count += 1 + (count[i] > 0 ? count[i] : 0);
    }
    gw_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        const gw_outline_entry *e = &d->outline[i];
        b.len = 0;
        gw_buf_adds(&b, "<< /Title ");
        text_string(&b, e->title ? e->title : "");
        gw_buf_printf(&b, " /Parent %u 0 R",
                      parent[i] == none ? root : first_id + (unsigned)parent[i]);
        if (prev[i] != none)
            gw_buf_printf(&b, " /Prev %u 0 R", first_id + (unsigned)prev[i]);
        if (next[i] != none)
            gw_buf_printf(&b, " /Next %u 0 R", first_id + (unsigned)next[i]);
        if (first[i] != none)
            gw_buf_printf(&b, " /First %u 0 R /Last %u 0 R /Count %ld",
                          first_id + (unsigned)first[i], first_id + (unsigned)last[i], count[i]);
        const gw_page *to =
            e->page >= 1 && (size_t)e->page <= d->n_pages ? &d->pages[e->page - 1] : NULL;
        if (to && to->rotation) {
            /* On a turned page the heading's height runs across the sheet: show the page. */
            gw_buf_printf(&b, " /Dest [%u 0 R /Fit]", P->page_ids[e->page - 1]);
        } else if (to) {
            gw_buf_printf(&b, " /Dest [%u 0 R /XYZ 0 ", P->page_ids[e->page - 1]);
            num(&b, to->height - e->y);
            gw_buf_adds(&b, "0]");
        }
        gw_buf_adds(&b, " >>");
        put_obj(P, first_id + (unsigned)i, &b);
    }
    b.len = 0;
    gw_buf_printf(&b, "<< /Type /Outlines /First %u 0 R /Last %u 0 R /Count %ld >>",
                  first_id + (unsigned)top_first, first_id + (unsigned)top_last, top_count);
    put_obj(P, root, &b);
    gw_buf_free(&b);
    free(parent);
    free(first);
    free(last);
    free(prev);
    free(next);
    free(count);
    return root;
}

static void write_resources(pdf *P)
{
    gw_buf b = {0};
    gw_buf_adds(&b, "<< /Font <<");
    for (size_t i = 0; i < P->n_faces; i++)
        gw_buf_printf(&b, " /F%zu %u 0 R", i, P->faces[i].font_id);
    gw_buf_adds(&b, " >> /XObject <<");
    for (size_t i = 0; i < P->n_images; i++)
        gw_buf_printf(&b, " /Im%zu %u 0 R", i, P->images[i].id);
    gw_buf_adds(&b, " >>");
    if (P->multiply_id)
        gw_buf_printf(&b, " /ExtGState << /Multiply %u 0 R >>", P->multiply_id);
    gw_buf_adds(&b, " >>");
    put_obj(P, RESOURCES, &b);
    if (P->multiply_id) {
        b.len = 0;
        gw_buf_adds(&b, "<< /Type /ExtGState /BM /Multiply >>");
        put_obj(P, P->multiply_id, &b);
    }
    gw_buf_free(&b);
}

static void write_trailer(pdf *P)
{
    long long xref = P->offset;
    char line[64];
    snprintf(line, sizeof line, "xref\n0 %u\n0000000000 65535 f \n", P->next_id);
    puts_(P, line);
    for (unsigned id = 1; id < P->next_id; id++) {
        snprintf(line, sizeof line, "%010lld 00000 n \n",
                 id < P->cap_offsets ? P->offsets[id] : 0LL);
        puts_(P, line);
    }
    /* The identifier is the digest of everything before it: the same document gives the
     * same file. */
    guint8 digest[16];
    gsize len = sizeof digest;
    g_checksum_get_digest(P->md5, digest, &len);
    g_checksum_free(P->md5);
    P->md5 = NULL; /* the digest closed it */
    char id[33];
    for (int i = 0; i < 16; i++)
        snprintf(id + 2 * i, 3, "%02X", digest[i]);
    char *t = gw_xasprintf("trailer\n<< /Size %u /Root %u 0 R /Info %u 0 R /ID [<%s> <%s>] >>\n"
                           "startxref\n%lld\n%%%%EOF\n",
                           P->next_id, (unsigned)CATALOG, (unsigned)INFO, id, id, xref);
    puts_(P, t);
    free(t);
}

gw_status gw_pdf_write(gw_ctx *ctx, const gw_doc *doc, long page, const char *path,
                       const char *name)
{
    (void)page;
    pdf P = {.ctx = ctx, .doc = doc, .name = name, .next_id = FIRST_FREE};
    P.f = fopen(path, "wb");
    if (!P.f) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(errno));
        return GW_ERR_SYSTEM;
    }
    P.md5 = g_checksum_new(G_CHECKSUM_MD5);
    if (FT_Init_FreeType(&P.freetype) != 0)
        P.freetype = NULL;
    P.subsets = gw_subsets_new(ctx, doc, false);
    gw_timing(ctx, "subset");
    P.face_of_font = gw_xcalloc(doc->n_fonts + 1, sizeof *P.face_of_font);
    P.page_ids = gw_xcalloc(doc->n_pages + 1, sizeof *P.page_ids);
    unsigned *content_ids = gw_xcalloc(doc->n_pages + 1, sizeof *content_ids);
    for (size_t i = 0; i < doc->n_pages; i++) {
        P.page_ids[i] = new_id(&P);
        content_ids[i] = new_id(&P);
    }
    puts_(&P, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    gw_buf b = {0};
    for (size_t i = 0; i < doc->n_pages && !P.failed; i++) {
        b.len = 0;
        paint_page(&P, &b, &doc->pages[i]);
        put_stream(&P, content_ids[i], "", b.data, b.len, TEXT);
    }
    gw_timing(ctx, "paint");
    for (size_t i = 0; i < doc->n_pages && !P.failed; i++) {
        const gw_page *p = &doc->pages[i];
        b.len = 0;
        gw_buf_printf(&b, "<< /Type /Page /Parent %u 0 R /MediaBox [0 0 ", (unsigned)PAGES);
        num(&b, p->width);
        num(&b, p->height);
        gw_buf_printf(&b, "] /Resources %u 0 R /Contents %u 0 R >>", (unsigned)RESOURCES,
                      content_ids[i]);
        put_obj(&P, P.page_ids[i], &b);
    }
    for (size_t i = 0; i < P.n_faces && !P.failed; i++)
        write_font(&P, &P.faces[i]);
    if (!P.failed) {
        write_resources(&P);
        unsigned outline = write_outline(&P);
        write_info(&P);
        b.len = 0;
        gw_buf_printf(&b, "<< /Type /Pages /Kids [");
        for (size_t i = 0; i < doc->n_pages; i++)
            gw_buf_printf(&b, "%s%u 0 R", i ? " " : "", P.page_ids[i]);
        gw_buf_printf(&b, "] /Count %zu >>", doc->n_pages);
        put_obj(&P, PAGES, &b);
        b.len = 0;
        gw_buf_printf(&b,
                      "<< /Type /Catalog /Pages %u 0 R /ViewerPreferences "
                      "<< /DisplayDocTitle true >>",
                      (unsigned)PAGES);
        if (doc->lang) {
            gw_buf_adds(&b, " /Lang ");
            text_string(&b, doc->lang);
        }
        if (outline)
            gw_buf_printf(&b, " /Outlines %u 0 R /PageMode /UseOutlines", outline);
        gw_buf_adds(&b, " >>");
        put_obj(&P, CATALOG, &b);
        write_trailer(&P);
    }
    gw_buf_free(&b);
    free(content_ids);
    for (size_t i = 0; i < P.n_faces; i++)
        drop_face(&P.faces[i]);
    free(P.faces);
    if (P.freetype)
        FT_Done_FreeType(P.freetype);
    free(P.images);
    free(P.face_of_font);
    free(P.page_ids);
    free(P.offsets);
    gw_subsets_drop(P.subsets);
    if (P.md5)
        g_checksum_free(P.md5);
    if (fflush(P.f) != 0 && !P.err)
        P.err = errno;
    if (fclose(P.f) != 0 && !P.err)
        P.err = errno;
    if (P.err) {
        gw_error(ctx, (gw_pos){name, 0}, "cannot write: %s", strerror(P.err));
        return GW_ERR_SYSTEM;
    }
    return P.failed ? GW_ERR_SYSTEM : GW_OK;
}
