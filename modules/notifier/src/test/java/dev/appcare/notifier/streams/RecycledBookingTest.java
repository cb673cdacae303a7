package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.SCHEDULED;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.TravellerPreference;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Duration;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Airlines recycle booking references: a preference bound to an earlier booking's life ({@code validUntil})
 * gives a later passenger under the same key no message (BookingLife).
 */
class RecycledBookingTest {
    private final NotifierDriver notifier = new NotifierDriver();

    @AfterEach
    void close() {
        notifier.close();
    }

    @Test
    void shouldNotMessageTheEarlierTravellerAboutALaterBookingUnderTheSameReference() {
        // The earlier booking's last flight left a week before KL1234; its preference ended two days after that.
        TravellerPreference earlier = TravellerPreference.newBuilder(optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS))
                .setValidUntil(SCHEDULED.minus(Duration.ofDays(5))).build();
        notifier.preference(earlier);
        notifier.book(travellerKey(1), FLIGHT_KEY, "Jane"); // the new passenger with the recycled reference

        notifier.flight(estimate(flight(1), 45));

        assertThat(notifier.takeRequestValues()).isEmpty();
        assertThat(notifier.metrics.count("appcare.notifier.skipped", "reason", "booking-life-over")).isEqualTo(1);
    }

    @Test
    void shouldMessageATravellerWhoseBookingIsStillAlive() {
        notifier.preference(TravellerPreference.newBuilder(optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS))
                .setValidUntil(SCHEDULED.plus(Duration.ofDays(2))).build());
        notifier.book(travellerKey(1), FLIGHT_KEY, "Jane");

        notifier.flight(estimate(flight(1), 45));

        assertThat(notifier.takeRequestValues()).singleElement()
                .satisfies(r -> assertThat(r.getRecipient()).isEqualTo(phone(1)));
    }

    @Test
    void shouldReadAPreferenceTheStoreGotFromThePreviousRelease() throws Exception {
        // Single-object encoding names the writer schema: the store and changelog of a notifier that ran the
        // released v1 (without validUntil) must stay readable after the upgrade.
        Schema released = new Schema.Parser().parse(Files.readString(Path.of("../../schemas/released/traveller-preference/v1.avsc")));
        assertThat(org.apache.avro.SchemaNormalization.parsingFingerprint64(StoredPreferences.v1()))
                .isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(released));
        TravellerPreference current = optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS);
        byte[] bytes = new BinaryMessageEncoder<TravellerPreference>(SpecificData.getForClass(TravellerPreference.class), released)
                .encode(current).array();

        TravellerPreference read = StoredPreferences.decoder().decode(bytes);

        assertThat(read.getPhoneE164()).isEqualTo(phone(1));
        assertThat(read.getValidUntil()).isNull();
    }
}
