# gongwen: `make` installs what is missing, builds, and renders sources/ into out/;
# `make check` runs every test. See README.md.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/gongwen
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
# `make V=1` shows the commands.
Q := $(if $(V),,@)
# Linked: what every render uses. Loaded when first needed (gw_library_load in src/base.c):
# librsvg for SVG images, libzip for OFD, libmicrohttpd for serve; linked, they and their own
# libraries would cost every process some 6 ms to load.
LINKED_PKGS := libxml-2.0 libxslt pangocairo pangofc fontconfig cairo-svg cairo-ft freetype2 harfbuzz-subset icu-uc zlib
LOADED_PKGS := librsvg-2.0 libzip libmicrohttpd
PKGS := $(LINKED_PKGS) $(LOADED_PKGS)
# The name a library is loaded by (its SONAME), read from the development link; the Debian 12
# name when it cannot be read.
soname = $(or $(shell readelf -d "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2)" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'),$(3))
SONAMES = -DGW_SONAME_RSVG='"$(call soname,librsvg-2.0,librsvg-2.so,librsvg-2.so.2)"' \
	-DGW_SONAME_ZIP='"$(call soname,libzip,libzip.so,libzip.so.4)"' \
	-DGW_SONAME_MHD='"$(call soname,libmicrohttpd,libmicrohttpd.so,libmicrohttpd.so.12)"'
CFLAGS ?= -O2 -g
WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-deprecated-declarations
# -pthread: the fonts load on a thread of their own (src/fonts.c).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(SONAMES) -pthread
PKG_LIBS = $(shell pkg-config --libs $(LINKED_PKGS) 2>/dev/null) -pthread

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build/asan/%.o)
SOURCES := $(wildcard sources/*.xml)
PDFS := $(SOURCES:sources/%.xml=out/%.pdf)
# A regulation's history (a folder with history.xml): its latest edition, out/NAME.pdf.
HISTORIES := $(patsubst sources/%/,%,$(dir $(wildcard sources/*/history.xml)))
HISTORY_PDFS := $(HISTORIES:%=out/%.pdf)
DATA := $(wildcard stylesheets/*.xsl schema/*.rng) fonts/fonts.conf

.PHONY: all deps fonts check check-asan check-valgrind bench fuzz install uninstall clean format ofd-reader
.DELETE_ON_ERROR:

all: deps fonts gongwen $(PDFS) $(HISTORY_PDFS)

# Debian packages: installed when root, otherwise the exact command is printed.
deps:
	@tools/deps.sh

# The free fonts, out of pinned Debian packages, checked against fonts/SHA256SUMS.
fonts: deps
	@tools/fetch-fonts.sh

build build/asan:
	@mkdir -p $@

build/%.o: src/%.c | build deps
	@echo "  CC      $<"
	$(Q)$(CC) $(WARN) $(CFLAGS) -Iinclude $(PKG_CFLAGS) -DGW_DATADIR='"$(DATADIR)"' -MMD -MP -c $< -o $@

gongwen: $(OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $(OBJS) $(PKG_LIBS) -lm

# The same program with AddressSanitizer and UndefinedBehaviorSanitizer, for `make check`.
build/asan/%.o: src/%.c | build/asan deps
	@echo "  CC      $< (sanitizers)"
	$(Q)$(CC) $(WARN) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude $(PKG_CFLAGS) -DGW_DATADIR='"$(DATADIR)"' -MMD -MP -c $< -o $@

build/gongwen-asan: $(ASAN_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) -fsanitize=address,undefined -o $@ $(ASAN_OBJS) $(PKG_LIBS) -lm

out:
	@mkdir -p $@

out/%.pdf: sources/%.xml gongwen $(DATA) fonts/.verified | out
	@echo "  RENDER  $@"
	$(Q)./gongwen render $< -o $@

.SECONDEXPANSION:
$(HISTORY_PDFS): out/%.pdf: $$(wildcard sources/$$*/*.xml) gongwen $(DATA) fonts/.verified | out
	@echo "  RENDER  $@"
	$(Q)./gongwen render sources/$* -o $@

fonts/.verified: fonts

# C unit tests of modules that need no fonts, built with the sanitizers.
# clang where it is installed (`make fuzz` installs it): its UBSan also catches arithmetic on
# null pointers, which gcc's does not.
UNIT_CC = $(shell command -v $(CLANG) >/dev/null 2>&1 && echo $(CLANG) || echo $(CC))
build/unit_linebreak: tests/unit/linebreak.c src/linebreak.c src/base.c src/linebreak.h | build
	@echo "  CC      $@"
	$(Q)$(UNIT_CC) $(WARN) -O1 -g -fsanitize=address,undefined -Isrc -Iinclude tests/unit/linebreak.c src/linebreak.c src/base.c -lm -o $@

# Fuzzing: libFuzzer targets built with clang; `make fuzz` runs each for FUZZ_SECONDS. Inputs
# that crash land in fuzz/regressions/TARGET/, which `make check` replays (with gcc's
# sanitizers, no clang needed) together with the seed corpus.
FUZZ_SECONDS ?= 60
CLANG ?= clang
FUZZ_TARGETS := source linebreak import
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Iinclude $(PKG_CFLAGS) -DGW_FUZZ_DATADIR='"$(CURDIR)"'

build/fuzz:
	@mkdir -p $@

build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_ctx.h $(LIB_SRCS) | build/fuzz
	@echo "  CLANG   $@"
	$(Q)$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined $< $(LIB_SRCS) $(PKG_LIBS) -lm -o $@

build/fuzz/replay_%: fuzz/fuzz_%.c fuzz/fuzz_ctx.h fuzz/replay.c $(LIB_SRCS) | build/fuzz deps
	@echo "  CC      $@"
	$(Q)$(CC) $(FUZZ_FLAGS) -fsanitize=address,undefined fuzz/replay.c $< $(LIB_SRCS) $(PKG_LIBS) -lm -o $@

fuzz: all
	@tools/deps.sh --fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@mkdir -p build/fuzz/corpus/source build/fuzz/corpus/linebreak build/fuzz/corpus/import
	@cp sources/*.xml tests/data/*.xml tests/data/bad/*.xml build/fuzz/corpus/source/
	@cp tests/data/import/*.txt build/fuzz/corpus/import/
	@cp ../shared/corpus/*.txt ../shared/seeds/*.txt build/fuzz/corpus/import/ 2>/dev/null || true
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		LSAN_OPTIONS=suppressions=tests/sanitizers.supp \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=fuzz/regressions/$$t/ build/fuzz/corpus/$$t fuzz/regressions/$$t \
			|| exit 1; \
	done

# The OFD reader that tests/test_ofd.py compares with the PDF: ofd.js (pinned in
# tools/ofd/package-lock.json) in Debian's Chromium. Where either cannot be installed, check
# goes on and that test says why it skips or fails.
OFD_READER := tools/ofd/node_modules/.package-lock.json

ofd-reader:
	@tools/deps.sh --reader || echo "check: no Chromium or Node.js for the OFD reader test"
	@$(MAKE) -s --no-print-directory $(OFD_READER) || echo "check: npm ci failed in tools/ofd"

$(OFD_READER): tools/ofd/package.json tools/ofd/package-lock.json
	@echo "  NPM     tools/ofd"
	$(Q)cd tools/ofd && npm ci --no-audit --no-fund --loglevel=error

check: all build/gongwen-asan build/unit_linebreak $(FUZZ_TARGETS:%=build/fuzz/replay_%) ofd-reader
	@python3 tests/run.py

bench: all
	@tools/bench.sh

install: gongwen
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/stylesheets $(DESTDIR)$(DATADIR)/schema \
		$(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)/web $(DESTDIR)$(MANDIR)/man1
	install -m755 gongwen $(DESTDIR)$(BINDIR)/gongwen
	install -m644 stylesheets/*.xsl $(DESTDIR)$(DATADIR)/stylesheets/
	install -m644 schema/*.rng $(DESTDIR)$(DATADIR)/schema/
	install -m644 web/* $(DESTDIR)$(DATADIR)/web/
	install -m644 fonts/fonts.conf fonts/SHA256SUMS fonts/README.md $(DESTDIR)$(DATADIR)/fonts/
	install -m644 $$(sed 's/^[0-9a-f]*  //' fonts/SHA256SUMS | sed 's|^|fonts/|') $(DESTDIR)$(DATADIR)/fonts/
	install -m644 doc/gongwen.1 $(DESTDIR)$(MANDIR)/man1/gongwen.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gongwen $(DESTDIR)$(MANDIR)/man1/gongwen.1
	rm -rf $(DESTDIR)$(DATADIR)

format:
	clang-format -i src/*.c src/*.h include/*.h

clean:
	rm -rf build gongwen out

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)
