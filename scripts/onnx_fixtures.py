#!/usr/bin/python3
"""Writes the ONNX models mlapi's ONNX tests serve, and what scikit-learn and numpy answer for them.

Run with Debian's python3-onnx and python3-sklearn (no skl2onnx, no onnxruntime for Python):
    /usr/bin/python3 scripts/onnx_fixtures.py src/test/resources/onnx

Models are built node by node with onnx.helper, shaped as skl2onnx shapes them, from models that
scikit-learn trains here. Into the given directory it writes:
  classifier_linear.onnx  Scaler -> LinearClassifier (softmax) -> ZipMap: StandardScaler + LogisticRegression
                          on Iris; int64 labels, output_probability a sequence of maps int64 -> float
  classifier_svm.onnx     Scaler -> SVMClassifier (with probabilities) -> ZipMap: StandardScaler + SVC on Iris;
                          string labels, output_probability a sequence of maps string -> float
  trees.onnx              TreeEnsembleRegressor from a GradientBoostingRegressor's trees (diabetes data)
  network.onnx            a small network in plain operators: MatMul, Add, Relu, MatMul, Add, Softmax
  two_inputs.onnx         inputs a and b, outputs sum and product
  datatypes.onnx          one input per datatype (FP32, FP64, FP16, INT8/16/32/64, UINT8, BOOL, STRING),
                          each passed through Identity to an output
  strings.onnx            CategoryMapper: a string input mapped to int64 codes
  sequence_output.onnx    an output that is a sequence of tensors (mlapi refuses it at load)
  uint32_input.onnx       a UINT32 input (ONNX Runtime's Java API cannot make such tensors: refused)
  broken_truncated.onnx   the first half of classifier_linear.onnx
  broken_garbage.onnx     bytes that are no ONNX model
  broken_unsupported_op.onnx
                          a well-formed model whose operator no runtime implements
  broken_external_data.onnx
                          weights in an "external data" file outside the model's directory (/etc/hostname)
  expected.json           per model: input rows and what scikit-learn (or numpy) answers for them
Everything is deterministic: running it again writes the same bytes (a test checks).
"""
import json
import os
import sys

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper
from sklearn import datasets
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

OPSETS = [helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)]
PRODUCER = "mlapi scripts/onnx_fixtures.py"


def model(graph, doc):
    m = helper.make_model(graph, opset_imports=OPSETS, producer_name=PRODUCER, producer_version="1",
                          doc_string=doc)
    m.ir_version = 8
    return m


def save(out_dir, name, m, check=True):
    if check:
        onnx.checker.check_model(m)
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(m.SerializeToString())


def tensor(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def zipmap_type(key_type):
    """seq(map(key_type, tensor(float))), made by hand: python3-onnx 1.12 has no make_map_type_proto."""
    t = onnx.TypeProto()
    m = t.sequence_type.elem_type.map_type
    m.key_type = key_type
    m.value_type.tensor_type.elem_type = TensorProto.FLOAT
    return t


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def rows(x):
    return [[float(v) for v in row] for row in np.asarray(x, dtype=np.float32)]


def classifier_linear(out_dir, expected):
    iris = datasets.load_iris()
    x = iris.data.astype(np.float32)
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(max_iter=1000).fit(scaler.transform(x), iris.target)
    nodes = [
        helper.make_node("Scaler", ["float_input"], ["variable"], domain="ai.onnx.ml", name="Scaler",
                         offset=floats(scaler.mean_), scale=floats(1.0 / scaler.scale_)),
        helper.make_node("LinearClassifier", ["variable"], ["label", "probability_tensor"], domain="ai.onnx.ml",
                         name="LinearClassifier", classlabels_ints=[0, 1, 2], coefficients=floats(clf.coef_),
                         intercepts=floats(clf.intercept_), multi_class=1, post_transform="SOFTMAX"),
        helper.make_node("Identity", ["label"], ["output_label"], name="Identity"),
        helper.make_node("ZipMap", ["probability_tensor"], ["output_probability"], domain="ai.onnx.ml",
                         name="ZipMap", classlabels_int64s=[0, 1, 2]),
    ]
    graph = helper.make_graph(nodes, "classifier_linear", [tensor("float_input", TensorProto.FLOAT, [None, 4])],
                              [tensor("output_label", TensorProto.INT64, [None]),
                               helper.make_value_info("output_probability", zipmap_type(TensorProto.INT64))])
    save(out_dir, "classifier_linear.onnx", model(graph, "StandardScaler + LogisticRegression on Iris"))
    scaled = scaler.transform(x)
    expected["classifier_linear"] = {
        "rows": rows(x),
        "labels": [int(v) for v in clf.predict(scaled)],
        "probabilities": [floats(p) for p in clf.predict_proba(scaled)],
    }
    return os.path.join(out_dir, "classifier_linear.onnx")


def classifier_svm(out_dir, expected):
    iris = datasets.load_iris()
    x = iris.data.astype(np.float32)
    names = [str(n) for n in iris.target_names]
    y = np.array([names[t] for t in iris.target])
    scaler = StandardScaler().fit(x)
    clf = SVC(probability=True, random_state=0).fit(scaler.transform(x), y)
    nodes = [
        helper.make_node("Scaler", ["float_input"], ["variable"], domain="ai.onnx.ml", name="Scaler",
                         offset=floats(scaler.mean_), scale=floats(1.0 / scaler.scale_)),
        helper.make_node("SVMClassifier", ["variable"], ["label", "probability_tensor"], domain="ai.onnx.ml",
                         name="SVMClassifier", classlabels_strings=[str(c) for c in clf.classes_],
                         coefficients=floats(clf.dual_coef_), rho=floats(clf.intercept_),
                         support_vectors=floats(clf.support_vectors_),
                         vectors_per_class=[int(n) for n in clf.n_support_],
                         kernel_type="RBF", kernel_params=[float(clf._gamma), float(clf.coef0), float(clf.degree)],
                         prob_a=floats(clf.probA_), prob_b=floats(clf.probB_), post_transform="NONE"),
        helper.make_node("Identity", ["label"], ["output_label"], name="Identity"),
        helper.make_node("ZipMap", ["probability_tensor"], ["output_probability"], domain="ai.onnx.ml",
                         name="ZipMap", classlabels_strings=[str(c) for c in clf.classes_]),
    ]
    graph = helper.make_graph(nodes, "classifier_svm", [tensor("float_input", TensorProto.FLOAT, [None, 4])],
                              [tensor("output_label", TensorProto.STRING, [None]),
                               helper.make_value_info("output_probability", zipmap_type(TensorProto.STRING))])
    save(out_dir, "classifier_svm.onnx", model(graph, "StandardScaler + SVC(probability=True) on Iris"))
    scaled = scaler.transform(x)
    expected["classifier_svm"] = {
        "rows": rows(x),
        "classes": [str(c) for c in clf.classes_],
        "labels": [str(v) for v in clf.predict(scaled)],
        "probabilities": [floats(p) for p in clf.predict_proba(scaled)],
    }


def trees(out_dir, expected):
    diabetes = datasets.load_diabetes()
    x = diabetes.data.astype(np.float32)
    gbr = GradientBoostingRegressor(n_estimators=25, max_depth=3, learning_rate=0.1, random_state=0)
    gbr.fit(x, diabetes.target)
    attrs = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                             "nodes_truenodeids", "nodes_falsenodeids", "target_treeids", "target_nodeids",
                             "target_ids", "target_weights"]}
    for tree_id, estimator in enumerate(gbr.estimators_[:, 0]):
        t = estimator.tree_
        for node in range(t.node_count):
            leaf = t.children_left[node] == -1
            attrs["nodes_treeids"].append(tree_id)
            attrs["nodes_nodeids"].append(node)
            attrs["nodes_featureids"].append(0 if leaf else int(t.feature[node]))
            attrs["nodes_values"].append(0.0 if leaf else float(t.threshold[node]))
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            attrs["nodes_truenodeids"].append(0 if leaf else int(t.children_left[node]))
            attrs["nodes_falsenodeids"].append(0 if leaf else int(t.children_right[node]))
            if leaf:
                attrs["target_treeids"].append(tree_id)
                attrs["target_nodeids"].append(node)
                attrs["target_ids"].append(0)
                attrs["target_weights"].append(float(t.value[node][0][0] * gbr.learning_rate))
    base = float(gbr.init_.constant_.ravel()[0])
    node = helper.make_node("TreeEnsembleRegressor", ["input"], ["variable"], domain="ai.onnx.ml",
                            name="TreeEnsembleRegressor", n_targets=1, aggregate_function="SUM",
                            post_transform="NONE", base_values=[base], **attrs)
    graph = helper.make_graph([node], "trees", [tensor("input", TensorProto.FLOAT, [None, 10])],
                              [tensor("variable", TensorProto.FLOAT, [None, 1])])
    save(out_dir, "trees.onnx", model(graph, "GradientBoostingRegressor(n_estimators=25, max_depth=3) on diabetes"))
    x_test = x[:50]
    predicted = gbr.predict(x_test)
    # ONNX-ML holds thresholds and weights as float32: make sure that changes no path through the trees
    # (a row on the far side of a rounded threshold would differ by a whole leaf, not by rounding).
    emulated = np.full(len(x_test), base)
    for tree_id, estimator in enumerate(gbr.estimators_[:, 0]):
        t = estimator.tree_
        for r, row in enumerate(x_test):
            node = 0
            while t.children_left[node] != -1:
                node = t.children_left[node] if row[t.feature[node]] <= np.float32(t.threshold[node]) \
                    else t.children_right[node]
            emulated[r] += t.value[node][0][0] * gbr.learning_rate
    assert np.allclose(emulated, predicted, rtol=1e-9), "a float32 threshold moves a row to another leaf"
    expected["trees"] = {"rows": rows(x_test), "predictions": floats(predicted)}


def network(out_dir, expected):
    rng = np.random.default_rng(7)
    w1 = rng.normal(size=(4, 8)).astype(np.float32)
    b1 = rng.normal(size=8).astype(np.float32)
    w2 = rng.normal(size=(8, 3)).astype(np.float32)
    b2 = rng.normal(size=3).astype(np.float32)
    init = [helper.make_tensor(n, TensorProto.FLOAT, v.shape, v.ravel().tolist())
            for n, v in [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)]]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"]),
        helper.make_node("Add", ["h1", "b1"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["h3"]),
        helper.make_node("MatMul", ["h3", "w2"], ["h4"]),
        helper.make_node("Add", ["h4", "b2"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
    ]
    graph = helper.make_graph(nodes, "network", [tensor("x", TensorProto.FLOAT, ["batch", 4])],
                              [tensor("logits", TensorProto.FLOAT, ["batch", 3]),
                               tensor("probabilities", TensorProto.FLOAT, ["batch", 3])], initializer=init)
    save(out_dir, "network.onnx", model(graph, "a 4-8-3 network in plain operators"))
    x = datasets.load_iris().data[::30].astype(np.float32)
    logits = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected["network"] = {"rows": rows(x), "logits": [floats(r) for r in logits],
                           "probabilities": [floats(r) for r in e / e.sum(axis=1, keepdims=True)]}


def two_inputs(out_dir):
    nodes = [helper.make_node("Add", ["a", "b"], ["sum"]), helper.make_node("Mul", ["a", "b"], ["product"])]
    graph = helper.make_graph(nodes, "two_inputs",
                              [tensor("a", TensorProto.FLOAT, ["n", 3]), tensor("b", TensorProto.FLOAT, ["n", 3])],
                              [tensor("sum", TensorProto.FLOAT, ["n", 3]), tensor("product", TensorProto.FLOAT, ["n", 3])])
    save(out_dir, "two_inputs.onnx", model(graph, "sum and product of two inputs"))


DATATYPES = [("fp32", TensorProto.FLOAT), ("fp64", TensorProto.DOUBLE), ("fp16", TensorProto.FLOAT16),
             ("int8", TensorProto.INT8), ("int16", TensorProto.INT16), ("int32", TensorProto.INT32),
             ("int64", TensorProto.INT64), ("uint8", TensorProto.UINT8), ("bool", TensorProto.BOOL),
             ("string", TensorProto.STRING)]


def datatypes(out_dir):
    nodes = [helper.make_node("Identity", ["in_" + n], ["out_" + n]) for n, _ in DATATYPES]
    graph = helper.make_graph(nodes, "datatypes", [tensor("in_" + n, t, ["n", 2]) for n, t in DATATYPES],
                              [tensor("out_" + n, t, ["n", 2]) for n, t in DATATYPES])
    save(out_dir, "datatypes.onnx", model(graph, "every datatype through Identity"))


def strings(out_dir):
    node = helper.make_node("CategoryMapper", ["color"], ["code"], domain="ai.onnx.ml",
                            cats_strings=["red", "green", "blue"], cats_int64s=[0, 1, 2], default_int64=-1)
    graph = helper.make_graph([node], "strings", [tensor("color", TensorProto.STRING, [None])],
                              [tensor("code", TensorProto.INT64, [None])])
    save(out_dir, "strings.onnx", model(graph, "CategoryMapper: colour names to codes"))


def sequence_output(out_dir):
    node = helper.make_node("SequenceConstruct", ["x", "x"], ["pieces"])
    graph = helper.make_graph([node], "sequence_output", [tensor("x", TensorProto.FLOAT, [None])],
                              [helper.make_tensor_sequence_value_info("pieces", TensorProto.FLOAT, None)])
    save(out_dir, "sequence_output.onnx", model(graph, "an output that is a sequence of tensors"))


def uint32_input(out_dir):
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "uint32_input",
                              [tensor("x", TensorProto.UINT32, [None])], [tensor("y", TensorProto.UINT32, [None])])
    save(out_dir, "uint32_input.onnx", model(graph, "a UINT32 input"))


def broken(out_dir, linear_path):
    with open(linear_path, "rb") as f:
        whole = f.read()
    with open(os.path.join(out_dir, "broken_truncated.onnx"), "wb") as f:
        f.write(whole[:len(whole) // 2])
    with open(os.path.join(out_dir, "broken_garbage.onnx"), "wb") as f:
        f.write(bytes(np.random.default_rng(13).integers(0, 256, size=4096, dtype=np.uint8)))
    graph = helper.make_graph([helper.make_node("NoSuchOperator", ["x"], ["y"])], "broken_unsupported_op",
                              [tensor("x", TensorProto.FLOAT, [None, 4])], [tensor("y", TensorProto.FLOAT, [None, 4])])
    save(out_dir, "broken_unsupported_op.onnx", model(graph, "an operator no runtime implements"), check=False)
    weights = onnx.TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2])
    weights.data_location = TensorProto.EXTERNAL
    weights.external_data.add(key="location", value="../../../../../../etc/hostname")
    weights.external_data.add(key="length", value="8")
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "broken_external_data",
                              [tensor("x", TensorProto.FLOAT, [2])], [tensor("y", TensorProto.FLOAT, [2])], [weights])
    save(out_dir, "broken_external_data.onnx", model(graph, "weights from a file outside the model's directory"),
         check=False)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    expected = {"generated_by": "scripts/onnx_fixtures.py",
                "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "onnx": onnx.__version__}}
    linear_path = classifier_linear(out_dir, expected)
    classifier_svm(out_dir, expected)
    trees(out_dir, expected)
    network(out_dir, expected)
    two_inputs(out_dir)
    datatypes(out_dir)
    strings(out_dir)
    sequence_output(out_dir)
    uint32_input(out_dir)
    broken(out_dir, linear_path)
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: onnx_fixtures.py OUTPUT_DIR")
    main(sys.argv[1])
