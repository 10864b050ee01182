"""PNG previews (issue 6) are the PDF's pages: gongwen's PNG of a page and poppler's rendering of
the PDF at the same resolution agree pixel for pixel within a small tolerance."""
import os
import struct
import subprocess
import zlib

from tests.lib import GONGWEN, ROOT, tmpdir
from tests.lib import pdfprobe as pp

DPI = 72  # the size of a screen preview


def png_pixels(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA PNG, unfiltered."""
    with open(path, 'rb') as f:
        data = f.read()
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, colour = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    bpp = {2: 3, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[i] for i in range(stride) if bpp == 3 or i % 4 != 3))
        prev = line
    return w, h, rows


def test_png_preview_matches_the_pdf():
    d = tmpdir()
    src = os.path.join(ROOT, 'sources', 'han-letter.xml')
    pdf = os.path.join(d, 'x.pdf')
    assert subprocess.run([GONGWEN, 'render', src, '-o', pdf]).returncode == 0
    assert subprocess.run([GONGWEN, 'render', src, '-f', 'png', '--dpi', str(DPI),
                           '-o', os.path.join(d, 'p.png')]).returncode == 0
    ours = png_pixels(os.path.join(d, 'p-1.png'))
    img = pp.raster(pdf, 1, dpi=DPI)
    # 595.28 pt at 72 dpi: cairo rounds to 595 pixels, poppler up to 596.
    assert abs(ours[0] - img.width) <= 1 and abs(ours[1] - img.height) <= 1, (
        ours[:2], img.width, img.height)
    width, height = min(ours[0], img.width), min(ours[1], img.height)
    # Rasterisers differ at glyph edges (anti-aliasing, hinting); compared over blocks of 6 × 6
    # pixels (2 mm), the two pages agree: the same ink in the same places.
    B = 6
    blocks, off_blocks, inked = 0, 0, 0
    for by in range(0, height - B, B):
        rows_a = ours[2][by:by + B]
        rows_b = [img.row(y) for y in range(by, by + B)]
        for bx in range(0, width - B, B):
            sa = sum(sum(r[3 * bx:3 * (bx + B)]) for r in rows_a) / (B * B * 3)
            sb = sum(sum(r[3 * bx:3 * (bx + B)]) for r in rows_b) / (B * B * 3)
            blocks += 1
            inked += sb < 240
            off_blocks += abs(sa - sb) > 32
    assert inked > 500, 'the page has ink'
    assert off_blocks < blocks * 0.005, '%d of %d blocks differ (%d inked)' % (
        off_blocks, blocks, inked)
