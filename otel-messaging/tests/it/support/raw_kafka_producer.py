"""Produces one record whose header names rdkafka cannot read: what a hostile producer
can send, and no Rust client can (rdkafka takes header names as &str).

    raw_kafka_producer.py BOOTSTRAP TOPIC COUNT TRACEPARENT

The record's first header is `traceparent: TRACEPARENT` (any text); then COUNT headers whose names are
not UTF-8 (0xff 0xfe and the header's number). Needs kafka-python.
"""
import sys

from kafka import KafkaProducer


class RawName(str):
    """A header name kafka-python encodes as the given bytes, whatever they are."""

    def __new__(cls, raw):
        name = str.__new__(cls, "raw")
        name.raw = raw
        return name

    def encode(self, *args, **kwargs):
        return self.raw


bootstrap, topic, count, traceparent = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
headers = [("traceparent", traceparent.encode())]
headers += [(RawName(b"\xff\xfe" + str(i).encode()), b"v") for i in range(count)]
producer = KafkaProducer(bootstrap_servers=bootstrap, max_request_size=8 * 1024 * 1024)
producer.send(topic, b"poison", headers=headers).get(timeout=30)
producer.flush(timeout=30)
producer.close(timeout=30)
print("produced", len(headers), "headers")
