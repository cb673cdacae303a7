#!/usr/bin/python3
"""A non-Java Kafka client for AppCare's contract tests: librdkafka (Debian's python3-confluent-kafka).

  produce BOOTSTRAP RECORDS DELIVERIES
      RECORDS: one record a line, tab-separated: topic, key (hex), value (hex, or - for a tombstone),
      timestamp (epoch ms, CreateTime). The values are already in the Confluent wire format. Produced
      with librdkafka's *default* partitioner (consistent_random: CRC32 of the key, not Java's murmur2)
      and idempotence on. DELIVERIES gets one line per acknowledged record: topic, key (hex), partition,
      offset.

  consume BOOTSTRAP REGISTRY_URL TOPIC COUNT OUTPUT
      Reads TOPIC from the beginning (read_committed) until COUNT records and the end of every partition,
      decodes the Confluent framing (magic byte 0, 4-byte big-endian schema id, Avro binary) with the
      writer's schema fetched from the registry by id (GET /schemas/ids/{id}), and writes one JSON object a
      line to OUTPUT.

Exit status 0 only if every record was delivered (produce) or read and decoded (consume).
"""
import io
import json
import struct
import sys
import time
import urllib.request

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer


def produce(bootstrap, records_path, deliveries_path):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,  # acks=all, ordered, no duplicates on retry
        "linger.ms": 5,
        # no "partitioner": librdkafka's default (consistent_random) on purpose
    })
    delivered, failed = [], []

    def on_delivery(error, message):
        if error is not None:
            failed.append(str(error))
        else:
            delivered.append((message.topic(), (message.key() or b"").hex(), message.partition(), message.offset()))

    count = 0
    with open(records_path) as records:
        for line in records:
            topic, key, value, timestamp = line.rstrip("\n").split("\t")
            while True:
                try:
                    producer.produce(topic, key=bytes.fromhex(key), value=None if value == "-" else bytes.fromhex(value),
                                     timestamp=int(timestamp), on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.1)  # local queue full: serve delivery reports, then retry
            producer.poll(0)
            count += 1
    remaining = producer.flush(60)
    with open(deliveries_path, "w") as out:
        for topic, key, partition, offset in delivered:
            out.write(f"{topic}\t{key}\t{partition}\t{offset}\n")
    print(f"librdkafka {producer_version()}: produced {count}, delivered {len(delivered)}, failed {len(failed)},"
          f" unflushed {remaining}")
    if failed:
        print("first failure: " + failed[0], file=sys.stderr)
    return 0 if len(delivered) == count and remaining == 0 else 1


def producer_version():
    import confluent_kafka
    return confluent_kafka.libversion()[0]


def consume(bootstrap, registry_url, topic, count, output_path):
    import avro.io
    import avro.schema

    schemas = {}

    def writer_schema(schema_id):
        if schema_id not in schemas:
            with urllib.request.urlopen(f"{registry_url}/schemas/ids/{schema_id}", timeout=10) as response:
                schemas[schema_id] = avro.schema.parse(json.load(response)["schema"])
        return schemas[schema_id]

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"librdkafka-reader-{time.time_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "enable.partition.eof": True,
    })
    consumer.subscribe([topic])
    read, at_end, partitions = [], set(), None
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            if partitions is None:
                metadata = consumer.list_topics(topic, timeout=10).topics[topic]
                partitions = len(metadata.partitions)
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
                    if len(read) >= count and len(at_end) == partitions:
                        break
                    continue
                raise KafkaException(message.error())
            at_end.discard(message.partition())
            value = message.value()
            if value is None or len(value) < 5 or value[0] != 0:
                raise ValueError(f"not Confluent-framed at {message.partition()}@{message.offset()}")
            schema_id = struct.unpack(">I", value[1:5])[0]
            record = avro.io.DatumReader(writer_schema(schema_id)).read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))
            read.append({
                "partition": message.partition(), "offset": message.offset(), "key": message.key().decode("utf-8"),
                "schemaId": schema_id, "messageId": record["messageId"], "recipient": record["recipient"],
                "kind": record["kind"], "templateName": record["templateName"], "language": record["language"],
                "travellerKey": record["correlation"]["travellerKey"],
                "flightKey": record["correlation"]["flightKey"],
            })
    finally:
        consumer.close()
    with open(output_path, "w") as out:
        for entry in read:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"read and decoded {len(read)} records of {topic} ({len(schemas)} writer schema(s))")
    return 0 if len(read) >= count and partitions is not None and len(at_end) == partitions else 1


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "produce":
        sys.exit(produce(*arguments))
    if command == "consume":
        bootstrap, registry, topic, count, output = arguments
        sys.exit(consume(bootstrap, registry, topic, int(count), output))
    sys.exit(f"unknown command {command}")
