package dev.appcare.model.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CodecSerdeTest {
    private final CodecSerde<String> serde = new CodecSerde<>("test record",
            value -> value.getBytes(StandardCharsets.UTF_8),
            bytes -> {
                if (bytes.length == 0) {
                    throw new IOException("empty");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            });

    @Test
    void shouldRoundTripAndKeepTombstonesNull() {
        byte[] bytes = serde.serializer().serialize("t", "gate B12");
        assertThat(bytes).isEqualTo("gate B12".getBytes(StandardCharsets.UTF_8));
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo("gate B12");
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldReportEitherFailureAsTheRecordsSerializationFault() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("store-changelog", new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot read test record from store-changelog")
                .hasCauseInstanceOf(IOException.class);
        CodecSerde<String> failing = new CodecSerde<>("test record", value -> {
            throw new IllegalStateException("no");
        }, bytes -> "");
        assertThatThrownBy(() -> failing.serializer().serialize("out", "x"))
                .isInstanceOf(SerializationException.class)
                .hasMessage("cannot write test record to out");
    }
}
