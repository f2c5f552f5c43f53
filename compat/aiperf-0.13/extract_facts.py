"""Writes the facts aiperf-java takes from AIPerf 0.13 as plain tables, so they are checked in,
diffed and tested instead of remembered.

  config-keys.txt  every key path of AIPerf 0.13's YAML config schema (snake_case, lists as []),
                   read from the JSON schema AIPerf ships; aiperf-java's config reader tells an
                   AIPerf setting it does not support from a typo with it
  flags.tsv        every `aiperf profile` flag of AIPerf 0.13 (field, names, help group, default),
                   read from its CLIConfig model; aiperf-cli's FlagCompatibilityTest diffs it with
                   picocli's CommandSpec
  environment.tsv  every AIPERF_* environment variable of AIPerf 0.13's settings
                   (aiperf.common.environment, pydantic BaseSettings) with its default;
                   aiperf-cli's EnvironmentCompatibilityTest checks each is supported or left out

Usage: $AIPERF_PYTHON compat/aiperf-0.13/extract_facts.py OUT_DIR_FOR_KEYS OUT_DIR_FOR_FLAGS
"""
import json
import re
import sys
from importlib import resources
from pathlib import Path


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


MISSING = object()
SHORTHANDS = {"benchmark.dataset", "benchmark.model", "benchmark.warmup", "benchmark.profiling"}


def config_keys():
    schema = json.loads(
        (resources.files("aiperf.config") / "schema" / "aiperf-config.schema.json").read_text())
    defs = schema.get("$defs", {})

    def resolve(n):
        while isinstance(n, dict) and "$ref" in n:
            n = defs[n["$ref"].split("/")[-1]]
        return n

    keys = {}

    def walk(n, path, depth):
        n = resolve(n)
        if depth > 9 or not isinstance(n, dict):
            return
        for k in ("anyOf", "oneOf", "allOf"):
            for x in n.get(k, []):
                walk(x, path, depth)
        if n.get("type") == "array" and "items" in n:
            walk(n["items"], path + "[]", depth)
        for k, v in n.get("properties", {}).items():
            p = (path + "." if path else "") + snake(k)
            # Shorthand forms normalize to the canonical lists; a distribution's nested peaks and
            # points are one value, not settings of their own.
            vv = resolve(v)
            default = v["default"] if "default" in v else vv.get("default", MISSING)
            if default is not MISSING and keys.get(p, MISSING) is MISSING:
                keys[p] = default
            else:
                keys.setdefault(p, MISSING)
            if p in SHORTHANDS:
                continue
            if snake(k) in ("peaks", "points", "distribution"):
                continue
            walk(v, p, depth + 1)

    walk(schema, "", 0)
    # The flat `phases: {type: ...}` form is a one-phase list once normalized.
    return sorted(k + ("" if d is MISSING else "\t" + json.dumps(d))
                  for k, d in keys.items() if not k.startswith("benchmark.phases."))


def flags():
    from cyclopts import Parameter

    from aiperf.config.flags.cli_config import CLIConfig

    rows = []
    for name, f in CLIConfig.model_fields.items():
        names, group = [], ""
        for m in f.metadata:
            if isinstance(m, Parameter):
                names += list(m.name or ())
                if m.group:
                    group = ",".join(getattr(g, "name", str(g)) for g in m.group)
                if isinstance(m.negative, str) and m.negative:
                    names.append(m.negative)
        default = f.default
        if f.default_factory is not None:
            default = f.default_factory()
        if hasattr(default, "value"):
            default = default.value
        try:
            default = json.dumps(default)
        except TypeError:
            default = json.dumps(str(default))
        rows.append("\t".join([name, " ".join(names), group, default]))
    return rows


def environment():
    import inspect

    from pydantic_settings import BaseSettings

    import aiperf.common.environment as env

    rows = {}
    for _, cls in inspect.getmembers(env, inspect.isclass):
        if not issubclass(cls, BaseSettings) or cls is BaseSettings \
                or cls.__module__ != env.__name__:
            continue
        prefix = cls.model_config.get("env_prefix", "")
        for field, info in cls.model_fields.items():
            kind = info.annotation
            if inspect.isclass(kind) and issubclass(kind, BaseSettings):
                continue  # a group of settings, not one variable
            default = info.default
            try:
                shown = json.dumps(default, sort_keys=True)
            except TypeError:
                shown = json.dumps(str(default))
            rows.setdefault((prefix + field).upper(), shown)
    return ["\t".join(kv) for kv in sorted(rows.items())]


if __name__ == "__main__":
    Path(sys.argv[1], "aiperf-0.13-config-keys.txt").write_text(
        "# Key paths of AIPerf 0.13's config schema, tab, the default as JSON where it has one;"
        " written by compat/aiperf-0.13/extract_facts.py\n"
        + "\n".join(config_keys()) + "\n")
    Path(sys.argv[2], "flags.tsv").write_text(
        "# field\tnames\tgroup\tdefault (JSON); AIPerf 0.13 `aiperf profile`, written by"
        " compat/aiperf-0.13/extract_facts.py\n" + "\n".join(flags()) + "\n")
    Path(sys.argv[2], "environment.tsv").write_text(
        "# name\tdefault (JSON); AIPerf 0.13's AIPERF_* settings, written by"
        " compat/aiperf-0.13/extract_facts.py\n" + "\n".join(environment()) + "\n")
