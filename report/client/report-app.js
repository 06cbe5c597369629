// kspan HTML report: draws the traces embedded in #kspan-data. Plain DOM, no dependencies, no network.
// Every text from the data goes through textContent, never innerHTML: Event messages are untrusted input.
'use strict';
(function () {
  const ROW = 22;
  const OVERSCAN = 20;
  const data = JSON.parse(document.getElementById('kspan-data').textContent);
  const traces = data.traces;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function str(v) {
    return typeof v === 'string' ? v : '';
  }

  /** "1.234s", "350ms", "2m03s" */
  function dur(us) {
    const ms = us / 1000;
    if (us === 0) return '0';
    if (ms < 1) return `${Math.round(us)}µs`;
    if (ms < 1000) return `${Math.round(ms)}ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(s < 10 ? 3 : 1)}s`;
    // Whole seconds first, so 119.6 s reads 2m00s, never 1m60s.
    const total = Math.round(s);
    const m = Math.floor(total / 60);
    return `${m}m${String(total - m * 60).padStart(2, '0')}s`;
  }

  function iso(us) {
    const d = new Date(Math.floor(us / 1000));
    const frac = String(Math.floor(us % 1_000_000)).padStart(6, '0');
    return `${d.toISOString().slice(0, 19)}.${frac}Z`;
  }

  // Component colours: well-known components keep theirs, others take a stable slot of a colour-blind-safe palette.
  const PALETTE = [
    '#4e79a7',
    '#f28e2b',
    '#59a14f',
    '#76b7b2',
    '#edc948',
    '#b07aa1',
    '#ff9da7',
    '#9c755f',
    '#86bcb6',
    '#8cd17d',
  ];
  const KNOWN = {
    kubelet: '#4e79a7',
    'default-scheduler': '#f28e2b',
    'deployment-controller': '#59a14f',
    'replicaset-controller': '#76b7b2',
    'statefulset-controller': '#edc948',
    'daemonset-controller': '#b07aa1',
    'job-controller': '#ff9da7',
    'node-controller': '#9c755f',
  };
  const colours = new Map();
  function colour(service) {
    let c = colours.get(service) ?? (Object.hasOwn(KNOWN, service) ? KNOWN[service] : undefined);
    if (c === undefined && service.startsWith('kubectl')) c = '#8a94a6';
    if (c === undefined) {
      let x = 2166136261;
      for (let i = 0; i < service.length; i++) x = Math.imul(x ^ service.charCodeAt(i), 16777619);
      c = PALETTE[(x >>> 0) % PALETTE.length];
    }
    colours.set(service, c);
    return c;
  }

  function rootLabel(t) {
    const r = t.spans[0];
    const a = r.a;
    const obj =
      a['kspan.object.name'] !== undefined
        ? `${a['k8s.namespace.name'] ? `${a['k8s.namespace.name']}/` : ''}${a['kspan.object.name']}`
        : '';
    const gen =
      a['kspan.root'] === true && a['kspan.object.generation'] !== undefined
        ? ` gen ${a['kspan.object.generation']}`
        : '';
    return `${r.n}  ${obj}${gen}`;
  }

  function changesOf(t) {
    const c = t.spans[0].a['kspan.changes'];
    return typeof c === 'string' && c !== '' ? c.split('; ') : [];
  }

  // Per-trace facts the filters use.
  for (const t of traces) {
    t.ns = new Set();
    t.kinds = new Set();
    t.reasons = new Set();
    t.errors = 0;
    t.label = rootLabel(t);
    t.changes = changesOf(t);
    for (const s of t.spans) {
      const a = s.a;
      if (typeof a['k8s.namespace.name'] === 'string') t.ns.add(a['k8s.namespace.name']);
      if (typeof a['kspan.object.kind'] === 'string') t.kinds.add(a['kspan.object.kind']);
      if (typeof a['kspan.event.reason'] === 'string') t.reasons.add(a['kspan.event.reason']);
      if (s.e) t.errors++;
    }
  }

  function searchText(s) {
    if (s.q === undefined) {
      const a = s.a;
      s.q = [s.n, s.s, s.id, str(a['kspan.event.message']), str(a['kspan.object.name']), str(a['k8s.namespace.name'])]
        .join('\n')
        .toLowerCase();
    }
    return s.q;
  }

  // ---- layout ----
  const header = el('header');
  const h1 = el('h1', '', data.title);
  const totalSpans = traces.reduce((n, t) => n + t.spans.length, 0);
  header.append(h1, el('span', 'meta', `${traces.length} traces · ${totalSpans} spans`));
  const app = el('div');
  app.id = 'app';
  const side = el('aside');
  side.id = 'side';
  const filters = el('div');
  filters.id = 'filters';
  const search = el('input');
  search.type = 'search';
  search.id = 'search';
  search.placeholder = 'Search spans: name, message, object, component…';
  function select(id, label, values) {
    const s = el('select');
    s.id = id;
    s.setAttribute('aria-label', label);
    s.append(new Option(`all ${label}`, ''));
    for (const v of [...values].sort()) s.append(new Option(v, v));
    return s;
  }
  const union = (key) => traces.reduce((acc, t) => (t[key].forEach((v) => acc.add(v)), acc), new Set());
  const nsSel = select('filter-namespace', 'namespaces', union('ns'));
  const kindSel = select('filter-kind', 'kinds', union('kinds'));
  const reasonSel = select('filter-reason', 'reasons', union('reasons'));
  const errorsOnly = el('label');
  const errorsBox = el('input');
  errorsBox.type = 'checkbox';
  errorsBox.id = 'filter-errors';
  errorsOnly.append(errorsBox, ' only traces with errors');
  const traceCount = el('div');
  traceCount.id = 'trace-count';
  filters.append(search, nsSel, kindSel, reasonSel, errorsOnly, traceCount);
  const list = el('ul');
  list.id = 'traces';
  side.append(filters, list);

  const main = el('main');
  main.id = 'main';
  const head = el('section');
  head.id = 'trace-head';
  const axis = el('div');
  axis.id = 'axis';
  const scroller = el('div');
  scroller.id = 'scroller';
  const canvas = el('div');
  canvas.id = 'canvas';
  scroller.append(canvas);
  main.append(head, axis, scroller);

  const details = el('aside');
  details.id = 'details';
  details.append(el('p', 'hint', 'Click a span to see its attributes, repeats and the rule that parented it.'));
  app.append(side, main, details);
  const tooltip = el('div');
  tooltip.id = 'tooltip';
  document.body.append(header, app, tooltip);

  // ---- golden comparison (a failed --check) ----
  if (data.comparison) {
    const c = data.comparison;
    const panel = el('section');
    panel.id = 'comparison';
    const expected = c.expected.split('\n');
    const actual = c.actual.split('\n');
    const inExpected = new Set(expected);
    const inActual = new Set(actual);
    function column(title, lines, other, cls) {
      const box = el('div');
      box.append(el('h3', '', title));
      const pre = el('pre');
      for (const line of lines) {
        const div = el('div', other.has(line) ? '' : cls, line === '' ? ' ' : line);
        pre.append(div);
      }
      box.append(pre);
      return box;
    }
    const cols = el('div', 'cols');
    cols.append(
      column(`expected (${c.golden})`, expected, inActual, 'only-expected'),
      column('actual', actual, inExpected, 'only-actual'),
    );
    panel.append(
      el(
        'p',
        'failed-check',
        `The trees differ from the golden file ${c.golden}: lines only in one side are highlighted.`,
      ),
      cols,
    );
    const toggle = el('button', 'failed-check', 'golden check failed: expected vs actual');
    toggle.id = 'comparison-toggle';
    toggle.addEventListener('click', () => panel.classList.toggle('open'));
    header.append(toggle);
    document.body.append(panel);
    panel.classList.add('open');
  }

  // ---- trace list ----
  let shown = traces;
  let current = null;
  let rows = [];
  let collapsed = new Set();
  let selectedSpan = -1;
  let spanMatch = null;

  function filtersActive() {
    return search.value.trim() !== '' || nsSel.value !== '' || kindSel.value !== '' || reasonSel.value !== '';
  }

  function spanMatches(s, q) {
    const a = s.a;
    if (nsSel.value !== '' && a['k8s.namespace.name'] !== nsSel.value) return false;
    if (kindSel.value !== '' && a['kspan.object.kind'] !== kindSel.value) return false;
    if (reasonSel.value !== '' && a['kspan.event.reason'] !== reasonSel.value) return false;
    return q === '' || searchText(s).includes(q);
  }

  function applyFilters() {
    const q = search.value.trim().toLowerCase();
    const active = filtersActive();
    shown = traces.filter((t) => {
      if (errorsBox.checked && t.errors === 0) return false;
      if (!active) return true;
      if (nsSel.value !== '' && !t.ns.has(nsSel.value)) return false;
      if (kindSel.value !== '' && !t.kinds.has(kindSel.value)) return false;
      if (reasonSel.value !== '' && !t.reasons.has(reasonSel.value)) return false;
      return t.spans.some((s) => spanMatches(s, q)) || (q !== '' && t.id.includes(q));
    });
    renderList();
    if (current !== null && !shown.includes(current)) selectTrace(shown[0] ?? null);
    else if (current === null && shown.length > 0) selectTrace(shown[0]);
    else {
      computeMatches();
      renderRows(true);
    }
  }

  function renderList() {
    list.replaceChildren();
    traceCount.textContent = `${shown.length} of ${traces.length} traces`;
    const frag = document.createDocumentFragment();
    for (const t of shown) {
      const li = el('li');
      li.dataset.traceId = t.id;
      li.append(el('div', 't-title', t.label));
      const meta = el(
        'div',
        't-meta',
        `${t.spans.length} spans · ${dur(t.durationUs)} · ${iso(t.startUs).slice(0, 19)}Z `,
      );
      if (t.errors > 0) meta.append(el('span', 'err-badge', t.errors === 1 ? '1 error' : `${t.errors} errors`));
      li.append(meta);
      if (t.changes.length > 0) li.append(el('div', 't-change', t.changes.join(', ')));
      if (t === current) li.classList.add('selected');
      li.addEventListener('click', () => selectTrace(t));
      frag.append(li);
    }
    list.append(frag);
    if (shown.length === 0) list.append(el('li', 'empty', 'No trace matches the filters.'));
  }

  // ---- one trace ----
  function computeMatches() {
    spanMatch = null;
    if (current === null || !filtersActive()) return;
    const q = search.value.trim().toLowerCase();
    spanMatch = current.spans.map((s) => spanMatches(s, q));
  }

  function visibleRows() {
    const out = [];
    const spans = current.spans;
    for (let i = 0; i < spans.length;) {
      out.push(i);
      i = collapsed.has(i) ? spans[i].x : i + 1;
    }
    return out;
  }

  function niceStep(totalUs) {
    const raw = Math.max(totalUs / 8, 1);
    const p = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
    return 10 * p;
  }

  function renderAxis() {
    axis.replaceChildren();
    const total = Math.max(current.durationUs, 1);
    const step = niceStep(total);
    for (let t = 0; t <= total; t += step) {
      const tick = el('div', 'tick', `+${dur(t)}`);
      tick.style.left = `${(t / total) * 100}%`;
      axis.append(tick);
    }
  }

  function renderHead() {
    head.replaceChildren();
    const t = current;
    head.append(el('h2', '', t.label));
    const root = t.spans[0];
    const manager = root.a['kspan.field_manager'];
    head.append(
      el(
        'div',
        'meta',
        `trace ${t.id} · ${t.spans.length} spans · ${dur(t.durationUs)} · started ${iso(t.startUs)}${typeof manager === 'string' ? ` · by ${manager}` : ''}`,
      ),
    );
    if (t.changes.length > 0) {
      const ul = el('ul', 'changes');
      ul.setAttribute('aria-label', 'what changed');
      for (const c of t.changes) ul.append(el('li', '', c));
      head.append(ul);
    }
    const tools = el('div', 'tools');
    const expand = el('button', '', 'expand all');
    expand.id = 'expand-all';
    expand.addEventListener('click', () => {
      collapsed = new Set();
      renderRows(true);
    });
    const collapse = el('button', '', 'collapse all');
    collapse.id = 'collapse-all';
    collapse.addEventListener('click', () => {
      collapsed = new Set();
      current.spans.forEach((s, i) => {
        if (s.x > i + 1) collapsed.add(i);
      });
      renderRows(true);
    });
    const legend = el('div');
    legend.id = 'legend';
    const services = new Map();
    for (const s of t.spans) services.set(s.s, (services.get(s.s) ?? 0) + 1);
    for (const [svc, n] of [...services.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      const item = el('span');
      const sw = el('span', 'sw');
      sw.style.background = colour(svc);
      item.append(sw, `${svc} (${n})`);
      legend.append(item);
    }
    const errSw = el('span');
    const sw = el('span', 'sw');
    sw.style.background = 'var(--error)';
    errSw.append(sw, 'error (Warning)');
    legend.append(errSw);
    tools.append(expand, collapse, legend);
    head.append(tools);
  }

  let visible = [];
  /** Rows in the DOM, by position in `visible`: scrolling adds and removes only the rows that enter or leave. */
  let live = new Map();
  function renderRows(force) {
    if (current === null) return;
    if (force) {
      visible = visibleRows();
      canvas.style.height = `${visible.length * ROW}px`;
      live = new Map();
      canvas.replaceChildren();
    }
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW) + OVERSCAN);
    for (const [r, row] of live) {
      if (r < first || r >= last) {
        row.remove();
        live.delete(r);
      }
    }
    const total = Math.max(current.durationUs, 1);
    const frag = document.createDocumentFragment();
    for (let r = first; r < last; r++) {
      if (live.has(r)) continue;
      const row = drawRow(visible[r], r, total);
      live.set(r, row);
      frag.append(row);
    }
    canvas.append(frag);
    rows = [...live.values()];
  }

  function drawRow(i, r, total) {
    const s = current.spans[i];
    const row = el('div', 'row');
    row.dataset.spanId = s.id;
    row.dataset.index = String(i);
    row.style.top = `${r * ROW}px`;
    if (s.e) row.classList.add('error');
    if (i === selectedSpan) row.classList.add('selected');
    if (spanMatch !== null && spanMatch[i]) row.classList.add('match');
    const label = el('div', 'label');
    label.style.paddingLeft = `${4 + s.d * 14}px`;
    const hasKids = s.x > i + 1;
    const tw = el('span', 'tw', hasKids ? (collapsed.has(i) ? '▸' : '▾') : '');
    if (hasKids) {
      tw.classList.add('toggle');
      tw.title = collapsed.has(i) ? `expand (${s.x - i - 1} below)` : 'collapse';
    }
    label.append(tw, el('span', 'nm', s.n));
    const count = s.a['kspan.event.count'];
    if (typeof count === 'number' && count > 1) label.append(el('span', 'rep', `×${count}`));
    label.append(el('span', 'svc', s.s));
    const lane = el('div', 'lane');
    const bar = el('div', s.e ? 'bar error' : 'bar');
    const left = (s.t0 / total) * 100;
    const width = ((s.t1 - s.t0) / total) * 100;
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    bar.style.background = s.e ? 'var(--error)' : colour(s.s);
    for (const ev of s.ev) {
      if (ev.n !== 'repeated') continue;
      const mark = el('span', 'rp');
      mark.style.left = `${s.t1 > s.t0 ? ((ev.t - s.t0) / (s.t1 - s.t0)) * 100 : 0}%`;
      bar.append(mark);
    }
    const time = el('span', 'bar-time', `+${dur(s.t0)} · ${dur(s.t1 - s.t0)}`);
    // The time goes after the bar, or before it when the bar reaches the right edge.
    if (left + width <= 72) time.style.left = `calc(${left + width}% + 2px)`;
    else if (left > 20) {
      time.classList.add('before');
      time.style.right = `${100 - left}%`;
    } else {
      time.classList.add('inside');
      time.style.left = `${left}%`;
    }
    lane.append(bar, time);
    row.append(label, lane);
    return row;
  }

  function selectTrace(t, spanId) {
    current = t;
    collapsed = new Set();
    selectedSpan = -1;
    for (const li of list.children) li.classList.toggle('selected', li.dataset.traceId === (t ? t.id : ''));
    if (t === null) {
      head.replaceChildren(
        el('p', 'empty', traces.length === 0 ? 'No spans in this input.' : 'No trace matches the filters.'),
      );
      axis.replaceChildren();
      canvas.replaceChildren();
      canvas.style.height = '0px';
      return;
    }
    renderHead();
    renderAxis();
    computeMatches();
    scroller.scrollTop = 0;
    renderRows(true);
    const index = spanId === undefined ? 0 : t.spans.findIndex((s) => s.id === spanId);
    showDetails(index < 0 ? 0 : index);
  }

  // ---- details ----
  function kv(table, k, v) {
    const tr = el('tr');
    tr.append(el('td', 'k', k), el('td', '', v));
    table.append(tr);
  }

  function showDetails(i) {
    selectedSpan = i;
    const s = current.spans[i];
    details.replaceChildren();
    details.dataset.spanId = s.id;
    details.append(el('h3', '', s.n));
    const rule = s.a['kspan.rule'];
    const p = el('p');
    p.append(`${s.s} · +${dur(s.t0)} · lasted ${dur(s.t1 - s.t0)}`);
    details.append(p);
    if (typeof rule === 'string') {
      const r = el('p');
      r.append('parented by rule ', el('span', 'rule', rule));
      if (s.p >= 0) r.append(` under ${current.spans[s.p].n}`);
      details.append(r);
    }
    if (s.e) details.append(el('p', 'status-error', `error${s.sm ? `: ${s.sm}` : ''}`));
    const message = s.a['kspan.event.message'];
    if (typeof message === 'string' && message !== '') details.append(el('p', 'message', message));
    const changes = s.a['kspan.changes'];
    if (typeof changes === 'string' && changes !== '') {
      details.append(el('strong', '', 'What changed'));
      const ol = el('ol', 'changes');
      for (const c of changes.split('; ')) ol.append(el('li', '', c));
      details.append(ol);
    }
    const repeats = s.ev.filter((e) => e.n === 'repeated');
    const count = s.a['kspan.event.count'];
    if (repeats.length > 0 || (typeof count === 'number' && count > 1)) {
      details.append(el('strong', '', `Repeats ×${typeof count === 'number' ? count : repeats.length + 1}`));
      const ol = el('ol', 'repeats');
      ol.append(el('li', '', `+${dur(s.t0)}  first`));
      for (const e of repeats) {
        const c = e.a['kspan.event.count'];
        ol.append(
          el('li', '', `+${dur(e.t)}  ${iso(current.startUs + e.t)}${typeof c === 'number' ? `  count ${c}` : ''}`),
        );
      }
      const hidden = s.a['kspan.repeats_not_shown'];
      if (typeof hidden === 'number') ol.append(el('li', '', `… ${hidden} more not kept`));
      details.append(ol);
    }
    const others = s.ev.filter((e) => e.n !== 'repeated');
    if (others.length > 0) {
      details.append(el('strong', '', 'Span events'));
      const ol = el('ol');
      for (const e of others)
        ol.append(
          el(
            'li',
            '',
            `+${dur(e.t)}  ${e.n}  ${Object.entries(e.a)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          ),
        );
      details.append(ol);
    }
    const table = el('table');
    kv(table, 'span id', s.id);
    if (s.p >= 0) kv(table, 'parent span id', current.spans[s.p].id);
    kv(table, 'trace id', current.id);
    kv(table, 'start', iso(current.startUs + s.t0));
    kv(table, 'end', iso(current.startUs + s.t1));
    kv(table, 'service.name', s.s);
    for (const k of Object.keys(s.a).sort()) kv(table, k, String(s.a[k]));
    details.append(el('strong', '', 'Attributes'), table);
    for (const row of rows) row.classList.toggle('selected', row.dataset.index === String(i));
  }

  // ---- events ----
  scroller.addEventListener('scroll', () => renderRows(false), { passive: true });
  window.addEventListener('resize', () => renderRows(true));
  canvas.addEventListener('click', (e) => {
    const row = e.target.closest('.row');
    if (!row) return;
    const i = Number(row.dataset.index);
    if (e.target.classList.contains('toggle')) {
      if (collapsed.has(i)) collapsed.delete(i);
      else collapsed.add(i);
      renderRows(true);
      return;
    }
    showDetails(i);
  });
  canvas.addEventListener('mousemove', (e) => {
    const row = e.target.closest('.row');
    if (!row) {
      tooltip.style.display = 'none';
      return;
    }
    const s = current.spans[Number(row.dataset.index)];
    const message = str(s.a['kspan.event.message']);
    const rule = str(s.a['kspan.rule']);
    tooltip.textContent = `${s.n} · ${s.s} · +${dur(s.t0)} · ${dur(s.t1 - s.t0)}${rule ? ` · rule ${rule}` : ''}${message ? `\n${message}` : ''}`;
    tooltip.style.whiteSpace = 'pre-wrap';
    tooltip.style.display = 'block';
    tooltip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - 490)}px`;
    tooltip.style.top = `${e.clientY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.style.display = 'none';
  });
  let pending = 0;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(applyFilters, 120);
  });
  for (const s of [nsSel, kindSel, reasonSel, errorsBox]) s.addEventListener('change', applyFilters);

  // Deep links: #trace=<id>&span=<id>
  const hash = new URLSearchParams(location.hash.slice(1));
  renderList();
  const wanted = traces.find((t) => t.id === hash.get('trace'));
  selectTrace(wanted ?? traces[0] ?? null, hash.get('span') ?? undefined);
  window.kspanReport = { renderMs: performance.now(), traces: traces.length, spans: totalSpans };
  document.documentElement.dataset.ready = 'true';
})();
