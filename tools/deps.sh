#!/bin/sh
# Ensure the Debian packages gongwen needs to build, test and run are installed.
#
#   tools/deps.sh            install what is missing (as root), or tell how to
#   tools/deps.sh --check    only report; exit 1 if anything is missing
#   tools/deps.sh --reader   also what the OFD reader test needs (Chromium, Node.js)
#
# Silent and exit 0 when everything is installed.
set -eu

# Edit this list to add or remove build/test dependencies.
PACKAGES="gcc make pkg-config libxml2-dev libxslt1-dev libcairo2-dev
libpango1.0-dev libharfbuzz-dev librsvg2-dev libicu-dev libfreetype-dev libfontconfig-dev
poppler-utils python3 xsltproc libxml2-utils valgrind fontconfig time libzip-dev
libmicrohttpd-dev zlib1g-dev qpdf"

# `make fuzz` needs clang and its libFuzzer runtime as well.
FUZZ_PACKAGES="clang-14 libclang-rt-14-dev"

# `make check` reads the OFD back with ofd.js (tools/ofd/) in headless Chromium. Node.js may
# come from elsewhere than Debian (the machine's own); only a missing one is asked for.
READER_PACKAGES="chromium"
command -v npm >/dev/null 2>&1 || READER_PACKAGES="$READER_PACKAGES nodejs npm"

check_only=0
for arg in "$@"; do
    case "$arg" in
        --check) check_only=1 ;;
        --fuzz) PACKAGES="$PACKAGES $FUZZ_PACKAGES" ;;
        --reader) PACKAGES="$PACKAGES $READER_PACKAGES" ;;
        -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--check] [--fuzz] [--reader]" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
missing=${missing# }

[ -z "$missing" ] && exit 0

if [ "$check_only" = 1 ]; then
    echo "gongwen: missing Debian packages: $missing" >&2
    exit 1
fi

if [ "$(id -u)" != 0 ]; then
    printf 'gongwen: missing Debian packages: %s\nrun: sudo apt-get install -y --no-install-recommends %s\n' \
        "$missing" "$missing" >&2
    exit 1
fi

echo "deps: installing $missing" >&2
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    apt-get update
fi
# shellcheck disable=SC2086  # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
