package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.sender.SendDecisions.Room;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MessagingLimitTest {
    private static final long T = 1_000_000_000L;
    private static final long DAY = Duration.ofHours(24).toMillis();

    @Test
    void shouldCountUniqueRecipientsInTheRollingWindowAndKeepTheReserveForUrgent() {
        MessagingLimit limit = new MessagingLimit("klm", 250, 0.1, Duration.ofHours(24));
        for (int i = 0; i < 225; i++) {
            assertThat(limit.admit("+3161" + i, true, false, T + i)).isEqualTo(Room.SEND);
        }
        assertThat(limit.admit("+3161" + 0, true, false, T + 300)).as("already in the window").isEqualTo(Room.SEND);
        assertThat(limit.used()).isEqualTo(225);
        assertThat(limit.admit("+3162" + 1, true, false, T + 301)).isEqualTo(Room.WAIT);
        for (int i = 0; i < 25; i++) {
            assertThat(limit.admit("+3163" + i, true, true, T + 400 + i)).isEqualTo(Room.SEND_FROM_RESERVE);
        }
        assertThat(limit.admit("+3164", true, true, T + 500)).as("all 250 used").isEqualTo(Room.WAIT);
        assertThat(limit.admit("+3165", false, false, T + 500)).as("free-form text opens no conversation").isEqualTo(Room.SEND);
        assertThat(limit.roomAt(T + 500)).isEqualTo(T + DAY);

        assertThat(limit.admit("+3164", true, false, T + DAY + 10)).as("eleven left the window: still in the reserve")
                .isEqualTo(Room.WAIT);
        assertThat(limit.admit("+3164", true, false, T + DAY + 300)).as("the first 225 left the window").isEqualTo(Room.SEND);
        assertThat(limit.used()).isEqualTo(26);
    }

    @Test
    void shouldShareTheTierByOwnedPartitions() {
        MessagingLimit limit = new MessagingLimit("klm", 2000, 0.05, Duration.ofHours(24));
        limit.share(2, 6);
        assertThat(limit.limit()).isEqualTo(666);
        assertThat(new MessagingLimit("klm", MessagingLimit.UNLIMITED, 0.05, Duration.ofHours(24)).limit())
                .isEqualTo(MessagingLimit.UNLIMITED);
    }

    @Test
    void shouldAcceptOnlyWhatsAppsTiers() {
        assertThat(MessagingLimit.parseTier("k", "100,000")).isEqualTo(100_000);
        assertThat(MessagingLimit.parseTier("k", "Unlimited")).isEqualTo(MessagingLimit.UNLIMITED);
        assertThatThrownBy(() -> MessagingLimit.parseTier("whatsapp.portfolio.klm.tier", "1000"))
                .hasMessageContaining("whatsapp.portfolio.klm.tier").hasMessageContaining("250, 2000, 10000, 100000");
    }
}
