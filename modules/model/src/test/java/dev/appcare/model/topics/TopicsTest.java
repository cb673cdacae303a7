package dev.appcare.model.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldNameEveryTopicOnceWithAVersionSuffix() {
        assertThat(Topics.ALL).extracting(TopicSpec::name).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches("[a-z][a-z.-]*\\.v\\d+"));
    }

    @Test
    void shouldAppendTheSuffixToEveryContractNameAndNothingInProduction() {
        TopicNames test = Topics.withSuffix("-test");
        assertThat(test.name(Topics.FLIGHT_STATUS)).isEqualTo("flight.status.v1-test");
        assertThat(test.names(List.of(Topics.CARE_INBOUND, Topics.WHATSAPP_REQUEST)))
                .containsExactly("care.inbound.v1-test", "notify.whatsapp-request.v1-test");
        assertThat(Topics.contract().names(Topics.ALL)).isEqualTo(Topics.ALL.stream().map(TopicSpec::name).toList());
        assertThat(Topics.withSuffix(null)).isEqualTo(Topics.contract());
        assertThat(Topics.contract().suffix()).isEmpty();
    }

    @Test
    void shouldTakeATopicGivenByItsContractNameOrItsDeployedNameAsTheSameTopic() {
        TopicNames test = Topics.withSuffix("-test");
        assertThat(test.deployed("flight.status.v1")).isEqualTo("flight.status.v1-test");
        assertThat(test.deployed("flight.status.v1-test")).isEqualTo("flight.status.v1-test");
        assertThat(test.spec("flight.status.v1")).contains(Topics.FLIGHT_STATUS);
        assertThat(test.spec("flight.boarding-pass.v1-test")).contains(Topics.BOARDING_PASS);
        assertThat(test.spec("flight.status.v2")).isEmpty();
        assertThat(test.spec("flight.status.v1-prod")).isEmpty();
        assertThat(Topics.contract().deployed("flight.status.v1")).isEqualTo("flight.status.v1");
        assertThat(Topics.contract().spec("flight.status.v1-test")).isEmpty();
        assertThat(Topics.contract().spec("flight.status.v1")).contains(Topics.FLIGHT_STATUS);
    }

    @Test
    void shouldKnowAContractTopicWithoutPersonalDataUnderASuffixedName() {
        TopicNames test = Topics.withSuffix("-test");
        assertThat(Topics.mayHoldPersonalData(test.name(Topics.FLIGHT_STATUS))).isFalse();
        assertThat(Topics.mayHoldPersonalData(test.name(Topics.NOTIFIER_DLQ))).isFalse();
        assertThat(Topics.mayHoldPersonalData(test.name(Topics.WHATSAPP_REQUEST))).isTrue();
        assertThat(Topics.mayHoldPersonalData("appcare-notifier-flight-status-by-flight-repartition")).isTrue();
    }

    @Test
    void shouldCompactTheTablesAndKeepTheStreamsForAWhile() {
        assertThat(Topics.ALL).filteredOn(t -> t.cleanup() == CleanupPolicy.COMPACT).extracting(TopicSpec::name)
                .containsExactlyInAnyOrder("booking.passenger-segment.v1", "traveller.preference.v1", "sender.ledger.v1");
        assertThat(Topics.PASSENGER_SEGMENT.configs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("retention.ms", "-1");
        assertThat(Topics.FLIGHT_STATUS.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(7L * 24 * 3600 * 1000));
    }

    @Test
    void shouldDocumentEveryTopicInTheReadme() throws IOException {
        Path readme = Path.of("../../README.md");
        String text = Files.readString(readme);
        assertThat(Topics.ALL).allSatisfy(t -> assertThat(text).as("README documents %s", t.name()).contains("`" + t.name() + "`"));
    }

    @Test
    void shouldKeepTheErasureAuditAYearAsTheReadmeAndThePrivacyMapSay() throws IOException {
        assertThat(Topics.ERASURE_AUDIT.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(365L * 24 * 3600 * 1000));
        assertThat(Topics.ERASURE_AUDIT.personalData()).as("no phone number, no name").isFalse();
        String row = Files.readString(Path.of("../../README.md")).lines()
                .filter(l -> l.startsWith("| `privacy.erasure-audit.v1` |")).findFirst().orElseThrow();
        assertThat(row.split("\\|")).extracting(String::strip).contains("`ErasureAuditRecord` (who: the API key's name, when, "
                + "which instance; no phone, no name)", "delete", "365 d");
        String privacyRow = Files.readString(Path.of("../../docs/privacy.md")).lines()
                .filter(l -> l.startsWith("| `privacy.erasure-audit.v1` |")).findFirst().orElseThrow();
        assertThat(privacyRow).contains("| 365 d |");
    }
}
