package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeadLetter;
import dev.appcare.model.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Instant AT = Instant.parse("2026-11-23T08:00:00Z");

    private static DeadLetter letter(String topic, int valueBytes) {
        return DeadLetters.of("notifier", DeadLetterType.FIELD_TOO_LONG, "departure.gate is too long", topic, 0, 7, AT.toEpochMilli(),
                "KL1001/2026-11-23/AMS".getBytes(), new byte[valueBytes], AT);
    }

    @Test
    void shouldWriteTheTypesNameAsTheWireErrorType() {
        assertThat(letter(Topics.FLIGHT_STATUS.name(), 0).getErrorType()).hasToString("FIELD_TOO_LONG");
    }

    @Test
    void shouldKeepTheBadValueOfATopicWithoutPersonalDataUpToTheLimit() {
        assertThat(letter(Topics.FLIGHT_STATUS.name(), DeadLetters.MAX_KEPT_VALUE_BYTES).getOriginalValue())
                .isEqualTo(ByteBuffer.wrap(new byte[DeadLetters.MAX_KEPT_VALUE_BYTES]));
    }

    @Test
    void shouldNotCopyAValuePastTheLimitSoTheDeadLetterIsAlwaysWritable() {
        DeadLetter letter = letter(Topics.FLIGHT_STATUS.name(), 1_048_576);
        assertThat(letter.getOriginalValue()).isNull();
        assertThat(letter.getSourceOffset()).as("its coordinates still find it").isEqualTo(7);
    }

    @Test
    void shouldNeverCopyTheValueOfATopicWithPersonalData() {
        assertThat(letter(Topics.TRAVELLER_PREFERENCE.name(), 10).getOriginalValue()).isNull();
    }
}
