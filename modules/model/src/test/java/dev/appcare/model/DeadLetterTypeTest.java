package dev.appcare.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.model.serde.BadRecordException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The dead letters' {@code errorType} names are a contract: dashboards and metrics tags, the ops redrive tally
 * and trace, and docs/notifier.md, care.md and sender.md read them as strings. This list is written out on
 * purpose, so that adding, renaming or removing a type shows up here as a change of that contract.
 */
class DeadLetterTypeTest {

    @Test
    void shouldKeepExactlyTheWireNamesTheRolesWrite() {
        assertThat(Arrays.stream(DeadLetterType.values()).map(Enum::name)).containsExactlyInAnyOrder(
                // the bytes do not decode
                "EMPTY", "BAD_MAGIC_BYTE", "TRUNCATED", "UNKNOWN_SCHEMA_ID", "INCOMPATIBLE_SCHEMA", "MALFORMED",
                // input rules
                "UNKNOWN_FLIGHT", "UNKNOWN_AIRPORT", "UNKNOWN_TIME_ZONE", "MISSING_FIELD", "MISSING_VALUE",
                "INVALID_KEY", "INVALID_FIELD", "INVALID_PREFERENCE", "INVALID_BOARDING_PASS", "FIELD_TOO_LONG",
                "IMPLAUSIBLE_TIME", "REQUEST_TOO_LARGE",
                // the notifier's exception handlers
                "PROCESSING_ERROR", "UNREADABLE_INTERNAL_RECORD", "RECORD_TOO_LARGE", "INVALID_RECORD",
                "SERIALIZATION_ERROR",
                // care
                "UNREADABLE", "BAD_PHONE", "BAD_REPLY",
                // sender
                "WHATSAPP_TERMINAL", "LEDGER_CONFLICT");
    }

    @Test
    void shouldDeadLetterUndecodableBytesUnderTheNameOfTheirReason() {
        for (BadRecordException.Reason reason : BadRecordException.Reason.values()) {
            assertThat(reason.errorType().name()).as(reason.name()).isEqualTo(reason.name());
        }
    }
}
