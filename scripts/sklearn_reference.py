#!/usr/bin/python3
"""Writes the scikit-learn reference results that mlapi's parity tests compare against.

Run with Debian's python3-sklearn (not a virtualenv):
    /usr/bin/python3 scripts/sklearn_reference.py src/test/resources/sklearn

It writes, into the given directory:
  iris.csv, wine_data.csv, breast_cancer.csv  copies of the CSV files scikit-learn ships
                                              (its own header format: "rows,features,class names...")
  digits.csv                                  scikit-learn's digits data as a plain CSV with a header row
  diabetes.csv                                scikit-learn's diabetes data (regression) as a plain CSV
  reference.json                              for the tutorial (Iris, SVC(), test_size=0.2, shuffle=False):
                                              score, gamma, support-vector counts, intercepts, decision
                                              values and predictions for all 150 rows; and for every data set
                                              and kernel the test-set predictions of SVC(kernel=...)
  numpy.json                                  numpy's RandomState streams and permutations, train_test_split's
                                              rows (shuffled and stratified), KFold/StratifiedKFold folds,
                                              StandardScaler/MinMaxScaler attributes, and scikit-learn's
                                              LIBLINEAR random stream (bounded_rand_int)
  estimators.json                             Pipeline(scaler, estimator) for SVC, NuSVC, SVR, NuSVR and
                                              LinearSVC on every data set, scaler and split: split rows,
                                              support vectors, coefficients, test predictions and scores;
                                              and a GridSearchCV per estimator kind with every candidate's
                                              mean and std of fold scores
"""
import json
import os
import shutil
import sys

import warnings

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, NuSVC, NuSVR, _newrand

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

    diabetes = datasets.load_diabetes()
    with open(os.path.join(out_dir, "diabetes.csv"), "w") as f:
        f.write(",".join(diabetes.feature_names + ["target"]) + "\n")
        for row, target in zip(diabetes.data, diabetes.target):
            f.write(",".join(repr(float(v)) for v in row) + "," + repr(float(target)) + "\n")
    write_json(out_dir, "numpy.json", numpy_reference(sets, diabetes))
    write_json(out_dir, "estimators.json", estimator_reference(sets, diabetes))

    reference = {
        "generated_by": "scripts/sklearn_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "tutorial": tutorial,
        "kernels": kernels,
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


def write_json(out_dir, name, value):
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(value, f, indent=None, separators=(",", ":"))
        f.write("\n")


def ints(values):
    return [int(v) for v in values]


def floats(values):
    return [float(v) for v in np.ravel(values)]


def numpy_reference(sets, diabetes):
    """What mlapi's data package must reproduce exactly: random streams, splits, folds, scalers."""
    streams = []
    for seed in [0, 1, 42, 12345, 2**32 - 1]:
        rng = np.random.RandomState(seed)
        streams.append({
            "seed": seed,
            "uint32": ints(rng.randint(0, 2**32, size=5, dtype=np.uint32)),
            "permutation_10": ints(rng.permutation(10)),
            "permutation_1000": ints(rng.permutation(1000)),
            "randint_2_31": int(np.random.RandomState(seed).randint(np.iinfo("i").max)),
        })
    bounded = []
    for seed in [0, 7, 2147483646]:
        _newrand.set_seed_wrap(seed)
        bounded.append({"seed": seed, "ranges": [1, 2, 3, 10, 150, 1000, 2**31 - 1],
                        "values": [int(_newrand.bounded_rand_int_wrap(r)) for r in [1, 2, 3, 10, 150, 1000, 2**31 - 1] * 3]})
    splits = []
    folds = []
    scalers = []
    for file_name, bunch in list(sets.items()) + [("diabetes.csv", diabetes)]:
        n = len(bunch.target)
        classify = file_name != "diabetes.csv"
        for method in ["shuffle", "stratified"] if classify else ["shuffle"]:
            for seed, test_size in [(0, 0.2), (42, 0.25), (7, 0.3)]:
                train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed, shuffle=True,
                                               stratify=bunch.target if method == "stratified" else None)
                splits.append({"file": file_name, "method": method, "seed": seed, "test_size": test_size,
                               "train": ints(train), "test": ints(test)})
        train, _ = train_test_split(np.arange(n), test_size=0.2, random_state=42, shuffle=True,
                                    stratify=bunch.target if classify else None)
        y = bunch.target[train]
        for k in [2, 3, 5]:
            cv = StratifiedKFold(k) if classify else KFold(k)
            folds.append({"file": file_name, "k": k, "stratified": classify,
                          "test": [ints(t) for _, t in cv.split(train.reshape(-1, 1), y)]})
        x = bunch.data[train]
        standard = StandardScaler().fit(x)
        minmax = MinMaxScaler().fit(x)
        scalers.append({"file": file_name, "mean_": floats(standard.mean_), "std_scale_": floats(standard.scale_),
                        "min_": floats(minmax.min_), "minmax_scale_": floats(minmax.scale_),
                        "first_row_standard": floats(standard.transform(x[:1])),
                        "first_row_minmax": floats(minmax.transform(x[:1]))})
    # one column, a constant column and a nearly constant one: numpy's other summation path, and the zero guards
    odd = np.array([[1.0, 5.0, 1e-300], [2.5, 5.0, 1e-300], [3.25, 5.0, 1.0000000000000002e-300]] * 7)
    for columns in [[0], [0, 1, 2]]:
        x = np.ascontiguousarray(odd[:, columns])  # C order, as train_test_split leaves rows
        standard = StandardScaler().fit(x)
        minmax = MinMaxScaler().fit(x)
        scalers.append({"file": "odd" + str(len(columns)), "rows": x.tolist(), "mean_": floats(standard.mean_),
                        "std_scale_": floats(standard.scale_), "min_": floats(minmax.min_),
                        "minmax_scale_": floats(minmax.scale_), "first_row_standard": floats(standard.transform(x[:1])),
                        "first_row_minmax": floats(minmax.transform(x[:1]))})
    return {"streams": streams, "bounded_rand_int": bounded, "splits": splits, "folds": folds, "scalers": scalers}


SCALERS = {"none": None, "standard": StandardScaler, "minmax": MinMaxScaler}
ESTIMATORS = {"svc": SVC, "nusvc": NuSVC, "svr": SVR, "nusvr": NuSVR, "linear-svc": LinearSVC}


def make_pipeline(estimator, scaler, seed, params):
    params = dict(params)
    if estimator == "linear-svc":
        params["random_state"] = seed
    steps = [] if SCALERS[scaler] is None else [("scale", SCALERS[scaler]())]
    return Pipeline(steps + [("model", ESTIMATORS[estimator](**params))])


def fitted_case(bunch, file_name, estimator, scaler, split, seed, params=None):
    params = params or {}
    x, y = bunch.data, bunch.target
    if split == "tutorial":
        x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, shuffle=False)
    else:
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=0.2, random_state=seed, shuffle=True, stratify=y if split == "stratified" else None)
    case = {"file": file_name, "estimator": estimator, "scale": scaler, "split": split, "seed": seed,
            "params": {k: v for k, v in params.items()}}
    pipe = make_pipeline(estimator, scaler, seed, params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(x_train, y_train)
    except ValueError as e:
        case["error"] = str(e)
        return case
    model = pipe[-1]
    case["score"] = float(pipe.score(x_test, y_test))
    case["n_iter"] = int(np.max(model.n_iter_))
    if estimator in ("svr", "nusvr"):
        case["test_predictions"] = floats(pipe.predict(x_test))
    else:
        case["test_predictions"] = ints(pipe.predict(x_test))
        case["test_decision"] = np.asarray(pipe.decision_function(x_test), dtype=float).tolist()
    if estimator == "linear-svc":
        case["coef"] = np.asarray(model.coef_, dtype=float).tolist()
        case["intercept"] = floats(model.intercept_)
    else:
        case["n_support"] = ints(model.n_support_)
        case["intercept"] = floats(model.intercept_)
    return case


def sample_digits(bunch):
    """Digits is the largest set: every third row keeps the fixture small and the tests fast."""
    keep = np.arange(0, len(bunch.target), 3)
    return datasets._base.Bunch(data=bunch.data[keep], target=bunch.target[keep])


def estimator_reference(sets, diabetes):
    cases = []
    small = [(name, sets[name]) for name in ["iris.csv", "wine_data.csv", "breast_cancer.csv"]]
    for file_name, bunch in small:
        for estimator in ["svc", "nusvc", "linear-svc"]:
            for scaler in SCALERS:
                for split, seed in [("shuffle", 0), ("stratified", 42)]:
                    cases.append(fitted_case(bunch, file_name, estimator, scaler, split, seed))
    digits = sample_digits(sets["digits.csv"])
    for estimator in ["svc", "nusvc", "linear-svc"]:
        cases.append(fitted_case(digits, "digits.csv", estimator, "standard", "stratified", 3))
    for estimator in ["svr", "nusvr"]:
        for scaler in SCALERS:
            for split, seed in [("tutorial", 0), ("shuffle", 0), ("shuffle", 42)]:
                cases.append(fitted_case(diabetes, "diabetes.csv", estimator, scaler, split, seed))
    wine = sets["wine_data.csv"]
    cases.append(fitted_case(wine, "wine_data.csv", "svc", "standard", "stratified", 5, {"class_weight": "balanced"}))
    cases.append(fitted_case(wine, "wine_data.csv", "linear-svc", "standard", "stratified", 5,
                             {"class_weight": "balanced"}))
    cases.append(fitted_case(wine, "wine_data.csv", "linear-svc", "standard", "stratified", 5,
                             {"loss": "hinge"}))
    cases.append(fitted_case(wine, "wine_data.csv", "linear-svc", "standard", "stratified", 5,
                             {"multi_class": "crammer_singer"}))
    cases.append(fitted_case(diabetes, "diabetes.csv", "svr", "standard", "shuffle", 1, {"C": 100.0, "epsilon": 5.0}))
    cases.append(fitted_case(diabetes, "diabetes.csv", "nusvr", "minmax", "shuffle", 1, {"C": 50.0, "nu": 0.3}))

    searches = []
    cancer = sets["breast_cancer.csv"]
    for file_name, bunch, estimator, scaler, split, grid in [
        ("breast_cancer.csv", cancer, "svc", "standard", "stratified",
         {"C": [0.1, 1.0, 10.0, 100.0], "gamma": ["scale", 0.01, 0.1]}),
        ("wine_data.csv", wine, "nusvc", "minmax", "stratified", {"nu": [0.1, 0.3, 0.5], "gamma": ["scale", 0.1]}),
        ("breast_cancer.csv", cancer, "linear-svc", "standard", "shuffle", {"C": [0.01, 0.1, 1.0]}),
        ("diabetes.csv", diabetes, "svr", "standard", "shuffle", {"C": [1.0, 10.0, 100.0], "epsilon": [0.1, 5.0]}),
        ("diabetes.csv", diabetes, "nusvr", "minmax", "shuffle", {"C": [1.0, 100.0], "nu": [0.3, 0.7]}),
    ]:
        x_train, x_test, y_train, y_test = train_test_split(
            bunch.data, bunch.target, test_size=0.2, random_state=11, shuffle=True,
            stratify=bunch.target if split == "stratified" else None)
        search = GridSearchCV(make_pipeline(estimator, scaler, 11, {}),
                              {"model__" + k: v for k, v in grid.items()}, cv=5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(x_train, y_train)
        results = search.cv_results_
        searches.append({
            "file": file_name, "estimator": estimator, "scale": scaler, "split": split, "seed": 11,
            "grid": ";".join(k + "=" + ",".join(str(v) for v in values) for k, values in grid.items()),
            "candidates": [{k[len("model__"):]: str(v) for k, v in p.items()} for p in results["params"]],
            "fold_scores": [[float(results["split%d_test_score" % f][c]) for f in range(5)]
                            for c in range(len(results["params"]))],
            "mean_test_score": floats(results["mean_test_score"]),
            "std_test_score": floats(results["std_test_score"]),
            "rank_test_score": ints(results["rank_test_score"]),
            "best_index": int(search.best_index_),
            "test_score": float(search.score(x_test, y_test)),
            "test_predictions": floats(search.predict(x_test)),
        })
    return {"cases": cases, "searches": searches}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sklearn_reference.py OUTPUT_DIR")
    main(sys.argv[1])
