// The /docs page: a small self-contained renderer of the OpenAPI document, with a form to try each
// route. It loads nothing from the network but the API itself, so it works offline and on every
// runtime (swagger-ui would need its assets served from node_modules or a CDN).

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#075e54;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;opacity:.85}main{max-width:1000px;margin:0 auto;padding:16px}
.auth{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px;margin-bottom:16px;display:flex;gap:8px;flex-wrap:wrap}
.auth label{display:flex;flex-direction:column;font-size:12px;color:#556;flex:1;min-width:220px}
input,textarea,select{font:13px ui-monospace,monospace;padding:6px;border:1px solid #c8ced8;border-radius:4px}
h2{font-size:17px;margin:24px 0 8px}details{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:6px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;align-items:center}
.m{font:700 12px ui-monospace,monospace;padding:3px 6px;border-radius:4px;color:#fff;min-width:54px;text-align:center}
.get{background:#2f7dd1}.post{background:#2e9d5b}.put{background:#c98a12}.delete{background:#c93c3c}
.p{font-family:ui-monospace,monospace}.s{color:#556}.body{padding:0 12px 12px}
pre{background:#f0f2f5;padding:8px;border-radius:4px;overflow:auto;font-size:12px;max-height:360px}
.grid{display:grid;grid-template-columns:180px 1fr;gap:6px;align-items:center;margin:6px 0}
button{background:#075e54;color:#fff;border:0;border-radius:4px;padding:7px 14px;cursor:pointer}
.out img{max-width:260px;border:1px solid #ccc}
`;

const SCRIPT = `
const $ = (t, a = {}, ...kids) => { const e = document.createElement(t);
  for (const [k, v] of Object.entries(a)) k === 'class' ? (e.className = v) : e.setAttribute(k, v);
  for (const k of kids) e.append(k); return e; };
const store = (k) => { const i = document.getElementById(k); i.value = localStorage.getItem('wabot.' + k) || '';
  i.addEventListener('input', () => localStorage.setItem('wabot.' + k, i.value)); return i; };
let spec;
const deref = (s) => (s && s.$ref ? spec.components.schemas[s.$ref.split('/').pop()] : s) || {};
function example(s, depth = 0) {
  s = deref(s); if (depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (s.anyOf) return example(s.anyOf[0], depth + 1);
  if (s.enum) return s.enum[0];
  if (s.type === 'object' || s.properties) { const o = {};
    for (const [k, v] of Object.entries(s.properties || {})) { if (k === 'session_id' || k === 'access_token') continue;
      o[k] = example(v, depth + 1); } return o; }
  if (s.type === 'array') return [example(s.items, depth + 1)];
  if (s.type === 'boolean') return true; if (s.type === 'number' || s.type === 'integer') return 0;
  return s.format === 'binary' ? '(file)' : '';
}
function operation(path, method, op) {
  const params = (op.parameters || []).filter((p) => !['session_id', 'access_token'].includes(p.name) || p.in === 'path');
  const content = op.requestBody && op.requestBody.content;
  const multipart = content && content['multipart/form-data'];
  const bodySchema = content && deref((multipart || content['application/json']).schema);
  const inputs = {}; const grid = $('div');
  for (const p of params) { inputs[p.in + ':' + p.name] = $('input', { placeholder: p.in });
    grid.append($('div', { class: 'grid' }, $('span', { class: 'p' }, p.name + (p.required ? ' *' : '')), inputs[p.in + ':' + p.name])); }
  let textarea;
  if (multipart) for (const [k, v] of Object.entries(bodySchema.properties || {})) {
    if (k === 'session_id' || k === 'access_token') continue;
    const i = deref(v).format === 'binary' ? $('input', { type: 'file' }) : $('input');
    inputs['form:' + k] = i; grid.append($('div', { class: 'grid' }, $('span', { class: 'p' }, k), i)); }
  else if (bodySchema) { textarea = $('textarea', { rows: 10, style: 'width:100%' });
    textarea.value = JSON.stringify(example(bodySchema), null, 2); grid.append(textarea); }
  const out = $('div', { class: 'out' });
  const send = $('button', {}, 'Send');
  send.onclick = async () => {
    let url = path.replace(/\\{(\\w+)\\}/g, (_, n) => encodeURIComponent(inputs['path:' + n].value));
    const q = new URLSearchParams();
    for (const [k, i] of Object.entries(inputs)) if (k.startsWith('query:') && i.value) q.set(k.slice(6), i.value);
    const secure = op.security && !op.security.some((s) => 'bearerAuth' in s && Object.keys(s).length === 1);
    if (secure) { for (const k of ['session_id', 'access_token']) if (document.getElementById(k).value) q.set(k, document.getElementById(k).value); }
    if ([...q].length) url += '?' + q;
    const headers = {}; const token = document.getElementById('token').value;
    if (token) headers.authorization = 'Bearer ' + token;
    let body;
    if (multipart) { body = new FormData();
      for (const [k, i] of Object.entries(inputs)) if (k.startsWith('form:')) { const n = k.slice(5);
        if (i.type === 'file') { if (i.files[0]) body.append(n, i.files[0]); } else if (i.value) body.append(n, i.value); } }
    else if (textarea) { body = textarea.value; headers['content-type'] = 'application/json'; }
    out.textContent = '...';
    try { const r = await fetch(url, { method: method.toUpperCase(), headers, body });
      const type = r.headers.get('content-type') || ''; out.textContent = '';
      out.append($('div', { class: 's' }, r.status + ' ' + r.statusText));
      if (type.startsWith('image/')) out.append($('img', { src: URL.createObjectURL(await r.blob()) }));
      else { const t = await r.text(); let shown = t; try { shown = JSON.stringify(JSON.parse(t), null, 2); } catch {}
        out.append($('pre', {}, shown || '(empty)')); } }
    catch (e) { out.textContent = String(e); } };
  const responses = $('pre', {}, Object.entries(op.responses || {}).map(([code, r]) => code + ' ' + r.description).join('\\n'));
  return $('details', {}, $('summary', {}, $('span', { class: 'm ' + method }, method.toUpperCase()),
    $('span', { class: 'p' }, path), $('span', { class: 's' }, op.summary || '')),
    $('div', { class: 'body' }, $('p', {}, op.description || ''), grid, send, out, responses));
}
fetch(document.body.dataset.spec).then((r) => r.json()).then((s) => { spec = s;
  document.getElementById('title').textContent = s.info.title + ' ' + s.info.version;
  document.getElementById('desc').textContent = s.info.description || '';
  ['token', 'session_id', 'access_token'].forEach(store);
  const byTag = {};
  for (const [path, ops] of Object.entries(s.paths)) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags || ['Other'])[0]; (byTag[tag] ||= []).push(operation(path, method, op)); }
  const main = document.getElementById('ops');
  for (const [tag, ops] of Object.entries(byTag)) { main.append($('h2', {}, tag)); ops.forEach((o) => main.append(o)); }
}).catch((e) => { document.getElementById('ops').textContent = 'Could not load the API description: ' + e; });
`;

/** The HTML of the docs page, reading the OpenAPI document from `specUrl`. */
export function docsPage(specUrl: string): string {
  const attr = specUrl.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>wabot API</title><style>${STYLE}</style></head>
<body data-spec="${attr}">
<header><h1 id="title">wabot API</h1><p id="desc"></p></header>
<main>
<div class="auth">
<label>Bearer token (account routes)<input id="token" autocomplete="off"></label>
<label>session_id (instance routes)<input id="session_id" autocomplete="off"></label>
<label>access_token (instance routes)<input id="access_token" autocomplete="off"></label>
</div>
<div id="ops">Loading…</div>
</main>
<script>${SCRIPT}</script>
</body></html>`;
}
