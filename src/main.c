/* The gongwen command line. */
#include "gongwen.h"

#include "base.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: gongwen render SOURCE.xml [-o OUTPUT] [-f pdf|png|svg|ofd|trace] [options]\n"
    "       gongwen layout SOURCE.xml [-o OUTPUT.xml]\n"
    "       gongwen validate SOURCE.xml...\n"
    "       gongwen build DIR [-o OUTDIR] [-j N] [--shard K/N] [-f pdf|png|svg] [options]\n"
    "       gongwen import TEXT.txt [-o SOURCE.xml] [--report]\n"
    "       gongwen lint SOURCE.xml|TEXT.txt [--fix [-o OUTPUT] | --in-place]\n"
    "       gongwen apply EDITION.xml AMENDMENT.xml [-o NEW.xml]\n"
    "       gongwen apply HISTORY --as-of DATE [-o EDITION.xml]\n"
    "       gongwen render HISTORY --as-of DATE [-o OUTPUT] [render options]\n"
    "       gongwen compare OLD.xml NEW.xml [-o TABLE.pdf] [--all] [--redline] [--pair=MODE]\n"
    "       gongwen serve [--sources DIR] [--port N] [--bind ADDR] [--token SECRET]\n"
    "       gongwen --help | --version\n"
    "\n"
    "Typesets a Chinese official document (公文) as GB/T 9704-2012 lays it out.\n"
    "\n"
    "  render     validate, transform and typeset SOURCE; the output (default: SOURCE with\n"
    "             the format's extension) is replaced only by a complete new file\n"
    "  layout     print the intermediate layout the stylesheets make of SOURCE\n"
    "  validate   check sources against the schema\n"
    "  build      render every source below DIR into OUTDIR (default out/) at the same\n"
    "             relative path, skipping those whose output is up to date (by content)\n"
    "  import     turn a plain-text document into a source (default: TEXT with .xml);\n"
    "             what was guessed or normalised is reported as file:line: note: …\n"
    "  lint       report faults against GB/T 9704 as file:line: warning: … [rule]\n"
    "  apply      write the next edition of a regulation: EDITION with AMENDMENT applied\n"
    "             (or the edition of HISTORY in force on DATE), to -o or standard output\n"
    "  compare    the 修订对照表 of two editions (default: NEW-compare.pdf): a row a\n"
    "             changed unit, deletions struck through, insertions underlined\n"
    "  serve      a page in the browser to write, preview, check, save and print the\n"
    "             sources of DIR (default sources/), on 127.0.0.1:8080 unless told\n"
    "\n"
    "options:\n"
    "  -o, --output PATH        where to write; for png and svg, one file per page:\n"
    "                           out/x.png gives out/x-1.png, out/x-2.png, …\n"
    "  -f, --format FORMAT      pdf (default), png, svg, ofd (GB/T 33190), or trace (placed\n"
    "                           boxes as text)\n"
    "  -p, --param NAME=VALUE   override a stylesheet parameter (stylesheets/gbt9704.xsl)\n"
    "      --font-dir DIR       search DIR for fonts before the free substitutes, e.g. for\n"
    "                           licensed 仿宋_GB2312 or 方正小标宋简体 (also GONGWEN_FONT_DIRS)\n"
    "      --dpi N              resolution of png output (default 150)\n"
    "      --datadir DIR        folder of stylesheets/, schema/ and fonts/\n"
    "  -j, --jobs N             build: N sources at a time (default: one per CPU)\n"
    "      --shard K/N          build: only the sources in shard K of N (a hash of the path)\n"
    "      --report             import: also list what was recognised, line by line\n"
    "      --fix                lint: write the document with the faults fixed, to -o\n"
    "                           OUTPUT or standard output (never over the input)\n"
    "      --in-place           lint: fix the input itself (atomically)\n"
    "      --all                compare: rows for the units that did not change too\n"
    "      --redline            compare: the 花脸稿, the new edition with its deletions\n"
    "                           struck and its insertions underlined (NEW-redline.pdf)\n"
    "      --pair=MODE          compare: pair units by id, by text, or auto (by id, unless\n"
    "                           the texts pair them far better, as in imported texts)\n"
    "      --as-of DATE         render, layout, apply: the edition of HISTORY (a folder of\n"
    "                           editions and amendments, a manifest, or a source) in force\n"
    "                           on DATE (YYYY-MM-DD)\n"
    "      --sources DIR        serve: the folder of sources (default sources)\n"
    "      --port N             serve: the port (default 8080; 0 picks a free one)\n"
    "      --bind ADDR          serve: the address (default 127.0.0.1; any other needs\n"
    "                           a token of yours)\n"
    "      --token SECRET       serve: the token every request must carry (default: a\n"
    "                           random one, printed; also GONGWEN_TOKEN)\n"
    "\n"
    "exit status: 0 done, 1 bad input (for lint: warnings), 2 bad usage, 3 system failure\n";

enum {
    OPT_FONT_DIR = 256,
    OPT_DPI,
    OPT_DATADIR,
    OPT_SHARD,
    OPT_REPORT,
    OPT_FIX,
    OPT_IN_PLACE,
    OPT_AS_OF,
    OPT_ALL,
    OPT_REDLINE,
    OPT_PAIR,
    OPT_SOURCES,
    OPT_PORT,
    OPT_BIND,
    OPT_TOKEN
};

static int fail_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "gongwen: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fputs("try 'gongwen --help'\n", stderr);
    return GW_ERR_USAGE;
}

static char *default_output(const char *source, const char *ext)
{
    size_t n = strlen(source);
    while (n > 1 && source[n - 1] == '/')
        n--; /* a history's folder: sources/h/ gives sources/h.pdf */
    const char *slash = memrchr(source, '/', n);
    const char *dot = memrchr(source, '.', n);
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - source) : n;
    return gw_xasprintf("%.*s.%s", (int)stem, source, ext);
}

/* A history's edition of a day: sources/h/ and 2023-05-01 give sources/h-2023-05-01.pdf. */
static char *default_edition_output(const char *history, const char *as_of, const char *ext)
{
    char *stem = default_output(history, "");
    stem[strlen(stem) - 1] = '\0'; /* the dot before the empty extension */
    char *path = gw_xasprintf("%s-%s.%s", stem, as_of, ext);
    free(stem);
    return path;
}

static bool parse_format(const char *name, gw_format *format)
{
    static const struct {
        const char *name;
        gw_format format;
    } formats[] = {{"pdf", GW_FORMAT_PDF},
                   {"png", GW_FORMAT_PNG},
                   {"svg", GW_FORMAT_SVG},
                   {"trace", GW_FORMAT_TRACE},
                   {"ofd", GW_FORMAT_OFD}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *format = formats[i].format;
            return true;
        }
    }
    return false;
}

/* K/N with 1 <= K <= N. */
static bool parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end = NULL;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long a = strtoul(s, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9')
        return false;
    unsigned long b = strtoul(end + 1, &end, 10);
    if (*end || a < 1 || a > b || b > 1000000)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return true;
}

/* Import, lint and apply read and write sources, validate and layout set no text: they need
 * no fonts, and so work on a machine without them. */
static gw_ctx *ctx_without_fonts(const gw_options *opts, gw_status *st)
{
    gw_options light = *opts;
    light.no_fonts = 1;
    return gw_ctx_new(&light, st);
}

/* What import and lint were asked for. */
typedef struct text_options {
    bool report, fix, in_place;
} text_options;

static int run_text(const char *command, const char *const *files, size_t n_files,
                    const char *output, const text_options *to, const gw_options *opts)
{
    bool import = strcmp(command, "import") == 0;
    if (n_files != 1)
        return fail_usage(import ? "give exactly one text file" : "give exactly one file", NULL);
    if (!import && to->in_place && (to->fix || output))
        return fail_usage("--in-place writes the input: give neither --fix nor -o", NULL);
    if (!import && output && !to->fix)
        return fail_usage("-o goes with --fix", NULL);
    if (!import && output && gw_same_file(files[0], output))
        return fail_usage("refusing to write over the input; --in-place does that", output);
    gw_status st = GW_OK;
    gw_ctx *ctx = ctx_without_fonts(opts, &st);
    if (!ctx)
        return st;
    int rc;
    if (import) {
        char *path = output ? gw_xstrdup(output) : default_output(files[0], "xml");
        rc = gw_import(ctx, files[0], path, to->report);
        free(path);
    } else {
        const char *fix = to->in_place ? files[0] : to->fix ? (output ? output : "-") : NULL;
        rc = gw_lint(ctx, files[0], fix);
    }
    gw_ctx_drop(ctx);
    return rc;
}

static int run_serve(gw_serve_options *so, const gw_options *opts)
{
    /* SIGINT and SIGTERM end the server: blocked here, before the server's thread starts, so
     * that only the waiting main thread receives them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    gw_status st = GW_OK;
    gw_ctx *ctx = gw_ctx_new(opts, &st);
    if (!ctx)
        return st;
    int rc = gw_serve(ctx, so);
    gw_ctx_drop(ctx);
    return rc;
}

static int run_build(const char *const *dirs, size_t n_dirs, gw_build_options *bo,
                     const gw_options *opts)
{
    if (n_dirs != 1)
        return fail_usage("give exactly one folder", NULL);
    bo->dir = dirs[0];
    bo->progress = -1;
    gw_build_stats stats;
    gw_status st = gw_build(opts, bo, &stats);
    if (st == GW_ERR_USAGE)
        return st;
    size_t total = stats.built + stats.skipped + stats.failed;
    if (total == 0 && st != GW_OK)
        return st; /* the build did not start: the folder or the context failed */
    printf("built %zu, skipped %zu, failed %zu in %.1f s (%.0f documents/s)\n", stats.built,
           stats.skipped, stats.failed, stats.seconds,
           stats.seconds > 0 ? (double)total / stats.seconds : 0.0);
    fflush(stdout);
    if (stats.interrupted) {
        signal(stats.interrupted, SIG_DFL);
        raise(stats.interrupted);
    }
    return st;
}

/* gongwen apply EDITION AMENDMENT, or apply HISTORY --as-of DATE. */
static int run_apply(const char *const *files, size_t n_files, const char *output,
                     const char *as_of, const gw_options *opts)
{
    if (as_of ? n_files != 1 : n_files != 2)
        return fail_usage(as_of ? "with --as-of, give exactly one history"
                                : "give an edition and an amendment",
                          NULL);
    gw_status st = GW_OK;
    gw_ctx *ctx = ctx_without_fonts(opts, &st);
    if (!ctx)
        return st;
    int rc = as_of ? gw_edition_write(ctx, files[0], as_of, output)
                   : gw_apply(ctx, files[0], files[1], output);
    gw_ctx_drop(ctx);
    return rc;
}

static int run_compare(const char *const *files, size_t n_files, const char *output,
                       gw_format format, const char *ext, const gw_compare_options *co,
                       const gw_options *opts)
{
    if (n_files != 2)
        return fail_usage("give the old edition and the new", NULL);
    gw_status st = GW_OK;
    gw_ctx *ctx = gw_ctx_new(opts, &st);
    if (!ctx)
        return st;
    char *path = NULL;
    if (output) {
        path = gw_xstrdup(output);
    } else {
        char *stem = default_output(files[1], "");
        stem[strlen(stem) - 1] = '\0';
        path = gw_xasprintf("%s-%s.%s", stem, co->redline ? "redline" : "compare", ext);
        free(stem);
    }
    int rc = gw_compare(ctx, files[0], files[1], path, format, co);
    free(path);
    gw_ctx_drop(ctx);
    return rc;
}

static int run(const char *command, const char *const *files, size_t n_files, const char *output,
               gw_format format, const char *ext, const char *as_of, const gw_options *opts)
{
    bool validate = strcmp(command, "validate") == 0;
    if (!validate && strcmp(command, "render") != 0 && strcmp(command, "layout") != 0)
        return fail_usage("unknown command", command);
    if (n_files == 0 || (!validate && n_files != 1))
        return fail_usage(validate ? "no source given" : "give exactly one source", NULL);
    if (validate && as_of)
        return fail_usage("--as-of applies to render, layout and apply", NULL);
    gw_status st = GW_OK;
    /* Validating and making the layout set no text: they need no fonts. */
    bool layout = strcmp(command, "layout") == 0;
    gw_ctx *ctx = validate || layout ? ctx_without_fonts(opts, &st) : gw_ctx_new(opts, &st);
    if (!ctx)
        return st;
    int rc = GW_OK;
    if (validate) {
        for (size_t i = 0; i < n_files; i++) {
            st = gw_validate(ctx, files[i]);
            if (st != GW_OK && rc == GW_OK)
                rc = st;
        }
    } else if (layout) {
        /* "-o -" is standard output, as for import and lint */
        rc = gw_layout_write_as_of(ctx, files[0], as_of,
                                   output && strcmp(output, "-") == 0 ? NULL : output);
    } else {
        char *path = output  ? gw_xstrdup(output)
                     : as_of ? default_edition_output(files[0], as_of, ext)
                             : default_output(files[0], ext);
        rc = gw_render_as_of(ctx, files[0], as_of, path, format);
        free(path);
    }
    gw_ctx_drop(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"param", required_argument, NULL, 'p'},
                                             {"font-dir", required_argument, NULL, OPT_FONT_DIR},
                                             {"dpi", required_argument, NULL, OPT_DPI},
                                             {"datadir", required_argument, NULL, OPT_DATADIR},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"shard", required_argument, NULL, OPT_SHARD},
                                             {"report", no_argument, NULL, OPT_REPORT},
                                             {"fix", no_argument, NULL, OPT_FIX},
                                             {"in-place", no_argument, NULL, OPT_IN_PLACE},
                                             {"as-of", required_argument, NULL, OPT_AS_OF},
                                             {"all", no_argument, NULL, OPT_ALL},
                                             {"redline", no_argument, NULL, OPT_REDLINE},
                                             {"pair", required_argument, NULL, OPT_PAIR},
                                             {"sources", required_argument, NULL, OPT_SOURCES},
                                             {"port", required_argument, NULL, OPT_PORT},
                                             {"bind", required_argument, NULL, OPT_BIND},
                                             {"token", required_argument, NULL, OPT_TOKEN},
                                             {"help", no_argument, NULL, 'h'},
                                             {"version", no_argument, NULL, 'V'},
                                             {NULL, 0, NULL, 0}};
    const char *output = NULL;
    gw_format format = GW_FORMAT_PDF;
    const char *ext = "pdf";
    gw_options opts = {0};
    gw_build_options build = {0};
    bool build_only = false; /* -j or --shard given */
    text_options text = {0};
    gw_serve_options serve = {.port = 8080};
    bool serve_only = false; /* --sources, --port, --bind or --token given */
    bool text_only = false;  /* --report, --fix or --in-place given */
    const char *as_of = NULL;
    gw_compare_options compare = {0};
    bool compare_only = false; /* --all, --redline or --pair given */
    const char **params = gw_xcalloc((size_t)argc, sizeof *params);
    const char **font_dirs = gw_xcalloc((size_t)argc, sizeof *font_dirs);
    opts.params = params;
    opts.font_dirs = font_dirs;
    int rc = -1;
    int c;
    char *end = NULL;
    /* Options may stand before or after the command and the files. */
    while (rc < 0 && (c = getopt_long(argc, argv, "o:f:p:j:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'f':
            if (!parse_format(optarg, &format))
                rc = fail_usage("unknown format", optarg);
            ext = optarg;
            build.format = format;
            break;
        case 'p':
            if (!strchr(optarg, '='))
                rc = fail_usage("a parameter is NAME=VALUE", optarg);
            params[opts.n_params++] = optarg;
            break;
        case OPT_FONT_DIR:
            font_dirs[opts.n_font_dirs++] = optarg;
            break;
        case OPT_DPI:
            opts.png_dpi = strtod(optarg, &end);
            if (end == optarg || *end || !(opts.png_dpi >= 10 && opts.png_dpi <= 2400))
                rc = fail_usage("the resolution must lie between 10 and 2400 dpi", optarg);
            break;
        case OPT_DATADIR:
            opts.datadir = optarg;
            break;
        case 'j': {
            long jobs = strtol(optarg, &end, 10);
            if (end == optarg || *end || jobs < 1 || jobs > 4096)
                rc = fail_usage("the number of jobs must lie between 1 and 4096", optarg);
            build.jobs = (unsigned)jobs;
            build_only = true;
            break;
        }
        case OPT_SHARD:
            if (!parse_shard(optarg, &build.shard, &build.n_shards))
                rc = fail_usage("a shard is K/N with 1 <= K <= N", optarg);
            build_only = true;
            break;
        case OPT_SOURCES:
            serve.sources = optarg;
            serve_only = true;
            break;
        case OPT_PORT: {
            long port = strtol(optarg, &end, 10);
            if (end == optarg || *end || port < 0 || port > 65535)
                rc = fail_usage("a port lies between 0 and 65535", optarg);
            serve.port = (unsigned)port;
            serve_only = true;
            break;
        }
        case OPT_BIND:
            serve.bind = optarg;
            serve_only = true;
            break;
        case OPT_TOKEN:
            serve.token = optarg;
            serve_only = true;
            break;
        case OPT_REPORT:
            text.report = text_only = true;
            break;
        case OPT_FIX:
            text.fix = text_only = true;
            break;
        case OPT_IN_PLACE:
            text.in_place = text_only = true;
            break;
        case OPT_AS_OF: {
            unsigned y, m, d;
            char tail;
            as_of = optarg;
            if (strlen(optarg) != 10 || optarg[4] != '-' || optarg[7] != '-' ||
                sscanf(optarg, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
                d < 1 || d > 31)
                rc = fail_usage("--as-of takes a day, YYYY-MM-DD", optarg);
            break;
        }
        case OPT_ALL:
            compare.keep_unchanged = compare_only = true;
            break;
        case OPT_REDLINE:
            compare.redline = compare_only = true;
            break;
        case OPT_PAIR:
            compare_only = true;
            if (strcmp(optarg, "auto") == 0)
                compare.pairing = GW_PAIR_AUTO;
            else if (strcmp(optarg, "id") == 0)
                compare.pairing = GW_PAIR_ID;
            else if (strcmp(optarg, "text") == 0)
                compare.pairing = GW_PAIR_TEXT;
            else
                rc = fail_usage("--pair is auto, id or text", optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            rc = GW_OK;
            break;
        case 'V':
            printf("gongwen %s\n", GW_VERSION);
            rc = GW_OK;
            break;
        default:
            rc = GW_ERR_USAGE; /* getopt has said what was wrong */
            break;
        }
    }
    if (rc < 0) {
        if (optind >= argc) {
            rc = fail_usage("no command", NULL);
        } else if (as_of &&
                   (strcmp(argv[optind], "build") == 0 || strcmp(argv[optind], "import") == 0 ||
                    strcmp(argv[optind], "lint") == 0)) {
            rc = fail_usage("--as-of applies to render, layout and apply", NULL);
        } else if (strcmp(argv[optind], "build") == 0) {
            build.outdir = output;
            rc = run_build((const char *const *)argv + optind + 1, (size_t)(argc - optind - 1),
                           &build, &opts);
        } else if (build_only) {
            rc = fail_usage("-j and --shard apply to build only", NULL);
        } else if (strcmp(argv[optind], "serve") == 0) {
            rc = optind + 1 < argc ? fail_usage("serve takes no files; see --sources", NULL)
                                   : run_serve(&serve, &opts);
        } else if (serve_only) {
            rc = fail_usage("--sources, --port, --bind and --token apply to serve only", NULL);
        } else if (strcmp(argv[optind], "import") == 0 || strcmp(argv[optind], "lint") == 0) {
            rc = run_text(argv[optind], (const char *const *)argv + optind + 1,
                          (size_t)(argc - optind - 1), output, &text, &opts);
        } else if (text_only) {
            rc = fail_usage("--report, --fix and --in-place apply to import and lint only", NULL);
        } else if (strcmp(argv[optind], "compare") == 0) {
            rc = as_of ? fail_usage("--as-of applies to render, layout and apply", NULL)
                       : run_compare((const char *const *)argv + optind + 1,
                                     (size_t)(argc - optind - 1), output, format, ext, &compare,
                                     &opts);
        } else if (compare_only) {
            rc = fail_usage("--all, --redline and --pair apply to compare only", NULL);
        } else if (strcmp(argv[optind], "apply") == 0) {
            rc = run_apply((const char *const *)argv + optind + 1, (size_t)(argc - optind - 1),
                           output, as_of, &opts);
        } else {
            rc = run(argv[optind], (const char *const *)argv + optind + 1,
                     (size_t)(argc - optind - 1), output, format, ext, as_of, &opts);
        }
    }
    free(params);
    free(font_dirs);
    return rc;
}
