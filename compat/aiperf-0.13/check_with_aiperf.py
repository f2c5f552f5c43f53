#!/usr/bin/env python3
"""Validate an artifact directory with AIPerf 0.13's own pydantic models and loaders (no plotting).

Usage: <python with aiperf==0.13.0> check_with_aiperf.py DIR [DIR...]
(aiperf-cli's AiperfReadsOurFilesIT runs it; .ci/run installs the Python package in a venv.)

For each DIR it reports, grouped and counted (first example kept):
  profile_export.jsonl        -> aiperf.common.models.record_models.MetricRecordInfo   (what `aiperf plot` validates)
  profile_export_raw.jsonl    -> aiperf.common.models.record_models.RawRecordInfo      (the writer's model)
  profile_export_aiperf.json  -> aiperf.common.models.export_models.JsonExportData      (incl. input_config: BenchmarkConfig)
                                 + each metric dict through plot's MetricResult path / JsonMetricResult
  profile_export_aiperf_timeslices.json -> export_models.TimesliceCollectionExportData
  profile_export_aiperf_timeslices.csv  -> the column check of plot/core/data_loader.py::_load_timeslices_csv
  inputs.json                 -> common.models.dataset_models.InputsFile and dataset/loader/inputs_json.py can_load/load
  server_metrics_export.json  -> common.models.server_metrics_models.ServerMetricsExportData (when present)
  server_metrics_export.jsonl -> server_metrics_models.SlimRecord                            (when present)
  gpu_telemetry_export.jsonl  -> common.models.telemetry_models.TelemetryRecord              (when present)
  plot's DataLoader.load_run  -> aiperf.plot.core.data_loader.DataLoader().load_run(DIR)  (the `aiperf plot` load step)
Exit code: 0 if every check passed, 1 otherwise.
"""
import collections
import json
import sys
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from aiperf.common.models.dataset_models import InputsFile
from aiperf.common.models.export_models import (
    JsonExportData,
    JsonMetricResult,
    TimesliceCollectionExportData,
)
from aiperf.common.models.record_models import MetricRecordInfo, RawRecordInfo
from aiperf.common.models.server_metrics_models import ServerMetricsExportData, SlimRecord
from aiperf.common.models.telemetry_models import TelemetryRecord

failed = False


def report(title, errs, n):
    global failed
    if not errs:
        print(f"  OK   {title} ({n} checked)")
        return
    failed = True
    print(f"  FAIL {title}: {len(errs)} distinct errors in {n} items")
    for key, (cnt, example, *_) in sorted(errs.items(), key=lambda kv: -kv[1][0]):
        print(f"       x{cnt:<4} {key}   e.g. {example}")


def add_validation_errors(errs, exc: ValidationError, where):
    for e in exc.errors():
        loc = ".".join("*" if isinstance(p, int) else str(p) for p in e["loc"])
        key = f"{loc}: {e['type']} ({e['msg']})"
        inp = repr(e.get("input"))[:100]
        if key in errs:
            if errs[key][2] != where:  # count items, not list positions
                errs[key][0] += 1
                errs[key][2] = where
        else:
            errs[key] = [1, f"{where} input={inp}", where]


def missing(path: Path):
    global failed
    failed = True
    print(f"  FAIL {path.name} is missing")


def check_jsonl(path: Path, model, title, required=True):
    if not path.exists():
        if required:
            missing(path)
        return
    errs = {}
    n = 0
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            n += 1
            try:
                model.model_validate_json(line)
            except ValidationError as e:
                add_validation_errors(errs, e, f"line {i}")
    report(f"{path.name} as {title}", errs, n)


def check_dir(d: Path):
    print(f"== {d}")
    check_jsonl(d / "profile_export.jsonl", MetricRecordInfo, "MetricRecordInfo")
    check_jsonl(d / "profile_export_raw.jsonl", RawRecordInfo, "RawRecordInfo", required=False)
    check_jsonl(d / "server_metrics_export.jsonl", SlimRecord, "SlimRecord", required=False)
    check_jsonl(d / "gpu_telemetry_export.jsonl", TelemetryRecord, "TelemetryRecord",
                required=False)
    p = d / "server_metrics_export.json"
    if p.exists():
        errs = {}
        try:
            ServerMetricsExportData.model_validate_json(p.read_bytes())
        except ValidationError as e:
            add_validation_errors(errs, e, "file")
        report("server_metrics_export.json as ServerMetricsExportData", errs, 1)

    p = d / "profile_export_aiperf.json"
    if p.exists():
        data = json.loads(p.read_text())
        errs = {}
        try:
            JsonExportData.model_validate(data)
        except ValidationError as e:
            add_validation_errors(errs, e, "file")
        report("profile_export_aiperf.json as JsonExportData", errs, 1)
        errs = {}
        nm = 0
        for k, v in data.items():
            if isinstance(v, dict) and "unit" in v:
                nm += 1
                try:
                    JsonMetricResult.model_validate(v)
                except ValidationError as e:
                    add_validation_errors(errs, e, k)
        report("profile_export_aiperf.json metric entries as JsonMetricResult", errs, nm)
    else:
        missing(p)

    p = d / "profile_export_aiperf_timeslices.json"
    if p.exists():
        errs = {}
        try:
            TimesliceCollectionExportData.model_validate_json(p.read_bytes())
        except ValidationError as e:
            add_validation_errors(errs, e, "file")
        report("timeslices.json as TimesliceCollectionExportData", errs, 1)
    p = d / "profile_export_aiperf_timeslices.csv"
    if p.exists():
        df = pd.read_csv(p)
        expected = ["Timeslice", "Metric", "Unit", "Stat", "Value"]
        missing = [c for c in expected if c not in df.columns]
        errs = {}
        if missing:
            errs[f"plot's _load_timeslices_csv: missing columns {missing}"] = [1, f"found {list(df.columns)[:8]}"]
        report("timeslices.csv columns (plot loader)", errs, 1)

    p = d / "inputs.json"
    if p.exists():
        errs = {}
        raw = json.loads(p.read_text())
        try:
            InputsFile.model_validate(raw)
        except ValidationError as e:
            add_validation_errors(errs, e, "file")
        from aiperf.dataset.loader.inputs_json import InputsJsonPayloadLoader

        if not InputsJsonPayloadLoader.can_load(data=raw):
            errs["InputsJsonPayloadLoader.can_load is False"] = [1, ""]
        report("inputs.json as InputsFile / inputs_json loader", errs, 1)

    # the `aiperf plot` load step
    from aiperf.plot.core.data_loader import DataLoader

    import logging

    errs = {}
    logging.disable(logging.CRITICAL)  # DataLoader logs one warning per bad line; the model check above has them
    try:
        rd = DataLoader().load_run(d)
        n_req = 0 if rd.requests is None else len(rd.requests)
        n_ts = None if rd.timeslices is None else len(rd.timeslices)
        print(f"  info plot DataLoader.load_run: requests={n_req} timeslice_rows={n_ts} "
              f"slice_duration={rd.slice_duration} model={rd.metadata.model} "
              f"concurrency={rd.metadata.concurrency} request_count={rd.metadata.request_count} "
              f"endpoint_type={rd.metadata.endpoint_type}")
    except Exception as e:  # noqa: BLE001
        errs[f"{type(e).__name__}: {str(e)[:300]}"] = [1, ""]
    logging.disable(logging.NOTSET)
    report("plot DataLoader.load_run", errs, 1)


if __name__ == "__main__":
    for a in sys.argv[1:]:
        check_dir(Path(a))
    sys.exit(1 if failed else 0)
