/* gongwen lint: placeholder replaced below. */
#include "import.h"

gw_status gw_lint(gw_ctx *ctx, const char *path, const char *fix_path)
{
    (void)ctx;
    (void)path;
    (void)fix_path;
    return GW_OK;
}
