"""Helpers the geometry tests share: line cells on the grid, and collecting every mismatch of a
test into one failure message (mm throughout)."""
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
