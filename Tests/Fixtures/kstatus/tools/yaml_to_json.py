#!/usr/bin/env python3
"""Converts cases/*.yaml (including index.yaml) to json/*.json for HealthTests.

Interim helper until the YAML module can parse the cases directly. Run from
Tests/Fixtures/kstatus: python3 tools/yaml_to_json.py
"""
import json
import pathlib

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "json"
out.mkdir(exist_ok=True)
for path in sorted((root / "cases").glob("*.yaml")):
    with path.open() as f:
        doc = yaml.safe_load(f)
    target = out / (path.stem + ".json")
    target.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
