package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TopicRecordsTest {

    @Test
    void shouldEncodeTheValueForItsOwnTopic() {
        ProducerRecord<String, byte[]> record = new TopicRecords<>("traveller.preference.v1", new StringSerializer())
                .of("ABC123/1", "opted in");

        assertThat(record.topic()).isEqualTo("traveller.preference.v1");
        assertThat(record.key()).isEqualTo("ABC123/1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("opted in");
    }

    @Test
    void shouldWriteATombstoneForAnErasure() {
        ProducerRecord<String, byte[]> tombstone = new TopicRecords<>("traveller.preference.v1", new StringSerializer())
                .tombstone("ABC123/1");

        assertThat(tombstone.topic()).isEqualTo("traveller.preference.v1");
        assertThat(tombstone.key()).isEqualTo("ABC123/1");
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void shouldAnswerUnavailableWhenTheValueCannotBeEncoded() {
        Serializer<String> registryDown = (topic, value) -> {
            throw new SerializationException("registry unreachable");
        };

        assertThatThrownBy(() -> new TopicRecords<>("traveller.preference.v1", registryDown).of("ABC123/1", "opted in"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE);
                    assertThat(e.headers()).containsEntry("Retry-After", "1");
                });
    }
}
