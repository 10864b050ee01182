/* `gongwen build`: the pieces of the batch build that other modules or tests may want. The
 * command itself is gw_build() in gongwen.h. */
#ifndef GW_BUILD_H
#define GW_BUILD_H

#include "base.h"

/* True when the first bytes of a file (up to 4 KB) name the gongwen source or layout
 * namespace, and not the amendment or history one: the cheap test that picks the files a
 * build renders. */
bool gw_build_is_gongwen(const char *head, size_t n);

/* The shard, from 0 to n - 1, of a source path relative to the build folder: the first eight
 * bytes of the SHA-256 of the path, as a big-endian integer, modulo n. */
unsigned long gw_build_shard_of(const char *rel, unsigned long n);

#endif
