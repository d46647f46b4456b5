#!/usr/bin/python3
"""Writes the scikit-learn reference results that mlapi's parity tests compare against.

Run with Debian's python3-sklearn (not a virtualenv):
    /usr/bin/python3 scripts/sklearn_reference.py src/test/resources/sklearn

It writes, into the given directory:
  iris.csv, wine_data.csv, breast_cancer.csv  copies of the CSV files scikit-learn ships
                                              (its own header format: "rows,features,class names...")
  digits.csv                                  scikit-learn's digits data as a plain CSV with a header row
  reference.json                              for the tutorial (Iris, SVC(), test_size=0.2, shuffle=False):
                                              score, gamma, support-vector counts, intercepts, decision
                                              values and predictions for all 150 rows; and for every data set
                                              and kernel the test-set predictions of SVC(kernel=...)
"""
import json
import os
import shutil
import sys

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

KERNELS = ["rbf", "linear", "poly", "sigmoid"]


def shipped_csv(name):
    return os.path.join(os.path.dirname(datasets.__file__), "data", name)


def fit_tutorial_split(x, y, kernel):
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, shuffle=False)
    clf = SVC(kernel=kernel)
    clf.fit(x_train, y_train)
    return clf, x_test, y_test


def gamma_of(clf):
    return float(clf._gamma)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    sets = {
        "iris.csv": datasets.load_iris(),
        "wine_data.csv": datasets.load_wine(),
        "breast_cancer.csv": datasets.load_breast_cancer(),
        "digits.csv": datasets.load_digits(),
    }
    for name in ["iris.csv", "wine_data.csv", "breast_cancer.csv"]:
        shutil.copyfile(shipped_csv(name), os.path.join(out_dir, name))
    digits = sets["digits.csv"]
    with open(os.path.join(out_dir, "digits.csv"), "w") as f:
        f.write(",".join(digits.feature_names + ["digit"]) + "\n")
        for row, target in zip(digits.data, digits.target):
            f.write(",".join(repr(float(v)) for v in row) + "," + str(int(target)) + "\n")

    iris = sets["iris.csv"]
    clf, x_test, y_test = fit_tutorial_split(iris.data, iris.target, "rbf")
    names = [str(n) for n in iris.target_names]
    clf_ovo = SVC(decision_function_shape="ovo").fit(iris.data[:120], iris.target[:120])
    tutorial = {
        "score": float(clf.score(x_test, y_test)),
        "gamma": gamma_of(clf),
        "classes": names,
        "n_support": [int(n) for n in clf.n_support_],
        "support": [int(i) for i in clf.support_],
        "intercept": [float(v) for v in clf.intercept_],
        "decision_ovo": [[float(v) for v in row] for row in clf_ovo.decision_function(iris.data)],
        "decision_ovr": [[float(v) for v in row] for row in clf.decision_function(iris.data)],
        "predictions": [names[i] for i in clf.predict(iris.data)],
    }

    kernels = []
    for file_name, bunch in sets.items():
        names = [str(n) for n in bunch.target_names]
        for kernel in KERNELS:
            clf, x_test, y_test = fit_tutorial_split(bunch.data, bunch.target, kernel)
            decision = clf.decision_function(x_test)
            kernels.append({
                "file": file_name,
                "kernel": kernel,
                "gamma": gamma_of(clf),
                "n_support": [int(n) for n in clf.n_support_],
                "intercept": [float(v) for v in np.ravel(clf.intercept_)],
                "score": float(clf.score(x_test, y_test)),
                "solver_iterations": int(np.sum(clf.n_iter_)),
                "test_predictions": [names[i] for i in clf.predict(x_test)],
                "test_decision": np.asarray(decision, dtype=float).tolist(),
            })

    reference = {
        "generated_by": "scripts/sklearn_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "tutorial": tutorial,
        "kernels": kernels,
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sklearn_reference.py OUTPUT_DIR")
    main(sys.argv[1])
