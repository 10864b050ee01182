"""The PDF as a file: gongwen writes it itself (src/out_pdf.c), so these tests check what a PDF
library would otherwise have guaranteed: the cross-reference table, the streams, the fonts,
the images, and that the bytes depend on nothing but the source and the fonts.

    python3 tests/run.py tests/test_pdf_writer.py
"""
import glob
import os
import re
import subprocess
import zlib

from tests.lib import GONGWEN, ROOT, Skip, tmpdir

SOURCES = sorted(glob.glob(os.path.join(ROOT, 'sources', '*.xml')))


def render(src, out, *extra, env=None):
    r = subprocess.run([GONGWEN, 'render', src, '-o', out] + list(extra), capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    return out


def objects(data):
    """{number: (offset, dictionary, stream or None)}, read in order: a stream by its /Length,
    so that its bytes are never taken for syntax."""
    out, pos = {}, data.index(b'\n', data.index(b'\n') + 1) + 1
    obj = re.compile(rb'(\d+) 0 obj\n')
    while True:
        m = obj.match(data, pos)
        if not m:
            return out
        body = m.end()
        stream_at, end_at = data.find(b'>>\nstream\n', body), data.find(b'\nendobj\n', body)
        if stream_at != -1 and stream_at < end_at:
            head = data[body:stream_at + 2]
            s = stream_at + len(b'>>\nstream\n')
            e = s + int(re.search(rb'/Length (\d+)', head).group(1))
            assert data[e:e + 18] == b'\nendstream\nendobj\n', \
                'object %s: the stream does not end where its /Length says' % m.group(1).decode()
            out[int(m.group(1))] = (m.start(), head, data[s:e])
            pos = e + 18
        else:
            out[int(m.group(1))] = (m.start(), data[body:end_at], None)
            pos = end_at + len(b'\nendobj\n')


def check_file(path):
    with open(path, 'rb') as f:
        data = f.read()
    errors = []
    assert data.startswith(b'%PDF-1.7\n'), data[:10]
    objs = objects(data)
    # startxref → the table; each entry → its object
    m = re.search(rb'startxref\n(\d+)\n%%EOF\n$', data)
    assert m, 'no startxref at the end'
    xref = int(m.group(1))
    assert data[xref:xref + 5] == b'xref\n', 'startxref does not point at the table'
    head = re.match(rb'xref\n0 (\d+)\n', data[xref:])
    n = int(head.group(1))
    table = data[xref + head.end():xref + head.end() + 20 * n]
    entries = [table[i * 20:(i + 1) * 20] for i in range(n)]
    assert entries[0] == b'0000000000 65535 f \n', entries[0]
    for num in range(1, n):
        e = entries[num]
        if not re.match(rb'\d{10} 00000 n \n', e):
            errors.append('entry %d malformed: %r' % (num, e))
            continue
        off = int(e[:10])
        if num not in objs or objs[num][0] != off:
            errors.append('entry %d points at %d, the object is at %s' %
                          (num, off, objs.get(num, (None,))[0]))
    trailer = data[xref + head.end() + 20 * n:]
    size = int(re.search(rb'/Size (\d+)', trailer).group(1))
    if size != n or max(objs) != n - 1:
        errors.append('/Size %d, table %d, highest object %d' % (size, n, max(objs)))
    # every reference resolves; every deflated stream inflates (zlib checks its Adler-32)
    for num, (_, head, stream) in objs.items():
        for ref in re.findall(rb'(\d+) 0 R', head):
            if int(ref) not in objs:
                errors.append('object %d refers to %s, which is missing' % (num, ref.decode()))
        if stream is not None and b'/FlateDecode' in head:
            try:
                zlib.decompress(stream)
            except zlib.error as e:
                errors.append('object %d: %s' % (num, e))
    # poppler reads it without a word of complaint
    for cmd in (['pdfinfo', path], ['pdffonts', path], ['pdftotext', path, '/dev/null'],
                ['pdftoppm', '-r', '20', '-png', path, os.path.join(tmpdir(), 'p')]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or r.stderr.strip():
            errors.append('%s: %s' % (cmd[0], r.stderr.strip()[:300]))
    return errors


def test_every_source_gives_a_sound_file():
    errors = []
    for src in SOURCES:
        out = render(src, os.path.join(tmpdir(), os.path.basename(src) + '.pdf'))
        errors += ['%s: %s' % (os.path.basename(src), e) for e in check_file(out)]
    assert not errors, '\n'.join(errors[:20])


def test_a_broken_table_is_caught():
    # The check above can fail: move one entry of the table by a byte.
    src = os.path.join(ROOT, 'sources', 'han-letter.xml')
    out = render(src, os.path.join(tmpdir(), 'h.pdf'))
    with open(out, 'rb') as f:
        data = f.read()
    xref = int(re.search(rb'startxref\n(\d+)', data).group(1))
    entry = data.index(b'\n', data.index(b'\n', xref) + 1) + 1 + 2 * 20
    off = int(data[entry:entry + 10])
    with open(out, 'wb') as f:
        f.write(data[:entry] + b'%010d' % (off + 1) + data[entry + 10:])
    errors = check_file(out)
    assert any('entry 2 points at' in e for e in errors), errors


def test_fonts_are_embedded_subset_and_mapped_to_unicode():
    out = render(os.path.join(ROOT, 'sources', 'tongzhi-fujian.xml'), os.path.join(tmpdir(), 't.pdf'))
    rows = subprocess.run(['pdffonts', out], capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(rows) >= 4, rows
    for row in rows:
        name, rest = row.split(None, 1)
        assert re.match(r'[A-Z]{6}\+\S+$', name), name
        assert re.search(r'Identity-H\s+yes\s+yes\s+yes', rest), row


def test_the_bytes_do_not_depend_on_the_number_of_cpus():
    # Font subsets and large streams are made on every CPU there is; with one CPU the file must
    # come out the same.
    if subprocess.run(['sh', '-c', 'command -v taskset'], capture_output=True).returncode:
        raise Skip('no taskset')
    src = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')
    a = render(src, os.path.join(tmpdir(), 'a.pdf'))
    b = os.path.join(tmpdir(), 'b.pdf')
    r = subprocess.run(['taskset', '-c', '0', GONGWEN, 'render', src, '-o', b], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        assert fa.read() == fb.read(), 'one CPU and all CPUs give different files'


def test_a_seal_is_one_colour_shaped_at_600_dpi():
    out = render(os.path.join(ROOT, 'sources', 'han-letter.xml'), os.path.join(tmpdir(), 'h.pdf'))
    rows = subprocess.run(['pdfimages', '-list', out], capture_output=True, text=True).stdout
    rows = [r.split() for r in rows.splitlines()[2:]]
    kinds = [(r[2], int(r[3]), int(r[4])) for r in rows]
    assert ('image', 1, 1) in kinds, kinds
    masks = [r for r in rows if r[2] == 'smask']
    assert masks, kinds
    # pdfimages reports the resolution at which the page shows each image
    assert all(int(r[12]) >= 590 and int(r[13]) >= 590 for r in masks), masks


def test_a_batch_writes_what_single_renders_write():
    # The batch keeps encoded seals between documents; a document must not come out otherwise.
    d = tmpdir()
    src_dir = os.path.join(d, 'src')
    os.makedirs(os.path.join(src_dir, 'images'))
    for f in glob.glob(os.path.join(ROOT, 'sources', 'images', '*')):
        with open(f, 'rb') as a, open(os.path.join(src_dir, 'images', os.path.basename(f)), 'wb') as b:
            b.write(a.read())
    names = ['han-letter', 'tongzhi-fujian', 'lianhe-tongzhi-yinzhang', 'ling-order']
    for i in range(2):
        for name in names:
            with open(os.path.join(ROOT, 'sources', name + '.xml'), 'rb') as a, \
                    open(os.path.join(src_dir, '%s-%d.xml' % (name, i)), 'wb') as b:
                b.write(a.read())
    r = subprocess.run([GONGWEN, 'build', src_dir, '-o', os.path.join(d, 'out'), '-j', '1'],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in names:
        single = render(os.path.join(src_dir, name + '-1.xml'), os.path.join(d, name + '.pdf'))
        with open(single, 'rb') as a, open(os.path.join(d, 'out', name + '-1.pdf'), 'rb') as b:
            assert a.read() == b.read(), '%s: the batch wrote another file' % name


def test_two_seals_in_a_batch_stay_apart():
    # Two seals, one red, one blue, in the documents of one batch: each document shows its own.
    d = tmpdir()
    os.makedirs(os.path.join(d, 'images'))
    with open(os.path.join(ROOT, 'sources', 'han-letter.xml'), encoding='utf-8') as f:
        src = f.read()
    red = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="#%s"/></svg>'
    with open(os.path.join(d, 'images', 'seal.svg'), 'w') as f:
        f.write(red % 'E60012')
    with open(os.path.join(d, 'images', 'blue.svg'), 'w') as f:
        f.write(red % '0000FF')
    with open(os.path.join(d, 'a.xml'), 'w', encoding='utf-8') as f:
        f.write(src)
    with open(os.path.join(d, 'b.xml'), 'w', encoding='utf-8') as f:
        f.write(src.replace('images/seal.svg', 'images/blue.svg'))
    r = subprocess.run([GONGWEN, 'build', d, '-o', os.path.join(d, 'out'), '-j', '1'],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    colours = []
    for name in ('a', 'b'):
        pdf = os.path.join(d, 'out', name + '.pdf')
        base = os.path.join(d, name)
        subprocess.run(['pdfimages', '-png', pdf, base], check=True)
        rgb = sorted(glob.glob(base + '-*.png'))[0]
        with open(rgb, 'rb') as f:
            colours.append(f.read())
    assert colours[0] != colours[1], 'the blue seal was drawn red'


def test_the_language_is_the_layouts():
    # /Lang comes from the layout's info (the stylesheets write zh-CN); none when it has none.
    from tests.test_regressions import layout
    for lang, want in (('lang="bo-CN" ', b'/Lang (bo-CN)'), ('', None)):
        text = layout('<para>藏文</para>').replace('<info title="t"', '<info %stitle="t"' % lang)
        src = os.path.join(tmpdir(), 'l%s.xml' % len(lang))
        with open(src, 'w', encoding='utf-8') as f:
            f.write(text)
        with open(render(src, src + '.pdf'), 'rb') as f:
            data = f.read()
        found = re.search(rb'/Lang \([^)]*\)', data)
        assert (found.group(0) if found else None) == want, (lang, found)
