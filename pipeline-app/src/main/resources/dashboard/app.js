// Beamflow live dashboard: server-sent events from /api/live/events, images from /api/live/image,
// rules through /api/rules. Plain canvas drawing, no external libraries.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  history: [], // {tMs, hitRate, peakCount, peaksPerFrame}
  image: null, // {w, h, data: Float32Array, frame, binning}
  lastFrame: null,
  fetchingImage: false,
  wantedImageSeq: 0,
  shownImageSeq: 0,
  activeVersion: null,
  validateTimer: null,
};
const HISTORY_POINTS = 600;
const HIT_RATE_WINDOW_MS = 5000; // the headline hit rate covers the last 5 s of frames

// ---- colour maps: anchor colours interpolated into 256-entry tables ----
const ANCHORS = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'],
  inferno: ['#000004', '#1b0c41', '#4a0c6b', '#781c6d', '#a52c60', '#cf4446', '#ed6925', '#fb9b06', '#f7d13d', '#fcffa4'],
  gray: ['#000000', '#ffffff'],
  jet: ['#00007f', '#0000ff', '#007fff', '#00ffff', '#7fff7f', '#ffff00', '#ff7f00', '#ff0000', '#7f0000'],
};
const LUTS = {};
function hexRgb(h) { return [1, 3, 5].map((i) => parseInt(h.substr(i, 2), 16)); }
for (const [name, anchors] of Object.entries(ANCHORS)) {
  const lut = new Uint8ClampedArray(256 * 3);
  const cols = anchors.map(hexRgb);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (cols.length - 1);
    const k = Math.min(cols.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = cols[k][c] + (cols[k + 1][c] - cols[k][c]) * f;
  }
  LUTS[name] = lut;
}

// ---- image ----
function percentile(data, q) {
  const n = Math.min(data.length, 8192);
  const step = data.length / n;
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) s[i] = data[Math.floor(i * step)];
  s.sort();
  return s[Math.min(n - 1, Math.floor(q * n))];
}

function renderImage() {
  const img = state.image;
  if (!img) return;
  const canvas = $('image');
  if (canvas.width !== img.w || canvas.height !== img.h) { canvas.width = img.w; canvas.height = img.h; }
  const ctx = canvas.getContext('2d');
  const out = ctx.createImageData(img.w, img.h);
  const lut = LUTS[$('colormap').value] || LUTS.viridis;
  const log = $('logScale').checked;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < img.data.length; i++) { const v = img.data[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!log) hi = Math.max(lo + 1, percentile(img.data, 0.999));
  const tf = log ? (v) => Math.log1p(Math.max(0, v - lo)) : (v) => v - lo;
  const span = Math.max(1e-12, tf(hi));
  const px = out.data;
  for (let i = 0; i < img.data.length; i++) {
    let t = tf(img.data[i]) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const k = Math.round(t * 255) * 3;
    px[i * 4] = lut[k]; px[i * 4 + 1] = lut[k + 1]; px[i * 4 + 2] = lut[k + 2]; px[i * 4 + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  const f = state.lastFrame;
  if ($('showPeaks').checked && f && f.frame === img.frame && f.peaks && f.peaks.x) {
    ctx.strokeStyle = '#ff3b3b';
    ctx.lineWidth = 1;
    const b = img.binning || 1;
    for (let i = 0; i < f.peaks.x.length; i++) {
      ctx.beginPath();
      ctx.arc(f.peaks.x[i] / b, f.peaks.y[i] / b, 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  $('imageRange').textContent = (log ? 'log ' : '') + 'range ' + lo.toFixed(0) + ' … ' + hi.toFixed(0);
  $('imageInfo').textContent = 'frame ' + img.frame + ', ' + img.w + '×' + img.h + ' (binning ' + (img.binning || 1)
    + ', max-pooled)';
  canvas.dataset.frame = String(img.frame);
  canvas.dataset.renders = String(Number(canvas.dataset.renders) + 1);
  drawColorbar(lut);
}

function drawColorbar(lut) {
  const c = $('colorbar');
  const ctx = c.getContext('2d');
  for (let x = 0; x < c.width; x++) {
    const k = Math.round((x / (c.width - 1)) * 255) * 3;
    ctx.fillStyle = 'rgb(' + lut[k] + ',' + lut[k + 1] + ',' + lut[k + 2] + ')';
    ctx.fillRect(x, 0, 1, c.height);
  }
}

async function fetchImage() {
  if (state.fetchingImage || state.wantedImageSeq === state.shownImageSeq) return;
  state.fetchingImage = true;
  try {
    const r = await fetch('/api/live/image?seq=' + state.wantedImageSeq, { cache: 'no-store' });
    if (r.status === 200) {
      const buf = await r.arrayBuffer();
      const seq = Number(r.headers.get('X-Image-Seq'));
      state.image = {
        w: Number(r.headers.get('X-Image-Width')),
        h: Number(r.headers.get('X-Image-Height')),
        frame: Number(r.headers.get('X-Frame-Number')),
        binning: state.lastFrame ? state.lastFrame.binning : 1,
        data: new Float32Array(buf),
      };
      state.shownImageSeq = Math.max(seq, state.shownImageSeq);
      renderImage();
    }
  } catch (e) {
    console.warn('image fetch failed', e);
  } finally {
    state.fetchingImage = false;
    if (state.wantedImageSeq > state.shownImageSeq) setTimeout(fetchImage, 0);
  }
}

// ---- line plots ----
function plot(canvas, xs, ys, opts) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width;
  const H = canvas.height;
  const L = 48; const B = 20; const T = 8; const R = 8;
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#8b96a3';
  if (!ys.length) { ctx.fillText(opts.empty || 'waiting for data…', L + 10, H / 2); return; }
  let ymin = opts.ymin !== undefined ? opts.ymin : Math.min(...ys);
  let ymax = opts.ymax !== undefined ? opts.ymax : Math.max(...ys);
  if (ymax - ymin < 1e-9) { ymax = ymin + 1; }
  const xmin = xs[0]; const xmax = xs[xs.length - 1] === xmin ? xmin + 1 : xs[xs.length - 1];
  const sx = (x) => L + ((x - xmin) / (xmax - xmin)) * (W - L - R);
  const sy = (y) => H - B - ((y - ymin) / (ymax - ymin)) * (H - B - T);
  ctx.strokeStyle = '#2c333d';
  ctx.beginPath();
  for (let i = 0; i <= 4; i++) { const y = T + ((H - B - T) * i) / 4; ctx.moveTo(L, y); ctx.lineTo(W - R, y); }
  ctx.stroke();
  ctx.fillStyle = '#8b96a3';
  for (let i = 0; i <= 4; i++) {
    const v = ymax - ((ymax - ymin) * i) / 4;
    ctx.fillText(opts.fmt ? opts.fmt(v) : v.toPrecision(3), 2, T + ((H - B - T) * i) / 4 + 4);
  }
  ctx.fillText(opts.xlabel || '', L, H - 4);
  ctx.strokeStyle = opts.color || '#4fc3f7';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < ys.length; i++) {
    const x = sx(xs[i]); const y = sy(ys[i]);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

function drawProfile(f) {
  const p = f.radialProfile || [];
  const c = $('profile');
  plot(c, p.map((_, i) => i), Array.from(p), { xlabel: 'radial bin', color: '#ffb74d',
    empty: 'no radial profile in this frame (azimuthal integration not configured: reduction.integration.poniFile)' });
  c.dataset.frame = String(f.frame);
  c.dataset.renders = String(Number(c.dataset.renders) + 1);
}

function drawHistory() {
  const h = state.history.filter((p) => p.hitRate !== undefined);
  const now = Date.now();
  const ts = h.map((p) => (p.tMs - now) / 1000);
  plot($('hitRatePlot'), ts, h.map((p) => p.hitRate), { ymin: 0, ymax: 1, xlabel: 'seconds ago', color: '#81c784',
    fmt: (v) => (v * 100).toFixed(0) + '%' });
  const all = state.history;
  const withMean = all.filter((p) => p.peaksPerFrame !== undefined);
  plot($('peakPlot'), withMean.map((p) => (p.tMs - now) / 1000), withMean.map((p) => p.peaksPerFrame),
    { ymin: 0, xlabel: 'seconds ago', color: '#e57373' });
}

function pushPoint(p) {
  state.history.push(p);
  if (state.history.length > HISTORY_POINTS) state.history.shift();
}

// ---- events ----
function onFrame(f) {
  state.lastFrame = f;
  $('series').textContent = f.series;
  $('frameNumber').textContent = f.frame;
  $('decision').textContent = f.decision + (f.ruleName ? ' (' + f.ruleName + ')' : '');
  $('effectiveVersion').textContent = 'v' + f.ruleVersion;
  if (f.receiveTimeMs > 0) $('latencyMs').textContent = Math.max(0, Date.now() - f.receiveTimeMs).toFixed(0);
  if (f.point) {
    pushPoint(f.point);
    const recent = state.history.filter((p) => p.frames && p.tMs >= f.point.tMs - HIT_RATE_WINDOW_MS);
    const frames = recent.reduce((a, p) => a + p.frames, 0);
    if (frames > 0) {
      const rate = recent.reduce((a, p) => a + p.kept, 0) / frames;
      $('hitRate').textContent = (rate * 100).toFixed(1) + '%';
      $('hitRate').dataset.value = String(rate);
    }
    $('peakCount').textContent = String(f.point.peakCount);
    drawHistory();
  }
  if (f.recordPath) {
    const r = f.recordPath;
    const eta = r.behindFrames === 0 ? 'caught up'
      : r.catchUpSeconds < 0 ? 'not catching up' : 'catches up in ' + r.catchUpSeconds.toFixed(0) + ' s';
    $('recordPath').textContent = r.behindFrames + ' frames, ' + r.behindSeconds.toFixed(1) + ' s behind ('
      + r.framesPerSecond.toFixed(0) + ' frames/s, ' + eta + ')';
    $('recordPath').dataset.behindFrames = String(r.behindFrames);
  }
  if (f.liveEvery) $('liveEvery').textContent = 'live: 1 in ' + f.liveEvery + ' frames';
  drawProfile(f);
  if (f.imageSeq) {
    state.wantedImageSeq = Math.max(state.wantedImageSeq, f.imageSeq);
    fetchImage();
  }
}

function fmtBytes(b) {
  if (b === null || b === undefined) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return b.toFixed(i ? 1 : 0) + ' ' + u[i];
}

function onStatus(s) {
  const body = $('stages').tBodies[0];
  body.innerHTML = '';
  for (const st of s.stages || []) {
    const tr = document.createElement('tr');
    const cells = [st.stage, (st.framesPerSec || 0).toFixed(1), ((st.bytesPerSec || 0) / 1e6).toFixed(1),
      st.backlog === undefined ? '–' : st.backlog.toFixed(0),
      st.backPressuredMsPerSec === undefined ? '–' : (st.backPressuredMsPerSec / 10).toFixed(0) + '%',
      (st.frames || 0).toFixed(0)];
    for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.appendChild(td); }
    body.appendChild(tr);
  }
  const se = s.series || {};
  $('seriesState').textContent = se.state + (se.seriesId ? ' ' + se.seriesId : '')
    + (se.framesExpected ? ' (' + se.framesSent + '/' + se.framesExpected + ')' : '');
  $('journalBytes').textContent = fmtBytes(s.journalBytes);
  $('checkpointAge').textContent = s.checkpointAgeS === null || s.checkpointAgeS === undefined ? '–'
    : s.checkpointAgeS.toFixed(1) + ' s';
  const lv = s.liveView || {};
  $('liveViewInfo').textContent = (lv.endpoint || 'off') + ', ' + (lv.received || 0) + ' msgs'
    + (lv.lastMessageAgeMs !== null && lv.lastMessageAgeMs !== undefined ? ', last ' + lv.lastMessageAgeMs + ' ms ago' : '');
  const errs = Object.entries(s.errors || {}).filter(([, v]) => v > 0);
  $('errors').textContent = errs.length ? errs.map(([k, v]) => k + ' ' + v).join(', ') : 'none';
  if (s.activeRuleVersion !== undefined) setActiveVersion(s.activeRuleVersion);
}

function setActiveVersion(v) {
  if (state.activeVersion !== v) {
    state.activeVersion = v;
    $('activeVersion').textContent = 'v' + v;
    loadVersions();
  }
}

function connect() {
  const es = new EventSource('/api/live/events');
  es.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'pill on'; };
  es.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').className = 'pill off'; };
  es.addEventListener('frame', (e) => onFrame(JSON.parse(e.data)));
  es.addEventListener('status', (e) => onStatus(JSON.parse(e.data)));
  es.addEventListener('rules', (e) => setActiveVersion(JSON.parse(e.data).version));
  es.addEventListener('history', (e) => {
    state.history = JSON.parse(e.data).points || [];
    drawHistory();
  });
  es.addEventListener('series', (e) => {
    const m = JSON.parse(e.data);
    $('series').textContent = m.series + (m.type === 'series_end' ? ' (ended)' : '');
  });
}

// ---- rules ----
function editorDocument() {
  const doc = JSON.parse($('ruleEditor').value);
  if ($('author').value) doc.author = $('author').value;
  if ($('comment').value) doc.comment = $('comment').value;
  return doc;
}

function showProblems(list, message, ok) {
  const ul = $('ruleProblems');
  ul.innerHTML = '';
  for (const p of list) { const li = document.createElement('li'); li.textContent = p; ul.appendChild(li); }
  $('ruleMessage').textContent = message;
  $('ruleMessage').className = ok ? 'ok' : 'bad';
  $('ruleEditor').classList.toggle('invalid', !ok);
}

async function callRules(path, method, withToken) {
  let doc;
  try {
    doc = editorDocument();
  } catch (e) {
    showProblems(['JSON: ' + e.message], 'not valid JSON', false);
    return null;
  }
  const headers = { 'Content-Type': 'application/json' };
  if (withToken) headers.Authorization = 'Bearer ' + $('token').value;
  const r = await fetch(path, { method, headers, body: JSON.stringify(doc) });
  let body = {};
  try { body = await r.json(); } catch (e) { body = { error: 'HTTP ' + r.status }; }
  return { status: r.status, body };
}

async function validateRules() {
  const res = await callRules('/api/rules/validate', 'POST', false);
  if (!res) return;
  if (res.status !== 200) { showProblems([res.body.error], 'refused (' + res.status + ')', false); return; }
  if (res.body.valid) showProblems([], 'valid', true);
  else showProblems(res.body.problems.map(problemText), res.body.problems.length + ' problem(s)', false);
}

function problemText(p) {
  return (p.ruleName ? "rule '" + p.ruleName + "' " : '') + (p.line > 0 ? 'line ' + p.line + ', column ' + p.column + ': ' : '')
    + p.message;
}

async function activateRules() {
  const res = await callRules('/api/rules', 'PUT', true);
  if (!res) return;
  if (res.status === 201) {
    showProblems([], 'activated version ' + res.body.version, true);
    setActiveVersion(res.body.version);
  } else if (res.status === 422) {
    showProblems((res.body.problems || []).map(problemText), res.body.error, false);
  } else {
    showProblems([res.body.error || ('HTTP ' + res.status)], 'refused (' + res.status + ')', false);
  }
}

async function loadActiveIntoEditor() {
  const r = await fetch('/api/rules/active', { cache: 'no-store' });
  const d = await r.json();
  $('ruleEditor').value = JSON.stringify({ rules: d.rules, defaultAction: d.defaultAction }, null, 2);
}

async function loadVersions() {
  const r = await fetch('/api/rules', { cache: 'no-store' });
  const d = await r.json();
  const body = $('versions').tBodies[0];
  body.innerHTML = '';
  for (const v of d.versions.slice().reverse().slice(0, 12)) {
    const tr = document.createElement('tr');
    const when = v.timestampMs ? new Date(v.timestampMs).toLocaleTimeString() : '';
    for (const c of ['v' + v.version + (v.version === d.active ? ' ●' : ''), v.author, when, v.comment]) {
      const td = document.createElement('td'); td.textContent = c; td.title = c; tr.appendChild(td);
    }
    const td = document.createElement('td');
    if (v.version !== d.active) {
      const b = document.createElement('button');
      b.textContent = 'roll back';
      b.onclick = () => rollback(v.version);
      td.appendChild(b);
    }
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

async function rollback(version) {
  const r = await fetch('/api/rules/rollback', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + $('token').value },
    body: JSON.stringify({ version, author: $('author').value, comment: $('comment').value }),
  });
  const b = await r.json();
  if (r.status === 201) { showProblems([], 'rolled back: version ' + b.version, true); setActiveVersion(b.version); }
  else showProblems((b.problems || []).map(problemText).concat(b.error ? [b.error] : []), 'refused (' + r.status + ')', false);
}

function init() {
  $('token').value = sessionStorage.getItem('beamflowToken') || '';
  $('author').value = localStorage.getItem('beamflowAuthor') || '';
  $('token').addEventListener('change', () => sessionStorage.setItem('beamflowToken', $('token').value));
  $('author').addEventListener('change', () => localStorage.setItem('beamflowAuthor', $('author').value));
  $('validateBtn').onclick = validateRules;
  $('activateBtn').onclick = activateRules;
  $('ruleEditor').addEventListener('input', () => {
    clearTimeout(state.validateTimer);
    state.validateTimer = setTimeout(validateRules, 400);
  });
  for (const id of ['colormap', 'logScale', 'showPeaks']) $(id).addEventListener('change', renderImage);
  setInterval(drawHistory, 1000);
  loadActiveIntoEditor();
  loadVersions();
  connect();
}

init();
