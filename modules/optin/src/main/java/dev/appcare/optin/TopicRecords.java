package dev.appcare.optin;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records the opt-in API writes to one topic: its name and the serializer of its values (Confluent
 * wire format) travel together, so a value is always encoded for the topic it goes to. Values are encoded
 * here, before they join a transaction ({@link PreferenceWriter} takes bytes): a value that cannot be
 * encoded (the schema registry unreachable) fails its own call with 503 and cannot spoil a group.
 */
record TopicRecords<T>(String topic, Serializer<T> serializer) {
    private static final Logger log = LoggerFactory.getLogger(TopicRecords.class);

    ProducerRecord<String, byte[]> of(String key, T value) {
        byte[] encoded;
        try {
            encoded = serializer.serialize(topic, value);
        } catch (RuntimeException e) {
            log.warn("Cannot serialize for {}: {}", topic, e.toString());
            throw ProblemException.unavailable("The schema registry could not be reached to encode the record.");
        }
        return new ProducerRecord<>(topic, key, encoded);
    }

    /** The key's tombstone: on a compacted topic, the key's erasure. */
    ProducerRecord<String, byte[]> tombstone(String key) {
        return new ProducerRecord<>(topic, key, null);
    }
}
