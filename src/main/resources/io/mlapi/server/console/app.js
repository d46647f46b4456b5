// mlapi's web console: the models and versions the server holds, a card per version, a form to
// try a version through the public V2 API, and live traffic from /metrics. No library: the DOM,
// fetch and inline SVG. Everything shown comes from the server's public endpoints; text from the
// server is only ever set as text, never parsed as HTML.
import { parseMetrics, snapshot, TrafficHistory } from './traffic.js';

const MODELS_EVERY_MS = 5000;
const PAGE_SIZE = 50;
const SEARCH_PAUSE_MS = 300;
const METRICS_EVERY_MS = 2000;
const TRAFFIC_WINDOW_MS = 10000;
const TRAFFIC_SPAN_MS = 5 * 60 * 1000;
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);

/** An element with attributes (on* are listeners, text is textContent) and children. */
function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key === 'className' ? 'class' : key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/**
 * A request to this server: {status, ok, json, text}; json is null when the body is not JSON.
 * Never throws: when the server does not answer (restarting, the network down), status is 0 and
 * text says so, and every caller shows it like any other failure and tries again later.
 */
async function call(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let response;
  let text;
  try {
    response = await fetch(path, init);
    text = await response.text();
  } catch (e) {
    return { status: 0, ok: false, json: null, text: `the server does not answer (${e.message})` };
  }
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: /metrics, or a proxy's error page
  }
  return { status: response.status, ok: response.ok, json, text };
}

function errorOf(answer) {
  return (answer.json && answer.json.error) || answer.text || `HTTP ${answer.status}`;
}

const view = {
  server: null, // GET /v2, once it answered
  list: null, // the page of GET /v2/models shown
  selected: null, // the entry of the model whose version is chosen, on that page or asked for by name
  listText: '',
  chosen: null, // {name, version} shown
  shownKey: '', // the version whose card and form are up, with its state
  filter: { name: '', notReady: false },
  after: null, // the page shown starts after this name (null: the first page)
  before: [], // the `after` of each page before it, for Previous
};

// ---- Models and versions --------------------------------------------------------------------

/** The page of models shown: a repository of thousands is listed PAGE_SIZE at a time. */
function pagePath() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (view.filter.name) query.set('name', view.filter.name);
  if (view.filter.notReady) query.set('ready', 'false');
  if (view.after !== null) query.set('after', view.after);
  return '/v2/models?' + query;
}

async function refreshModels(focus = false) {
  const [models, ready] = await Promise.all([call('GET', pagePath()), call('GET', '/v2/health/ready'),
    refreshServer()]);
  const badge = $('readiness');
  const unreachable = ready.status === 0;
  badge.textContent = ready.ok ? 'ready' : unreachable ? 'unreachable' : 'not ready';
  badge.className = 'state ' + (ready.ok ? 'ready' : 'unavailable');
  badge.title = ready.ok ? 'GET /v2/health/ready answers 200' : errorOf(ready);
  if (!models.ok) {
    // Shown until the server answers again; then everything is drawn afresh.
    $('models').replaceChildren(h('p', { class: 'error', role: 'alert', text: 'GET /v2/models: ' + errorOf(models)
      + (unreachable ? `; trying again every ${MODELS_EVERY_MS / 1000} s` : '') }));
    view.listText = '';
    view.shownKey = '';
    return;
  }
  const selected = await selectedModel(models.json);
  const text = models.text + '\n' + JSON.stringify(selected);
  if (text === view.listText) return;
  view.list = models.json;
  view.selected = selected;
  view.listText = text;
  renderModels();
  await showSelection(focus);
  if (view.list.scanned && performance.getEntriesByName('console-ready').length === 0) {
    performance.mark('console-ready');
  }
}

/** The entry of model {@code name}: from the page when it is there, else asked for (`from=NAME&limit=1`). */
async function modelEntry(name, page) {
  const onPage = page.models.find((m) => m.name === name);
  if (onPage) return onPage;
  const answer = await call('GET', `/v2/models?from=${encodeURIComponent(name)}&limit=1`);
  return (answer.ok && answer.json.models.find((m) => m.name === name)) || null;
}

/**
 * The model whose version to show: the one the address names (#/name/version), else the one
 * shown, when it has that version; else the default model, when it serves a version; else the
 * page's first model that serves a version, else its first.
 */
async function selectedModel(page) {
  if (!page.scanned) return null;
  const match = /^#\/([^/]+)\/(\d+)$/.exec(location.hash);
  const wanted = [
    match && { name: decodeURIComponent(match[1]), version: match[2] },
    view.chosen,
    page.default_model && { name: page.default_model, version: null },
  ].filter(Boolean);
  for (const { name, version } of wanted) {
    const entry = await modelEntry(name, page);
    if (entry && entry.versions.some((v) => (version === null ? v.state === 'READY' : v.version === version))) {
      return entry;
    }
  }
  return page.models.find((m) => m.versions.some((v) => v.state === 'READY'))
    || page.models.find((m) => m.versions.length > 0) || null;
}

/** The server's name and version in the header, asked until it answers. */
async function refreshServer() {
  if (view.server) return;
  const server = await call('GET', '/v2');
  if (server.ok) {
    view.server = server.json;
    $('server').textContent = `${server.json.name} ${server.json.version}`;
  }
}

function versionPath(name, version) {
  return `/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
}

function stateBadge(state) {
  return h('span', { class: 'state ' + state.toLowerCase(), text: state });
}

/** Find, Only not ready and the pages: shown once there is more than a page, or a filter is on. */
function renderFinder() {
  const { total, next, models } = view.list;
  const filtered = view.filter.name !== '' || view.filter.notReady;
  $('model-finder').hidden = !filtered && view.after === null && next === null;
  const first = view.before.length * PAGE_SIZE + 1;
  $('models-count').textContent = models.length === 0 ? `0 of ${total}`
    : `${first}–${first + models.length - 1} of ${total}`;
  $('models-previous').disabled = view.after === null;
  $('models-next').disabled = next === null;
}

function renderModels() {
  if (!view.list) return;
  const { models, scanned, default_model: defaultModel } = view.list;
  if (!scanned) {
    $('models').replaceChildren(h('p', { text: 'Loading the models…' }));
    return;
  }
  renderFinder();
  if (models.length === 0) {
    const filtered = view.filter.name !== '' || view.filter.notReady;
    $('models').replaceChildren(h('p', { text: filtered ? 'No model matches.' : 'The repository holds no model yet.' }));
    return;
  }
  const chosen = chosenVersion();
  $('models').replaceChildren(h('ul', { class: 'models' }, models.map((model) => h('li', { class: 'model' },
    h('h3', {}, model.name,
      model.name === defaultModel ? h('span', { class: 'tag', title: 'answers /score and /predict', text: 'default' }) : null,
      model.unloaded ? h('span', { class: 'tag', text: 'unloaded' }) : null),
    h('ul', { class: 'versions' }, model.versions.map((v) => {
      const current = chosen && chosen.name === model.name && chosen.version === v.version;
      return h('li', {},
        h('a', { href: `#/${encodeURIComponent(model.name)}/${v.version}`, 'aria-current': current ? 'true' : null },
          `version ${v.version}`),
        ' ', stateBadge(v.state),
        v.reason ? h('p', { class: 'reason', text: v.reason }) : null);
    }))))));
}

/**
 * The version of the selected model the address asks for (#/name/version), else the one shown
 * (the skip link changes the address too), else its newest served version, else its newest.
 */
function chosenVersion() {
  const model = view.selected;
  if (!model) return null;
  const has = (version) => model.versions.some((v) => v.version === version);
  const match = /^#\/([^/]+)\/(\d+)$/.exec(location.hash);
  if (match && decodeURIComponent(match[1]) === model.name && has(match[2])) return { name: model.name, version: match[2] };
  if (view.chosen && view.chosen.name === model.name && has(view.chosen.version)) return view.chosen;
  const served = model.versions.find((v) => v.state === 'READY');
  if (served) return { name: model.name, version: served.version };
  return model.versions.length > 0 ? { name: model.name, version: model.versions[0].version } : null;
}

function statusOf(name, version) {
  const model = view.selected;
  return model && model.name === name ? model.versions.find((v) => v.version === version) : undefined;
}

/** Shows the chosen version's card and form, unless they are already up (so typing is never lost). */
async function showSelection(focus) {
  if (!view.list || !view.list.scanned) return;
  const chosen = chosenVersion();
  const status = chosen && statusOf(chosen.name, chosen.version);
  const key = chosen ? `${chosen.name}/${chosen.version}/${status.state}/${status.reason}` : '';
  if (key === view.shownKey) return;
  view.shownKey = key;
  view.chosen = chosen;
  const card = $('card');
  const tryIt = $('try');
  if (!chosen) {
    card.replaceChildren();
    tryIt.hidden = true;
    return;
  }
  const heading = h('h2', { id: 'card-title', tabindex: '-1' }, `${chosen.name}, version ${chosen.version} `,
    stateBadge(status.state));
  const commands = repositoryCommands(view.selected);
  if (status.state !== 'READY') {
    card.replaceChildren(heading, commands, h('p', { class: 'not-served' },
      status.state === 'LOADING' ? 'This version is loading.' : 'This version is not served: ',
      status.reason ? h('span', { id: 'card-reason', text: status.reason }) : null));
    tryIt.hidden = true;
  } else {
    const path = versionPath(chosen.name, chosen.version);
    const [answer, metadata] = await Promise.all([call('GET', path + '/card'), call('GET', path)]);
    if (view.shownKey !== key) return; // another choice was made meanwhile
    if (!answer.ok) {
      card.replaceChildren(heading, commands, h('p', { class: 'error', role: 'alert', text: errorOf(answer) }));
      tryIt.hidden = true;
      view.shownKey = ''; // so the next refresh tries again
      view.listText = '';
    } else if (answer.json.platform === 'onnxruntime_onnx') {
      card.replaceChildren(heading, commands, onnxCard(answer.json));
      tryIt.hidden = true; // the form fills mlapi's own input; ONNX models take their own tensors
    } else {
      card.replaceChildren(heading, commands, modelCard(answer.json));
      renderTryIt(answer.json, (metadata.ok && metadata.json.mlapi && metadata.json.mlapi.example) || []);
      tryIt.hidden = false;
    }
  }
  if (focus) heading.focus();
}

// ---- The model card -------------------------------------------------------------------------

function num(x) {
  return x === null || x === undefined ? '–' : String(x);
}

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]));
}

function modelCard(card) {
  const p = card.parameters;
  const m = card.metrics;
  const regression = card.task === 'regression';
  return h('div', { class: 'card-body' },
    regression ? regressionResults(m) : classificationResults(card, m),
    card.search && searchResults(card.search),
    h('section', { class: 'panel', 'aria-labelledby': 'algorithm-h' },
      h('h3', { id: 'algorithm-h', text: 'Algorithm' }),
      facts([
        ['Algorithm', card.algorithm],
        ['Scaler', card.scaler ? card.scaler.kind : 'none'],
        p.kernel && ['Kernel', p.kernel],
        p.C !== null && p.C !== undefined && ['C', num(p.C)],
        p.nu !== null && p.nu !== undefined && ['nu', num(p.nu)],
        p.epsilon !== null && p.epsilon !== undefined && ['epsilon', num(p.epsilon)],
        p.kernel && ['gamma', p.gamma === String(p.gammaValue) ? num(p.gammaValue) : `${p.gamma} = ${p.gammaValue}`],
        p.kernel === 'poly' && ['degree', num(p.degree)],
        (p.kernel === 'poly' || p.kernel === 'sigmoid') && ['coef0', num(p.coef0)],
        p.loss && ['Loss', `${p.loss}, ${p.multiClass}, at most ${p.maxIter} iterations (seed ${p.seed})`],
        p.classWeight && ['Class weight', p.classWeight],
        ['Tolerance', num(p.tol)],
        p.kernel && ['Shrinking', p.shrinking ? 'yes' : 'no'],
        !regression && ['Probabilities', p.probability ? `yes (seed ${p.seed})` : 'no'],
      ])),
    h('section', { class: 'panel', 'aria-labelledby': 'data-h' },
      h('h3', { id: 'data-h', text: 'Training data' }),
      facts([
        ['Source', card.data.source],
        ['Target column', card.data.target],
        ['Rows', num(card.data.rows)],
        ['SHA-256', h('code', { class: 'hash', id: 'data-sha256', text: card.data.sha256 })],
        ['Split', `${card.split.method}, test size ${card.split.testSize}: ${card.split.trainRows} training rows, `
          + `${card.split.testRows} test rows` + (card.split.seed === null ? '' : `, seed ${card.split.seed}`)],
        !regression && ['Classes', card.classes.join(', ')],
        card.command && ['Train again', h('code', { id: 'train-command', text: card.command })],
      ]),
      h('table', { class: 'features' },
        h('caption', { text: 'Features, in input order, with their training range' }),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Feature' }), h('th', { scope: 'col', text: 'min' }),
          h('th', { scope: 'col', text: 'max' }))),
        h('tbody', {}, card.features.map((f) => h('tr', {}, h('th', { scope: 'row', text: f.name }),
          h('td', { text: num(f.min) }), h('td', { text: num(f.max) })))))),
    h('section', { class: 'panel', 'aria-labelledby': 'provenance-h' },
      h('h3', { id: 'provenance-h', text: 'Provenance' }),
      facts([
        ['Created', h('time', { datetime: card.createdAt, text: card.createdAt })],
        ['mlapi', card.provenance.mlapi],
        ['LIBSVM', card.provenance.libsvm],
        card.provenance.liblinear && ['LIBLINEAR', card.provenance.liblinear],
        ['Java', card.provenance.java],
        ['Format', num(card.formatVersion)],
        card.warnings.length > 0 && ['Warnings', card.warnings.join('; ')],
        ...Object.entries(card.files).map(([file, sha]) => [file, h('code', { class: 'hash', text: sha })]),
      ])));
}

function classificationResults(card, m) {
  const tested = m.confusionMatrix.flat().reduce((a, b) => a + b, 0);
  const right = m.confusionMatrix.reduce((sum, row, i) => sum + row[i], 0);
  return h('section', { class: 'panel results', 'aria-labelledby': 'results-h' },
    h('h3', { id: 'results-h', text: 'Test results' }),
    h('div', {},
      h('p', { class: 'accuracy' }, 'Accuracy ', h('strong', { id: 'accuracy', text: num(m.accuracy) }),
        h('br'), `${right} of ${tested} test rows right`),
      m.supportVectors.length > 0 && facts([['Support vectors',
        card.classes.map((c, i) => `${c} ${m.supportVectors[i]}`).join(', ')]])),
    confusionMatrix(m.labels, m.confusionMatrix));
}

function regressionResults(m) {
  return h('section', { class: 'panel results', 'aria-labelledby': 'results-h' },
    h('h3', { id: 'results-h', text: 'Test results' }),
    h('div', {},
      h('p', { class: 'accuracy' }, 'R² ', h('strong', { id: 'r2', text: num(m.r2) })),
      facts([['MAE', num(m.mae)], ['RMSE', num(m.rmse)],
        m.supportVectors.length > 0 && ['Support vectors', num(m.supportVectors[0])]])),
    actualVsPredicted(m.actualVsPredicted || []));
}

/** A scatter plot of the test rows' predictions against their true values, with the line where they agree. */
function actualVsPredicted(points) {
  const size = 260;
  const pad = 36;
  const values = points.flat();
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi > lo ? hi - lo : 1;
  const at = (v) => pad + ((v - lo) / span) * (size - 2 * pad);
  const y = (v) => size - at(v);
  return h('figure', { class: 'plot' },
    svg('svg', { id: 'actual-vs-predicted', viewBox: `0 0 ${size} ${size}`, role: 'img',
      'aria-label': `Predicted against true value for ${points.length} test rows` },
    svg('line', { x1: at(lo), y1: y(lo), x2: at(hi), y2: y(hi), class: 'diagonal' }),
    svg('line', { x1: pad, y1: size - pad, x2: size - pad, y2: size - pad, class: 'axis' }),
    svg('line', { x1: pad, y1: pad, x2: pad, y2: size - pad, class: 'axis' }),
    svg('text', { x: size / 2, y: size - 6, 'text-anchor': 'middle' }, 'true value'),
    svg('text', { x: 12, y: size / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${size / 2})` }, 'predicted'),
    svg('text', { x: pad, y: size - pad + 14, 'text-anchor': 'start' }, String(Number(lo.toPrecision(3)))),
    svg('text', { x: size - pad, y: size - pad + 14, 'text-anchor': 'end' }, String(Number(hi.toPrecision(3)))),
    points.map(([actual, predicted]) => svg('circle', { cx: at(actual), cy: y(predicted), r: 2.5,
      class: 'point' }, svg('title', {}, `true ${actual}, predicted ${predicted}`)))),
    h('figcaption', { text: 'Predicted against true value, test rows (on the line: exact)' }));
}

function searchResults(search) {
  return h('section', { class: 'panel', 'aria-labelledby': 'search-h' },
    h('h3', { id: 'search-h', text: `Grid search: ${search.cv}-fold ${search.folds}, ${search.scoring}` }),
    h('table', { class: 'features', id: 'search-table' },
      h('caption', { text: `${search.grid}: every candidate's mean and standard deviation over the folds` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Parameters' }), h('th', { scope: 'col', text: 'mean' }),
        h('th', { scope: 'col', text: 'std' }), h('th', { scope: 'col', text: 'rank' }))),
      h('tbody', {}, search.candidates.map((c, i) => h('tr', { class: i === search.best ? 'best' : '' },
        h('th', { scope: 'row', text: Object.entries(c.parameters).map(([k, v]) => `${k}=${v}`).join(', ')
          + (i === search.best ? ' (chosen)' : '') }),
        h('td', { text: num(c.meanScore) }), h('td', { text: num(c.stdScore) }), h('td', { text: num(c.rank) }))))));
}

/** An ONNX model's card: what its graph and its optional model.json say (docs/onnx.md). */
function onnxCard(card) {
  const tensors = (id, caption, specs) => h('table', { class: 'features', id },
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, ['Name', 'Datatype', 'Shape'].map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, specs.map((s) => h('tr', {}, h('th', { scope: 'row', text: s.name }),
      h('td', { text: s.datatype }), h('td', { text: `[${s.shape.join(', ')}]` })))));
  const p = card.producer;
  const checked = card.check.input === 'testRows' ? `${card.check.rows} test rows from model.json`
    : 'a generated input';
  return h('div', { class: 'card-body' },
    h('section', { class: 'panel', 'aria-labelledby': 'onnx-h' },
      h('h3', { id: 'onnx-h', text: 'ONNX model' }),
      facts([
        card.description && ['Description', h('span', { id: 'onnx-description', text: card.description })],
        ['Runs on', `ONNX Runtime ${card.session.onnxRuntime}, ${card.session.intraOpThreads || 'its choice of'} `
          + `thread(s) per inference, graph optimisation ${card.session.graphOptimization}`],
        card.classes.length > 0 && ['Classes', card.classes.join(', ')],
        card.features.length > 0 && ['Features', card.features.join(', ')],
        ['Checked on', checked + (card.check.expectedOutputs.length > 0
          ? `, answering what model.json expects of ${card.check.expectedOutputs.join(', ')}` : '')],
        ['Try it', h('code', { text: `POST /v2/models/${card.name}/versions/${card.version}/infer` })],
      ])),
    h('section', { class: 'panel', 'aria-labelledby': 'tensors-h' },
      h('h3', { id: 'tensors-h', text: 'Inputs and outputs' }),
      tensors('onnx-inputs', 'Inputs', card.inputs), tensors('onnx-outputs', 'Outputs', card.outputs)),
    h('section', { class: 'panel', 'aria-labelledby': 'provenance-h' },
      h('h3', { id: 'provenance-h', text: 'Provenance' }),
      facts([
        p.name && ['Producer', p.name],
        p.graph && ['Graph', p.graph],
        p.domain && ['Domain', p.domain],
        p.modelVersion !== undefined && ['Model version', num(p.modelVersion)],
        [card.file.name, h('code', { class: 'hash', text: card.file.sha256 })],
        ['Size', `${num(card.file.bytes)} bytes`],
      ])));
}

/** sRGB relative luminance, as WCAG defines it. */
function luminance([r, g, b]) {
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * A heat map cell's colours: light to dark blue by count; black text on light cells, white on
 * dark, switching where both reach a contrast of at least 4.5.
 */
function heat(t) {
  const low = [239, 243, 255];
  const high = [8, 48, 107];
  const rgb = low.map((c, i) => Math.round(c + (high[i] - c) * t));
  return { background: `rgb(${rgb.join(',')})`, color: luminance(rgb) >= 0.179 ? '#000' : '#fff' };
}

function confusionMatrix(labels, matrix) {
  const max = Math.max(1, ...matrix.flat());
  return h('table', { class: 'confusion', id: 'confusion-matrix' },
    h('caption', { text: 'Confusion matrix of the test rows: true class by row, predicted class by column' }),
    h('thead', {}, h('tr', {}, h('td', {}), labels.map((l) => h('th', { scope: 'col', text: l })))),
    h('tbody', {}, matrix.map((row, i) => h('tr', {}, h('th', { scope: 'row', text: labels[i] }),
      row.map((count, j) => {
        const cell = h('td', { text: String(count), title: `true ${labels[i]}, predicted ${labels[j]}: ${count}` });
        Object.assign(cell.style, heat(count / max));
        return cell;
      })))));
}

// ---- Try it -----------------------------------------------------------------------------------

/** The form, its fields holding {@code example} (the model's first test row, from the V2 metadata) to start from. */
function renderTryIt(card, example) {
  const fields = card.features.map((f, i) => h('div', { class: 'field' },
    h('label', { for: `feature-${i}`, text: f.name }),
    h('input', { id: `feature-${i}`, name: f.name, type: 'text', inputmode: 'decimal', autocomplete: 'off',
      spellcheck: 'false', 'aria-describedby': `feature-${i}-range`,
      value: i < example.length ? String(example[i]) : null }),
    h('span', { class: 'hint', id: `feature-${i}-range`, text: `training range ${num(f.min)} to ${num(f.max)}` })));
  const form = h('form', { id: 'try-form', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    predict(card);
  } },
  h('fieldset', {}, h('legend', { text: `One row for ${card.name}, version ${card.version}` }), fields),
  h('button', { type: 'submit', text: 'Predict' }));
  $('try-body').replaceChildren(form, h('div', { id: 'try-result', 'aria-live': 'polite' }));
}

/** A field's text as JSON: a number when it reads as one, else the text itself, for the server to refuse. */
function fieldValue(text) {
  const trimmed = text.trim();
  const number = Number(trimmed);
  return trimmed !== '' && Number.isFinite(number) ? number : trimmed;
}

/** JSON for people: one line where it fits, else one member per line. */
function formatJson(value, indent = '') {
  const compact = JSON.stringify(value);
  if (value === null || typeof value !== 'object' || compact.length + indent.length <= 72) return compact;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  const members = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function predict(card) {
  const values = card.features.map((f, i) => fieldValue($(`feature-${i}`).value));
  const regression = card.task === 'regression';
  const outputs = [{ name: regression ? 'predict' : 'label' }];
  if (card.parameters.probability) outputs.push({ name: 'predict_proba' });
  const body = {
    inputs: [{ name: 'input-0', shape: [1, values.length], datatype: 'FP64', data: values }],
    outputs,
  };
  const path = versionPath(card.name, String(card.version)) + '/infer';
  const started = performance.now();
  const answer = await call('POST', path, body);
  const millis = performance.now() - started;

  const result = [];
  if (answer.ok) {
    const output = (name) => answer.json.outputs.find((o) => o.name === name);
    const label = output(regression ? 'predict' : 'label').data[0];
    result.push(h('p', { class: 'prediction' }, regression ? 'Predicted value ' : 'Predicted class ',
      h('strong', { id: 'predicted', text: String(label) })));
    const proba = output('predict_proba');
    if (proba) result.push(probabilityChart(card.classes, proba.data, label));
  } else {
    result.push(h('p', { class: 'error', role: 'alert' }, `The server answered ${answer.status}: `,
      h('span', { id: 'try-error', text: errorOf(answer) })));
  }
  const curl = `curl -X POST ${shellQuote(location.origin + path)} -H 'Content-Type: application/json' -d `
    + shellQuote(JSON.stringify(body));
  result.push(
    h('h3', { text: 'Request' }),
    h('p', {}, h('code', { text: `POST ${path}` })),
    h('pre', { id: 'try-request', text: formatJson(body) }),
    h('h3', { text: `Response: ${answer.status} in ${millis.toFixed(1)} ms` }),
    h('pre', { id: 'try-response', text: answer.json ? formatJson(answer.json) : answer.text }),
    h('h3', { text: 'The same with curl' }),
    h('pre', { id: 'try-curl', class: 'wrap', text: curl }));
  $('try-result').replaceChildren(...result);
}

function probabilityChart(classes, probabilities, predicted) {
  const rowHeight = 26;
  const width = 420;
  const labelWidth = 110;
  const barSpace = width - labelWidth - 60;
  const description = classes.map((c, i) => `${c} ${probabilities[i].toFixed(3)}`).join(', ');
  return h('figure', { class: 'chart' },
    h('figcaption', { text: 'Class probabilities' }),
    svg('svg', { id: 'probabilities', viewBox: `0 0 ${width} ${rowHeight * classes.length}`, role: 'img',
      'aria-label': `Class probabilities: ${description}` },
    classes.map((c, i) => {
      const y = i * rowHeight;
      const bar = Math.max(1, probabilities[i] * barSpace);
      return svg('g', { class: c === predicted ? 'bar predicted' : 'bar' },
        svg('text', { x: labelWidth - 8, y: y + 17, 'text-anchor': 'end', text: c }),
        svg('rect', { x: labelWidth, y: y + 4, width: bar.toFixed(1), height: rowHeight - 8, 'data-class': c,
          'data-probability': probabilities[i] }),
        svg('text', { x: labelWidth + bar + 6, y: y + 17, text: probabilities[i].toFixed(3) }));
    })));
}

// ---- Repository commands ----------------------------------------------------------------------

/**
 * Unload for a model that is loaded; Load for one that is unloaded, or that has no version serving
 * (load retries the versions that failed). The other is disabled, saying why.
 */
function repositoryCommands(model) {
  const name = model.name;
  const serving = model.versions.some((v) => v.state === 'READY');
  const canLoad = model.unloaded || !serving;
  return h('div', { class: 'commands' },
    h('button', { type: 'button', id: 'unload', onclick: () => command('unload', name), text: `Unload ${name}`,
      disabled: model.unloaded, title: model.unloaded ? `${name} is unloaded` : null }),
    h('button', { type: 'button', id: 'load', onclick: () => command('load', name), text: `Load ${name}`,
      disabled: !canLoad, title: canLoad ? null : `${name} is loaded and serving` }));
}

/** Load or unload through the V2 repository extension, with the admin token typed on this page (kept nowhere else). */
async function command(action, name) {
  const token = $('admin-token').value.trim();
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const answer = await call('POST', `/v2/repository/models/${encodeURIComponent(name)}/${action}`, undefined, headers);
  const message = $('command-status');
  message.className = answer.ok ? 'ok' : 'error';
  message.textContent = answer.ok ? `${name}: ${action}ed.` : `${action} ${name}: ${answer.status}, ${errorOf(answer)}`;
  if (answer.status === 401 || answer.status === 403) {
    $('admin').open = true;
    $('admin-token').focus();
  }
  await refreshModels();
}

// ---- Live traffic -----------------------------------------------------------------------------

const history = new TrafficHistory(TRAFFIC_WINDOW_MS, TRAFFIC_SPAN_MS);

async function sampleTraffic() {
  const answer = await call('GET', '/metrics');
  if (!answer.ok) {
    $('traffic-status').textContent = 'GET /metrics failed: ' + errorOf(answer);
    return;
  }
  $('traffic-status').textContent = '';
  const point = history.add(snapshot(parseMetrics(answer.text), Date.now()));
  const ms = (seconds) => (Number.isNaN(seconds) ? '–' : (seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1) + ' ms');
  $('rps-now').textContent = point ? `${point.rps.toFixed(2)} req/s, ${point.errorsPerSecond.toFixed(2)} errors/s` : '…';
  $('latency-now').textContent = point ? `p50 ${ms(point.p50)}, p99 ${ms(point.p99)}` : '…';
  const now = Date.now();
  lineChart($('rps-chart'), now, [
    { name: 'requests', className: 'line-a', values: history.points.map((p) => [p.time, p.rps]) },
    { name: 'errors', className: 'line-b', values: history.points.map((p) => [p.time, p.errorsPerSecond]) },
  ], (v) => `${v.toPrecision(2)}/s`);
  lineChart($('latency-chart'), now, [
    { name: 'p50', className: 'line-a', values: history.points.map((p) => [p.time, p.p50 * 1000]) },
    { name: 'p99', className: 'line-b', values: history.points.map((p) => [p.time, p.p99 * 1000]) },
  ], (v) => `${v.toPrecision(2)} ms`);
}

/**
 * Lines over the last span, gaps where a value is missing; the top of the scale is labelled, and
 * the time axis below is marked each minute back from now.
 */
function lineChart(target, now, series, format) {
  const width = 320;
  const height = 90;
  const top = 14;
  const minutes = TRAFFIC_SPAN_MS / 60000;
  const values = series.flatMap((s) => s.values.map(([, v]) => v)).filter((v) => Number.isFinite(v));
  const max = Math.max(...values, 0) || 1;
  const x = (t) => ((t - (now - TRAFFIC_SPAN_MS)) / TRAFFIC_SPAN_MS) * width;
  const y = (v) => height - (v / max) * (height - top);
  const lines = series.map((s) => {
    const segments = [];
    let current = [];
    for (const [t, v] of s.values) {
      if (Number.isFinite(v)) {
        current.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      } else if (current.length) {
        segments.push(current);
        current = [];
      }
    }
    if (current.length) segments.push(current);
    return segments.map((points) => svg('polyline', { class: s.className, points: points.join(' ') }));
  });
  const ticks = [];
  for (let m = minutes; m >= 0; m--) {
    const at = width - (m / minutes) * width;
    const anchor = m === minutes ? 'start' : m === 0 ? 'end' : 'middle';
    ticks.push(svg('line', { class: 'tick', x1: at, y1: height, x2: at, y2: height + 3 }),
      svg('text', { class: 'tick-label', x: at, y: height + 13, 'text-anchor': anchor, text: m === 0 ? 'now' : `−${m} min` }));
  }
  target.replaceChildren(
    svg('line', { class: 'axis', x1: 0, y1: height, x2: width, y2: height }),
    svg('g', { class: 'time-axis' }, ticks),
    svg('text', { x: 2, y: 10, text: format(max) }),
    ...lines.flat());
}

// ---- Start ------------------------------------------------------------------------------------

/**
 * Everything is asked again on a timer, whatever the first answers were: a page that loaded while
 * the server was away catches up when it is back.
 */
/** A new search, filter or page: asked for at once, the card staying as it is. */
function showPage(after, before) {
  view.after = after;
  view.before = before;
  view.listText = '';
  refreshModels();
}

function startFinder() {
  let pause = null;
  $('model-search').addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(() => {
      view.filter.name = $('model-search').value.trim();
      showPage(null, []);
    }, SEARCH_PAUSE_MS);
  });
  $('not-ready-only').addEventListener('change', () => {
    view.filter.notReady = $('not-ready-only').checked;
    showPage(null, []);
  });
  $('models-next').addEventListener('click', () => {
    if (view.list && view.list.next !== null) showPage(view.list.next, [...view.before, view.after]);
  });
  $('models-previous').addEventListener('click', () => {
    if (view.before.length > 0) showPage(view.before[view.before.length - 1], view.before.slice(0, -1));
  });
}

function start() {
  window.addEventListener('hashchange', () => {
    view.listText = '';
    refreshModels(true);
  });
  startFinder();
  setInterval(() => document.hidden || refreshModels(), MODELS_EVERY_MS);
  setInterval(() => document.hidden || sampleTraffic(), METRICS_EVERY_MS);
  refreshModels();
  sampleTraffic();
}

start();
