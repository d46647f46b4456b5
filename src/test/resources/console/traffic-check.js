// Runs the console's traffic module (/console/traffic.js) in the browser on a known scrape and
// hands back what it computed; ConsoleIT compares that with Prometheus' rate() and
// histogram_quantile() worked out by hand.
const done = arguments[arguments.length - 1];
import('/console/traffic.js').then((traffic) => {
  const scrape = [
    '# HELP mlapi_requests_total HTTP requests answered',
    '# TYPE mlapi_requests_total counter',
    'mlapi_requests_total{model="iris",version="1",endpoint="/v2/models/{name}/infer",status="200"} 40.0',
    'mlapi_requests_total{model="iris",version="1",endpoint="/predict",status="400"} 10',
    'mlapi_requests_total{model="",version="",endpoint="/metrics",status="200"} 99',
    'mlapi_request_duration_seconds_bucket{endpoint="/v2/models/{name}/infer",le="0.001"} 30',
    'mlapi_request_duration_seconds_bucket{endpoint="/v2/models/{name}/infer",le="0.01"} 40',
    'mlapi_request_duration_seconds_bucket{endpoint="/v2/models/{name}/infer",le="+Inf"} 40',
    'mlapi_request_duration_seconds_bucket{endpoint="/predict",le="0.001"} 0',
    'mlapi_request_duration_seconds_bucket{endpoint="/predict",le="0.01"} 10',
    'mlapi_request_duration_seconds_bucket{endpoint="/predict",le="+Inf"} 10',
    'mlapi_request_duration_seconds_bucket{endpoint="/metrics",le="+Inf"} 99',
    'escaped{path="a\\"b\\\\c\\nd",other="x"} 7 1700000000000',
    'not a sample',
  ].join('\n');
  const samples = traffic.parseMetrics(scrape);
  const escaped = samples.find((s) => s.name === 'escaped');
  const history = new traffic.TrafficHistory(10000, 300000);
  const first = history.add(traffic.snapshot([], 0));
  const point = history.add(traffic.snapshot(samples, 10000));
  const afterRestart = history.add(traffic.snapshot([], 12000));
  done({
    samples: samples.length,
    escapedPath: escaped.labels.path,
    escapedValue: escaped.value,
    first,
    rps: point.rps,
    errorsPerSecond: point.errorsPerSecond,
    p50: point.p50,
    p99: point.p99,
    afterRestart,
    pointsAfterRestart: history.points.length,
    emptyQuantile: String(traffic.histogramQuantile(0.5, [{ le: 0.001, count: 0 }, { le: Infinity, count: 0 }])),
    inInfBucket: traffic.histogramQuantile(0.99, [{ le: 0.001, count: 1 }, { le: 0.01, count: 1 }, { le: Infinity, count: 5 }]),
  });
}, (error) => done({ error: String(error) }));
