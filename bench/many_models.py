"""Writes a model repository of N copies of one trained model under different names, for the
many-models benchmark (bench/run.py --phases many_models) and for measuring by hand:

    /usr/bin/python3 bench/many_models.py TEMPLATE_VERSION_DIR N REPOSITORY [PREFIX]

TEMPLATE_VERSION_DIR is a version directory `mlapi train --repository` wrote (e.g. REPO/iris/1).
Each copy is REPOSITORY/PREFIX-00001/1/ ... with model.json's "name" (and the "--name" of its
"command") changed to the copy's name; the other files are copied byte for byte, so their
SHA-256 entries in model.json stay right and every copy passes all of mlapi's load checks. A
copy is written under a hidden name and renamed into place, as `mlapi train` does. Existing
copies are left as they are, so a second run only adds the missing ones.
"""
import json
import os
import shutil
import sys
from pathlib import Path


def copy_as(template, card, name, target):
    """One version directory: the template's files, model.json naming `name`."""
    if target.exists():
        return False
    hidden = target.parent / (".tmp-" + target.name)
    shutil.rmtree(hidden, ignore_errors=True)
    hidden.mkdir(parents=True)
    for file in template.iterdir():
        if file.name != "model.json":
            shutil.copyfile(file, hidden / file.name)
    renamed = dict(card, name=name)
    if isinstance(card.get("command"), str):
        renamed["command"] = card["command"].replace("--name " + card["name"], "--name " + name)
    (hidden / "model.json").write_text(json.dumps(renamed, indent=2))
    os.rename(hidden, target)
    return True


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    template, count, repository = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    prefix = sys.argv[4] if len(sys.argv) == 5 else "iris"
    card = json.loads((template / "model.json").read_text())
    version = str(card["version"])
    width = max(5, len(str(count)))
    written = 0
    for i in range(1, count + 1):
        name = "%s-%0*d" % (prefix, width, i)
        written += copy_as(template, card, name, repository / name / version)
    print("%d models in %s (%d written now)" % (count, repository, written))


if __name__ == "__main__":
    main()
