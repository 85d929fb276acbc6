"""Python's EC2 resource detector (opentelemetry-sdk-extension-aws) against the
instance metadata service at the host:port given as the first argument; prints the
detected attributes as one JSON object.

The detector has no setting for its address: it builds every URL from the module-level
constant `_AWS_METADATA_HOST` ("169.254.169.254"), which is replaced here.
"""

import json
import logging
import sys

from opentelemetry.sdk.extension.aws.resource import ec2

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
ec2._AWS_METADATA_HOST = sys.argv[1]
resource = ec2.AwsEc2ResourceDetector().detect()
print(json.dumps(dict(resource.attributes), sort_keys=True))
