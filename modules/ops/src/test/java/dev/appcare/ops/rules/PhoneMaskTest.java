package dev.appcare.ops.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneMaskTest {

    @Test
    void shouldKeepOnlyTheCountryCodeAndTheLastTwoDigits() {
        assertThat(PhoneMask.mask("+31612345678")).isEqualTo("+31*******78");
        assertThat(PhoneMask.mask("+447700900123")).isEqualTo("+44********23");
        assertThat(PhoneMask.mask("123")).isEqualTo("***");
        assertThat(PhoneMask.mask(null)).isNull();
    }

    @Test
    void shouldMaskNumbersInsideText() {
        assertThat(PhoneMask.maskIn("recipient +31612345678 is not on WhatsApp (131026)"))
                .isEqualTo("recipient +31*******78 is not on WhatsApp (131026)");
    }
}
