// The page of `gongwen serve`: open or make a source, see its pages as they change, fix what
// the lint finds, save, download the PDF. No framework: the page is small.
'use strict';

const token = new URLSearchParams(location.search).get('token');
const $ = (id) => document.getElementById(id);
const state = { name: '', etag: null, seq: 0, timer: null };

function api(path, options = {}) {
  options.headers = Object.assign({}, options.headers || {});
  if (token) options.headers['X-Gongwen-Token'] = token;
  return fetch(path, options);
}

function status(text) {
  $('status').textContent = text;
}

function withToken(url) {
  return token ? url + '&token=' + encodeURIComponent(token) : url;
}

function setName(name, etag) {
  state.name = name;
  state.etag = etag;
  $('save').disabled = !name;
  $('fix').disabled = false;
  const pdf = $('pdf');
  pdf.href = name ? withToken('/api/pdf?name=' + encodeURIComponent(name)) : '#';
  pdf.classList.toggle('disabled', !name || !etag);
}

async function loadList(select) {
  const r = await api('/api/sources');
  const list = (await r.json()).sources || [];
  const sel = $('sources');
  sel.length = 1;
  for (const name of list) sel.add(new Option(name, name));
  if (select) sel.value = select;
}

async function open(name) {
  if (!name) return;
  const r = await api('/api/source?name=' + encodeURIComponent(name));
  if (!r.ok) { status((await r.json()).error); return; }
  $('editor').value = await r.text();
  setName(name, r.headers.get('ETag'));
  $('form').hidden = true;
  status(name);
  preview();
}

function showDiagnostics(list) {
  const ol = $('diagnostics');
  ol.textContent = '';
  for (const d of list || []) {
    const li = document.createElement('li');
    li.className = d.kind;
    li.dataset.line = d.line;
    li.textContent = (d.line ? '第' + d.line + '行 ' : '') + d.message;
    li.addEventListener('click', () => goToLine(d.line));
    ol.appendChild(li);
  }
}

function goToLine(line) {
  const ed = $('editor');
  const lines = ed.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  ed.focus();
  ed.setSelectionRange(start, start + (lines[line - 1] || '').length);
}

async function preview() {
  const seq = ++state.seq;
  status('排版中…');
  const r = await api('/api/preview', { method: 'POST', body: $('editor').value });
  const result = await r.json();
  if (seq !== state.seq) return; // a later edit has its own preview coming
  const pages = $('pages');
  pages.textContent = '';
  (result.pages || []).forEach((src, i) => {
    const img = new Image();
    img.src = src;
    img.alt = '第' + (i + 1) + '页';
    pages.appendChild(img);
  });
  showDiagnostics(result.diagnostics);
  const errors = (result.diagnostics || []).filter((d) => d.kind === 'error').length;
  status(errors ? errors + ' 个错误' : (result.pages || []).length + ' 页');
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(preview, 200);
}

async function save() {
  const headers = {};
  if (state.etag) headers['If-Match'] = state.etag;
  const r = await api('/api/source?name=' + encodeURIComponent(state.name),
                      { method: 'PUT', headers, body: $('editor').value });
  if (!r.ok) { status('未保存：' + (await r.json()).error); return; }
  setName(state.name, r.headers.get('ETag'));
  await loadList(state.name);
  status('已保存 ' + state.name);
}

async function fix() {
  const r = await api('/api/fix', { method: 'POST', body: $('editor').value });
  if (!r.ok) { status((await r.json()).error); return; }
  $('editor').value = await r.text();
  preview();
}

function chineseDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return y + '年' + m + '月' + d + '日';
}

// The form's fields as the plain text the importer reads, in the order of a document.
function composeText(f) {
  const v = (name) => (f.elements[name].value || '').trim();
  const lines = [];
  if (v('organ')) lines.push(v('organ') + '文件');
  if (v('code') && v('year') && v('seq')) lines.push(v('code') + '〔' + v('year') + '〕' + v('seq') + '号');
  if (v('signer')) lines.push('签发人：' + v('signer'));
  lines.push(v('title'));
  if (v('addressee')) lines.push(v('addressee').replace(/[：:]$/, '') + '：');
  for (const p of v('body').split(/\n+/)) if (p.trim()) lines.push(p.trim());
  lines.push(v('signature') || v('organ'));
  lines.push(chineseDate(v('date')));
  if (v('cc')) lines.push('抄送：' + v('cc'));
  if (v('printer') && v('printed')) lines.push(v('printer') + ' ' + chineseDate(v('printed')) + '印发');
  return lines.join('\n') + '\n';
}

async function make(event) {
  event.preventDefault();
  const f = $('form');
  const r = await api('/api/import', { method: 'POST', body: composeText(f) });
  const result = await r.json();
  if (!result.source) { showDiagnostics(result.diagnostics); status('无法生成'); return; }
  const doc = new DOMParser().parseFromString(result.source, 'application/xml');
  doc.documentElement.setAttribute('kind', f.elements.kind.value);
  $('editor').value = new XMLSerializer().serializeToString(doc).replace(/^(<\?xml[^>]*\?>)?/, '<?xml version="1.0" encoding="UTF-8"?>\n');
  setName(f.elements.file.value.replace(/\.xml$/, '') + '.xml', null);
  f.hidden = true;
  status('已生成 ' + state.name + '（未保存）');
  preview();
}

document.addEventListener('DOMContentLoaded', () => {
  loadList();
  $('sources').addEventListener('change', (e) => open(e.target.value));
  $('new').addEventListener('click', () => { $('form').hidden = false; });
  $('form').addEventListener('submit', make);
  $('editor').addEventListener('input', schedule);
  $('save').addEventListener('click', save);
  $('fix').addEventListener('click', fix);
});
