#!/usr/bin/env python3
"""Evaluates CEL cases with cel-python (celpy) for CELPythonDifferentialTests.

Input (path in argv[1]): {"objects": [{"metadata": ..., "spec": ..., "status": ...}, ...],
                          "cases": [[expression, object index], ...]}
Output (stdout): a JSON list with one type-tagged result per case, in order:
  {"int": "5"}, {"uint": "5"}, {"double": "1.5"} (Python repr, so inf/nan survive),
  {"string": s}, {"bool": b}, {"null": true}, {"bytes": hex}, {"list": [...]},
  {"map": [[key, value], ...]}, {"error": message}, or {"unsupported": repr} for other types.
"""
import json
import logging
import sys

import celpy
from celpy import celtypes


def tag(value):
    # celpy's types subclass Python's, and some operators return the plain Python type (a double
    # product is a float, a string concatenation a str). BoolType and UintType subclass int, so
    # they are tested before int; a plain int is a CEL int.
    if value is None:
        return {"null": True}
    if isinstance(value, (celtypes.BoolType, bool)):
        return {"bool": bool(value)}
    if isinstance(value, celtypes.UintType):
        return {"uint": str(int(value))}
    if isinstance(value, int):
        return {"int": str(int(value))}
    if isinstance(value, float):
        return {"double": repr(float(value))}
    if isinstance(value, str):
        return {"string": str(value)}
    if isinstance(value, bytes):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, list):
        return {"list": [tag(item) for item in value]}
    if isinstance(value, dict):
        return {"map": [[tag(key), tag(item)] for key, item in value.items()]}
    if isinstance(value, Exception):
        return {"error": str(value)[:200]}
    return {"unsupported": repr(value)[:200]}


def main():
    # celpy logs every evaluation error; the results carry them already.
    logging.disable(logging.CRITICAL)
    with open(sys.argv[1], encoding="utf-8") as handle:
        document = json.load(handle)
    objects = [
        {name: celpy.json_to_cel(value) for name, value in obj.items()} for obj in document["objects"]
    ]
    environment = celpy.Environment()
    programs = {}
    results = []
    for expression, index in document["cases"]:
        try:
            program = programs.get(expression)
            if program is None:
                program = environment.program(environment.compile(expression))
                programs[expression] = program
            # cel-python returns some errors as values and raises others.
            results.append(tag(program.evaluate(dict(objects[index]))))
        except Exception as error:  # any failure of celpy counts as an evaluation error
            results.append({"error": f"{type(error).__name__}: {str(error)[:200]}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
