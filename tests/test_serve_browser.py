"""The page of `gongwen serve` in a real browser: Debian's chromium driven by playwright-core
(npm, tests/browser/). A member of staff makes a notice from the form, sees its pages appear,
sees a lint warning and has it fixed, sees an edit refresh the pages by itself, saves, and
downloads the PDF, whose text is then checked; then changes the title and 签发人 through the
form of common fields and saves again.

    python3 tests/run.py tests/test_serve_browser.py

`make check` installs chromium (tools/deps.sh --reader) and playwright-core (npm ci in
tools/ofd, the browser tools the OFD reader test uses too).
"""
import json
import os
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, Skip, tmpdir
from tests.test_serve import Server

BROWSER = os.path.join(ROOT, 'tests', 'browser')


def test_make_preview_fix_save_download():
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if not os.path.exists(chromium):
        raise Skip('chromium is not installed (tools/deps.sh installs it when run as root)')
    if not os.path.isdir(os.path.join(ROOT, 'tools', 'ofd', 'node_modules', 'playwright-core')):
        raise AssertionError('playwright-core is missing: `make check` runs npm ci in tools/ofd')
    downloads = tmpdir()
    with Server() as s:
        r = subprocess.run(['node', os.path.join(BROWSER, 'serve.mjs'), 'http://' + s.url,
                            downloads], capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stderr[-2000:]
        seen = json.loads(r.stdout.strip().splitlines()[-1])
        assert 'failure' not in seen, seen
        assert seen['steps'] == ['warned', 'fixed', 'saved', 'downloaded', 'edited'], seen
        assert seen['form_title'] == '示例市人民政府关于做好防汛工作的通知', seen['form_title']
        assert not seen['errors'], seen['errors']
        assert seen['pages'] >= 1
        assert any('title' in w or '标题' in w or 'punctuation' in w for w in seen['warnings']), seen
        assert seen['refresh_ms'] < 3000, 'the preview took %d ms to follow an edit' % seen['refresh_ms']
        saved = os.path.join(s.dir, 'fangxun-tongzhi.xml')
        assert os.path.exists(saved), os.listdir(s.dir)
        rc = subprocess.run([GONGWEN, 'validate', saved], capture_output=True, text=True)
        assert rc.returncode == 0, rc.stderr
        with open(saved, encoding='utf-8') as f:
            source = f.read()
        assert 'kind="通知"' in source, source[:600]
        # the title and 签发人 as the form last set them, the title's line break kept
        assert '<title>示例市人民政府关于切实做好<br/>防汛工作的通知</title>' in source, source[:900]
        assert '<signer>李某某</signer>' in source, source[:900]
        assert source.index('<number') < source.index('<signer>'), 'the signer is out of order'
        assert '通知。' not in source, 'the fix did not reach the saved source'
        text = subprocess.run(['pdftotext', seen['pdf'], '-'], capture_output=True,
                              text=True).stdout.replace(' ', '').replace('\n', '')
        for part in ('示例市人民政府', '示政发〔2024〕12号', '关于做好防汛工作的通知',
                     '明确责任人', '2024年5月6日'):
            assert part in text, '%s not in the PDF: %s' % (part, text[:400])
