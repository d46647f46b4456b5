// Live traffic from the server's own /metrics (Prometheus text format): requests per second and
// p50/p99 latency of inference requests, as Prometheus' rate() and histogram_quantile() would
// compute them over a short window. Pure functions, no DOM: the browser test calls them directly.

/** Endpoint labels (route templates) of inference requests: /predict, V1 :predict, V2 infer. */
export function isInference(endpoint) {
  return /(\/predict|:predict|\/infer)$/.test(endpoint);
}

/**
 * The samples of a Prometheus text exposition: [{name, labels, value}]. Comments, blank lines
 * and timestamps are skipped; label values are unescaped (\\, \" and \n).
 */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseLine(line) {
  const nameEnd = line.search(/[{\s]/);
  if (nameEnd <= 0) return null;
  const name = line.slice(0, nameEnd);
  const labels = {};
  let i = nameEnd;
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      if (line[i] === ',' || line[i] === ' ') { i++; continue; }
      const eq = line.indexOf('=', i);
      if (eq < 0 || line[eq + 1] !== '"') return null;
      const key = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          j++;
          value += line[j] === 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      if (j >= line.length) return null;
      labels[key] = value;
      i = j + 1;
    }
    i++;
  }
  const value = parseValue(line.slice(i).trim().split(/\s+/)[0]);
  return Number.isNaN(value) && !/NaN/.test(line.slice(i)) ? null : { name, labels, value };
}

function parseValue(text) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * The inference traffic in one scrape: total requests, those answered with an error (4xx, 5xx),
 * and the latency histogram's cumulative buckets [{le, count}] summed over inference endpoints.
 */
export function snapshot(samples, time) {
  let requests = 0;
  let errors = 0;
  const buckets = new Map();
  for (const { name, labels, value } of samples) {
    if (!isInference(labels.endpoint || '')) continue;
    if (name === 'mlapi_requests_total') {
      requests += value;
      if (Number(labels.status) >= 400) errors += value;
    } else if (name === 'mlapi_request_duration_seconds_bucket') {
      const le = parseValue(labels.le);
      buckets.set(le, (buckets.get(le) || 0) + value);
    }
  }
  return {
    time, requests, errors,
    buckets: [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le),
  };
}

/**
 * Prometheus' histogram_quantile: the q-quantile of cumulative buckets (sorted by le, the last
 * +Inf), interpolated linearly inside its bucket; the highest finite bound when it falls in +Inf;
 * NaN when there are no observations.
 */
export function histogramQuantile(q, buckets) {
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return NaN;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let b = buckets.findIndex((bucket) => bucket.count >= rank);
  if (b === buckets.length - 1) return buckets[b - 1].le;
  const start = b === 0 ? 0 : buckets[b - 1].le;
  const below = b === 0 ? 0 : buckets[b - 1].count;
  const inBucket = buckets[b].count - below;
  return inBucket === 0 ? buckets[b].le : start + (buckets[b].le - start) * ((rank - below) / inBucket);
}

/** The buckets' counts between two snapshots (what rate() sees), or null when they differ in shape. */
function bucketDelta(from, to) {
  if (from.buckets.length !== to.buckets.length) return from.buckets.length === 0 ? to.buckets : null;
  return to.buckets.map((bucket, i) => ({ le: bucket.le, count: bucket.count - from.buckets[i].count }));
}

/**
 * Snapshots taken every few seconds, and from them one point per snapshot: requests and errors
 * per second and p50/p99 latency (seconds) over the window before it. Keeps `span` ms of points.
 * A counter going down means the server restarted: the history starts again.
 */
export class TrafficHistory {
  constructor(windowMs, spanMs) {
    this.windowMs = windowMs;
    this.spanMs = spanMs;
    this.snapshots = [];
    this.points = [];
  }

  add(snap) {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && (snap.requests < last.requests || snap.time <= last.time)) {
      this.snapshots = [];
      this.points = [];
    }
    this.snapshots.push(snap);
    // The base: the newest snapshot at least a window old, else the oldest there is.
    let base = this.snapshots[0];
    for (const s of this.snapshots) {
      if (snap.time - s.time >= this.windowMs) base = s;
    }
    if (base !== snap) {
      const seconds = (snap.time - base.time) / 1000;
      const delta = bucketDelta(base, snap);
      this.points.push({
        time: snap.time,
        rps: (snap.requests - base.requests) / seconds,
        errorsPerSecond: (snap.errors - base.errors) / seconds,
        p50: delta ? histogramQuantile(0.5, delta) : NaN,
        p99: delta ? histogramQuantile(0.99, delta) : NaN,
      });
    }
    const oldest = snap.time - this.spanMs;
    this.points = this.points.filter((p) => p.time >= oldest);
    this.snapshots = this.snapshots.filter((s) => s.time >= oldest - this.windowMs);
    return this.points[this.points.length - 1] || null;
  }
}
