"""scikit-learn's side of bench/train.py, as one process per measurement (like `mlapi train`).

    train_sklearn.py search --data breast_cancer.csv --n-jobs N --out MODEL.pkl
        GridSearchCV(Pipeline(StandardScaler(), SVC()), 12 candidates, cv=5, n_jobs=N) on
        train_test_split(test_size=0.2, random_state=42, stratify=y); prints the winner as JSON
    train_sklearn.py fit --data rows.csv --estimator svc|linear-svc --out MODEL.pkl
        Pipeline(StandardScaler(), SVC() or LinearSVC(random_state=0)) on
        train_test_split(test_size=0.2, random_state=0); prints the test score as JSON
"""
import argparse
import json
import pickle
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

GRID = {"C": [0.1, 1, 10, 100], "gamma": ["scale", 0.01, 0.1]}


def load(path):
    with open(path) as f:
        first = f.readline().strip().split(",")
    if first[0].isdigit():  # scikit-learn's own format: rows,features,class names...
        data = np.loadtxt(path, delimiter=",", skiprows=1)
    else:
        data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(int)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["search", "fit"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--estimator", default="svc")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    x, y = load(args.data)
    if args.mode == "search":
        x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42, stratify=y)
        model = GridSearchCV(Pipeline([("scale", StandardScaler()), ("svc", SVC())]),
                             {"svc__" + k: v for k, v in GRID.items()}, cv=5, n_jobs=args.n_jobs)
        model.fit(x_train, y_train)
        answer = {"best": {k[len("svc__"):]: str(v) for k, v in model.best_params_.items()},
                  "best_score": model.best_score_, "test_score": model.score(x_test, y_test)}
    else:
        x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
        estimator = SVC() if args.estimator == "svc" else LinearSVC(random_state=0)
        model = Pipeline([("scale", StandardScaler()), ("model", estimator)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x_train, y_train)
        answer = {"test_score": model.score(x_test, y_test), "train_rows": len(y_train)}
    with open(args.out, "wb") as f:
        pickle.dump(model, f)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
