#!/bin/bash
# Put the free substitute fonts into fonts/ (next to this tools/ directory)
# and build the fontconfig cache for fonts/fonts.conf, so that gongwen's
# output never depends on the fonts installed on the machine.
#
#   tools/fetch-fonts.sh
#
# The files are taken out of pinned Debian packages (byte-identical
# everywhere) and checked against fonts/SHA256SUMS.  The .debs are kept in
#   ${GONGWEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gongwen}/debs
# outside the clone, so fresh clones need no download.  Idempotent: when all
# files are present and verified (stamp fonts/.verified) it does no work and
# prints nothing.
set -euo pipefail

# file name in fonts/ | Debian package | pinned version | path inside the .deb
FONT_TABLE='
FandolFang-Regular.otf   texlive-lang-chinese  2022.20230122-1        ./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf
FandolKai-Regular.otf    texlive-lang-chinese  2022.20230122-1        ./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolKai-Regular.otf
NotoSerifCJK-Black.ttc   fonts-noto-cjk-extra  1:20220127+repack1-1   ./usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc
NotoSansCJK-Medium.ttc   fonts-noto-cjk-extra  1:20220127+repack1-1   ./usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc
NotoSerifCJK-Regular.ttc fonts-noto-cjk        1:20220127+repack1-1   ./usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
gkai00mp.ttf             fonts-arphic-gkai00mp 2.11-16                ./usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf
'

# Role checks after building the fontconfig cache: requested family -> file:index.
ROLE_CHECKS='
FangSong_GB2312      FandolFang-Regular.otf:0
FZXiaoBiaoSong\-B05S NotoSerifCJK-Black.ttc:2
SimHei               NotoSansCJK-Medium.ttc:2
KaiTi_GB2312         gkai00mp.ttf:0
SimSun               NotoSerifCJK-Regular.ttc:2
'

here=$(cd "$(dirname "$0")" && pwd -P)
fonts=$(cd "$here/.." && pwd -P)/fonts
sums=$fonts/SHA256SUMS
conf=$fonts/fonts.conf
stamp=$fonts/.verified
debs=${GONGWEN_CACHE:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/gongwen}/debs

die() { echo "gongwen: fonts: $*" >&2; exit 1; }
say() { echo "fonts: $*" >&2; }

[ -f "$sums" ] || die "missing $sums"
[ -f "$conf" ] || die "missing $conf"
for tool in dpkg-deb tar sha256sum fc-cache fc-list fc-match; do
    command -v "$tool" >/dev/null || die "'$tool' not found (run tools/deps.sh)"
done

mapfile -t names < <(echo "$FONT_TABLE" | awk 'NF { print $1 }')

# What the stamp records: size, mtime, ctime and inode of every input.  A file
# that is replaced or touched no longer matches, and is hashed again.
stamp_state() {
    (cd "$fonts" && stat -c '%n %s %Y %Z %i' SHA256SUMS fonts.conf "${names[@]}") 2>/dev/null
}

tmpdirs=()
cleanup() { [ ${#tmpdirs[@]} -eq 0 ] || rm -rf "${tmpdirs[@]}"; }
trap cleanup EXIT

# Fast path: everything verified before and nothing changed since.  Only make
# sure the fontconfig cache still exists (fc-cache without -f: a no-op when
# it is valid).
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(stamp_state || true)" ]; then
    FONTCONFIG_FILE=$conf fc-cache >/dev/null 2>&1 || true
    exit 0
fi

expected_sum() {  # name -> sha256 from SHA256SUMS
    awk -v n="$1" '$2 == n || $2 == "*" n { print $1; exit }' "$sums"
}
actual_sum() { sha256sum "$1" | awk '{ print $1 }'; }

# 1. Which files are missing or do not match SHA256SUMS?
need=""
for name in "${names[@]}"; do
    want=$(expected_sum "$name")
    [ -n "$want" ] || die "$name has no entry in $sums"
    if [ ! -f "$fonts/$name" ]; then
        need="$need $name"
    elif [ "$(actual_sum "$fonts/$name")" != "$want" ]; then
        say "$name does not match SHA256SUMS, extracting it again"
        need="$need $name"
    fi
done

have_apt_lists() { ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; }

# 2. Make sure the pinned .deb is in the cache; sets $deb to its path.
ensure_deb() {  # package version
    local pkg=$1 ver=$2 tmp
    deb=$debs/${pkg}_${ver//:/%3a}_all.deb
    if [ ! -f "$deb" ]; then
        mkdir -p "$debs"
        say "downloading $pkg $ver into $debs"
        if [ "$(id -u)" = 0 ]; then
            have_apt_lists || apt-get -q update >&2
            # apt downloads as user _apt: give it a directory it can write
            # (the cache may be under /root, which _apt cannot enter).
            tmp=$(mktemp -d)
            tmpdirs+=("$tmp")
            if getent passwd _apt >/dev/null; then chown _apt "$tmp"; fi
        else
            tmp=$(mktemp -d "$debs/.download.XXXXXX")
            tmpdirs+=("$tmp")
        fi
        if ! (cd "$tmp" && apt-get -q download "$pkg=$ver") >&2; then
            if [ "$(id -u)" = 0 ]; then die "apt-get download $pkg=$ver failed"; fi
            printf 'gongwen: fonts: cannot download %s=%s; run:\n  sudo apt-get update && (cd %q && apt-get download %q)\n' \
                "$pkg" "$ver" "$debs" "$pkg=$ver" >&2
            exit 1
        fi
        [ -f "$tmp/${deb##*/}" ] || die "apt-get download did not produce ${deb##*/}"
        # Into the cache atomically: copy next to it, then rename.
        cp "$tmp/${deb##*/}" "$deb.part.$$"
        mv -f "$deb.part.$$" "$deb"
        rm -rf "$tmp"
    fi
    if [ "$(dpkg-deb -f "$deb" Package)" != "$pkg" ] || [ "$(dpkg-deb -f "$deb" Version)" != "$ver" ]; then
        die "$deb is not $pkg $ver; delete it and run again"
    fi
}

# 3. Extract what is needed, one pass per package, then check and move into
#    place (rename within fonts/, so a file is either old or complete).
if [ -n "$need" ]; then
    for pkg in $(echo "$FONT_TABLE" | awk 'NF { print $2 }' | uniq); do
        files=() members=() ver=""
        while read -r name p v member; do
            [ "$p" = "$pkg" ] || continue
            case " $need " in *" $name "*) ;; *) continue ;; esac
            files+=("$name"); members+=("$member"); ver=$v
        done <<<"$FONT_TABLE"
        [ ${#files[@]} -gt 0 ] || continue
        ensure_deb "$pkg" "$ver"
        for name in "${files[@]}"; do say "extracting $name from $pkg"; done
        tmp=$(mktemp -d "$fonts/.extract.XXXXXX")
        tmpdirs+=("$tmp")
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "${members[@]}" ||
            die "cannot extract ${files[*]} from $deb"
        for i in "${!files[@]}"; do
            name=${files[$i]}
            f=$tmp/${members[$i]}
            [ "$(actual_sum "$f")" = "$(expected_sum "$name")" ] ||
                die "$name extracted from $pkg $ver does not match $sums (is $deb damaged? delete it and run again)"
            chmod 644 "$f"
            mv -f "$f" "$fonts/$name"
        done
        rm -rf "$tmp"
    done
fi

# 4. Verify every file (the ones kept were checked in step 1, the new ones in
#    step 3; this is the single source of truth, in sha256sum -c format).
(cd "$fonts" && for name in "${names[@]}"; do printf '%s  %s\n' "$(expected_sum "$name")" "$name"; done |
    sha256sum --quiet --strict -c -) >&2 ||
    die "verification against $sums failed"

# 5. Record the verified state.  Written before the fontconfig cache is
#    built: creating a file in fonts/ changes the directory's mtime, which
#    would make the cache stale again.
state=$(stamp_state)
printf '%s\n' "$state" >"$stamp.tmp.$$"
mv -f "$stamp.tmp.$$" "$stamp"
unstamp_die() { rm -f "$stamp"; die "$@"; }

# 6. Build the fontconfig cache for our isolated configuration and check that
#    it sees exactly our files and resolves every role.
say "building fontconfig cache"
FONTCONFIG_FILE=$conf fc-cache -f >&2 ||
    say "warning: fc-cache failed; gongwen will scan the fonts on every run"
listed=$(FONTCONFIG_FILE=$conf fc-list -f '%{file}\n' | sort -u)
expected=$(for name in "${names[@]}"; do echo "$fonts/$name"; done | sort)
[ "$listed" = "$expected" ] ||
    unstamp_die "fontconfig with $conf lists other files than ours:
$listed"
while read -r family want; do
    [ -n "$family" ] || continue
    got=$(FONTCONFIG_FILE=$conf fc-match -f '%{file}:%{index}' "$family")
    [ "$got" = "$fonts/$want" ] || unstamp_die "$family resolves to $got, expected fonts/$want"
done <<<"$ROLE_CHECKS"
say "ok: ${#names[@]} files verified in $fonts"
