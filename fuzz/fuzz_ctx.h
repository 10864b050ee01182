/* The one context a fuzz target makes, on its first input, with its errors sent nowhere. */
#ifndef GW_FUZZ_CTX_H
#define GW_FUZZ_CTX_H

#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef GW_FUZZ_DATADIR
#define GW_FUZZ_DATADIR "."
#endif

static gw_ctx *fuzz_context(int no_fonts)
{
    static gw_ctx *ctx;
    if (!ctx) {
        gw_options opts = {.datadir = getenv("GONGWEN_DATADIR") ? NULL : GW_FUZZ_DATADIR,
                           .no_fonts = no_fonts};
        ctx = gw_ctx_new(&opts, NULL);
        if (!ctx)
            abort();
        ctx->err = fopen("/dev/null", "w");
    }
    return ctx;
}

#endif
