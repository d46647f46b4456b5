"""The tutorial's train.py: Iris, test_size=0.2 without shuffling, SVC() defaults, saved with joblib.

Reconstructed from the tutorial's text (its listing is an image): MODEL_DIR and MODEL_FILE from
the environment, as in its Dockerfile.
"""
import os

from joblib import dump
from sklearn import datasets
from sklearn import svm
from sklearn.model_selection import train_test_split

MODEL_DIR = os.environ["MODEL_DIR"]
MODEL_FILE = os.environ["MODEL_FILE"]
MODEL_PATH = os.path.join(MODEL_DIR, MODEL_FILE)

iris = datasets.load_iris()
X = iris.data
y = iris.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, shuffle=False)

clf = svm.SVC()
clf.fit(X_train, y_train)
print("score", clf.score(X_test, y_test))
dump(clf, MODEL_PATH)
