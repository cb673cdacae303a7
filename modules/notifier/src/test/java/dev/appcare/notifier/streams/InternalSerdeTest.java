package dev.appcare.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.rules.FlightViews;
import dev.appcare.notifier.testing.Fixtures;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class InternalSerdeTest {

    @Test
    void shouldRoundTripTheNotifiersOwnRecordsWithoutARegistry() {
        InternalSerde<PassengerNotice> serde = InternalSerde.of(PassengerNotice.getEncoder(), PassengerNotice.getDecoder());
        PassengerNotice notice = new PassengerNotice("ABC123/1", "Jane", null, FlightViews.of(Fixtures.flight(1).build()));

        byte[] bytes = serde.serializer().serialize("t", notice);

        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(notice);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3); // single-object encoding marker
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldRefuseBytesOfAnotherRecord() {
        InternalSerde<PassengerMemory> memories = InternalSerde.of(PassengerMemory.getEncoder(), PassengerMemory.getDecoder());
        byte[] memory = memories.serializer().serialize("t", PassengerMemory.newBuilder().setLastMessageIds(Map.of("TIMING", "x")).build());
        InternalSerde<PassengerNotice> notices = InternalSerde.of(PassengerNotice.getEncoder(), PassengerNotice.getDecoder());

        assertThatThrownBy(() -> notices.deserializer().deserialize("t", memory)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> notices.deserializer().deserialize("t", new byte[] {1, 2})).isInstanceOf(SerializationException.class);
    }
}
