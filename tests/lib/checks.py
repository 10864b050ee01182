"""Helpers the geometry tests share: line cells on the grid, and collecting every mismatch of a
test into one failure message (mm throughout); a rendered PDF's cached views."""
import re

from tests.lib import pdfprobe as pp

PT = pp.PT
P = 225 / 22          # the line pitch, mm
BODY_PT = 16.0
KAI_NAMES = ('GBZenKai', 'KaitiM')  # 楷体: AR PL KaitiM GB (PostScript GBZenKai-Medium)


def cell_top(em_top, size_pt=BODY_PT):
    """Top of the P-high line cell whose em box (size_pt) is centred in it."""
    return em_top - (P - size_pt * PT) / 2


def cell_bottom(em_bottom, size_pt=BODY_PT):
    return em_bottom + (P - size_pt * PT) / 2


def em_top_in_cell(top, size_pt=BODY_PT):
    return top + (P - size_pt * PT) / 2


def off(actual, expected, tol, what):
    """'' if |actual - expected| <= tol, else a message with actual, expected and difference."""
    d = actual - expected
    if abs(d) <= tol:
        return ''
    return '%s: got %.3f mm, expected %.3f mm +- %g (off by %+.3f mm)' % (what, actual, expected, tol, d)


def fail_if(errors, head=''):
    """Raise one AssertionError listing every non-empty message."""
    errors = [e for e in errors if e]
    if errors:
        more = '' if len(errors) <= 25 else '\n  ... and %d more' % (len(errors) - 25)
        raise AssertionError((head + ': ' if head else '') + '%d problem(s):\n  ' % len(errors)
                             + '\n  '.join(errors[:25]) + more)


def is_red(rgb):
    (rlo, rhi), (glo, ghi), (blo, bhi) = pp.COLOURS['red']
    r, g, b = rgb
    return rlo <= r <= rhi and glo <= g <= ghi and blo <= b <= bhi


def is_kai(font):
    return any(k.lower() in font.lower() for k in KAI_NAMES)


class TLine:
    """One printed line: the pdftohtml runs that share a page and a baseline, left to right."""

    def __init__(self, runs):
        self.runs = sorted(runs, key=lambda r: r.x0)
        self.page = runs[0].page
        self.text = ''.join(r.text for r in self.runs)
        self.x0 = min(r.x0 for r in runs)
        self.x1 = max(r.x1 for r in runs)
        self.baseline = self.runs[0].baseline
        self.size = max(r.size for r in runs)
        ems = [pp.em_box(r) for r in runs]
        self.em_top = min(e.y0 for e in ems)
        self.em_bottom = max(e.y1 for e in ems)

    cx = property(lambda s: (s.x0 + s.x1) / 2)
    cell_top = property(lambda s: cell_top(s.em_top, s.size))
    cell_bottom = property(lambda s: cell_bottom(s.em_bottom, s.size))

    def __repr__(self):
        return 'p%d %r x=%.3f..%.3f baseline=%.3f %.1fpt' % (
            self.page, self.text, self.x0, self.x1, self.baseline, self.size)


def text_lines(pdf):
    """The PDF's printed lines (TLine), page by page, top to bottom."""
    runs = sorted(pp.text_runs(pdf), key=lambda r: (r.page, r.baseline, r.x0))
    groups = []
    for r in runs:
        g = groups[-1] if groups else None
        if g and g[0].page == r.page and abs(g[0].baseline - r.baseline) < 0.3:
            g.append(r)
        else:
            groups.append([r])
    return [TLine(g) for g in groups]


FOLIO = re.compile(r'—\s*(\d+)\s*—')
AREA_BOTTOM = 262.0   # the type area's bottom edge, mm from the top of the page


def is_folio(line):
    """A page number: "— N —" below the type area."""
    return bool(FOLIO.fullmatch(line.text.strip())) and line.em_top > AREA_BOTTOM


class RenderedPDF:
    """A rendered PDF's lines, runs and rasters, each read once. A subclass sets self.pdf and
    calls _reset() when it makes an instance."""
    DPI = 300

    def _reset(self):
        self._lines, self._rasters = None, {}

    @property
    def npages(self):
        return pp.pdf_info(self.pdf)['Pages']

    def raster(self, page):
        if page not in self._rasters:
            self._rasters[page] = pp.raster(self.pdf, page, self.DPI)
        return self._rasters[page]

    def runs(self, page=None):
        return pp.text_runs(self.pdf, page)

    def lines(self, page=None):
        if self._lines is None:
            self._lines = text_lines(self.pdf)
        return [l for l in self._lines if page is None or l.page == page]

    def text_lines(self):
        """Every line but the page numbers, in reading order."""
        return [l for l in self.lines() if not is_folio(l)]

    def after(self, line):
        """The line printed right after `line` (reading order, page numbers skipped), or None."""
        ls = self.text_lines()
        i = next(i for i, l in enumerate(ls) if l is line)
        return ls[i + 1] if i + 1 < len(ls) else None

    def before(self, line):
        ls = self.text_lines()
        i = next(i for i, l in enumerate(ls) if l is line)
        return ls[i - 1] if i else None
