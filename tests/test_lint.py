"""gongwen lint: every rule has a case that triggers it and a near miss that does not, on plain
text and on sources; --fix corrects what a rule can, never over its input unless --in-place.

    python3 tests/run.py tests/test_lint.py

The plain-text cases are one clean notice (CLEAN) changed in one line each. The clean notice
itself must draw no warning at all, so that every warning below is caused by its change alone.
"""
import os
import re
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, tmpdir

CLEAN = """某某市人民政府文件
某政发〔2024〕7号
关于做好防汛工作的通知
各区人民政府，市政府各部门：
为做好今年防汛工作，现将有关事项通知如下。
一、提高认识
各单位要充分认识防汛工作的重要性，按照ISO 9001:2015的要求做好准备。
二、落实责任
（一）明确分工。各区要明确分工。
（二）加强检查。各部门要在10月20日前完成检查。
附件：防汛工作检查表
某某市人民政府
2024年3月5日
附件
防汛工作检查表
检查内容包括防汛物资储备和值班安排。
抄送：市委办公室，市人大常委会办公室。
某某市人民政府办公室 2024年3月5日印发
"""


def gongwen(*args):
    p = subprocess.run([GONGWEN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def write(name, text):
    path = os.path.join(tmpdir(), name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def changed(old, new):
    assert CLEAN.count(old) == 1, 'the clean notice holds %r %d times' % (old, CLEAN.count(old))
    return CLEAN.replace(old, new)


def line_of(text, fragment):
    for i, line in enumerate(text.split('\n'), 1):
        if fragment in line:
            return i
    raise AssertionError('%r not in the text' % fragment)


def warnings(stderr):
    """[(line, rule)] of file:line: warning: … [rule] lines."""
    return [(int(m.group(1)), m.group(2))
            for m in re.finditer(r'^[^:\n]+:(\d+): warning: .*\[([a-z-]+)\]$', stderr, re.M)]


def test_clean_notice_draws_no_warning():
    path = write('clean.txt', CLEAN)
    rc, out, err = gongwen('lint', path)
    assert rc == 0 and err == '', 'exit %d\n%s' % (rc, err)


# rule, the line changed (old → new), the line the warning must name (a fragment of it)
TEXT_CASES = [
    ('number-brackets', '某政发〔2024〕7号', '某政发（2024）7号', '某政发'),
    ('number-brackets', '某政发〔2024〕7号', '某政发[2024]7号', '某政发'),
    ('number-padding', '某政发〔2024〕7号', '某政发〔2024〕007号', '某政发'),
    ('number-year', '某政发〔2024〕7号', '某政发〔24〕7号', '某政发'),
    ('date-numerals', '2024年3月5日\n附件', '二〇二四年三月五日\n附件', '二〇二四年'),
    ('date-padding', '2024年3月5日\n附件', '2024年03月05日\n附件', '2024年03月'),
    ('date-padding', '2024年3月5日印发', '2024年03月5日印发', '印发'),
    ('halfwidth-punct', '各区要明确分工。', '各区要明确分工,责任到人.', '明确分工'),
    ('halfwidth-punct', '（二）加强检查', '(二)加强检查', '加强检查'),
    ('title-punct', '关于做好防汛工作的通知', '关于做好防汛工作的通知。', '防汛工作的通知'),
    ('attachment-name-punct', '附件：防汛工作检查表', '附件：防汛工作检查表。', '附件：'),
    ('addressee-colon', '市政府各部门：', '市政府各部门', '各区人民政府'),
    ('cc-stop', '市人大常委会办公室。', '市人大常委会办公室', '抄送'),
    ('numbering', '二、落实责任', '三、落实责任', '落实责任'),
    ('numbering', '（二）加强检查', '（一）加强检查', '加强检查'),
    ('heading-level', '各单位要充分认识', '（1）各单位要充分认识', '各单位要充分认识'),
    ('signature-missing', '某某市人民政府\n2024年3月5日', '2024年3月5日', '2024年3月5日\n'),
    ('signer-missing', '关于做好防汛工作的通知', '关于申请防汛经费的请示', '请示'),
]

# near misses: a change that looks like a fault and is not
NEAR_MISSES = [
    ('number-padding', '某政发〔2024〕7号', '某政发〔2024〕10号'),
    ('date-padding', '2024年3月5日\n附件', '2024年10月20日\n附件'),
    ('halfwidth-punct', '各区要明确分工。', '各区要按GB/T 9704-2012, ISO 9001:2015明确分工。'),
    ('halfwidth-punct', '各区要明确分工。', '各区要按附件通知.doc和某政发(2024)7号明确分工。'),
    ('title-punct', '关于做好防汛工作的通知', '关于印发《防汛工作规定》的通知'),
    ('signer-missing', '关于做好防汛工作的通知\n', '关于申请防汛经费的请示\n签发人：张三\n'),
    ('signature-missing', '某某市人民政府\n2024年3月5日', '某某市人民政府　某某军分区\n2024年3月5日'),
]


def check_case(rule, old, new, where):
    text = changed(old, new)
    path = write('case.txt', text)
    rc, out, err = gongwen('lint', path)
    found = warnings(err)
    frag = where.rstrip('\n')
    line = line_of(text, frag) if not where.endswith('\n') else line_of(text, frag)
    assert (line, rule) in found, 'expected [%s] on line %d, got %s\n%s' % (rule, line, found, err)
    assert rc == 1, 'warnings must exit 1, not %d' % rc
    others = [w for w in found if w[1] != rule]
    assert not others, 'only [%s] expected, also got %s\n%s' % (rule, others, err)


def check_near_miss(rule, old, new):
    path = write('near.txt', changed(old, new))
    rc, out, err = gongwen('lint', path)
    assert not warnings(err), 'no warning expected, got:\n%s' % err
    assert rc == 0, 'exit %d\n%s' % (rc, err)


TESTS = ([('text[%s:%s]' % (c[0], c[2].split('\n')[0]), (lambda c=c: check_case(*c)))
          for c in TEXT_CASES] +
         [('near-miss[%s:%s]' % (c[0], c[2].split('\n')[0]), (lambda c=c: check_near_miss(*c)))
          for c in NEAR_MISSES])


def test_every_rule_has_a_case():
    """The rules in doc/lint.md are the rules tested here."""
    with open(os.path.join(ROOT, 'doc', 'lint.md'), encoding='utf-8') as f:
        documented = set(re.findall(r'^### `([a-z-]+)`', f.read(), re.M))
    tested = {c[0] for c in TEXT_CASES} | {'typed-number'}
    assert documented == tested, 'documented but untested: %s; tested but undocumented: %s' % (
        sorted(documented - tested), sorted(tested - documented))


def test_seed_faults_are_found():
    seed = os.path.join(ROOT, '..', 'shared', 'seeds', '000_c837b8b0243ff83c.txt')
    if not os.path.exists(seed):
        from tests.lib import Skip
        raise Skip('../shared is not here')
    rc, out, err = gongwen('lint', seed)
    found = warnings(err)
    rules = {r for _, r in found}
    assert 'number-brackets' in rules, err          # 同师党字（2020）42号
    halfwidth = sorted(l for l, r in found if r == 'halfwidth-punct')
    assert len(halfwidth) == 4, 'expected (六)…(九) on four lines, got %s\n%s' % (halfwidth, err)
    assert rc == 1


def test_fix_writes_elsewhere_and_corrects_every_fixable_fault():
    text = changed('某政发〔2024〕7号', '某政发（2024）007号')
    text = text.replace('（二）加强检查', '(二)加强检查').replace('市人大常委会办公室。', '市人大常委会办公室')
    text = text.replace('关于做好防汛工作的通知', '关于做好防汛工作的通知。')
    text = text.replace('2024年3月5日\n附件', '二〇二四年三月五日\n附件')
    path = write('faulty.txt', text)
    fixed = os.path.join(tmpdir(), 'fixed.txt')
    rc, out, err = gongwen('lint', path, '--fix', '-o', fixed)
    assert rc == 1 and len(warnings(err)) == 6, err
    with open(path, encoding='utf-8') as f:
        assert f.read() == text, 'lint --fix changed its input'
    with open(fixed, encoding='utf-8') as f:
        assert f.read() == CLEAN, 'the fixed text is not the clean notice'
    rc, out, err = gongwen('lint', fixed)
    assert rc == 0 and not err, err


def test_fix_to_standard_output():
    path = write('faulty.txt', changed('市人大常委会办公室。', '市人大常委会办公室'))
    rc, out, err = gongwen('lint', '--fix', path)
    assert out == CLEAN, out


def test_fix_refuses_the_input_as_output_and_in_place_rewrites_it():
    path = write('faulty.txt', changed('某政发〔2024〕7号', '某政发（2024）7号'))
    rc, out, err = gongwen('lint', path, '--fix', '-o', path)
    assert rc == 2, 'exit %d\n%s' % (rc, err)
    with open(path, encoding='utf-8') as f:
        assert '（2024）' in f.read()
    rc, out, err = gongwen('lint', path, '--in-place')
    assert rc == 1, err
    with open(path, encoding='utf-8') as f:
        assert f.read() == CLEAN
    leftovers = [n for n in os.listdir(tmpdir()) if n.startswith('.')]
    assert not leftovers, 'temporary files left: %s' % leftovers


def test_unfixable_faults_are_said_to_need_the_author():
    path = write('gap.txt', changed('二、落实责任', '三、落实责任'))
    rc, out, err = gongwen('lint', path, '--fix', '-o', os.path.join(tmpdir(), 'out.txt'))
    assert 'need' in err and 'the author' in err, err


# ---- sources ---------------------------------------------------------------------------------

SOURCE = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:gongwen:source:1" kind="{kind}">
  <head>
    <organ suffix="文件">某某市人民政府</organ>
    <number code="某政发" year="2024" seq="7"/>{signer}
  </head>
  <title>{title}</title>
  <body>
    <article id="a1"><p>{article}</p></article>
    <article id="a2"><p>本办法自发布之日起施行。</p></article>
  </body>
  <closing>
    <signature>某某市人民政府</signature>
    <date>2024-03-05</date>
  </closing>
  <attachment id="f1"><title>{attachment}</title><p>检查内容。</p></attachment>
</document>
"""

GOOD = dict(kind='办法', signer='', title='某某市防汛管理办法', article='为了做好防汛工作，制定本办法。',
            attachment='防汛工作检查表')

SOURCE_CASES = [
    ('halfwidth-punct', 'article', '为了做好防汛工作,制定本办法.', 9),
    ('title-punct', 'title', '某某市防汛管理办法。', 7),
    ('attachment-name-punct', 'attachment', '防汛工作检查表；', 16),
    ('typed-number', 'article', '第一条　为了做好防汛工作，制定本办法。', 9),
]


def source(**change):
    fields = dict(GOOD)
    fields.update(change)
    return SOURCE.format(**fields)


def test_sources_lint_clean():
    for name in sorted(os.listdir(os.path.join(ROOT, 'sources'))):
        if name.endswith('.xml'):
            rc, out, err = gongwen('lint', os.path.join(ROOT, 'sources', name))
            assert rc == 0 and not err, '%s: exit %d\n%s' % (name, rc, err)
    path = write('good.xml', source())
    rc, out, err = gongwen('lint', path)
    assert rc == 0 and not err, err


def check_source_case(rule, field, value, line):
    path = write('bad.xml', source(**{field: value}))
    rc, out, err = gongwen('lint', path)
    assert (line, rule) in warnings(err), 'expected [%s] on line %d:\n%s' % (rule, line, err)
    assert rc == 1
    fixed = os.path.join(tmpdir(), 'fixed.xml')
    rc, out, err = gongwen('lint', path, '--fix', '-o', fixed)
    with open(fixed, encoding='utf-8') as f:
        assert f.read() == source(), 'the fixed source is not the good one'
    rc, out, err = gongwen('validate', fixed)
    assert rc == 0, err


TESTS += [('source[%s]' % c[0], (lambda c=c: check_source_case(*c))) for c in SOURCE_CASES]


def test_source_request_without_signer():
    path = write('qingshi.xml', source(kind='请示', title='关于申请防汛经费的请示'))
    rc, out, err = gongwen('lint', path)
    assert (2, 'signer-missing') in warnings(err), err
    path = write('qingshi2.xml', source(kind='请示', title='关于申请防汛经费的请示',
                                        signer='\n    <signer>张三</signer>'))
    rc, out, err = gongwen('lint', path)
    assert rc == 0 and not err, err


def test_lint_of_broken_input_is_an_error():
    path = write('broken.xml', '<document xmlns="urn:gongwen:source:1"><head>')
    rc, out, err = gongwen('lint', path)
    assert rc == 1 and ': error: ' in err, err
    rc, out, err = gongwen('lint', os.path.join(tmpdir(), 'missing.txt'))
    assert rc in (1, 3) and ': error: ' in err, err


def test_fix_turns_both_brackets_of_a_pair():
    """A bracket pair is one decision: (试行) and (1) become （试行） and （1）, never （1)."""
    path = write('pair.txt', changed('各区要明确分工。', '(1)各区要明确分工(试行)。'))
    rc, out, err = gongwen('lint', '--fix', path)
    assert '（1）各区要明确分工（试行）。' in out, out


def test_fix_keeps_the_byte_order_mark_and_line_ends():
    text = changed('市人大常委会办公室。', '市人大常委会办公室')
    path = os.path.join(tmpdir(), 'crlf.txt')
    with open(path, 'wb') as f:
        f.write(b'\xef\xbb\xbf' + text.replace('\n', '\r\n').encode('utf-8'))
    fixed = os.path.join(tmpdir(), 'fixed.txt')
    rc, out, err = gongwen('lint', path, '--fix', '-o', fixed)
    with open(fixed, 'rb') as f:
        assert f.read() == b'\xef\xbb\xbf' + CLEAN.replace('\n', '\r\n').encode('utf-8')
