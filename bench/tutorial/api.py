"""The tutorial's api.py, as written: Flask + flask-restful, and /score loads the model from disk
on every request, then scores it on the held-out rows.

Reconstructed from the tutorial's text (its listing is an image). Two deviations, both only so the
benchmark can run it: the port and host come from PORT and HOST (the tutorial: 5000, 0.0.0.0), and
debug mode is off (the debugger would only make it slower).
"""
import os

from flask import Flask
from flask_restful import Api, Resource
from joblib import load
from sklearn import datasets
from sklearn.model_selection import train_test_split

MODEL_DIR = os.environ["MODEL_DIR"]
MODEL_FILE = os.environ["MODEL_FILE"]
MODEL_PATH = os.path.join(MODEL_DIR, MODEL_FILE)

iris = datasets.load_iris()
X = iris.data
y = iris.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, shuffle=False)

app = Flask(__name__)
api = Api(app)


class Prediction(Resource):
    def get(self):
        clf = load(MODEL_PATH)
        return {"score": clf.score(X_test, y_test)}

    def post(self):
        return self.get()


api.add_resource(Prediction, "/score")

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "5000")))
