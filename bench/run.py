"""mlapi's benchmarks, side by side in one run; bench/run.sh installs what they need and calls this.

    bench/run.sh            the full run written to docs/performance.md (about 25 minutes)
    bench/run.sh --quick    a smoke run: short durations, fewer rows (results still written)

Phases, each on loopback with fixed ports 5301-5308:
  http     wrk (2 threads; 16 and 64 connections; 10 s after a 5 s warm-up; three times each, the
           median kept) against mlapi (/score, /predict with 1 and 100 rows, V2 infer if the server
           has it; /predict once more under the JVM's defaults), the tutorial's Flask app
           under Flask's dev server and under gunicorn (2 workers), and nginx serving /score's JSON
           as a static file; then mlapi's peak RSS
  jmh      bench/jmh.sh: ns per row, one row and batches, LIBSVM vs dense vs Vector API
  batch    ./mlapi predict vs scikit-learn's SVC.predict on the same 1,000,000 rows and model
  startup  process start to the first successful GET /score and to GET /readyz 200, a new JVM each
           time: once without the launcher's class cache (AOT cache on JDK 25+, which that start
           writes), then five times with it
  cold     cold start under load: process start to /readyz 200, then at once wrk -t2 -c16 on one-row
           /predict for 10 s, three times each: ./mlapi serve, the same without the warm-up
           (--warmup 0) and with a longer one (--warmup 1s), and java -jar under the JVM's defaults
           (no AOT cache)
  openloop open-loop latency: the closed-loop capacity (wrk -c16), then bench/OpenLoop.java sending
           one-row /predict at fixed rates (10-90% of it), latency counted from when each request
           was due (no coordinated omission)
  image    the container image under podman (built by Jib on scripts/image-base's base, with its
           AOT cache): its size, then three times: podman run to /readyz 200, then wrk as in cold
  protocols  one mlapi, the Open Inference Protocol three ways at 16 and 64 concurrent requests: V2 REST
           JSON with wrk (16 and 64 connections) vs gRPC ModelInfer with h2load (a pre-encoded
           message; 2 connections with 8 and 32 streams each, as gRPC clients multiplex), 1 row and
           100 rows; and 1,000 rows as REST JSON vs the binary tensor extension (wrk), in rows/s, to
           the tutorial's SVC and to a LinearSVC (./mlapi serve --repository with both)
  many_models  ./mlapi serve --repository on 10,000 copies of the Iris model (bench/many_models.py;
           --quick: 1,000): ready time, RSS, idle CPU over a minute, /metrics and /v2/models sizes,
           how soon a model copied in serves; three starts, the median kept
Results go to bench/results/latest.json, then bench/report.py renders docs/performance.md's
generated section and docs/performance.png.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = ROOT / "target" / "bench"
RESULTS = BENCH / "results" / "latest.json"
JAVA = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
JAR = ROOT / "target" / "mlapi.jar"
MLAPI = str(ROOT / "mlapi")  # the launcher, with the JVM options users get
PYTHON = "/usr/bin/python3"
PORTS = {"mlapi": 5301, "flask": 5302, "gunicorn": 5303, "nginx": 5304, "startup": 5305, "cold": 5306,
         "image": 5307, "grpc": 5308}
CONTAINERS_CONF = ROOT / "scripts" / "containers.conf"
ONE_ROW = '{"instances": [[6.1, 2.8, 4.7, 1.2]]}'
V2_ONE_ROW = ('{"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP64", '
              '"data": [6.1, 2.8, 4.7, 1.2]}]}')


def log(message):
    print("[bench] " + message, file=sys.stderr, flush=True)


def cpu_share():
    """CPU time over wall time of a fixed single-threaded loop: 1.0 when a core is ours alone, less
    when other work (here, or other virtual machines on the same host) takes it."""
    wall, cpu = time.perf_counter(), time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i
    return round((time.process_time() - cpu) / (time.perf_counter() - wall), 2)


def load_now():
    one, five, fifteen = os.getloadavg()
    return {"at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "load1": one, "load5": five, "load15": fifteen, "cpu_share": cpu_share()}


def output(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def first_line(text):
    return text.strip().splitlines()[0] if text.strip() else ""


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    python_versions = output([PYTHON, "-c", "import flask, sklearn, numpy, joblib; "
                              "print(flask.__version__, sklearn.__version__, numpy.__version__, joblib.__version__)"])
    flask_v, sklearn_v, numpy_v, joblib_v = (python_versions.stdout.split() + ["?"] * 4)[:4]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "commit": output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).stdout.strip(),
        "dirty": bool(output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]).stdout.strip()),
        "java": first_line(output([str(JAVA), "-version"]).stderr),
        "python": first_line(output([PYTHON, "--version"]).stdout),
        "flask": flask_v, "scikit_learn": sklearn_v, "numpy": numpy_v, "joblib": joblib_v,
        "gunicorn": first_line(output(["gunicorn", "--version"]).stdout),
        "nginx": first_line(output(["nginx", "-v"]).stderr),
        "wrk": first_line(output(["wrk", "-v"]).stdout),
        "top": "\n".join(output(["top", "-bn1"]).stdout.splitlines()[:12]),
    }


class Server:
    """A process this script started in its own process group, stopped by that group's id; but
    ./mlapi's server by its own: the launcher leaves a job in the group that builds its class
    cache once the server has stopped, which the group's signal would kill."""

    def __init__(self, name, args, env=None, cwd=None):
        self.name = name
        self.args = args
        self.group = args[0] != MLAPI
        self.log = open(WORK / (name + ".log"), "w")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=cwd,
                                        env={**os.environ, **(env or {})}, start_new_session=True)

    def peak_rss_kib(self):
        """VmHWM of the process and its children (gunicorn's workers, nginx's), in KiB."""
        total = 0
        pids = [self.process.pid] + children(self.process.pid)
        for pid in pids:
            try:
                for line in open("/proc/%d/status" % pid):
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                pass
        return total

    def stop(self):
        if self.process.poll() is None:
            (os.killpg if self.group else os.kill)(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def children(pid):
    try:
        return [int(p) for p in open("/proc/%d/task/%d/children" % (pid, pid)).read().split()]
    except FileNotFoundError:
        return []


def get(port, path, method="GET", body=None, header=None, timeout=5):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body else {}
        if header:
            name, value = header.split(":", 1)
            headers[name] = value.strip()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(server, port, path="/score", timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit("%s exited early; see %s" % (server.name, WORK / (server.name + ".log")))
        try:
            status, _ = get(port, path, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("%s was not ready on port %d within %d s" % (server.name, port, timeout))


def wrk(url, connections, seconds, method="GET", body=None, header=None):
    env = {"BENCH_METHOD": method, "BENCH_BODY": "", "BENCH_HEADER": header or ""}
    if body is not None:
        body_file = WORK / "body.json"
        if isinstance(body, bytes):
            body_file.write_bytes(body)
        else:
            body_file.write_text(body)
        env["BENCH_BODY"] = str(body_file)
    args = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s",
            "-s", str(BENCH / "wrk-json.lua"), url]
    result = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **env}, check=True)
    line = next(l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON "))
    data = json.loads(line[len("BENCH_JSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["command"] = " ".join(args)
    return data


def load_test(results, server, endpoint, port, path, settings, method="GET", body=None, header=None):
    """wrk at each connection count, `repeats` times; keeps every run, the median one marked."""
    status, _ = get(port, path, method, body, header)
    if status != 200:
        raise SystemExit("%s %s answered %d before the load test" % (server, path, status))
    url = "http://127.0.0.1:%d%s" % (port, path)
    log("%s %s: warm-up %d s" % (server, endpoint, settings["warmup"]))
    wrk(url, 16, settings["warmup"], method, body, header)
    for connections in settings["connections"]:
        repeats = []
        for attempt in range(settings["repeats"]):
            load = load_now()
            run = wrk(url, connections, settings["seconds"], method, body, header)
            run.update(server=server, endpoint=endpoint, connections=connections, load_before=load, median=False)
            log("%s %s c=%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %s, cpu share before %.2f" % (
                server, endpoint, connections, run["rps"], run["latency_us"]["p50"] / 1000,
                run["latency_us"]["p99"] / 1000, run["errors"], load["cpu_share"]))
            repeats.append(run)
        sorted(repeats, key=lambda r: r["rps"])[len(repeats) // 2]["median"] = True
        results.extend(repeats)


def one_server(runs, report, name, label, args, env, port, settings, endpoint="/score", path="/score", method="GET",
               body=None):
    """Starts a server, load-tests one endpoint, stops it; returns its peak RSS in KiB."""
    log("%s: starting" % label)
    server = Server(name, args, env=env)
    try:
        wait_ready(server, port)
        load_test(runs, label, endpoint, port, path, settings, method, body)
        report[name + "_command"] = " ".join(server.args)
        return server.peak_rss_kib()
    finally:
        server.stop()


def phase_http(settings, report):
    runs = []
    hundred = '{"instances": [%s]}' % ", ".join(["[6.1, 2.8, 4.7, 1.2]"] * 100)

    log("mlapi: starting")
    serve = ["serve", "--host", "127.0.0.1", "--port", str(PORTS["mlapi"]), "--grpc-port", "0",
             "--model-dir", str(WORK / "models")]
    mlapi = Server("mlapi", [MLAPI] + serve)
    try:
        wait_ready(mlapi, PORTS["mlapi"])
        _, score_body = get(PORTS["mlapi"], "/score")
        port = PORTS["mlapi"]
        load_test(runs, "mlapi", "/score", port, "/score", settings)
        load_test(runs, "mlapi", "/predict 1 row", port, "/predict", settings, "POST", ONE_ROW)
        load_test(runs, "mlapi", "/predict 100 rows", port, "/predict", settings, "POST", hundred)
        load_test(runs, "mlapi", "V2 infer 1 row", port, "/v2/models/iris/infer", settings, "POST", V2_ONE_ROW)
        report["mlapi_peak_rss_mib"] = mlapi.peak_rss_kib() / 1024
        report["mlapi_command"] = " ".join(mlapi.args)
    finally:
        mlapi.stop()

    # The same server under the JVM's own defaults (java -jar, no launcher options), for the
    # launcher's heap and collector choice: throughput and peak RSS side by side.
    defaults = [str(JAVA), "-jar", str(JAR)] + serve
    rss = one_server(runs, report, "jvm_defaults", "mlapi, JVM defaults", defaults, None, PORTS["mlapi"],
                     settings, "/predict 1 row", "/predict", "POST", ONE_ROW)
    report["jvm_defaults_peak_rss_mib"] = rss / 1024

    tutorial_env = {"MODEL_DIR": str(WORK / "sklearn"), "MODEL_FILE": "model.joblib", "HOST": "127.0.0.1"}
    one_server(runs, report, "flask", "Flask dev server", [PYTHON, str(BENCH / "tutorial" / "api.py")],
               {**tutorial_env, "PORT": str(PORTS["flask"])}, PORTS["flask"], settings)
    one_server(runs, report, "gunicorn", "gunicorn, 2 workers",
               ["gunicorn", "-w", "2", "-b", "127.0.0.1:%d" % PORTS["gunicorn"], "--chdir", str(BENCH / "tutorial"),
                "api:app"], tutorial_env, PORTS["gunicorn"], settings)

    static = WORK / "nginx"
    (static / "html").mkdir(parents=True, exist_ok=True)
    (static / "html" / "score").write_bytes(score_body)
    for path in (WORK, static, static / "html"):
        path.chmod(0o755)
    (static / "html" / "score").chmod(0o644)
    conf = static / "nginx.conf"
    conf.write_text((BENCH / "nginx.conf").read_text().replace("@PORT@", str(PORTS["nginx"]))
                    .replace("@ROOT@", str(static / "html")).replace("@WORK@", str(static)))
    one_server(runs, report, "nginx", "nginx, static file", ["nginx", "-p", str(static), "-c", str(conf), "-g",
                                                             "daemon off;"], None, PORTS["nginx"], settings)
    report["static_score_body"] = score_body.decode()
    report["runs"] = runs


def phase_jmh(settings, report):
    out = WORK / "jmh.json"
    args = [str(BENCH / "jmh.sh"), "-rf", "json", "-rff", str(out), "-prof", "gc"] + settings["jmh"] + ["PredictBenchmark"]
    report["load_before"] = load_now()
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    (WORK / "jmh.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise SystemExit("JMH failed; see %s" % (WORK / "jmh.log"))
    report["command"] = " ".join(["bench/jmh.sh"] + args[1:])
    report["checks"] = sorted(set(re.findall(r"^\[(?:iris|synthetic20)\].*$", result.stdout, re.M)))
    rows = []
    for entry in json.loads(out.read_text()):
        alloc = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rows.append({"benchmark": entry["benchmark"].rsplit(".", 1)[1], "model": entry["params"]["model"],
                     "ns": entry["primaryMetric"]["score"], "error": entry["primaryMetric"]["scoreError"],
                     "bytes_per_op": alloc})
    report["results"] = rows


def timed(args, **kwargs):
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (args[0], result.returncode, result.stderr[-2000:]))
    return elapsed, result


def phase_batch(settings, report):
    rows = settings["rows"]
    data = WORK / ("rows-%d.csv" % rows)
    if not data.exists():
        log("batch: writing %d rows" % rows)
        subprocess.run([PYTHON, str(BENCH / "make_rows.py"), str(rows), str(data)], check=True)
    mlapi_out, sklearn_out = WORK / "mlapi-predictions.csv", WORK / "sklearn-predictions.csv"
    report["load_before"] = load_now()
    log("batch: mlapi predict")
    mlapi_args = [MLAPI, "predict", "--model", str(WORK / "models" / "iris"),
                  "--input", str(data), "--output", str(mlapi_out), "--progress", "never"]
    mlapi_wall, mlapi_result = timed(mlapi_args)
    inside = re.search(r"in ([0-9.]+) s", mlapi_result.stdout)
    log("batch: scikit-learn")
    sklearn_args = [PYTHON, str(BENCH / "batch_sklearn.py"), str(WORK / "sklearn" / "model.joblib"), str(data),
                    str(sklearn_out)]
    sklearn_wall, sklearn_result = timed(sklearn_args)
    sklearn = json.loads(sklearn_result.stdout.strip().splitlines()[-1])
    differing = 0
    with open(mlapi_out) as a, open(sklearn_out) as b:
        for line_a, line_b in zip(a, b):
            differing += line_a.rstrip("\n").rsplit(",", 1)[1] != line_b.rstrip("\n").rsplit(",", 1)[1]
    report.update(rows=rows, input_mib=data.stat().st_size / 2**20,
                  mlapi={"wall_s": mlapi_wall, "predict_s": float(inside.group(1)) if inside else None,
                         "command": " ".join(mlapi_args), "stdout": mlapi_result.stdout.strip()},
                  sklearn={"wall_s": sklearn_wall, **sklearn, "command": " ".join(sklearn_args)},
                  predictions_differing=differing)
    log("batch: mlapi %.2f s wall, scikit-learn %.2f s wall (predict alone %.2f s); %d predictions differ"
        % (mlapi_wall, sklearn_wall, sklearn["predict_s"], differing))


def poll(port, path, server, interval=0.002, timeout=120):
    """Seconds from now until GET path answers 200 (the server's process must stay up meanwhile)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            status, _ = get(port, path, timeout=5)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        if server is not None and server.process.poll() is not None:
            raise SystemExit("%s exited while starting; see %s" % (server.name, WORK / (server.name + ".log")))
        time.sleep(interval)
    raise SystemExit("nothing answered 200 on %s within %d s" % (path, timeout))


def said(log_text):
    """What the server said of its start: the warm-up line and its own ready time, if it printed them."""
    warmed = re.search(r"^warmed up in .*$", log_text, re.M)
    ready = re.search(r"^ready (\d+) ms after the JVM started", log_text, re.M)
    return {"warmup": warmed.group(0) if warmed else None, "ready_ms": int(ready.group(1)) if ready else None}


def await_launcher_cache(timeout=300):
    """Waits until the launcher's class cache is current: on JDK 25+ it is built in the background
    after the server that recorded it stops (./mlapi's serve_cache), and a start before that runs
    without it."""
    aot, jsa = ROOT / "target" / "mlapi-serve.aot", ROOT / "target" / "mlapi-serve.jsa"
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if any(cache.exists() and cache.stat().st_mtime >= JAR.stat().st_mtime for cache in (aot, jsa)):
            return
        time.sleep(0.1)
    raise SystemExit("the launcher wrote no class cache within %d s" % timeout)


def phase_startup(settings, report):
    times, ready_times = [], []
    report["load_before"] = load_now()
    args = [MLAPI, "serve", "--host", "127.0.0.1", "--port", str(PORTS["startup"]), "--grpc-port", "0",
            "--model-dir", str(WORK / "models"), "--drain-delay", "0s"]
    for cache in (ROOT / "target" / "mlapi-serve.aot", ROOT / "target" / "mlapi-serve.jsa"):
        if cache.exists():
            cache.unlink()  # the first start writes the launcher's class cache; the next ones use it
    for attempt in range(settings["starts"] + 1):
        started = time.perf_counter()
        server = Server("startup", args)
        try:
            poll(PORTS["startup"], "/score", server)
            times.append(time.perf_counter() - started)
            poll(PORTS["startup"], "/readyz", server)
            ready_times.append(time.perf_counter() - started)
        finally:
            server.stop()
        if attempt == 0:
            await_launcher_cache()
        log("startup %d: %.3f s to the first 200 from /score, %.3f s to /readyz 200" % (attempt, times[-1],
                                                                                      ready_times[-1]))
    report.update(command=" ".join(args), first_s=times[0], seconds=times[1:], median_s=statistics.median(times[1:]),
                  first_ready_s=ready_times[0], ready_seconds=ready_times[1:],
                  ready_median_s=statistics.median(ready_times[1:]), load_after=load_now())


def cold_run(name, args, port, settings, env=None):
    """Starts a server, times it to /readyz 200, loads it with wrk at once, stops it."""
    started = time.perf_counter()
    server = Server(name, args, env=env)
    try:
        poll(port, "/readyz", server)
        ready = time.perf_counter() - started
        load = wrk("http://127.0.0.1:%d/predict" % port, 16, settings["cold_seconds"], "POST", ONE_ROW)
    finally:
        server.stop()
    run = {"ready_s": ready, "rps": load["rps"], "latency_us": load["latency_us"], "errors": load["errors"],
           "command": " ".join(args), **said((WORK / (name + ".log")).read_text())}
    log("%s: ready in %.3f s (server: %s ms), then %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms" % (
        name, ready, run["ready_ms"], load["rps"], load["latency_us"]["p50"] / 1000, load["latency_us"]["p99"] / 1000,
        load["latency_us"]["max"] / 1000))
    return run


def phase_cold(settings, report):
    """A replica that has just become ready, under the load a rollout sends it."""
    port = PORTS["cold"]
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", "0", "--model-dir",
             str(WORK / "models"), "--drain-delay", "0s"]
    variants = [
        ("launcher", "./mlapi serve", [MLAPI] + serve, None),
        ("no_warmup", "./mlapi serve --warmup 0", [MLAPI] + serve + ["--warmup", "0"], None),
        ("warmup_1s", "./mlapi serve --warmup 1s", [MLAPI] + serve + ["--warmup", "1s"], None),
        ("jvm_defaults", "java -jar (JVM defaults: no AOT cache)", [str(JAVA), "-jar", str(JAR)] + serve, None),
    ]
    report["load_before"] = load_now()
    # The launcher's AOT cache must be current before its starts are timed: this start records it if not.
    cold_run("cold", [MLAPI] + serve, port, dict(settings, cold_seconds=1))
    await_launcher_cache()
    report["variants"] = []
    for key, label, args, env in variants:
        runs = [cold_run("cold", args, port, settings, env) for _ in range(settings["cold_repeats"])]
        report["variants"].append({"key": key, "label": label, "runs": runs})
    report["load_after"] = load_now()


def phase_openloop(settings, report):
    """Latency against a fixed arrival rate, from 10% to 90% of the closed-loop capacity."""
    port = PORTS["mlapi"]
    args = [MLAPI, "serve", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", "0", "--model-dir",
            str(WORK / "models"), "--drain-delay", "0s"]
    body = WORK / "one-row.json"
    body.write_text(ONE_ROW)
    url = "http://127.0.0.1:%d/predict" % port
    report["load_before"] = load_now()
    server = Server("openloop", args)
    try:
        wait_ready(server, port, "/readyz")
        wrk(url, 16, settings["warmup"], "POST", ONE_ROW)
        capacity = wrk(url, 16, settings["seconds"], "POST", ONE_ROW)
        report["capacity_rps"] = capacity["rps"]
        log("openloop: capacity (wrk -c16) %.0f req/s" % capacity["rps"])
        report["runs"] = []
        for fraction in settings["openloop_fractions"]:
            rate = round(capacity["rps"] * fraction)
            command = [str(JAVA), "-XX:+UseSerialGC", "-Xmx512m", str(BENCH / "OpenLoop.java"), url, str(body),
                       str(rate), str(settings["openloop_seconds"]), "64", str(settings["openloop_warmup"])]
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            run = json.loads(result.stdout.strip().splitlines()[-1])
            run.update(fraction=fraction, command=" ".join(command))
            report["runs"].append(run)
            log("openloop %.0f%% (%d req/s, achieved %.0f): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms, "
                "errors %d" % (fraction * 100, rate, run["achieved"], run["latency_us"]["p50"] / 1000,
                               run["latency_us"]["p99"] / 1000, run["latency_us"]["p999"] / 1000,
                               run["latency_us"]["max"] / 1000, run["errors"]))
        report["server_command"] = " ".join(args)
    finally:
        server.stop()
    report["load_after"] = load_now()


def podman(*args, check=True):
    return subprocess.run(["podman"] + list(args), capture_output=True, text=True, check=check,
                          env={**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))})


def phase_image(settings, report):
    """The image as Kubernetes would run it, under podman: size, ready time, cold tail."""
    env = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))}
    base = subprocess.run([str(ROOT / "scripts" / "image-base")], capture_output=True, text=True, env=env)
    if base.returncode == 3:
        report["skipped"] = "the base image cannot be made here: " + base.stderr.strip()
        log("image: skipped: " + report["skipped"])
        return
    if base.returncode != 0:
        raise SystemExit("scripts/image-base failed: " + base.stderr[-2000:])
    archive = base.stdout.strip().splitlines()[-1]
    tag = "bench-%d" % os.getpid()
    image_tar = WORK / "image.tar"
    build = ["./mvnw", "-B", "-q", "-Pimage", "package", "-DskipTests", "-Djacoco.skip=true",
             "-Dimage.base=tar://" + archive, "-Dimage.name=mlapi-bench:" + tag, "-Djib.outputPaths.tar=" + str(image_tar)]
    log("image: building (Jib, with the AOT cache's training run)")
    built = subprocess.run(build, capture_output=True, text=True, cwd=ROOT, env=env)
    if built.returncode != 0:
        raise SystemExit("the image build failed: " + (built.stdout + built.stderr)[-3000:])
    image = "localhost/mlapi-bench:" + tag
    podman("load", "-q", "-i", str(image_tar))
    try:
        inspect = json.loads(podman("image", "inspect", image).stdout)[0]
        report.update(size_mb=inspect["Size"] / 1e6, base_archive=archive, build_command=" ".join(build),
                      java=podman("run", "--rm", "--entrypoint", "java", image, "-version").stderr.splitlines()[0],
                      load_before=load_now())
        port = PORTS["image"]
        run_args = ["run", "-d", "--name", "mlapi-bench-" + tag, "-p", "127.0.0.1:%d:5000" % port, "--read-only",
                    "--tmpfs", "/tmp:rw,size=64m,mode=1777", "--cap-drop", "ALL", "--security-opt",
                    "no-new-privileges", image]
        report["run_command"] = "podman " + " ".join(run_args)
        report["runs"] = []
        for attempt in range(settings["cold_repeats"]):
            started = time.perf_counter()
            podman(*run_args)
            try:
                poll(port, "/readyz", None, timeout=60)
                ready = time.perf_counter() - started
                load = wrk("http://127.0.0.1:%d/predict" % port, 16, settings["cold_seconds"], "POST", ONE_ROW)
                logs = podman("logs", "mlapi-bench-" + tag, check=False)
                stats = said(logs.stdout + logs.stderr)
            finally:
                podman("rm", "-f", "-t", "0", "mlapi-bench-" + tag, check=False)
            run = {"ready_s": ready, "rps": load["rps"], "latency_us": load["latency_us"], "errors": load["errors"],
                   **stats}
            report["runs"].append(run)
            log("image %d: ready in %.3f s from podman run (server: %s ms after its JVM started), then %.0f "
                "req/s, p99 %.2f ms" % (attempt, ready, stats["ready_ms"], load["rps"],
                                         load["latency_us"]["p99"] / 1000))
    finally:
        podman("rmi", "-f", image, check=False)
    report["load_after"] = load_now()


def v2_rows(rows, datatype="FP64"):
    values = ", ".join(["6.1, 2.8, 4.7, 1.2"] * rows)
    return ('{"inputs": [{"name": "input-0", "shape": [%d, 4], "datatype": "%s", "data": [%s]}]}'
            % (rows, datatype, values))


def v2_binary(rows):
    """A V2 request with the binary tensor extension, as Triton's client sends it: the JSON, then the
    rows as little-endian FP64; the prediction asked back in binary too. Returns (body, header)."""
    import struct
    header = ('{"inputs": [{"name": "input-0", "shape": [%d, 4], "datatype": "FP64", "parameters": '
              '{"binary_data_size": %d}}], "parameters": {"binary_data_output": true}}' % (rows, rows * 32)).encode()
    data = struct.pack("<%dd" % (rows * 4), *([6.1, 2.8, 4.7, 1.2] * rows))
    return header + data, "Inference-Header-Content-Length: %d" % len(header)


def grpc_messages(rows_list):
    """gRPC ModelInfer requests (typed FP64 contents, as KServe's client sends them), framed as on
    the wire (a 0 byte, a 4-byte big-endian length, the message), from stubs generated here."""
    import struct
    stubs = WORK / "grpc-python"
    stubs.mkdir(parents=True, exist_ok=True)
    subprocess.run([PYTHON, "-m", "grpc_tools.protoc", "-I", str(ROOT / "src/main/proto"), "--python_out=" + str(stubs),
                    str(ROOT / "src/main/proto/grpc_predict_v2.proto")], check=True)
    sys.path.insert(0, str(stubs))
    import grpc_predict_v2_pb2 as pb
    files = {}
    for rows in rows_list:
        request = pb.ModelInferRequest(model_name="iris")
        tensor = request.inputs.add(name="input-0", datatype="FP64", shape=[rows, 4])
        tensor.contents.fp64_contents.extend([6.1, 2.8, 4.7, 1.2] * rows)
        message = request.SerializeToString()
        path = WORK / ("grpc-%d.bin" % rows)
        path.write_bytes(b"\x00" + struct.pack(">I", len(message)) + message)
        files[rows] = path
    return files


def grpc_calls(port):
    """ModelInfer calls the server counted, by status: h2load sees HTTP/2 200 for every gRPC call,
    so the gRPC status comes from the server's metrics."""
    _, text = get(port, "/metrics")
    counts = {}
    for line in text.decode().splitlines():
        if line.startswith("mlapi_requests_total{") and "ModelInfer" in line:
            status = re.search(r'status="([^"]+)"', line).group(1)
            counts[status] = counts.get(status, 0) + float(line.rsplit(" ", 1)[1])
    return counts


def h2load(url, message, concurrent, seconds):
    """`concurrent` calls in flight as gRPC clients make them: over few connections (two, one per
    h2load thread), many streams each."""
    args = ["h2load", "-t2", "-c2", "-m%d" % (concurrent // 2), "-D", str(seconds), "-d", str(message),
            "-H", "content-type: application/grpc", "-H", "te: trailers", url]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    rps = float(re.search(r"finished in [0-9.]+m?s, ([0-9.]+) req/s", result.stdout).group(1))
    done = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                     result.stdout)
    latency = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)", result.stdout)

    def ms(text):
        return float(text[:-2]) if text.endswith("ms") else float(text[:-2]) / 1000 if text.endswith("us") \
            else float(text[:-1]) * 1000

    return {"rps": rps, "requests": int(done.group(2)), "failed": int(done.group(4)) + int(done.group(5)),
            "latency_ms": {"min": ms(latency.group(1)), "max": ms(latency.group(2)), "mean": ms(latency.group(3))},
            "command": " ".join(args)}


def process_cpu_s(pid):
    """User and system CPU time of a process so far, in seconds (its threads included)."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase_protocols(settings, report):
    """REST JSON vs gRPC (1 and 100 rows), and REST JSON vs the binary extension (1,000 rows), one
    server. Besides req/s (which depends on the load generator sharing the cores), each run records
    the server's own CPU time per request, which does not. The 1,000 rows go to the tutorial's SVC
    and to a LinearSVC on the same data: the SVC's RBF kernel (its exponentials) takes most of the
    CPU of both encodings, the LinearSVC's a few microseconds, so that the encodings' own costs show."""
    runs = []
    messages = grpc_messages([1, 100])
    repository = WORK / "protocol-models"
    shutil.rmtree(repository, ignore_errors=True)
    subprocess.run([MLAPI, "train", "--repository", str(repository)], check=True, capture_output=True)
    subprocess.run([MLAPI, "train", "--repository", str(repository), "--name", "iris-linear", "--estimator",
                    "linear-svc"], check=True, capture_output=True)
    args = [MLAPI, "serve", "--host", "127.0.0.1", "--port", str(PORTS["mlapi"]), "--grpc-port", str(PORTS["grpc"]),
            "--repository", str(repository)]
    server = Server("mlapi-protocols", args)
    port = PORTS["mlapi"]
    grpc_url = "http://127.0.0.1:%d/inference.GRPCInferenceService/ModelInfer" % PORTS["grpc"]

    def measure(endpoint, rows, tool, once):
        # Warmed at every concurrency measured: the JIT compiles what each one exercises (gRPC at 8
        # streams a connection ran ~30 % slower before it had also run at 32).
        log("mlapi %s: warm-up %d s at each concurrency" % (endpoint, settings["warmup"]))
        for connections in settings["connections"]:
            once(connections, settings["warmup"])
        for connections in settings["connections"]:
            repeats = []
            for attempt in range(settings["repeats"]):
                load = load_now()
                cpu = process_cpu_s(server.process.pid)
                run = once(connections, settings["seconds"])
                run.update(server="mlapi", endpoint=endpoint, rows=rows, tool=tool, connections=connections,
                           load_before=load, median=False,
                           server_cpu_us_per_request=(process_cpu_s(server.process.pid) - cpu) * 1e6
                           / max(1, run["requests"]))
                log("mlapi %s c=%d: %.0f req/s (%.0f rows/s), server CPU %.1f us/request, cpu share before %.2f" % (
                    endpoint, connections, run["rps"], run["rps"] * rows, run["server_cpu_us_per_request"],
                    load["cpu_share"]))
                repeats.append(run)
            sorted(repeats, key=lambda r: r["rps"])[len(repeats) // 2]["median"] = True
            runs.extend(repeats)

    def rest(body, header=None, model="iris"):
        path = "/v2/models/%s/infer" % model
        status, _ = get(port, path, "POST", body, header)
        if status != 200:
            raise SystemExit("mlapi answered %d to a V2 request before the load test" % status)
        return lambda connections, seconds: wrk("http://127.0.0.1:%d%s" % (port, path), connections, seconds, "POST",
                                                body, header)

    try:
        wait_ready(server, port, "/v2/health/ready")
        report["command"] = " ".join(args)
        for rows in (1, 100):
            label = "%d row%s" % (rows, "" if rows == 1 else "s")
            measure("V2 REST JSON " + label, rows, "wrk", rest(v2_rows(rows)))
            before = grpc_calls(port)
            measure("gRPC ModelInfer " + label, rows, "h2load",
                    lambda connections, seconds, m=messages[rows]: h2load(grpc_url, m, connections, seconds))
            after = grpc_calls(port)
            report.setdefault("grpc_statuses", {})[label] = {
                status: after.get(status, 0) - before.get(status, 0) for status in after}
        measure("V2 REST JSON 1000 rows", 1000, "wrk", rest(v2_rows(1000)))
        measure("V2 REST binary 1000 rows", 1000, "wrk", rest(*v2_binary(1000)))
        measure("V2 REST JSON 1000 rows, LinearSVC", 1000, "wrk", rest(v2_rows(1000), model="iris-linear"))
        measure("V2 REST binary 1000 rows, LinearSVC", 1000, "wrk", rest(*v2_binary(1000), model="iris-linear"))
    finally:
        server.stop()
    report["runs"] = runs
    summary = {}
    for connections in settings["connections"]:
        def median(endpoint):
            return next(r for r in runs if r["endpoint"] == endpoint and r["connections"] == connections and r["median"])
        grpc_one, rest_one = median("gRPC ModelInfer 1 row"), median("V2 REST JSON 1 row")
        json_k, binary_k = median("V2 REST JSON 1000 rows"), median("V2 REST binary 1000 rows")
        json_linear = median("V2 REST JSON 1000 rows, LinearSVC")
        binary_linear = median("V2 REST binary 1000 rows, LinearSVC")
        summary[str(connections)] = {
            "grpc_over_rest_1_row": grpc_one["rps"] / rest_one["rps"],
            "binary_over_json_1000_rows": binary_k["rps"] / json_k["rps"],
            "binary_over_json_1000_rows_linear_svc": binary_linear["rps"] / json_linear["rps"],
            "server_cpu_us_per_request": {"grpc_1_row": grpc_one["server_cpu_us_per_request"],
                                          "rest_1_row": rest_one["server_cpu_us_per_request"],
                                          "json_1000_rows": json_k["server_cpu_us_per_request"],
                                          "binary_1000_rows": binary_k["server_cpu_us_per_request"],
                                          "json_1000_rows_linear_svc": json_linear["server_cpu_us_per_request"],
                                          "binary_1000_rows_linear_svc": binary_linear["server_cpu_us_per_request"]}}
        log("c=%d: gRPC 1 row %.0f vs REST 1 row %.0f req/s (%.2f x, target >= 1); binary 1000 rows %.0f vs JSON "
            "%.0f rows/s (%.2f x, target >= 2; LinearSVC %.2f x)" % (
                connections, grpc_one["rps"], rest_one["rps"], grpc_one["rps"] / rest_one["rps"],
                binary_k["rps"] * 1000, json_k["rps"] * 1000, binary_k["rps"] / json_k["rps"],
                binary_linear["rps"] / json_linear["rps"]))
    report["summary"] = summary


# The many-models phase: models in the repository, seconds of idle CPU measured, starts (the median kept).
MANY_MODELS = {"full": {"models": 10_000, "idle_s": 60, "starts": 3}, "quick": {"models": 1_000, "idle_s": 10,
                                                                                 "starts": 1}}


def phase_many_models(settings, report):
    """A repository of N copies of the Iris model under different names (bench/many_models.py):
    for each of a few starts, the time from process start to /readyz 200, the resident set, the
    CPU the idle server takes over a minute, from 15 s after ready (file watching, or polling where it
    falls back), the
    size of one /metrics scrape and of /v2/models (whole, and one page), and how long a new version
    of one model takes to be served."""
    many = settings.get("many_models", MANY_MODELS["full"])
    count, idle_s = many["models"], many["idle_s"]
    port = PORTS["startup"]
    template = WORK / "many-template"
    if not (template / "iris" / "1").is_dir():
        shutil.rmtree(template, ignore_errors=True)
        subprocess.run([MLAPI, "train", "--repository", str(template)], check=True, capture_output=True)
    repository = WORK / ("many-%d" % count)
    shutil.rmtree(repository / "iris-new", ignore_errors=True)  # left by an earlier run's pick-up check
    generate = [PYTHON, str(BENCH / "many_models.py"), str(template / "iris" / "1"), str(count), str(repository)]
    subprocess.run(generate, check=True, capture_output=True)
    args = [MLAPI, "serve", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", "0",
            "--repository", str(repository)]
    report.update(models=count, idle_s=idle_s, command=" ".join(args), generator=" ".join(generate),
                  load_before=load_now(), starts=[])

    # The launcher writes its class cache after the first start of a new jar, in the background once
    # that server stops: one unmeasured start of one model first, so that every measured start has it.
    caches = [ROOT / "target" / "mlapi-serve.aot", ROOT / "target" / "mlapi-serve.jsa"]
    if not any(c.exists() and c.stat().st_mtime > JAR.stat().st_mtime for c in caches):
        warm = Server("many-models-cache", [MLAPI, "serve", "--host", "127.0.0.1", "--port", str(port),
                                            "--grpc-port", "0", "--repository", str(template)])
        try:
            wait_ready(warm, port, "/readyz")
        finally:
            warm.stop()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
                c.exists() and c.stat().st_mtime > JAR.stat().st_mtime for c in caches):
            time.sleep(0.5)

    def size(path):
        status, body = get(port, path, timeout=60)
        if status != 200:
            raise SystemExit("GET %s answered %d" % (path, status))
        return len(body), body

    for attempt in range(many["starts"]):
        shutil.rmtree(repository / "iris-new", ignore_errors=True)
        started = time.perf_counter()
        server = Server("many-models", args)
        try:
            wait_ready(server, port, "/readyz", timeout=300)
            run = {"ready_s": time.perf_counter() - started}
            pid = server.process.pid
            # After ready the server registers its directory watches and looks at every model once more
            # (about 2 s of CPU at 10,000 models): the idle minute starts once that is surely over.
            time.sleep(15)
            cpu, wall = process_cpu_s(pid), time.perf_counter()
            time.sleep(idle_s)
            run["idle_cpu_share"] = (process_cpu_s(pid) - cpu) / (time.perf_counter() - wall)
            run["rss_mib"] = rss_kib(pid, "VmRSS") / 1024
            run["peak_rss_mib"] = rss_kib(pid, "VmHWM") / 1024
            run["metrics_bytes"], metrics = size("/metrics")
            run["metrics_lines"] = metrics.count(b"\n")
            run["v2_models_bytes"], _ = size("/v2/models")
            run["v2_models_page_bytes"], page = size("/v2/models?limit=100")
            run["v2_models_page_count"] = len(json.loads(page).get("models", []))
            # A new model copied into the repository: how long until it serves (watched: well under
            # a second; polled: up to the poll interval).
            new = repository / "iris-new" / "1"
            tmp = repository / ".iris-new-tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            subprocess.run([PYTHON, str(BENCH / "many_models.py"), str(template / "iris" / "1"), "1", str(tmp), "x"],
                           check=True, capture_output=True)
            card = json.loads((tmp / "x-00001" / "1" / "model.json").read_text())
            (tmp / "x-00001" / "1" / "model.json").write_text(json.dumps(dict(card, name="iris-new"), indent=2))
            added = time.perf_counter()
            new.parent.mkdir()
            os.rename(tmp / "x-00001" / "1", new)
            shutil.rmtree(tmp)
            while time.perf_counter() - added < 120:
                if get(port, "/v2/models/iris-new/ready", timeout=5)[0] == 200:
                    break
                time.sleep(0.02)
            run["new_model_served_s"] = time.perf_counter() - added
            report["starts"].append(run)
            log("many models %d: ready in %.2f s, idle CPU %.2f%% of a core, RSS %.0f MiB (peak %.0f), /metrics "
                "%d bytes (%d lines), /v2/models %d bytes (a page of %d: %d bytes), a new model served %.2f s "
                "after it appeared" % (attempt, run["ready_s"], run["idle_cpu_share"] * 100, run["rss_mib"],
                                        run["peak_rss_mib"], run["metrics_bytes"], run["metrics_lines"],
                                        run["v2_models_bytes"], run["v2_models_page_count"],
                                        run["v2_models_page_bytes"], run["new_model_served_s"]))
        finally:
            server.stop()
    shutil.rmtree(repository / "iris-new", ignore_errors=True)
    report["load_after"] = load_now()
    for key in ("ready_s", "idle_cpu_share", "rss_mib", "peak_rss_mib", "metrics_bytes", "v2_models_bytes",
                "new_model_served_s"):
        report["median_" + key] = statistics.median(run[key] for run in report["starts"])


def rss_kib(pid, field):
    """VmRSS (now) or VmHWM (peak) of a process, in KiB."""
    return next(int(line.split()[1]) for line in open("/proc/%d/status" % pid) if line.startswith(field + ":"))


def prepare():
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / "models", ignore_errors=True)
    shutil.rmtree(WORK / "sklearn", ignore_errors=True)
    (WORK / "sklearn").mkdir()
    subprocess.run([MLAPI, "train", "--model-dir", str(WORK / "models")], check=True, capture_output=True)
    subprocess.run([PYTHON, str(BENCH / "tutorial" / "train.py")], check=True, capture_output=True,
                   env={**os.environ, "MODEL_DIR": str(WORK / "sklearn"), "MODEL_FILE": "model.joblib"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: short durations, fewer rows")
    parser.add_argument("--phases", default=",".join(DEFAULT_PHASES), help="comma-separated subset to run, of "
                        + ", ".join(PHASES))
    args = parser.parse_args()
    settings = {"warmup": 5, "seconds": 10, "connections": [16, 64], "repeats": 3, "rows": 1_000_000, "starts": 5,
                "jmh": [], "cold_seconds": 10, "cold_repeats": 3, "openloop_seconds": 20, "openloop_warmup": 3,
                "openloop_fractions": [0.1, 0.25, 0.5, 0.75, 0.9]}
    settings["many_models"] = MANY_MODELS["quick" if args.quick else "full"]
    if args.quick:
        settings.update(warmup=1, seconds=2, repeats=1, rows=100_000, starts=2,
                        jmh=["-f", "1", "-wi", "1", "-i", "1", "-w", "1s", "-r", "1s"], cold_seconds=2, cold_repeats=1,
                        openloop_seconds=2, openloop_warmup=1, openloop_fractions=[0.25, 0.5])
    prepare()
    # A subset of phases updates the last results in place; each phase records its own time and load.
    unknown = [name for name in args.phases.split(",") if name not in PHASES]
    if unknown:
        parser.error("unknown phases: %s (known: %s)" % (", ".join(unknown), ", ".join(PHASES)))
    results = json.loads(RESULTS.read_text()) if args.phases != parser.get_default("phases") and RESULTS.exists() else {}
    results.update({"date": datetime.date.today().isoformat(), "quick": args.quick, "settings": settings,
                    "machine": machine(), "load_start": load_now()})
    for name in args.phases.split(","):
        results[name] = {}
        PHASES[name](settings, results[name])
    results["load_end"] = load_now()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    log("results in %s" % RESULTS.relative_to(ROOT))


PHASES = {"http": phase_http, "jmh": phase_jmh, "batch": phase_batch, "startup": phase_startup, "cold": phase_cold,
          "openloop": phase_openloop, "image": phase_image, "protocols": phase_protocols,
          "many_models": phase_many_models}
DEFAULT_PHASES = ["http", "jmh", "batch", "startup", "cold", "openloop", "image", "protocols", "many_models"]

if __name__ == "__main__":
    main()
