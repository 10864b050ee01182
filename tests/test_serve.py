"""gongwen serve over loopback: every endpoint, bad requests (oversized bodies, paths that try
to leave the folder, links, a wrong or missing token) and concurrent saves.

    python3 tests/run.py tests/test_serve.py

Each test starts its own server on a free port over a private copy of two samples.
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from tests.lib import GONGWEN, ROOT, tmpdir

SAMPLES = ('han-letter.xml', 'tongzhi-fujian.xml')


class Server:
    def __init__(self, *args, expect_start=True, program=None, env=None):
        self.dir = os.path.join(tmpdir(), 'sources')
        os.makedirs(self.dir, exist_ok=True)
        for name in SAMPLES:
            shutil.copy(os.path.join(ROOT, 'sources', name), self.dir)
        shutil.copytree(os.path.join(ROOT, 'sources', 'images'), os.path.join(self.dir, 'images'),
                        dirs_exist_ok=True)
        self.proc = subprocess.Popen([program or GONGWEN, 'serve', '--sources', self.dir,
                                      '--port', '0', *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        if not expect_start:
            return
        line = self.proc.stdout.readline()
        assert 'http://' in line, 'the server did not start: %r %s' % (
            line, self.proc.stderr.read() if self.proc.poll() is not None else '')
        self.url = line.split('http://', 1)[1].strip()
        self.base = 'http://' + self.url.split('/', 1)[0]
        self.token = self.url.split('token=', 1)[1]

    def request(self, method, path, body=None, headers=None, auth=True):
        """A request carrying the token (as the page does) unless auth is False."""
        headers = dict(headers or {})
        if auth and 'X-Gongwen-Token' not in headers:
            headers['X-Gongwen-Token'] = self.token
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        assert self.proc.returncode == 0, 'exit %s: %s' % (self.proc.returncode,
                                                            self.proc.stderr.read())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.stop()
        elif self.proc.poll() is None:
            self.proc.kill()


def raw_status(server, request_head):
    """Sends a request's head alone (no body) and returns the status the server answers with:
    a refusal must come before the body is read."""
    host, port = server.base[len('http://'):].rsplit(':', 1)
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request_head.encode())
        line = sock.makefile('rb').readline().decode()
    return int(line.split()[1])


def read(name):
    with open(os.path.join(ROOT, 'sources', name), 'rb') as f:
        return f.read()


def test_page_and_list():
    with Server() as s:
        status, headers, body = s.request('GET', '/')
        assert status == 200 and b'<title>gongwen' in body
        assert "default-src 'self'" in headers.get('Content-Security-Policy', '')
        for asset in ('/app.js', '/style.css'):
            assert s.request('GET', asset)[0] == 200
        status, _, body = s.request('GET', '/api/sources')
        assert json.loads(body) == {'sources': sorted(SAMPLES)}


def test_get_source_with_its_version():
    with Server() as s:
        status, headers, body = s.request('GET', '/api/source?name=han-letter.xml')
        assert status == 200 and body == read('han-letter.xml')
        assert headers['ETag'].startswith('"') and len(headers['ETag']) == 34


def png_size(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    return int.from_bytes(data[16:20], 'big'), int.from_bytes(data[20:24], 'big')


def test_preview_pages_and_diagnostics():
    with Server() as s:
        t0 = time.monotonic()
        status, _, body = s.request('POST', '/api/preview', read('tongzhi-fujian.xml'))
        seconds = time.monotonic() - t0
        result = json.loads(body)
        assert status == 200 and len(result['pages']) >= 2, result.get('diagnostics')
        w, h = png_size(base64.b64decode(result['pages'][0].split(',', 1)[1]))
        assert (w, h) == (794, 1123), 'an A4 page at 96 dpi is 794 x 1123, not %d x %d' % (w, h)
        assert seconds < 2.0, 'a preview took %.2f s' % seconds
        assert not [d for d in result['diagnostics'] if d['kind'] == 'error']
        # a lint warning, pointing at its line
        faulty = read('han-letter.xml').replace('</title>'.encode(), '。</title>'.encode(), 1)
        line = faulty[:faulty.index('。</title>'.encode())].count(b'\n') + 1
        result = json.loads(s.request('POST', '/api/preview', faulty)[2])
        rules = [(d['line'], d.get('rule')) for d in result['diagnostics']]
        assert (line, 'title-punct') in rules, rules
        # an error, pointing at its line, and no pages
        broken = b'<?xml version="1.0"?>\n<document xmlns="urn:gongwen:source:1" kind="x">\n<head>\n'
        result = json.loads(s.request('POST', '/api/preview', broken)[2])
        assert result['pages'] == [] and result['diagnostics'][0]['kind'] == 'error'
        assert result['diagnostics'][0]['line'] >= 3, result['diagnostics']
        assert not [n for n in os.listdir(s.dir) if n.startswith('.')], 'preview files left'


def test_fix_and_import():
    with Server() as s:
        faulty = read('han-letter.xml').replace('</title>'.encode(), '。</title>'.encode(), 1)
        status, _, body = s.request('POST', '/api/fix', faulty)
        assert status == 200 and body.replace(b'\n', b'') == read('han-letter.xml').replace(b'\n', b''), body[:300]
        text = ('示例市人民政府文件\n示政发〔2024〕3号\n关于做好防汛工作的通知\n各区人民政府：\n'
                '为做好今年防汛工作，现将有关事项通知如下。\n示例市人民政府\n2024年3月5日\n').encode()
        status, _, body = s.request('POST', '/api/import', text)
        result = json.loads(body)
        assert status == 200 and '<title>关于做好防汛工作的通知</title>' in result['source']
        status, _, body = s.request('POST', '/api/import', b'')
        assert status == 422 and json.loads(body)['diagnostics'][0]['kind'] == 'error'


def test_save_keeps_a_backup_and_refuses_a_stale_version():
    with Server() as s:
        _, headers, old = s.request('GET', '/api/source?name=han-letter.xml')
        new = old.replace('</title>'.encode(), '（修订）</title>'.encode(), 1)
        status, h2, _ = s.request('PUT', '/api/source?name=han-letter.xml', new,
                                  {'If-Match': headers['ETag']})
        assert status == 200 and h2['ETag'] != headers['ETag']
        with open(os.path.join(s.dir, 'han-letter.xml'), 'rb') as f:
            assert f.read() == new
        with open(os.path.join(s.dir, 'han-letter.xml.bak'), 'rb') as f:
            assert f.read() == old
        status, _, _ = s.request('PUT', '/api/source?name=han-letter.xml', old,
                                 {'If-Match': headers['ETag']})
        assert status == 409, 'a save from a stale version must be refused'
        status, _, _ = s.request('PUT', '/api/source?name=han-letter.xml', old)
        assert status == 409, 'a save without a version over an existing source must be refused'
        status, _, _ = s.request('PUT', '/api/source?name=new-one.xml', old)
        assert status == 200 and os.path.exists(os.path.join(s.dir, 'new-one.xml'))


def test_concurrent_saves_never_interleave():
    with Server() as s:
        _, headers, old = s.request('GET', '/api/source?name=tongzhi-fujian.xml')
        bodies = [old.replace(b'</title>', ('%d</title>' % i).encode() * 1, 1) + b' ' * 200000
                  for i in range(8)]
        results = [None] * 8

        def save(i):
            results[i] = s.request('PUT', '/api/source?name=tongzhi-fujian.xml', bodies[i],
                                   {'If-Match': headers['ETag']})[0]

        threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [200] + [409] * 7, results
        with open(os.path.join(s.dir, 'tongzhi-fujian.xml'), 'rb') as f:
            assert f.read() == bodies[results.index(200)], 'the file is not the winner whole'


def test_pdf_download():
    with Server() as s:
        status, headers, body = s.request('GET', '/api/pdf?name=han-letter.xml')
        assert status == 200 and body[:5] == b'%PDF-'
        assert 'attachment; filename="han-letter.pdf"' == headers['Content-Disposition']
        path = os.path.join(tmpdir(), 'dl.pdf')
        with open(path, 'wb') as f:
            f.write(body)
        text = subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True).stdout
        assert '示例省教育厅办公室' in text.replace(' ', ''), text[:500]


def test_paths_that_leave_the_folder_are_refused():
    with Server() as s:
        outside = os.path.join(tmpdir(), 'secret.xml')
        with open(outside, 'w') as f:
            f.write('<secret/>')
        os.symlink(outside, os.path.join(s.dir, 'link.xml'))
        for name in ('../secret.xml', '..%2Fsecret.xml', '%2E%2E%2Fsecret.xml', outside,
                     'images%2Fseal.xml', '.hidden.xml', 'link.xml', 'x.txt', ''):
            status, _, body = s.request('GET', '/api/source?name=' + name)
            assert status in (400, 404) and b'secret' not in body, (name, status, body)
            status, _, _ = s.request('PUT', '/api/source?name=' + name, b'<x/>')
            assert status in (400, 404, 409), (name, status)
        with open(outside) as f:
            assert f.read() == '<secret/>', 'a write went through the link'
        for path in ('/../secret.xml', '/%2e%2e/secret.xml', '/api/../../etc/passwd',
                     '/index.html/../../etc/passwd'):
            status, _, body = s.request('GET', path)
            assert status == 404 and b'root:' not in body, (path, status)
        assert 'link.xml' not in json.loads(s.request('GET', '/api/sources')[2])['sources']


def test_oversized_body_and_wrong_method():
    with Server() as s:
        head = ('POST /api/preview HTTP/1.1\r\nHost: %s\r\nX-Gongwen-Token: %s\r\n'
                'Content-Length: %d\r\n\r\n' % (s.base[7:], s.token, 5 << 20))
        assert raw_status(s, head) == 413
        status, _, _ = s.request('DELETE', '/api/source?name=han-letter.xml')
        assert status == 405
        assert os.path.exists(os.path.join(s.dir, 'han-letter.xml'))


def test_token():
    s = Server('--bind', '0.0.0.0', expect_start=False)
    s.proc.wait(timeout=20)
    assert s.proc.returncode == 2 and '--token' in s.proc.stderr.read()
    # without --token, a random one: other users of the machine cannot use the API either
    with Server() as s:
        assert len(s.token) == 32 and all(c in '0123456789abcdef' for c in s.token), s.url
        assert s.request('GET', '/api/sources', auth=False)[0] == 403
        assert s.request('GET', '/', auth=False)[0] == 200, 'the page itself holds nothing'
    with Server('--token', 's3cret-42') as s:
        assert s.token == 's3cret-42'
        assert s.request('GET', '/api/sources', auth=False)[0] == 403
        assert s.request('GET', '/api/sources', headers={'X-Gongwen-Token': 'wrong'})[0] == 403
        assert s.request('GET', '/api/sources')[0] == 200
        assert s.request('GET', '/api/sources?token=s3cret-42', auth=False)[0] == 200
        assert s.request('GET', '/api/pdf?name=han-letter.xml&token=s3cret-4', auth=False)[0] == 403
        # refused before the body is read
        head = ('POST /api/preview HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n'
                % (s.base[7:], 3 << 20))
        assert raw_status(s, head) == 403
    env = dict(os.environ, GONGWEN_TOKEN='from-the-environment')
    with Server(env=env) as s:
        assert s.token == 'from-the-environment'


def test_other_hosts_and_origins_are_refused():
    """A page elsewhere that rebinds its name to 127.0.0.1 names itself in Host; a cross-site
    request names its site in Origin. Both are refused, token or not."""
    with Server() as s:
        port = s.base.rsplit(':', 1)[1]
        for host in ('evil.example:' + port, 'evil.example', '127.0.0.1:1'):
            assert s.request('GET', '/api/sources', headers={'Host': host})[0] == 403, host
            assert s.request('GET', '/', headers={'Host': host})[0] == 403, host
        assert s.request('GET', '/api/sources', headers={'Host': 'localhost:' + port})[0] == 200
        status, _, _ = s.request('POST', '/api/preview', read('han-letter.xml'),
                                 headers={'Origin': 'http://evil.example'})
        assert status == 403
        assert s.request('GET', '/api/sources', headers={'Origin': s.base})[0] == 200


def test_previews_render_sources_with_their_own_images_only():
    """A history would read editions, an image path any file: the page refuses both."""
    with Server() as s:
        outside = os.path.join(tmpdir(), 'outside.xml')
        shutil.copy(os.path.join(ROOT, 'sources', 'han-letter.xml'), outside)
        history = ('<history xmlns="urn:gongwen:history:1"><edition src="../outside.xml" '
                   'effective="2024-01-01"/></history>').encode()
        status, _, body = s.request('POST', '/api/preview', history)
        assert status == 403 and b'sources only' in body, body
        notice = read('tongzhi-fujian.xml')
        assert b'src="images/' in notice
        # the seal's folder named absolutely, and through ..
        for folder in (os.path.join(ROOT, 'sources', 'images'), '../sources/images'):
            bad = notice.replace(b'src="images/', b'src="' + folder.encode() + b'/', 1)
            status, _, body = s.request('POST', '/api/preview', bad)
            assert status == 403 and b'outside' in body, (folder, status, body[:200])
        # a saved source with such an image is not rendered for download either
        with open(os.path.join(s.dir, 'bad.xml'), 'wb') as f:
            f.write(notice.replace(b'src="images/', b'src="/etc/', 1))
        assert s.request('GET', '/api/pdf?name=bad.xml')[0] == 403
        assert s.request('POST', '/api/preview', notice)[0] == 200, 'its own images render'


def test_under_sanitizers():
    """Every endpoint, good and bad, under ASan/UBSan: no memory error, no leak at exit."""
    asan = os.path.join(ROOT, 'build', 'gongwen-asan')
    assert os.path.exists(asan), 'build/gongwen-asan is missing: run `make check`'
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1:exitcode=90',
               LSAN_OPTIONS='suppressions=' + os.path.join(ROOT, 'tests', 'sanitizers.supp'),
               UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:exitcode=91')
    s = Server(program=asan, env=env)
    try:
        _, headers, old = s.request('GET', '/api/source?name=han-letter.xml')
        s.request('POST', '/api/preview', old)
        s.request('POST', '/api/preview', b'<document')
        s.request('POST', '/api/fix', old)
        s.request('POST', '/api/import', '示例市人民政府文件\n关于防汛的通知\n正文。\n'.encode())
        s.request('PUT', '/api/source?name=han-letter.xml', old, {'If-Match': headers['ETag']})
        s.request('GET', '/api/pdf?name=han-letter.xml')
        s.request('GET', '/api/source?name=../x.xml')
        raw_status(s, 'POST /api/preview HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n'
                   % (s.base[7:], 5 << 20))
    finally:
        s.proc.send_signal(signal.SIGTERM)
        s.proc.wait(timeout=60)
    err = s.proc.stderr.read()
    bad = [l for l in err.splitlines() if 'Sanitizer' in l or 'runtime error' in l]
    assert not bad and s.proc.returncode == 0, err[-3000:]
