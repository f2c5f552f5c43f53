# Writes what prometheus_client's own parser reads from a page: one line per sample,
# family<TAB>type<TAB>sample<TAB>labels (sorted k=v, comma-joined)<TAB>value (repr)
import sys
from prometheus_client.parser import text_string_to_metric_families as classic
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
text = open(sys.argv[1]).read()
fams = om(text) if sys.argv[1].endswith("openmetrics.txt") else classic(text)
for f in fams:
    for s in f.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        print(f"{f.name}\t{f.type}\t{s.name}\t{labels}\t{float(s.value)!r}")
