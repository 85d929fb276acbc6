"""Print the Python SDK's reading of a configuration file as the normalized JSON of
otel-kit-config's `OpenTelemetryConfiguration::comparable()`.

Usage: python python_model.py FILE   (with opentelemetry-configuration==0.66b2)

`load_config_file` leaves every omitted value as None; this script fills in the
defaults the schema documents from its own table below, written from the schema's
"If omitted or null, X is used" lines and not from the Rust code, so that a wrong
default on either side shows up as a mismatch.
"""

import dataclasses
import enum
import json
import sys

from opentelemetry.configuration.file import load_config_file

# The schema's documented defaults (file_format 1.1, opentelemetry_configuration.json).
DEFAULTS = {
    "log_level": "info",
    "attribute_count_limit": 128,
    "span_count_limit": 128,
    "span_batch_schedule_delay": 5000,
    "log_batch_schedule_delay": 1000,
    "batch_export_timeout": 30000,
    "batch_max_queue_size": 2048,
    "batch_max_export_batch_size": 512,
    "otlp_http_endpoint": "http://localhost:4318/v1/{signal}",
    "otlp_grpc_endpoint": "http://localhost:4317",
    "otlp_compression": "none",
    "otlp_timeout": 10000,
    "otlp_http_encoding": "protobuf",
    "grpc_insecure": False,
    "periodic_interval": 60000,
    "periodic_timeout": 30000,
    "cardinality_default": 2000,
    "temporality_preference": "cumulative",
    "default_histogram_aggregation": "explicit_bucket_histogram",
    "exemplar_filter": "trace_based",
    "ratio": 1.0,
    "jaeger_interval": 60000,
    "prometheus_host": "localhost",
    "prometheus_port": 9464,
    "prometheus_scope_info_enabled": True,
    "prometheus_target_info_enabled": True,
    "prometheus_translation_strategy": "underscore_escaping_with_suffixes",
    "boundaries": [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
    "record_min_max": True,
    "max_scale": 20,
    "max_size": 160,
}

# The components the kit implements; any other is {"unsupported": name}.
EXPORTERS = {"otlp_http", "otlp_grpc", "console"}
SAMPLERS = {"always_on", "always_off", "trace_id_ratio_based", "probability_development",
            "parent_based", "jaeger_remote_development"}
PROPAGATORS = {"tracecontext", "baggage", "b3", "b3multi", "jaeger", "xray"}
DETECTORS = {"container", "host", "process", "service"}


def default(value, key):
    return DEFAULTS[key] if value is None else value


def schema_name(field):
    """The schema's key for a dataclass field (`probability_development` ->
    `probability/development`)."""
    return field[: -len("_development")] + "/development" if field.endswith("_development") else field


def component(obj, known):
    """(name, value) of the one component an object names, known or additional."""
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if value is not None:
            return field.name, value, field.name in known
    extra = getattr(obj, "additional_properties", None) or {}
    for name, value in extra.items():
        return name, value, name in known
    raise SystemExit(f"no component in {obj!r}")


def plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def include_exclude(value):
    if value is None:
        return None
    return {"included": value.included, "excluded": value.excluded or []}


def attribute(attr):
    kind = plain(attr.type)
    value = attr.value
    if kind is None:
        # Without `type`, the YAML value's own type (as the Java and Python SDKs read it).
        if isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, int):
            kind = "int"
        elif isinstance(value, float):
            kind = "double"
        elif isinstance(value, list):
            first = value[0] if value else ""
            kind = ("bool_array" if isinstance(first, bool) else "int_array" if isinstance(first, int)
                    else "double_array" if isinstance(first, float) else "string_array")
        else:
            kind = "string"
    if kind == "double":
        value = float(value)
    elif kind == "double_array":
        value = [float(v) for v in value]
    elif kind == "string" and not isinstance(value, str):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    return {"name": attr.name, "type": kind, "value": value}


def resource(res):
    if res is None:
        return {"attributes": [], "attributes_list": None, "schema_url": None, "detection": None}
    detection = None
    if res.detection_development is not None:
        det = res.detection_development
        attrs = det.attributes
        detection = {
            "attributes": {"included": attrs.included if attrs else None,
                           "excluded": (attrs.excluded or []) if attrs else []},
            "detectors": [],
        }
        for entry in det.detectors or []:
            name, _, known = component(entry, DETECTORS)
            detection["detectors"].append({name: {}} if known else {"unsupported": name})
    return {
        "attributes": [attribute(a) for a in res.attributes or [] if a.value is not None],
        "attributes_list": res.attributes_list,
        "schema_url": res.schema_url,
        "detection": detection,
    }


def limits(value):
    return {
        "attribute_value_length_limit": value.attribute_value_length_limit if value else None,
        "attribute_count_limit": default(value.attribute_count_limit if value else None, "attribute_count_limit"),
    }


def sampler(value):
    name, inner, known = component(value, SAMPLERS)
    if not known:
        return {"unsupported": schema_name(name)}
    if name in ("always_on", "always_off"):
        return {name: {}}
    if name in ("trace_id_ratio_based", "probability_development"):
        ratio = inner.ratio if inner.ratio is not None else DEFAULTS["ratio"]
        return {schema_name(name): {"ratio": float(ratio)}}
    if name == "parent_based":
        delegates = {}
        for key, fallback in (("root", "always_on"), ("remote_parent_sampled", "always_on"),
                              ("remote_parent_not_sampled", "always_off"),
                              ("local_parent_sampled", "always_on"), ("local_parent_not_sampled", "always_off")):
            delegate = getattr(inner, key)
            delegates[key] = sampler(delegate) if delegate is not None else {fallback: {}}
        return {"parent_based": delegates}
    return {"jaeger_remote/development": {
        "endpoint": inner.endpoint,
        "interval": default(inner.interval, "jaeger_interval"),
        "initial_sampler": sampler(inner.initial_sampler),
    }}


def headers(value):
    return [{"name": h.name, "value": h.value} for h in value or []]


def tls(value, grpc):
    out = {"ca_file": value.ca_file if value else None, "key_file": value.key_file if value else None,
           "cert_file": value.cert_file if value else None}
    if grpc:
        out["insecure"] = default(value.insecure if value else None, "grpc_insecure")
    return out


def otlp(name, inner, signal):
    grpc = name == "otlp_grpc"
    if grpc:
        endpoint, protocol = default(inner.endpoint, "otlp_grpc_endpoint"), "grpc"
    else:
        endpoint = inner.endpoint or DEFAULTS["otlp_http_endpoint"].format(signal=signal)
        protocol = "http/" + default(plain(inner.encoding), "otlp_http_encoding")
    return {
        "endpoint": endpoint,
        "protocol": protocol,
        "headers": headers(inner.headers),
        "headers_list": inner.headers_list,
        "compression": default(inner.compression, "otlp_compression"),
        "timeout": default(inner.timeout, "otlp_timeout"),
        "tls": tls(inner.tls, grpc),
    }


def exporter(value, signal):
    name, inner, known = component(value, EXPORTERS)
    if not known:
        return {"unsupported": schema_name(name)}
    if name == "console":
        return {"console": {}}
    return {name: otlp(name, inner, signal)}


def processor(value, signal):
    if value.batch is not None:
        b = value.batch
        delay = "log_batch_schedule_delay" if signal == "logs" else "span_batch_schedule_delay"
        return {"batch": {
            "schedule_delay": default(b.schedule_delay, delay),
            "export_timeout": default(b.export_timeout, "batch_export_timeout"),
            "max_queue_size": default(b.max_queue_size, "batch_max_queue_size"),
            "max_export_batch_size": default(b.max_export_batch_size, "batch_max_export_batch_size"),
            "exporter": exporter(b.exporter, signal),
        }}
    if value.simple is not None:
        return {"simple": {"exporter": exporter(value.simple.exporter, signal)}}
    name, _, _ = component(value, set())
    return {"unsupported": schema_name(name)}


def cardinality(value):
    base = default(value.default if value else None, "cardinality_default")
    out = {"default": base}
    for key in ("counter", "gauge", "histogram", "observable_counter", "observable_gauge",
                "observable_up_down_counter", "up_down_counter"):
        given = getattr(value, key) if value else None
        out[key] = base if given is None else given
    return out


def metric_exporter(value):
    name, inner, known = component(value, EXPORTERS)
    if not known:
        return {"unsupported": schema_name(name)}
    out = {} if name == "console" else otlp(name, inner, "metrics")
    out["temporality_preference"] = default(plain(inner.temporality_preference), "temporality_preference")
    out["default_histogram_aggregation"] = default(plain(inner.default_histogram_aggregation),
                                                   "default_histogram_aggregation")
    return {name: out}


def reader(value):
    if value.periodic is not None:
        p = value.periodic
        return {"periodic": {
            "interval": default(p.interval, "periodic_interval"),
            "timeout": default(p.timeout, "periodic_timeout"),
            "exporter": metric_exporter(p.exporter),
            "cardinality_limits": cardinality(p.cardinality_limits),
        }}
    pull = value.pull
    name, inner, known = component(pull.exporter, {"prometheus_development"})
    if not known:
        exp = {"unsupported": schema_name(name)}
    else:
        exp = {"prometheus/development": {
            "host": default(inner.host, "prometheus_host"),
            "port": default(inner.port, "prometheus_port"),
            "scope_info_enabled": default(inner.scope_info_enabled, "prometheus_scope_info_enabled"),
            "target_info_enabled": default(inner.target_info_enabled_development, "prometheus_target_info_enabled"),
            "resource_constant_labels": include_exclude(inner.resource_constant_labels),
            "translation_strategy": default(plain(inner.translation_strategy), "prometheus_translation_strategy"),
        }}
    return {"pull": {"exporter": exp, "cardinality_limits": cardinality(pull.cardinality_limits)}}


def aggregation(value):
    if value is None:
        return {"default": {}}
    name, inner, _ = component(value, set())
    if name == "explicit_bucket_histogram":
        return {name: {"boundaries": [float(b) for b in default(inner.boundaries, "boundaries")],
                       "record_min_max": default(inner.record_min_max, "record_min_max")}}
    if name == "base2_exponential_bucket_histogram":
        return {name: {"max_scale": default(inner.max_scale, "max_scale"),
                       "max_size": default(inner.max_size, "max_size"),
                       "record_min_max": default(inner.record_min_max, "record_min_max")}}
    return {name: {}}


def view(value):
    s, t = value.selector, value.stream
    return {
        "selector": {"instrument_name": s.instrument_name, "instrument_type": plain(s.instrument_type),
                     "unit": s.unit, "meter_name": s.meter_name, "meter_version": s.meter_version,
                     "meter_schema_url": s.meter_schema_url},
        "stream": {"name": t.name, "description": t.description, "aggregation": aggregation(t.aggregation),
                   "aggregation_cardinality_limit": t.aggregation_cardinality_limit,
                   "attribute_keys": include_exclude(t.attribute_keys)},
    }


def propagator_name(value):
    name, _, _ = component(value, PROPAGATORS)
    return name


def main(path):
    c = load_config_file(path)
    out = {
        "file_format": c.file_format,
        "disabled": bool(c.disabled) if c.disabled is not None else False,
        "log_level": default(plain(c.log_level), "log_level"),
        "resource": resource(c.resource),
        "attribute_limits": limits(c.attribute_limits),
        "propagator": None if c.propagator is None else {
            "composite": [propagator_name(p) for p in c.propagator.composite or []],
            "composite_list": c.propagator.composite_list,
        },
        "tracer_provider": None,
        "meter_provider": None,
        "logger_provider": None,
    }
    if c.tracer_provider is not None:
        t = c.tracer_provider
        lim = t.limits
        span_limits = {"attribute_value_length_limit": lim.attribute_value_length_limit if lim else None}
        for key in ("attribute_count_limit", "event_count_limit", "link_count_limit",
                    "event_attribute_count_limit", "link_attribute_count_limit"):
            span_limits[key] = default(getattr(lim, key) if lim else None, "span_count_limit")
        out["tracer_provider"] = {
            "processors": [processor(p, "traces") for p in t.processors],
            "limits": span_limits,
            "sampler": sampler(t.sampler) if t.sampler is not None else {"parent_based": {
                "root": {"always_on": {}}, "remote_parent_sampled": {"always_on": {}},
                "remote_parent_not_sampled": {"always_off": {}}, "local_parent_sampled": {"always_on": {}},
                "local_parent_not_sampled": {"always_off": {}}}},
        }
    if c.meter_provider is not None:
        m = c.meter_provider
        out["meter_provider"] = {
            "readers": [reader(r) for r in m.readers],
            "views": [view(v) for v in m.views or []],
            "exemplar_filter": default(plain(m.exemplar_filter), "exemplar_filter"),
        }
    if c.logger_provider is not None:
        lp = c.logger_provider
        out["logger_provider"] = {
            "processors": [processor(p, "logs") for p in lp.processors],
            "limits": limits(lp.limits),
        }
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
