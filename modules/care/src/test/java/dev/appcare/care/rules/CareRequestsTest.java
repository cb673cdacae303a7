package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CareRequestsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");
    private final CareRequests requests = new CareRequests("care.inbound.v1", "care.agent-reply.v1", "care_follow_up");

    @Test
    void shouldAcknowledgeWithTextThatExpiresAnHourAfterTheMessage() {
        WhatsAppRequest ack = requests.acknowledgement("+31612345678", "wamid.1", NOW, "nl", "Bedankt", "ABC123/1", NOW);

        assertThat(ack.getText()).isEqualTo("Bedankt");
        assertThat(ack.getTemplateName()).isEmpty();
        assertThat(ack.getKind()).isEqualTo(MessageKind.CARE_REPLY);
        assertThat(ack.getRecipient()).isEqualTo("+31612345678");
        assertThat(ack.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(ack.getCorrelation().getTravellerKey()).isEqualTo("ABC123/1");
        assertThat(ack.getCorrelation().getSourceEventId()).isEqualTo("wamid.1");
        assertThat(ack.getMessageId()).startsWith("care-reply-")
                .isEqualTo(requests.acknowledgement("+31612345678", "wamid.1", NOW, "nl", "other", null, NOW.plusSeconds(5)).getMessageId());
    }

    @Test
    void shouldSendAnAgentsTextUntilTheWindowClosesAndOtherwiseTheTemplate() {
        WhatsAppRequest text = requests.agentText("+31612345678", "r-1", "nl", "Uw koffer is gevonden.", null,
                NOW.minus(Duration.ofHours(2)), NOW);
        assertThat(text.getText()).isEqualTo("Uw koffer is gevonden.");
        assertThat(text.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofHours(22)));

        WhatsAppRequest template = requests.followUpTemplate("+31612345678", "r-1", "nl", null, NOW);
        assertThat(template.getText()).isNull();
        assertThat(template.getTemplateName()).isEqualTo("care_follow_up");
        assertThat(template.getLanguage()).isEqualTo("nl");
        assertThat(template.getParameters()).isEmpty();
        assertThat(template.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofDays(3)));
        assertThat(template.getMessageId()).isNotEqualTo(text.getMessageId());
    }
}
