#!/usr/bin/env python3
"""Times PyYAML's libyaml-backed loader (yaml.CSafeLoader) over a multi-document file.

usage: pyyaml_bench.py FILE [--runs N]
"""
import sys
import time

import yaml


def main():
    path = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 11
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    times = []
    for run in range(1, runs + 1):
        start = time.perf_counter()
        documents = [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader) if d is not None]
        elapsed = (time.perf_counter() - start) * 1000
        times.append(elapsed)
        print(f"run {run}: {elapsed:.2f} ms ({len(documents)} documents)")
    print(f"median: {sorted(times)[len(times) // 2]:.2f} ms")


if __name__ == "__main__":
    main()
