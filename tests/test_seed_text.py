"""The seed's text survives unchanged from ../shared/seeds/ to the PDF, except where GB/T 9704
demands otherwise: （2020） becomes 〔2020〕, the half-width (六)…(九) become （六）…（九）, the sentence
broken at a page break (坚持 / 管用防并举) is one paragraph again, and the organ signs above the date."""
import os
import re
import subprocess

from tests.lib import GONGWEN, ROOT, Skip, tmpdir

SEED_TXT = os.path.join(ROOT, '..', 'shared', 'seeds', '000_c837b8b0243ff83c.txt')
SEED_XML = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')


def pdf_text():
    pdf = os.path.join(tmpdir(), 'seed.pdf')
    r = subprocess.run([GONGWEN, 'render', SEED_XML, '-o', pdf], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(['pdftotext', '-layout', pdf, '-'], capture_output=True,
                          text=True).stdout
    lines = [l for l in text.splitlines() if not re.fullmatch(r'\s*—\s*\d+\s*—\s*', l)]
    return re.sub(r'\s+', '', ''.join(lines))


def seed_paragraphs():
    if not os.path.exists(SEED_TXT):
        raise Skip('the seed text is not beside the repository (../shared/seeds)')
    with open(SEED_TXT, encoding='utf-8') as f:
        paras = [l.strip() for l in f if l.strip()]
    joined = []
    for p in paras:
        if joined and joined[-1].endswith('坚持') and p.startswith('管用防并举'):
            joined[-1] += p  # the page break inside a sentence
        else:
            joined.append(p)
    return joined


def normalise(p):
    p = p.replace('（2020）', '〔2020〕')
    p = re.sub(r'^\((六|七|八|九)\)\s*', r'（\1）', p)
    return re.sub(r'\s+', '', p)


def test_every_seed_paragraph_is_in_the_pdf_unchanged():
    text = pdf_text()
    missing = [p for p in seed_paragraphs() if normalise(p) not in text]
    assert not missing, 'paragraphs not found verbatim in the PDF: %r' % missing


def test_the_pdf_adds_only_the_signature():
    # Everything in the PDF comes from the seed, apart from the signature the standard asks for.
    text = pdf_text()
    for p in seed_paragraphs():
        text = text.replace(normalise(p), '', 1)
    assert text == '中共大同师范高等专科学校委员会', 'unexpected text in the PDF: %r' % text
