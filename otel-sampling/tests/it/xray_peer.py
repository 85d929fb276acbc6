"""AWS's X-Ray remote sampler (aws-opentelemetry-distro), driven against the X-Ray API
stub of otel-kit-sampling's xray_interop test.

Reads one JSON object on stdin: {"endpoint": url, "resource": {key: value},
"cases": [{"attributes": {key: value}, "trace_id": hex}]}. Builds the distro's
AwsXRayRemoteSampler on that endpoint and resource, has it fetch the rules (the call its
timer makes at start, made here at once so that the cases never meet the fallback),
decides each case as a root span, then has it send its statistics (the call its timer
makes after 10 s, made here at once). Writes one JSON object: {"client_id": ...,
"results": [{"rule": name or null, "sampled": bool}]}.

The two calls are the sampler's own (name-mangled, as the distro has no public way to
poll now); everything else is its public API.
"""

import json
import sys

from amazon.opentelemetry.distro.sampler.aws_xray_remote_sampler import AwsXRayRemoteSampler
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import SpanKind

request = json.load(sys.stdin)
sampler = AwsXRayRemoteSampler(
    resource=Resource.create(request["resource"]), endpoint=request["endpoint"], polling_interval=300
)
sampler._AwsXRayRemoteSampler__get_and_update_sampling_rules()

results = []
for case in request["cases"]:
    result = sampler.should_sample(
        None, int(case["trace_id"], 16), "request", kind=SpanKind.SERVER, attributes=case["attributes"]
    )
    results.append(
        {
            "rule": (result.attributes or {}).get("aws.xray.sampling_rule"),
            "sampled": result.decision.is_sampled(),
        }
    )

sampler._AwsXRayRemoteSampler__get_and_update_sampling_targets()
print(json.dumps({"client_id": sampler._AwsXRayRemoteSampler__client_id, "results": results}))
