"""Writes N rows of Iris-like measurements with an id column: python3 make_rows.py N out.csv [seed]."""
import random
import sys

count, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
low, high = [4.3, 2.0, 1.0, 0.1], [7.9, 4.4, 6.9, 2.5]
with open(path, "w") as out:
    out.write("id,sepal_length,sepal_width,petal_length,petal_width\n")
    for i in range(count):
        out.write("%d,%s\n" % (i, ",".join("%.1f" % rng.uniform(low[k], high[k]) for k in range(4))))
