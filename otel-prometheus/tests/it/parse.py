"""Parses a Prometheus exposition with prometheus_client's parser for the format named
in argv[1] ("text" for 0.0.4, "openmetrics" for the strict OpenMetrics 1.0 parser),
reading argv[2], and prints what it parsed as tab-separated lines for the Rust test:

    F <family> <type> <unit>
    S <sample name> <label=value,... sorted> <value> <exemplar: trace_id span_id value timestamp, or ->
"""
import sys

if sys.argv[1] == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[2], encoding="utf-8") as f:
    text = f.read()

for family in text_string_to_metric_families(text):
    print("\t".join(["F", family.name, family.type, family.unit or "-"]))
    for s in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        e = s.exemplar
        if e is None:
            exemplar = "-"
        else:
            exemplar = " ".join([
                e.labels.get("trace_id", "-"),
                e.labels.get("span_id", "-"),
                repr(float(e.value)),
                repr(float(e.timestamp)) if e.timestamp is not None else "-",
            ])
        print("\t".join(["S", s.name, labels, repr(float(s.value)), exemplar]))
