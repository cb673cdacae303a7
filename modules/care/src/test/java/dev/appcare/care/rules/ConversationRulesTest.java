package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConversationState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversationRulesTest {

    @ParameterizedTest(name = "{0} --{1}--> {2}")
    @CsvSource(nullValues = "-", value = {
            "-,                SELF_SERVED, OPEN",
            "-,                NEEDS_AGENT, WAITING_ON_AGENT",
            "CLOSED,           SELF_SERVED, OPEN",
            "OPEN,             SELF_SERVED, OPEN",
            "OPEN,             NEEDS_AGENT, WAITING_ON_AGENT",
            "WAITING_ON_AGENT, SELF_SERVED, WAITING_ON_AGENT",
            "WAITING_ON_AGENT, NEEDS_AGENT, WAITING_ON_AGENT",
            "ANSWERED,         NEEDS_AGENT, WAITING_ON_AGENT",
            "WAITING_ON_AGENT, AGENT_REPLY, ANSWERED",
            "OPEN,             AGENT_REPLY, ANSWERED",
            "-,                AGENT_REPLY, ANSWERED",
            "ANSWERED,         AGENT_CLOSE, CLOSED",
            "WAITING_ON_AGENT, AGENT_CLOSE, CLOSED",
    })
    void shouldMoveBetweenStates(ConversationState from, ConversationRules.Trigger trigger, ConversationState to) {
        assertThat(ConversationRules.next(from, trigger)).isEqualTo(to);
    }

    @Test
    void shouldStartANewConversationAfterClosingOrIdling() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Duration idle = Duration.ofHours(24);
        assertThat(ConversationRules.startsNew(null, null, now, idle)).isTrue();
        assertThat(ConversationRules.startsNew(ConversationState.CLOSED, now, now, idle)).isTrue();
        assertThat(ConversationRules.startsNew(ConversationState.WAITING_ON_AGENT, now.minus(Duration.ofHours(23)), now, idle)).isFalse();
        assertThat(ConversationRules.startsNew(ConversationState.ANSWERED, now.minus(Duration.ofHours(25)), now, idle)).isTrue();
    }

    @Test
    void shouldKeepTheWindowOpenForExactlyTwentyFourHours() {
        Instant last = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(ServiceWindow.isOpen(last, last.plus(Duration.ofHours(24)).minusMillis(1))).isTrue();
        assertThat(ServiceWindow.isOpen(last, last.plus(Duration.ofHours(24)))).isFalse();
        assertThat(ServiceWindow.isOpen(null, last)).as("never wrote").isFalse();
    }
}
