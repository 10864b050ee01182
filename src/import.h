/* Plain text in: reads a document typed, pasted or extracted as text, recognises its parts
 * (版头, title, 主送, structure, closing, attachments, 版记) line by line, and builds a
 * source from them. `gongwen import` writes that source; `gongwen lint` checks the same
 * recognised lines against GB/T 9704. */
#ifndef GW_IMPORT_H
#define GW_IMPORT_H

#include "base.h"

#include "textscan.h"

#include <glib.h>
#include <libxml/tree.h>

/* What a line was recognised as. */
typedef enum {
    GW_LINE_TEXT,       /* a paragraph (or part of one) of the body or an attachment */
    GW_LINE_DROPPED,    /* a page number or page break from PDF extraction */
    GW_LINE_COMMENT,    /* "# …" before the document: kept as an XML comment */
    GW_LINE_COPY,       /* 份号 */
    GW_LINE_SECRECY,    /* 密级 */
    GW_LINE_URGENCY,    /* 紧急程度 */
    GW_LINE_MARK,       /* 发文机关标志: …文件 */
    GW_LINE_NUMBER,     /* 发文字号 (perhaps with 签发人 on the same line) */
    GW_LINE_SIGNER,     /* 签发人 */
    GW_LINE_TITLE,      /* a line of the document's or an attachment's title */
    GW_LINE_TITLE_NOTE, /* 题注 under a title */
    GW_LINE_ADDRESSEE,  /* 主送机关 */
    GW_LINE_ROW,        /* a table row (cells parted by tabs) */
    GW_LINE_ATT_LIST,   /* 附件说明 (first line 附件：…, then one a line) */
    GW_LINE_SIGNATURE,  /* 发文机关署名 */
    GW_LINE_DATE,       /* 成文日期 */
    GW_LINE_NOTE,       /* 附注 （…） */
    GW_LINE_ATTENDANCE, /* 出席, 请假, 列席 of minutes */
    GW_LINE_ATT_LABEL,  /* 附件 / 附件2 / 附： above an attachment */
    GW_LINE_TO,         /* 版记: 主送：… */
    GW_LINE_CC,         /* 版记: 抄送：… */
    GW_LINE_PRINTED,    /* 版记: 印发机关 and 印发日期 */
} gw_line_role;

typedef struct gw_line {
    gw_ustr text; /* trimmed */
    int no;       /* line number in the file, from 1 */
    bool blank_before;
    gw_line_role role;
    gw_mark mark;
    int part;         /* 0: the document itself; k: its k-th attachment */
    long expected;    /* for a typed number: the number it gets in the structure (0: none) */
    bool skips_level; /* a typed number below a level that is not open (一、 then 1.) */
} gw_line;

typedef struct gw_text {
    const char *path;
    gw_line *lines;
    size_t n_lines, cap_lines;
    char *kind; /* 文种, from the title: 通知, 请示, … (UTF-8) */
    bool has_signer, has_head;
    bool verbose;     /* the report lists what was recognised too */
    xmlDocPtr source; /* the source built from the lines */
    char *utf8;       /* the whole text, decoded */
    bool decoded;     /* it was not UTF-8 in the file */
    bool bom;         /* it began with a UTF-8 byte order mark */
    gw_buf report;    /* file:line: note: … lines */
    int n_guessed, n_normalised;
} gw_text;

/* Reads and recognises a text file; NULL after reporting (not text, not UTF-8 or GBK, too
 * large). verbose: the report also lists what was recognised, not only guesses and
 * normalisations. */
gw_text *gw_text_new(gw_ctx *ctx, const char *path, bool verbose);
/* The same for bytes in memory, reported as coming from name (which must outlive the text). */
gw_text *gw_text_parse(gw_ctx *ctx, const char *name, const char *data, size_t len, bool verbose);
void gw_text_drop(gw_text *text);

/* Writes doc to path atomically, or to standard output for NULL or "-". */
gw_status gw_write_xml(gw_ctx *ctx, xmlDocPtr doc, const char *path);

#endif
