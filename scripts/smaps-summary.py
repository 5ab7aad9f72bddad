#!/usr/bin/env python3
"""Pss by mapping kind for one or two /proc/PID/smaps files (the window speed bench keeps them with
SPEED_SMAPS_DIR). With two files, prints the growth from the first to the second, largest first.

    scripts/smaps-summary.py home-WebKitWebProces.smaps accept011-WebKitWebProces.smaps
"""
import re
import sys
from collections import defaultdict

HEADER = re.compile(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$")


def pss_by_mapping(path):
    out = defaultdict(int)
    name = None
    with open(path) as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                name = m.group(1).strip() or "[anonymous]"
                continue
            if line.startswith("Pss:") and name is not None:
                out[name] += int(line.split()[1])
    return out


def main(paths):
    first = pss_by_mapping(paths[0])
    if len(paths) == 1:
        rows = sorted(first.items(), key=lambda kv: -kv[1])
        print(f"{'Pss KiB':>10}  mapping (total {sum(first.values()) // 1024} MiB)")
        for name, kib in rows[:25]:
            print(f"{kib:>10}  {name}")
        return
    second = pss_by_mapping(paths[1])
    names = set(first) | set(second)
    rows = sorted(((second.get(n, 0) - first.get(n, 0), n) for n in names), reverse=True)
    total = sum(second.values()) - sum(first.values())
    print(f"{'Δ Pss KiB':>10}  mapping (total Δ {total // 1024} MiB)")
    for delta, name in rows[:20]:
        if delta:
            print(f"{delta:>10}  {name}")


if __name__ == "__main__":
    if not 1 <= len(sys.argv) - 1 <= 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
