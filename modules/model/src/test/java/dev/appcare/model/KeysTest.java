package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class KeysTest {
    @Test
    void shouldBuildTheDocumentedKeys() {
        String flight = Keys.flightKey("KL", "1234", LocalDate.of(2026, 11, 23), "AMS");
        String traveller = Keys.travellerKey("ABC123", "1");
        assertThat(flight).isEqualTo("KL1234/2026-11-23/AMS");
        assertThat(traveller).isEqualTo("ABC123/1");
        assertThat(Keys.segmentKey(traveller, flight)).isEqualTo("ABC123/1|KL1234/2026-11-23/AMS");
        assertThat(Keys.isFlightKey(flight)).isTrue();
        assertThat(Keys.isTravellerKey(traveller)).isTrue();
        assertThat(Keys.isFlightKey("KL1234")).isFalse();
        assertThat(Keys.isTravellerKey("abc")).isFalse();
    }
}
