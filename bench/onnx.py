"""ONNX Runtime against mlapi's own predictor, in one run: V2 infer of the tutorial's Iris SVC served
natively (mlapi_libsvm) and as its own ONNX export (onnxruntime_onnx) by the same server, one row
and 1,000 rows per request. bench/onnx.sh builds and calls this:

    bench/onnx.sh            the measured run (about 4 minutes; wants a quiet machine)
    bench/onnx.sh --quick    a smoke run: short durations, one repeat

wrk (2 threads, 16 connections; a warm-up, then three runs of 10 s, the median kept) posts the same
FP32 rows to /v2/models/iris/infer and /v2/models/iris-onnx/infer, asking both for their "label"
output, so both do the same work: parse, predict, answer class labels. Prints requests/s and
latency per case, and ONNX's requests/s over native's (target: at least 0.8 at one row).
Results go to bench/results/onnx-latest.json.
"""
import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = ROOT / "target" / "bench-onnx"
RESULTS = BENCH / "results" / "onnx-latest.json"
MLAPI = str(ROOT / "mlapi")
PORT = 5311
IRIS_ROWS = [[5.1, 3.5, 1.4, 0.2], [6.1, 2.8, 4.7, 1.2], [6.7, 3.0, 5.2, 2.3], [5.8, 2.7, 5.1, 1.9]]
MODELS = {"native": "iris", "onnx": "iris-onnx"}


def log(message):
    print("[bench/onnx] " + message, file=sys.stderr, flush=True)


def body(rows):
    data = [IRIS_ROWS[i % len(IRIS_ROWS)] for i in range(rows)]
    return json.dumps({"inputs": [{"name": "input-0", "shape": [rows, 4], "datatype": "FP32", "data": data}],
                       "outputs": [{"name": "label"}]})


def post(path, payload):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def run(args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def wrk(path, payload, seconds):
    body_file = WORK / "body.json"
    body_file.write_text(payload)
    args = ["wrk", "-t2", "-c16", "-d%ds" % seconds, "--timeout", "10s", "-s", str(BENCH / "wrk-json.lua"),
            "http://127.0.0.1:%d%s" % (PORT, path)]
    result = subprocess.run(args, capture_output=True, text=True, check=True,
                            env={**os.environ, "BENCH_METHOD": "POST", "BENCH_BODY": str(body_file)})
    line = next(l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON "))
    data = json.loads(line[len("BENCH_JSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["command"] = " ".join(args)
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: short durations, one repeat")
    settings = parser.parse_args()
    warmup, seconds, repeats = (1, 2, 1) if settings.quick else (5, 10, 3)

    shutil.rmtree(WORK, ignore_errors=True)
    repository = WORK / "repository"
    log("training iris/1 and exporting it as iris-onnx/1")
    run([MLAPI, "train", "--repository", str(repository), "--name", "iris"])
    (repository / "iris-onnx" / "1").mkdir(parents=True)
    run([MLAPI, "export", "--onnx", "--model", str(repository / "iris" / "1"), "--output",
         str(repository / "iris-onnx" / "1" / "model.onnx")])

    log_file = open(WORK / "mlapi.log", "w")
    server = subprocess.Popen([MLAPI, "serve", "--host", "127.0.0.1", "--port", str(PORT), "--repository",
                               str(repository), "--poll-interval", "0"], stdout=log_file, stderr=subprocess.STDOUT,
                              start_new_session=True)
    results = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if post("/v2/models/iris-onnx/infer", body(1))[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("mlapi did not serve both models; see %s" % (WORK / "mlapi.log"))
            time.sleep(0.1)
        for rows in (1, 1000):
            payload = body(rows)
            answers = {kind: post("/v2/models/%s/infer" % model, payload) for kind, model in MODELS.items()}
            labels = {kind: answer[1]["outputs"][0]["data"] for kind, answer in answers.items()}
            if labels["native"] != labels["onnx"]:
                raise SystemExit("the two models disagree on %d rows" % rows)
            for kind, model in MODELS.items():
                path = "/v2/models/%s/infer" % model
                log("%s, %d rows: warm-up %d s" % (kind, rows, warmup))
                wrk(path, payload, warmup)
                runs = [wrk(path, payload, seconds) for _ in range(repeats)]
                median = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
                log("%s, %d rows: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %s" % (
                    kind, rows, median["rps"], median["latency_us"]["p50"] / 1000,
                    median["latency_us"]["p99"] / 1000, median["errors"]))
                results.append({"model": kind, "rows": rows, "median": median, "runs": runs})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log_file.close()

    rps = {(r["model"], r["rows"]): r["median"]["rps"] for r in results}
    ratios = {rows: rps[("onnx", rows)] / rps[("native", rows)] for rows in (1, 1000)}
    print("| rows per request | native req/s | ONNX req/s | ONNX / native |")
    print("|---|---|---|---|")
    for rows in (1, 1000):
        print("| %d | %.0f | %.0f | %.2f |" % (rows, rps[("native", rows)], rps[("onnx", rows)], ratios[rows]))
    print("target at one row: ONNX / native >= 0.8: %s" % ("met" if ratios[1] >= 0.8 else "NOT met"))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": settings.quick, "cores": os.cpu_count(), "load": os.getloadavg(),
        "ratio_onnx_over_native": {str(rows): ratio for rows, ratio in ratios.items()},
        "results": results}, indent=1) + "\n")
    log("wrote %s" % RESULTS.relative_to(ROOT))


if __name__ == "__main__":
    main()
