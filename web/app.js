// The page of `gongwen serve`: open or make a source, see its pages as they change, fix what
// the lint finds, save, download the PDF. No framework: the page is small.
'use strict';

// The token comes in the address gongwen printed; kept for this tab only and taken out of the
// address bar (and so out of the browser's history).
const token = (() => {
  const given = new URLSearchParams(location.search).get('token');
  if (given) {
    sessionStorage.setItem('gongwen-token', given);
    history.replaceState(null, '', location.pathname);
  }
  return given || sessionStorage.getItem('gongwen-token');
})();
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
  $('fields').disabled = !name;
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

// ---- the common fields of an open source, edited through the form ---------------------
// Each field is a place in the source; the form writes it there and the XML stays the
// authority for everything else.
const NS = 'urn:gongwen:source:1';
// the schema's order of children, to put a new element where it belongs
const ORDER = {
  document: ['head', 'title', 'title-note', 'addressee', 'body', 'attendance', 'closing', 'note',
             'attachment', 'colophon'],
  head: ['copy', 'secrecy', 'urgency', 'organ', 'number', 'signer'],
  closing: ['signature', 'signatory', 'date', 'seal'],
  colophon: ['to', 'cc', 'printer', 'printed'],
};

function child(parent, name) {
  for (const c of parent ? parent.children : []) if (c.namespaceURI === NS && c.localName === name) return c;
  return null;
}

function ensure(parent, name) {
  let el = child(parent, name);
  if (el) return el;
  el = parent.ownerDocument.createElementNS(NS, name);
  const order = ORDER[parent.localName] || [];
  const after = order.slice(order.indexOf(name) + 1);
  const next = [...parent.children].find((c) => after.includes(c.localName));
  parent.insertBefore(el, next || null);
  return el;
}

function textOf(el) {
  if (!el) return '';
  let t = '';
  for (const n of el.childNodes) t += n.nodeType === 1 && n.localName === 'br' ? '\n' : n.textContent;
  return t.trim();
}

function readFields(doc) {
  const root = doc.documentElement, head = child(root, 'head'), number = child(head, 'number');
  const closing = child(root, 'closing'), colophon = child(root, 'colophon');
  return {
    kind: root.getAttribute('kind') || '',
    organ: textOf(child(head, 'organ')),
    code: number ? number.getAttribute('code') || '' : '',
    year: number ? number.getAttribute('year') || '' : '',
    seq: number ? number.getAttribute('seq') || '' : '',
    signer: textOf(child(head, 'signer')),
    title: textOf(child(root, 'title')),
    addressee: textOf(child(root, 'addressee')),
    signature: textOf(child(closing, 'signature')),
    date: textOf(child(closing, 'date')),
    cc: textOf(child(colophon, 'cc')),
    printer: textOf(child(colophon, 'printer')),
    printed: textOf(child(colophon, 'printed')),
  };
}

function setText(el, value) {
  while (el.firstChild) el.removeChild(el.firstChild);
  value.split('\n').forEach((part, i) => {
    if (i) el.appendChild(el.ownerDocument.createElementNS(NS, 'br'));
    el.appendChild(el.ownerDocument.createTextNode(part));
  });
}

// Writes one field into the source: an empty optional field removes its element.
function writeField(doc, name, value) {
  const root = doc.documentElement, head = ensure(root, 'head');
  const optional = (parent, tag) => {
    if (value) setText(ensure(parent, tag), value);
    else if (child(parent, tag)) parent.removeChild(child(parent, tag));
  };
  switch (name) {
    case 'kind': root.setAttribute('kind', value); break;
    case 'organ': setText(ensure(head, 'organ'), value); break;
    case 'code': case 'year': case 'seq': {
      const number = ensure(head, 'number');
      if (value) number.setAttribute(name, value); else number.removeAttribute(name);
      if (!number.attributes.length) head.removeChild(number);
      break;
    }
    case 'signer': optional(head, 'signer'); break;
    case 'title': setText(ensure(root, 'title'), value); break;
    case 'addressee': optional(root, 'addressee'); break;
    case 'signature': optional(ensure(root, 'closing'), 'signature'); break;
    case 'date': setText(ensure(ensure(root, 'closing'), 'date'), value); break;
    case 'cc': case 'printer': case 'printed': {
      if (!value && !child(root, 'colophon')) break;
      optional(ensure(root, 'colophon'), name);
      const col = child(root, 'colophon');
      if (col && !col.children.length) root.removeChild(col);
      break;
    }
  }
}

function serialize(doc) {
  const xml = new XMLSerializer().serializeToString(doc);
  return xml.startsWith('<?xml') ? xml : '<?xml version="1.0" encoding="UTF-8"?>\n' + xml;
}

function parseEditor() {
  const doc = new DOMParser().parseFromString($('editor').value, 'application/xml');
  return doc.getElementsByTagName('parsererror').length ? null : doc;
}

function showFields() {
  const doc = parseEditor();
  if (!doc) { status('源文件不是完整的 XML：先在源文件中修正'); return; }
  const f = $('form'), values = readFields(doc);
  for (const [name, value] of Object.entries(values)) {
    const input = f.elements[name];
    if (!input) continue;
    if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === value)) input.add(new Option(value));
    input.value = value;
  }
  f.classList.add('editing');
  $('legend').textContent = '常用项（' + state.name + '）';
  f.hidden = false;
}

function fieldEdited(event) {
  const f = $('form');
  if (!f.classList.contains('editing') || !event.target.name) return;
  const doc = parseEditor();
  if (!doc) { status('源文件不是完整的 XML：先在源文件中修正'); return; }
  writeField(doc, event.target.name, event.target.value.trim());
  $('editor').value = serialize(doc);
  schedule();
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
  for (const t of v('title').split('\n')) if (t.trim()) lines.push(t.trim());
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
  if (f.classList.contains('editing')) return;
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
  $('new').addEventListener('click', () => {
    const f = $('form');
    f.classList.remove('editing');
    $('legend').textContent = '新建公文';
    f.reset();
    f.hidden = false;
  });
  $('fields').addEventListener('click', showFields);
  $('form').addEventListener('input', fieldEdited);
  $('form').addEventListener('submit', make);
  $('editor').addEventListener('input', schedule);
  $('save').addEventListener('click', save);
  $('fix').addEventListener('click', fix);
});
