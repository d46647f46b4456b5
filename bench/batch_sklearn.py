"""The scikit-learn side of the batch benchmark: the tutorial's joblib model on the same CSV rows.

    python3 batch_sklearn.py MODEL.joblib rows.csv out.csv
Prints one JSON line: seconds to read the CSV (pandas), to predict (SVC.predict alone), to write.
"""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402  (imports are timed too: they are part of a batch job's cost)
import pandas as pd  # noqa: E402
from joblib import load  # noqa: E402
from sklearn import datasets  # noqa: E402

model_path, rows_path, out_path = sys.argv[1:4]
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
names = np.array(datasets.load_iris().target_names)
clf = load(model_path)
t1 = time.perf_counter()
frame = pd.read_csv(rows_path)
x = frame[FEATURES].to_numpy(dtype=np.float64)
t2 = time.perf_counter()
predicted = clf.predict(x)
t3 = time.perf_counter()
frame["prediction"] = names[predicted]
frame.to_csv(out_path, index=False)
t4 = time.perf_counter()
print(json.dumps({"rows": int(len(x)), "import_load_s": t1 - t0, "read_s": t2 - t1, "predict_s": t3 - t2,
                  "write_s": t4 - t3}))
