#!/usr/bin/env python3
"""Summarise run-bench.sh results: medians per server, ratios, peak RSS.

Input: results.tsv lines "mode<TAB>scenario<TAB>round<TAB>server<TAB>k=v k=v …".
Output: Markdown tables (pasted into BENCHMARKS.md as they are).
"""
import collections
import statistics
import sys

SERVERS = ["phoneprovd", "nginx", "apache"]
# The number each scenario is judged by.
MAIN = {"boot": ("phones_per_s", "phones/s"),
        "app": ("phones_per_s", "phones/s"),
        "firmware": ("mb_per_s", "MB/s"),
        "keepalive": ("requests_per_s", "requests/s")}


def load(path):
    runs = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            mode, scen, _round, server, kv = parts
            d = dict(x.split("=", 1) for x in kv.split())
            runs[(mode, scen, server)].append(d)
    return runs


def med(rows, key):
    vals = [float(r[key]) for r in rows if key in r]
    return statistics.median(vals) if vals else None


def fmt(v, digits=1):
    return "—" if v is None else f"{v:.{digits}f}"


def ratio(a, b):
    return "—" if a is None or not b else f"{a / b:.2f}×"


def main():
    runs = load(sys.argv[1])
    keys = sorted({(m, s) for (m, s, _) in runs}, key=lambda k: (k[1] != "boot", k))
    print("| mode | scenario | server | runs | main (median) | min–max | p50 ms | p99 ms "
          "| server CPU ms/phone | server CPU % | generator CPU % | errors | peak anon MB | VmHWM MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for mode, scen in keys:
        key, unit = MAIN.get(scen, ("phones_per_s", "phones/s"))
        mains, cpus = {}, {}
        for server in SERVERS:
            rows = runs.get((mode, scen, server))
            if not rows:
                continue
            vals = [float(r[key]) for r in rows]
            mains[server] = statistics.median(vals)
            ok = sum(int(r["ok"]) for r in rows)
            cpu = sum(float(r["server_cpu_s"]) for r in rows)
            wall = sum(float(r["wall_s"]) for r in rows)
            gen = sum(float(r["gen_cpu_s"]) for r in rows)
            errors = sum(int(r["errors"]) for r in rows)
            rss = max(int(r["rss_kb"]) for r in rows) / 1024
            anon = [int(r["anon_kb"]) / 1024 for r in rows if "anon_kb" in r]
            cpus[server] = cpu / ok if ok else None
            print(f"| {mode} | {scen} | {server} | {len(rows)} | {mains[server]:.1f} {unit} "
                  f"| {min(vals):.1f}–{max(vals):.1f} | {fmt(med(rows, 'p50_ms'))} "
                  f"| {fmt(med(rows, 'p99_ms'))} | {fmt(1000 * cpu / ok if ok else None, 2)} "
                  f"| {fmt(100 * cpu / wall if wall else None, 0)} "
                  f"| {fmt(100 * gen / wall if wall else None, 0)} | {errors} "
                  f"| {fmt(max(anon) if anon else None)} | {rss:.1f} |")
        ratios.append((mode, scen, unit, mains, cpus))
    print()
    # Throughput ratios, and the same comparison by server CPU per phone
    # (their CPU over ours: above 1× means phoneprovd needs less CPU).
    print("| mode | scenario | phoneprovd / nginx | phoneprovd / Apache "
          "| by CPU per phone: nginx / phoneprovd | Apache / phoneprovd |")
    print("|---|---|---|---|---|---|")
    for mode, scen, unit, mains, cpus in ratios:
        p = mains.get("phoneprovd")
        pc = cpus.get("phoneprovd")
        print(f"| {mode} | {scen} ({unit}) | {ratio(p, mains.get('nginx'))} "
              f"| {ratio(p, mains.get('apache'))} | {ratio(cpus.get('nginx'), pc)} "
              f"| {ratio(cpus.get('apache'), pc)} |")


if __name__ == "__main__":
    main()
