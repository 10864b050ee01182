"""`gongwen import` on real plain texts: the seed (../shared/seeds/) and the seven documents of
../shared/corpus/ (see its README). Each text is imported once into a module temp dir; the
tests then check, per file:

    import[F]        `gongwen import F.txt -o F.xml` exits 0 and writes a <document>
    validate[F]      `gongwen validate F.xml` exits 0
    render[F]        `gongwen render F.xml -o F.pdf` exits 0
    report[F]        `--report` notes read `FILE:LINE: note: ...`, LINE inside the text
    fields[F]        kind, title, number, signer, organs, addressee, signatures, date, note, colophon
    attachments[F]   per attachment: label, title, 题注, addressee, closing, tables and rows
    counts[F]        chapters, sections, articles, items, points by depth, tables, rows
    headings[F]      a sample of point (and chapter) headings; points without one
    nothing_lost[F]  the text's characters are all in the XML, and nothing else is (below)
    pdf_text[F]      every paragraph of the text starts (first 12 characters) somewhere in the PDF

The expectations (tests/data/import_expect.json) were written by reading the texts, not by
running the importer; ambiguous cases and how they were decided are in each file's "notes".
Every failure message begins with the file's name and the field that differs.

The texts are not part of the repository: without ../shared the tests skip. A gongwen without an
`import` command (exit 2, "unknown command") fails them, and says so.
"""
import collections
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from tests.lib import GONGWEN, ROOT, Skip, module_tmpdir

NS = 'urn:gongwen:source:1'
G = {'g': NS}
EXPECT_FILE = os.path.join(ROOT, 'tests', 'data', 'import_expect.json')
with open(EXPECT_FILE, encoding='utf-8') as _f:
    EXPECT = json.load(_f)['files']


def q(tag):
    return '{%s}%s' % (NS, tag)


def local(el):
    return el.tag.rsplit('}', 1)[-1]


# --- running gongwen, once per file -------------------------------------------------------------

def gw(*args):
    return subprocess.run([GONGWEN, *args], capture_output=True, text=True, timeout=300)


def brief(text, n=600):
    """stderr shortened for a message: its error lines first, when it has any."""
    text = (text or '').strip()
    errors = [l for l in text.splitlines() if ': error' in l]
    if errors:
        text = '\n'.join(errors)
    return text if len(text) <= n else text[:n] + ' ...'


class Imported:
    """One text imported (and, on demand, validated and rendered), each step run once."""

    def __init__(self, name):
        self.name = name
        self.exp = EXPECT[name]
        self.rel = self.exp['path']                      # relative to the repository
        self.txt = os.path.join(ROOT, self.rel)
        d = os.path.join(module_tmpdir('import_corpus'), name)
        os.makedirs(d, exist_ok=True)
        self.xml = os.path.join(d, name + '.xml')
        self.pdf = os.path.join(d, name + '.pdf')
        self.report_xml = os.path.join(d, name + '-report.xml')
        self._import = self._validate = self._render = self._report = self._root = None

    def require_text(self):
        if not os.path.exists(self.txt):
            raise Skip('%s: %s is not beside the repository (../shared is missing)' % (self.name, self.rel))

    def _check_known(self, r, what):
        if r.returncode == 2 and 'unknown command' in r.stderr:
            raise AssertionError('%s: %s: this gongwen (%s) has no `import` command yet (exit 2: %s)'
                                 % (self.name, what, GONGWEN, brief(r.stderr, 200)))

    def imported(self):
        """Run the import (once); raise AssertionError with the reason when it failed."""
        self.require_text()
        if self._import is None:
            self._import = gw('import', self.rel, '-o', self.xml)
        r = self._import
        self._check_known(r, 'import')
        assert r.returncode == 0, '%s: import: `gongwen import %s` exited %d: %s' % (
            self.name, self.rel, r.returncode, brief(r.stderr))
        assert os.path.exists(self.xml), '%s: import: exited 0 but wrote no %s' % (self.name, self.xml)
        return r

    def root(self):
        if self._root is None:
            self.imported()
            try:
                self._root = ET.parse(self.xml).getroot()
            except ET.ParseError as e:
                raise AssertionError('%s: import: the output is not well-formed XML: %s' % (self.name, e))
            assert self._root.tag == q('document'), '%s: import: the root is <%s>, not {%s}document' % (
                self.name, self._root.tag, NS)
        return self._root

    def validated(self):
        self.root()
        if self._validate is None:
            self._validate = gw('validate', self.xml)
        r = self._validate
        assert r.returncode == 0, '%s: validate: `gongwen validate` exited %d: %s (output kept in %s)' % (
            self.name, r.returncode, brief(r.stderr), os.path.dirname(self.xml))

    def rendered(self):
        self.validated()
        if self._render is None:
            self._render = gw('render', self.xml, '-o', self.pdf)
        r = self._render
        assert r.returncode == 0, '%s: render: `gongwen render` exited %d: %s' % (
            self.name, r.returncode, brief(r.stderr))
        assert os.path.exists(self.pdf), '%s: render: exited 0 but wrote no PDF' % self.name
        return self.pdf

    def report(self):
        self.imported()
        if self._report is None:
            self._report = gw('import', '--report', self.rel, '-o', self.report_xml)
        r = self._report
        assert r.returncode == 0, '%s: report: `gongwen import --report` exited %d: %s' % (
            self.name, r.returncode, brief(r.stderr))
        return r.stderr


_cache = {}


def doc(name):
    if name not in _cache:
        _cache[name] = Imported(name)
    return _cache[name]


def fail_if(name, what, errors):
    errors = [e for e in errors if e]
    if errors:
        more = '' if len(errors) <= 30 else '\n  ... and %d more' % (len(errors) - 30)
        raise AssertionError('%s: %s: %d difference(s):\n  ' % (name, what, len(errors))
                             + '\n  '.join(errors[:30]) + more)


# --- reading the output --------------------------------------------------------------------------

def oneline(s):
    """An element's text as one line: the file's line breaks (with their indentation) removed."""
    return re.sub(r'\s*\n\s*', '', s or '').strip()


def text_of(el):
    """Text of an element with its <br/> (and any other child elements' tags) removed."""
    return None if el is None else oneline(''.join(el.itertext()))


def nospace(s):
    return None if s is None else re.sub(r'\s+', '', s)


def title_breaks(title):
    return None if title is None else len(title.findall('g:br', G))


def same_circle(s):
    return None if s is None else s.replace('\u25cb', '\u3007')


def bare_note(s):
    """A 题注 compared without its parentheses and whitespace; ○ (U+25CB) taken as 〇 (U+3007)."""
    if s is None:
        return None
    s = nospace(same_circle(s))
    return re.sub(r'^[（(](.*)[）)]$', r'\1', s)


def field(errors, what, got, want):
    if got != want:
        errors.append('%s: got %r, expected %r' % (what, got, want))


def closing_fields(errors, where, parent, exp):
    closing = parent.find('g:closing', G)
    if 'signatures' in exp:
        got = [] if closing is None else [oneline(s.text) for s in closing.findall('g:signature', G)]
        field(errors, where + 'signatures', got, exp['signatures'] or [])
    if 'date' in exp:
        d = None if closing is None else closing.find('g:date', G)
        field(errors, where + 'date', None if d is None else oneline(d.text), exp['date'])


def point_depth(parents, el):
    depth, p = 0, el
    while p is not None and local(p) == 'point':
        depth += 1
        p = parents.get(p)
    return depth


def structure_counts(root):
    parents = {c: p for p in root.iter() for c in p}
    c = collections.Counter()
    for el in root.iter():
        t = local(el)
        if t in ('chapter', 'section', 'article', 'item', 'table'):
            c[t + 's'] += 1
        elif t == 'point':
            c['points_depth%d' % min(point_depth(parents, el), 4)] += 1
        elif t == 'row':
            c['table_rows'] += 1
    return c


# --- the checks ----------------------------------------------------------------------------------

def check_import(name):
    doc(name).root()


def check_validate(name):
    doc(name).validated()


def check_render(name):
    d = doc(name)
    pdf = d.rendered()
    r = subprocess.run(['pdfinfo', pdf], capture_output=True, text=True)
    assert r.returncode == 0 and re.search(r'^Pages:\s+[1-9]', r.stdout, re.M), \
        '%s: render: pdfinfo cannot read the PDF: %s' % (name, brief(r.stderr))


NOTE = re.compile(r'^(?P<file>.+?):(?P<line>\d+): note: \S')


def check_report(name):
    d = doc(name)
    stderr = d.report()
    with open(d.txt, encoding='utf-8') as f:
        nlines = len(f.read().splitlines())
    errors, notes = [], 0
    for line in stderr.splitlines():
        m = NOTE.match(line)
        if not m:
            continue
        notes += 1
        if os.path.basename(m.group('file')) != os.path.basename(d.rel):
            errors.append('note names another file: %r' % line)
        if not 1 <= int(m.group('line')) <= nlines:
            errors.append('note points outside the text (1..%d): %r' % (nlines, line))
    if not notes:
        errors.append('no line of the form FILE:LINE: note: ... on stderr; got %r' % brief(stderr, 300))
    fail_if(name, 'report', errors)


def check_fields(name):
    d = doc(name)
    root, exp, errors = d.root(), d.exp, []
    field(errors, 'kind', root.get('kind'), exp['kind'])
    title = root.find('g:title', G)
    field(errors, 'title', text_of(title), exp['title'])
    if 'title_breaks' in exp:
        field(errors, 'title_breaks (<br/> in the title)', title_breaks(title), exp['title_breaks'])
    num = root.find('g:head/g:number', G)
    got = None if num is None else {k: num.get(k) for k in ('code', 'year', 'seq')}
    field(errors, 'number', got, exp['number'])
    signers = [oneline(s.text) for s in root.findall('g:head/g:signer', G)]
    field(errors, 'signer', signers, [] if exp['signer'] is None else [exp['signer']])
    if 'organs' in exp:
        field(errors, 'organs (head/organ)', [oneline(o.text) for o in root.findall('g:head/g:organ', G)],
              exp['organs'])
    addr = text_of(root.find('g:addressee', G))
    want = exp['addressee_prefix']
    field(errors, 'addressee_prefix', None if addr is None else addr[:max(10, len(want or ''))], want)
    closing_fields(errors, '', root, exp)
    field(errors, 'note', text_of(root.find('g:note', G)), exp['note'])
    if 'colophon' in exp:
        col = root.find('g:colophon', G)
        got = None if col is None else {k: text_of(col.find('g:' + k, G)) for k in ('printer', 'printed')}
        field(errors, 'colophon', got, exp['colophon'])
    fail_if(name, 'fields', errors)


def check_attachments(name):
    d = doc(name)
    root, errors = d.root(), []
    atts = root.findall('g:attachment', G)
    want = d.exp['attachments']
    if len(atts) != len(want):
        errors.append('attachments: got %d, expected %d (titles got: %r)'
                      % (len(atts), len(want), [text_of(a.find('g:title', G)) for a in atts]))
    for i, (a, e) in enumerate(zip(atts, want), 1):
        w = 'attachment %d ' % i
        field(errors, w + 'label', a.get('label', 'yes'), e['label'])
        title = a.find('g:title', G)
        field(errors, w + 'title', text_of(title), e['title'])
        if 'title_breaks' in e:
            field(errors, w + 'title_breaks', title_breaks(title), e['title_breaks'])
        if 'title_note' in e:
            field(errors, w + 'title_note', bare_note(text_of(a.find('g:title-note', G))),
                  bare_note(e['title_note']))
        field(errors, w + 'has_addressee', a.find('g:addressee', G) is not None, e['has_addressee'])
        field(errors, w + 'has_closing', a.find('g:closing', G) is not None, e['has_closing'])
        closing_fields(errors, w, a, e)
        if 'article_style' in e:
            field(errors, w + 'article-style', a.get('article-style'), e['article_style'])
        tables = a.findall('.//g:table', G)
        field(errors, w + 'tables', len(tables), e['tables'])
        field(errors, w + 'table_rows', sum(len(t.findall('.//g:row', G)) for t in tables), e['table_rows'])
    fail_if(name, 'attachments', errors)


def check_counts(name):
    d = doc(name)
    got = structure_counts(d.root())
    errors = []
    for k, v in d.exp['counts'].items():
        field(errors, k, got.get(k, 0), v)
    fail_if(name, 'counts', errors)


def check_headings(name):
    d = doc(name)
    exp = d.exp
    root = d.root()
    parents = {c: p for p in root.iter() for c in p}
    have, headless = collections.Counter(), 0
    for p in root.iter(q('point')):
        h = p.find('g:heading', G)
        if h is not None:
            have[(point_depth(parents, p), nospace(text_of(h)))] += 1
        else:
            headless += 1
    errors = []
    if 'headless_points' in exp:
        field(errors, 'points without a heading', headless, exp['headless_points'])
    for depth, text in exp.get('headings', []):
        if not have[(depth, nospace(text))]:
            near = sorted({t[:16] for (dd, t) in have if dd == depth})[:12]
            errors.append('heading %r at depth %d: not found (depth-%d headings: %r)' % (text, depth, depth, near))
    if 'chapter_headings' in exp:
        got = [nospace(text_of(c.find('g:heading', G))) for c in root.iter(q('chapter'))]
        field(errors, 'chapter headings', got, [nospace(t) for t in exp['chapter_headings']])
    fail_if(name, 'headings', errors)


# --- nothing lost --------------------------------------------------------------------------------
#
# The multiset of counted characters (CJK ideographs, 〇, digits) of the text must equal that of
# the XML. Punctuation and whitespace are not counted (brackets are normalised, （此件公开发布）
# loses its parentheses, letter-spaced titles lose their spaces, TAB becomes cells). Both sides
# map ○ (U+25CB) to 〇 (U+3007) and full-width digits to ASCII, normalisations the importer may make.
#
# Left out of the TEXT, because the importer turns them into structure or attributes:
#   - the `# ` comment lines at the top, blank lines;
#   - the typed numbers at the start of a line: 第X章 第X节 第X条, （一）/(一), 一、, 1./1．, （1）
#     (generated again from the structure) -- but not in table rows (cell text), and not on the
#     lines a file lists as keep_marker_lines (numbered lines that stay paragraphs);
#   - attachment label lines (附件, 附件2, 附：) and the 附件说明 (附件：… and its numbered
#     continuation lines): the attachments' titles make it;
#   - the label 签发人：;
#   - a file's drop_lines (e.g. the seed's mark: it becomes head/organ, not counted below).
# Changed in the TEXT, because the importer writes them as attributes or ISO dates:
#   - the document number line (代字〔2018〕114号) becomes code + year + seq (号 is printed again);
#   - a line that is a date (2018年12月4日, 二〇〇四年十一月四日) becomes yyyy-mm-dd;
#   - a file's replace_lines (the seed's 版记 line).
# Counted in the XML: every text node of /document, plus head/number's code, year and seq;
# except head/organ (a copy of the mark or of the signature: the text has the name once) and a
# file's `supplied` elements (added without a line of the text, e.g. the seed's signature).
# So a dropped paragraph, cell, heading, title line, date or signature makes characters missing,
# and a kept 附件说明, a typed number left in the text or invented text makes characters extra.

CN_NUM = '一二三四五六七八九十百零〇'
MARKERS = [
    re.compile(r'第[%s]+[章节条]\s*' % CN_NUM),
    re.compile(r'[（(][一二三四五六七八九十百]+[）)]\s*'),
    re.compile(r'[一二三四五六七八九十百]+、\s*'),
    re.compile(r'\d+[.．](?!\d)\s*'),
    re.compile(r'[（(]\d+[）)]\s*'),
]
NUMBER_LINE = re.compile(r'(?P<code>[^\s〔（(［\[]+)\s*[〔（(［\[](?P<year>\d{4})[〕）)］\]]\s*(?P<seq>\d+)号')
DATE_ARABIC = re.compile(r'(\d{4})年(\d{1,2})月(\d{1,2})日')
DATE_CHINESE = re.compile(r'([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日')
LABEL_LINE = re.compile(r'(附件\s*\d*|附)\s*[:：]?')
ATTACHMENT_LIST = re.compile(r'附件\s*[:：]\s*\S')
LIST_CONTINUATION = re.compile(r'\d+[.．、]')
SIGNER = re.compile(r'签发人\s*[:：]\s*')

DIGIT = {c: str(i) for i, c in enumerate('〇一二三四五六七八九')}
DIGIT.update({'○': '0', '零': '0'})


def cn_small(s):
    """一 … 三十一 as an int."""
    if '十' not in s:
        return int(DIGIT[s])
    tens, _, ones = s.partition('十')
    return (int(DIGIT[tens]) if tens else 1) * 10 + (int(DIGIT[ones]) if ones else 0)


def iso_date(line):
    """The ISO form of a line that is a date and nothing else, else None."""
    s = nospace(line)
    m = DATE_ARABIC.fullmatch(s)
    if m:
        return '%04d-%02d-%02d' % tuple(int(x) for x in m.groups())
    m = DATE_CHINESE.fullmatch(s)
    if m:
        year = ''.join(DIGIT[c] for c in m.group(1))
        return '%s-%02d-%02d' % (year, cn_small(m.group(2)), cn_small(m.group(3)))
    return None


def counted(s):
    """The counted characters of s, normalised: CJK ideographs, 〇 (○ taken as 〇), digits."""
    out = []
    for ch in s or '':
        o = ord(ch)
        if 0xFF10 <= o <= 0xFF19:
            ch = chr(o - 0xFF10 + 0x30)
        elif ch == '\u25cb':
            ch = '\u3007'
        o = ord(ch)
        if (0x30 <= o <= 0x39 or o == 0x3007 or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
                or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF):
            out.append(ch)
    return ''.join(out)


def classify(name):
    """The text's lines as (lineno, kind, text kept) -- kind: text, table, number, date, signer,
    dropped, replaced, marker (text after a typed number), label, attachment-list, comment, blank."""
    d = doc(name)
    with open(d.txt, encoding='utf-8') as f:
        lines = f.read().split('\n')
    loss = d.exp.get('lossless', {})
    drop = {e['line']: e for e in loss.get('drop_lines', [])}
    repl = {e['line']: e for e in loss.get('replace_lines', [])}
    keep = set(loss.get('keep_marker_lines', []))
    for n, e in list(drop.items()) + list(repl.items()):
        got = lines[n - 1] if n <= len(lines) else None
        assert got == e['text'], ('%s: import_expect.json is out of date: line %d is %r, expected %r'
                                  % (name, n, got, e['text']))
    out, top, in_list = [], True, False
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip('\r')
        s = line.strip()
        if top and line.startswith('# '):
            out.append((n, 'comment', ''))
            continue
        if not s:
            out.append((n, 'blank', ''))
            continue
        top = False
        if in_list and LIST_CONTINUATION.match(s):
            out.append((n, 'attachment-list', ''))
            continue
        in_list = False
        if n in drop:
            out.append((n, 'dropped', ''))
        elif n in repl:
            out.append((n, 'replaced', repl[n]['by']))
        elif '\t' in line:
            out.append((n, 'table', line))
        elif NUMBER_LINE.fullmatch(s):
            m = NUMBER_LINE.fullmatch(s)
            out.append((n, 'number', m.group('code') + m.group('year') + m.group('seq')))
        elif iso_date(s):
            out.append((n, 'date', iso_date(s)))
        elif LABEL_LINE.fullmatch(s):
            out.append((n, 'label', ''))
        elif ATTACHMENT_LIST.match(s):
            out.append((n, 'attachment-list', ''))
            in_list = True
        elif SIGNER.match(s):
            out.append((n, 'signer', SIGNER.sub('', s, count=1)))
        else:
            m = None if n in keep else next((m for m in (p.match(s) for p in MARKERS) if m), None)
            if n in keep:
                assert any(p.match(s) for p in MARKERS), (
                    '%s: import_expect.json is out of date: keep_marker_lines has line %d, which '
                    'does not start with a number: %r' % (name, n, s[:20]))
            if m:
                out.append((n, 'marker', s[m.end():]))
            else:
                out.append((n, 'text', s))
    return out


def output_chars(root, supplied):
    """Counted characters of the XML's text nodes (minus head/organ and supplied elements), plus
    head/number's attributes."""
    skip = set(root.findall('g:head/g:organ', G))
    for path in supplied:
        skip.update(root.findall('/'.join('g:' + p for p in path.split('/')), G))
    parts = []

    def walk(el):
        if el not in skip:
            parts.append(el.text or '')
            for c in el:
                walk(c)
        parts.append(el.tail or '')   # the tail stands outside the element
    walk(root)
    num = root.find('g:head/g:number', G)
    if num is not None:
        parts.extend(num.get(k) or '' for k in ('code', 'year', 'seq'))
    return counted(''.join(parts))


def show(counter, n=40):
    s = ''.join(ch * k for ch, k in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    return s if len(s) <= n else s[:n] + '... (%d in all)' % sum(counter.values())


def check_nothing_lost(name):
    d = doc(name)
    root = d.root()
    units = classify(name)
    kept = [(n, counted(t)) for n, kind, t in units if t]
    want = collections.Counter(''.join(t for _, t in kept))
    got_s = output_chars(root, d.exp.get('lossless', {}).get('supplied', []))
    got = collections.Counter(got_s)
    missing, extra = want - got, got - want
    if not missing and not extra:
        return
    errors = []
    if missing:
        errors.append('%d character(s) of the text are not in the XML: %s'
                      % (sum(missing.values()), show(missing)))
        # Hint: the lines whose characters do not appear in order in the XML.
        lost = [n for n, t in kept if t and t not in got_s]
        if lost:
            errors.append('lines of the text not found whole (in order) in the XML: %s'
                          % ', '.join(map(str, lost[:20])) + (' ...' if len(lost) > 20 else ''))
    if extra:
        errors.append('%d character(s) of the XML are not in the text: %s (typed numbers left in, a kept '
                      '附件说明, invented text?)' % (sum(extra.values()), show(extra)))
    fail_if(name, 'nothing_lost', errors)


def pdf_plain_text(pdf):
    # -raw: the content stream's order, which is reading order here. (-layout sorts by baseline, and
    # a run-in 楷体 heading sits a hair off its 仿宋 paragraph's baseline: it would split them.)
    r = subprocess.run(['pdftotext', '-raw', pdf, '-'], capture_output=True, text=True)
    assert r.returncode == 0, 'pdftotext failed: %s' % r.stderr
    lines = [l for l in r.stdout.splitlines() if not re.fullmatch(r'\s*—\s*\d+\s*—\s*', l)]
    return nospace(same_circle(''.join(lines)))


def signature_lines(units, exp):
    """Line numbers of the signature lines: the lines just above a date whose counted characters
    belong to an expected closing's signatures (the text's own artefacts, such as &sp;, may
    not reach the PDF)."""
    closings = [''.join(exp.get('signatures') or [])]
    closings += [''.join(a.get('signatures') or []) for a in exp.get('attachments', [])]
    closings = [counted(c) for c in closings if c]
    found = set()
    for i, (n, kind, _) in enumerate(units):
        if kind != 'date':
            continue
        j = i - 1
        while j >= 0 and units[j][1] == 'text':
            c = counted(units[j][2])
            if not c or not any(c in sig for sig in closings):
                break
            found.add(units[j][0])
            j -= 1
    return found


def check_pdf_text(name):
    d = doc(name)
    pdf = d.rendered()
    text = pdf_plain_text(pdf)
    units = classify(name)
    sigs = signature_lines(units, d.exp)
    errors = []
    for n, kind, t in units:
        if kind not in ('text', 'marker') or n in sigs:
            continue
        head = nospace(same_circle(t))[:12]
        if head and head not in text:
            errors.append('line %d: %r not in the PDF' % (n, head))
    fail_if(name, 'pdf_text', errors)


# --- the parametrised tests ----------------------------------------------------------------------

CHECKS = [('import', check_import), ('validate', check_validate), ('render', check_render),
          ('report', check_report), ('fields', check_fields), ('attachments', check_attachments),
          ('counts', check_counts), ('headings', check_headings), ('nothing_lost', check_nothing_lost),
          ('pdf_text', check_pdf_text)]

HEADING_KEYS = ('headings', 'chapter_headings', 'headless_points')

TESTS = [('%s[%s]' % (what, name), (lambda c=check, n=name: c(n)))
         for name in EXPECT for what, check in CHECKS
         if what != 'headings' or any(k in EXPECT[name] for k in HEADING_KEYS)]


def test_tools_present():
    for tool in ('pdftotext', 'pdfinfo'):
        assert shutil.which(tool), '%s (poppler-utils) is needed to read the rendered PDFs' % tool
