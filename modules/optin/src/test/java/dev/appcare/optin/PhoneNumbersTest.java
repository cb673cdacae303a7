package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumbersTest {

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "+31612345678,          -,  +31612345678",
            "+31 6 12345678,        -,  +31612345678",
            "+31 (0)6-1234 5678,    -,  +31612345678",
            "06 12345678,           NL, +31612345678",
            "06-12345678,           nl, +31612345678",
            "0031612345678,         NL, +31612345678",
            "07400 123456,          GB, +447400123456",
            "+44 7400 123456,       FR, +447400123456",
            "+1 650 253 0000,       -,  +16502530000",
            "(650) 253-0000,        US, +16502530000",
            "+55 11 96123 4567,     -,  +5511961234567"})
    void shouldNormaliseMobileNumbersToE164(String raw, String region, String e164) {
        PhoneNumbers.Result result = PhoneNumbers.normalise(raw, region);

        assertThat(result.rejection()).isNull();
        assertThat(result.e164()).isEqualTo(e164);
    }

    @ParameterizedTest(name = "{0} in {1}: {2} {3}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "06 12345678        | -   | phone  | not in international format",
            "+31 20 123 4567    | -   | phone  | is a fixed line number",
            "020 123 4567       | NL  | phone  | is a fixed line number",
            "+31 800 1234       | -   | phone  | is a toll free number",
            "+31 612345         | -   | phone  | is not a valid number",
            "+999 612345678     | -   | phone  | unknown country code",
            "+31 6 CALL ME      | -   | phone  | may only contain digits",
            "+31612345678 x12   | -   | phone  | may only contain digits",
            "+31612345678;ext=1 | -   | phone  | may only contain digits",
            "'   '              | -   | phone  | is required",
            "06 12345678        | XX  | region | is not a known ISO 3166-1",
            "06 12345678        | NLD | region | is not a known ISO 3166-1",
            "+316123456789012345678901234567890123456789 | - | phone | longer than 40"})
    void shouldRejectNumbersThatCannotReceiveWhatsApp(String raw, String region, String field, String reason) {
        PhoneNumbers.Result result = PhoneNumbers.normalise(raw, region);

        assertThat(result.valid()).isFalse();
        assertThat(result.rejection().field()).isEqualTo(field);
        assertThat(result.rejection().reason()).contains(reason);
    }
}
