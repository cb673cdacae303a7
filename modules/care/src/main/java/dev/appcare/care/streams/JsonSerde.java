package dev.appcare.care.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.model.serde.CodecSerde;

/**
 * Serde for care's own state records (JSON of Java records). They never leave care's stores and
 * changelogs, so they do not go through the schema registry; unknown fields are ignored, so a field
 * added later reads old records (as null) and old code reads new ones.
 */
public final class JsonSerde<T> extends CodecSerde<T> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public JsonSerde(Class<T> type) {
        super("care state " + type.getSimpleName(), JSON::writeValueAsBytes, bytes -> JSON.readValue(bytes, type));
    }
}
