#!/usr/bin/python3
"""Publish one flight-status event to AppCare from Python with librdkafka: the whole producer contract
in one page (see docs/producers.md). Needs Debian's python3-confluent-kafka and python3-avro.

    /usr/bin/python3 docs/examples/publish_flight_status.py 127.0.0.1:9092 http://127.0.0.1:8081/apis/ccompat/v7

A third argument names another topic (a test's copy of flight.status.v1). It prints the key, partition
and offset of the record it wrote.
"""
import datetime
import io
import json
import struct
import sys
import urllib.request
import zoneinfo

import avro.io
import avro.schema
from confluent_kafka import Producer

bootstrap, registry = sys.argv[1], sys.argv[2]
topic = sys.argv[3] if len(sys.argv) > 3 else "flight.status.v1"

# 1. The value schema AppCare registered under <topic>-value (TopicNameStrategy), and its id. Producers
#    do not register schemas themselves; `appcare schemas register` does.
with urllib.request.urlopen(f"{registry}/subjects/{topic}-value/versions/latest", timeout=10) as response:
    latest = json.load(response)
schema, schema_id = avro.schema.parse(latest["schema"]), latest["id"]

# 2. The event: the whole picture of the flight as the ops system knows it now. KL1001 AMS->LHR leaves in
#    three hours, from gate D7. Times are instants (UTC); originDate is the local date at the departure
#    airport, and the key is carrier+number/originDate/departure airport, exactly as in the value.
utc = datetime.timezone.utc
now = datetime.datetime.now(utc).replace(microsecond=0)
departure = now + datetime.timedelta(hours=3)
origin_date = departure.astimezone(zoneinfo.ZoneInfo("Europe/Amsterdam")).date()
flight_key = f"KL1001/{origin_date.isoformat()}/AMS"
event = {
    "eventId": f"ops-{flight_key}-{int(now.timestamp() * 1000)}",
    "eventTime": now,
    # per flight, increasing: a later picture of the flight has a higher sequence (here: the observation time)
    "sequence": int(now.timestamp() * 1000),
    "flightKey": flight_key, "carrier": "KL", "flightNumber": "1001", "originDate": origin_date,
    "departure": {"airport": "AMS", "timeZone": "Europe/Amsterdam", "scheduled": departure,
                  "estimated": None, "actual": None, "gate": "D7", "terminal": None},
    "arrival": {"airport": "LHR", "timeZone": "Europe/London", "scheduled": departure + datetime.timedelta(minutes=75),
                "estimated": None, "actual": None, "gate": None, "terminal": None},
    "status": "SCHEDULED", "cancellation": None, "diversion": None, "source": "python-example",
}

# 3. Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), then Avro binary.
body = io.BytesIO()
avro.io.DatumWriter(schema).write(event, avro.io.BinaryEncoder(body))
value = b"\x00" + struct.pack(">I", schema_id) + body.getvalue()

# 4. Produce: any partitioner (this is librdkafka's default), idempotence on (librdkafka's default is off),
#    CreateTime = when the event was observed.
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
delivered = []
producer.produce(topic, key=flight_key.encode("utf-8"), value=value, timestamp=int(now.timestamp() * 1000),
                 on_delivery=lambda error, message: delivered.append((error, message)))
producer.flush(30)
if not delivered or delivered[0][0] is not None:
    sys.exit(f"not delivered: {delivered[0][0] if delivered else 'no delivery report'}")
message = delivered[0][1]
print(f"{flight_key}\t{message.partition()}\t{message.offset()}")
