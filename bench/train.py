"""Training benchmarks: mlapi train against scikit-learn, each as a whole process (start-up included).

    bench/train.sh            the measured run (needs a quiet machine; SVC on 100,000 rows takes minutes)
    bench/train.sh --quick    a smoke run: one repeat, small generated sets

Phases:
  search  a 5-fold grid search of 12 candidates (C=0.1,1,10,100 x gamma=scale,0.01,0.1) of
          StandardScaler + SVC on breast cancer (stratified split, seed 42): `mlapi train --search`
          (every core) against GridSearchCV(n_jobs=1) and GridSearchCV(n_jobs=-1) doing the same
          work, each saving its model; the winners must agree. Target: mlapi >= 1.5x n_jobs=-1.
  rows    training rows/s of StandardScaler + SVC and + LinearSVC on generated sets
          (make_classification, 20 features) of 1k, 10k and 100k training rows, mlapi and scikit-learn.
The median of --repeats runs is kept. Results go to bench/results/train.json and a table to stdout.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAVA = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
JAR = ROOT / "target" / "mlapi.jar"
PYTHON = "/usr/bin/python3"
SKLEARN = str(ROOT / "bench" / "train_sklearn.py")
CANCER = ROOT / "src" / "test" / "resources" / "sklearn" / "breast_cancer.csv"
GRID = "C=0.1,1,10,100;gamma=scale,0.01,0.1"


def log(message):
    print("[bench] " + message, file=sys.stderr, flush=True)


def timed(command):
    """Wall time of one process, and what it printed; a failure stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit("[bench] failed: " + " ".join(command) + "\n" + done.stdout + done.stderr)
    return seconds, done.stdout


def median_time(command, repeats):
    runs = [timed(command) for _ in range(repeats)]
    return statistics.median(seconds for seconds, _ in runs), runs[-1][1]


def mlapi_train(work, *args):
    return [str(JAVA), "-jar", str(JAR), "train", "--repository", str(work / "models"), "--progress", "never",
            *args]


def search_phase(work, repeats):
    mlapi_seconds, out = median_time(mlapi_train(work, "--data", str(CANCER), "--name", "cancer", "--scale", "standard",
                                                 "--split", "stratified", "--seed", "42", "--search", GRID,
                                                 "--cv", "5"), repeats)
    winner = next(line for line in out.splitlines() if line.startswith("grid search:"))
    results = {"mlapi": {"seconds": mlapi_seconds, "winner": winner, "threads": os.cpu_count()}}
    for jobs in [1, -1]:
        seconds, out = median_time([PYTHON, SKLEARN, "search", "--data", str(CANCER), "--n-jobs", str(jobs),
                                    "--out", str(work / "model.pkl")], repeats)
        results["sklearn_n_jobs_%d" % jobs] = {"seconds": seconds, "winner": json.loads(out)}
    best = results["sklearn_n_jobs_-1"]["winner"]["best"]
    expected = "best {C=%s, gamma=%s}" % (best["C"], best["gamma"])
    results["same_winner"] = expected in winner
    if not results["same_winner"]:
        log("warning: the winners differ: mlapi " + winner + ", scikit-learn " + json.dumps(best))
    results["speedup_vs_n_jobs_-1"] = results["sklearn_n_jobs_-1"]["seconds"] / mlapi_seconds
    results["speedup_vs_n_jobs_1"] = results["sklearn_n_jobs_1"]["seconds"] / mlapi_seconds
    return results


def generated_rows(work, train_rows):
    """make_classification rows (20 features), train_rows of them training after a 0.2 test split."""
    path = work / ("rows-%d.csv" % train_rows)
    total = int(round(train_rows / 0.8))
    subprocess.run([PYTHON, "-c", (
        "import numpy as np, sys\n"
        "from sklearn.datasets import make_classification\n"
        "x, y = make_classification(n_samples=%d, n_features=20, n_informative=10, random_state=0)\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    f.write(','.join(['f%%d' %% i for i in range(20)] + ['label']) + '\\n')\n"
        "    for row, label in zip(x, y):\n"
        "        f.write(','.join(repr(float(v)) for v in row) + ',' + str(int(label)) + '\\n')\n") % total,
        str(path)], check=True)
    return path


def rows_phase(work, sizes, repeats):
    results = []
    for size in sizes:
        data = generated_rows(work, size)
        for estimator in ["svc", "linear-svc"]:
            seconds, _ = median_time(mlapi_train(work, "--data", str(data), "--name", "rows", "--estimator", estimator,
                                                 "--scale", "standard", "--split", "shuffle", "--seed", "0"), repeats)
            sk_seconds, _ = median_time([PYTHON, SKLEARN, "fit", "--data", str(data), "--estimator", estimator,
                                         "--out", str(work / "model.pkl")], repeats)
            results.append({"train_rows": size, "estimator": estimator, "mlapi_seconds": seconds,
                            "mlapi_rows_per_s": size / seconds, "sklearn_seconds": sk_seconds,
                            "sklearn_rows_per_s": size / sk_seconds})
            log("%s %d rows: mlapi %.2f s, scikit-learn %.2f s" % (estimator, size, seconds, sk_seconds))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one repeat, small sets: a smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000", help="training rows of the generated sets")
    parser.add_argument("--phases", default="search,rows")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "train.json"))
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    sizes = [200, 1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mlapi-train-bench-"))
    try:
        results = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                   "quick": args.quick, "repeats": repeats, "cpus": os.cpu_count(), "machine": platform.platform()}
        if "search" in args.phases:
            log("search: mlapi train --search vs GridSearchCV(n_jobs=1, -1)")
            results["search"] = search_phase(work, repeats)
        if "rows" in args.phases:
            results["rows"] = rows_phase(work, sizes, repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    if "search" in results:
        s = results["search"]
        print("grid search, 12 candidates x 5 folds on breast cancer (whole processes, median of %d):" % repeats)
        print("  mlapi train --search      %7.2f s  (%s)" % (s["mlapi"]["seconds"], s["mlapi"]["winner"]))
        print("  GridSearchCV(n_jobs=1)    %7.2f s  mlapi %.2fx faster" % (s["sklearn_n_jobs_1"]["seconds"],
                                                                          s["speedup_vs_n_jobs_1"]))
        print("  GridSearchCV(n_jobs=-1)   %7.2f s  mlapi %.2fx faster (target >= 1.5x)"
              % (s["sklearn_n_jobs_-1"]["seconds"], s["speedup_vs_n_jobs_-1"]))
    for r in results.get("rows", []):
        print("  %-10s %7d training rows: mlapi %9.0f rows/s (%.2f s), scikit-learn %9.0f rows/s (%.2f s)"
              % (r["estimator"], r["train_rows"], r["mlapi_rows_per_s"], r["mlapi_seconds"], r["sklearn_rows_per_s"],
                 r["sklearn_seconds"]))
    print("written to " + args.out)


if __name__ == "__main__":
    main()
