package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class TravellerKeyTest {

    @Test
    void shouldKeepBookingReferencesInCapitals() {
        assertThat(TravellerKey.of("abc123", "1").key()).isEqualTo("ABC123/1");
    }

    @Test
    void shouldNameBothPathParametersWhenBothAreWrong() {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> TravellerKey.of("AB", "1/2"));

        assertThat(problem.invalidParams()).extracting(InvalidParam::name).containsExactly("pnr", "passengerId");
    }
}
