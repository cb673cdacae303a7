package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.rules.RequestLimits;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {
    private static final Instant NOW = Instant.now();

    private static WhatsAppRequest.Builder request() {
        return Requests.gateChange("m-1", "+31612345678", "ABC123/1").setCreatedAt(NOW).setExpiresAt(NOW.plus(Duration.ofHours(2)));
    }

    /** The refusal as it reaches the dead letter: {@code [errorType, reason]}. */
    private static String[] refusal(WhatsAppRequest request) {
        return RequestLimits.refusal(request, NOW.toEpochMilli())
                .map(r -> new String[] {r.errorType().name(), r.reason()}).orElse(null);
    }

    @Test
    void shouldRefuseWhatWhatsAppWouldRefuseOrNoMessageCanMean() {
        assertThat(refusal(request().build())).isNull();
        assertThat(refusal(request().setParameters(Requests.params("Anna", "x".repeat(1024))).build())).isNull();
        assertThat(refusal(request().setParameters(Requests.params("Anna", "x".repeat(1025))).build()))
                .containsExactly("REQUEST_TOO_LARGE", "template parameter 2 has 1025 characters; at most 1024");
        assertThat(refusal(request().setParameters(Requests.params("G".repeat(1_000_000))).build())[0]).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(refusal(request().setText("t".repeat(4096)).build())).isNull();
        assertThat(refusal(request().setText("t".repeat(4097)).build()))
                .containsExactly("REQUEST_TOO_LARGE", "text body has 4097 characters; at most 4096");
        assertThat(refusal(request().setExpiresAt(NOW.plus(Duration.ofDays(30))).build())).isNull();
        assertThat(refusal(request().setExpiresAt(Instant.parse("9999-01-01T00:00:00Z")).build()))
                .containsExactly("IMPLAUSIBLE_TIME", "expiresAt 9999-01-01T00:00:00Z is more than 30 days ahead");
        assertThat(refusal(request().setCreatedAt(NOW.plus(Duration.ofMinutes(59))).build())).isNull();
        assertThat(refusal(request().setCreatedAt(Instant.parse("9999-01-01T00:00:00Z")).build())[0]).isEqualTo("IMPLAUSIBLE_TIME");
    }
}
