"""Feeds requests to AIPerf 0.13's own column store and sweep-line code; prints its metrics.

Input (argv[1], JSON): {"records": [[start_ns, end_ns, ttft_ns|null, isl|null, osl|null,
[inter-chunk gaps]]...], "windows": [[start, end], ...]}. Output (stdout, JSON): per window,
tag -> {avg, min, max, p50, p90, p95, p99, std} as AIPerf's MetricsAccumulator would report
them (metrics/accumulator.py: process_record ingests, compute_sweep_curves, compute_metrics).
"""
import json
import sys

from aiperf.metrics.accumulator_sweeps import compute_sweep_curves
from aiperf.metrics.column_store import ColumnStore

STATS = ("avg", "min", "max", "p50", "p90", "p95", "p99", "std")

data = json.load(open(sys.argv[1]))
store = ColumnStore()
for i, (start, end, ttft, isl, osl, gaps) in enumerate(data["records"]):
    metrics = {}
    if ttft is not None:
        metrics["time_to_first_token"] = ttft
    if isl is not None:
        metrics["input_sequence_length"] = isl
    if osl is not None:
        metrics["output_sequence_length"] = osl
    if gaps:
        metrics["inter_chunk_latency"] = gaps
    store.ingest(
        i,
        record_metrics=metrics,
        start_ns=float(start),
        end_ns=float(end),
        generation_start_ns=float(start + int(ttft)) if ttft is not None else None,
    )
curves = compute_sweep_curves(store)
out = []
for window_start, window_end in data["windows"]:
    results = curves.compute_metrics(float(window_start), float(window_end))
    out.append(
        {tag: {k: getattr(r, k) for k in STATS} for tag, r in results.items()}
    )
json.dump(out, sys.stdout)
