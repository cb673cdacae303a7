package dev.appcare.sender.it;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.Requests;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The notifier and the opt-in API write requests and preferences in transactions: the sender reads only
 * what was committed (isolation.level=read_committed), so an aborted transaction sends nothing and an
 * aborted opt-in is no consent.
 */
@IntegrationTest
class SenderTransactionsIT {

    private static KafkaProducer<String, byte[]> transactional(SenderHarness h) {
        Map<String, Object> p = h.infra.broker().producerProperties();
        p.put("transactional.id", TestNames.unique("tx"));
        p.put("max.in.flight.requests.per.connection", 1);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static ProducerRecord<String, byte[]> requestRecord(SenderHarness h, WhatsAppRequest request) {
        return new ProducerRecord<>(h.topics.name(Topics.WHATSAPP_REQUEST), request.getRecipient(),
                Topics.WHATSAPP_REQUEST.valueSerde(h.serde).serializer().serialize(h.topics.name(Topics.WHATSAPP_REQUEST), request));
    }

    private static ProducerRecord<String, byte[]> preferenceRecord(SenderHarness h, String travellerKey, String phone) {
        TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(travellerKey)
                .setPhoneE164(phone).setLocale("en").setStatus(OptInStatus.OPTED_IN)
                .setKinds(List.of(MessageKind.values()))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.now()).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(Instant.now()).build();
        return new ProducerRecord<>(h.topics.name(Topics.TRAVELLER_PREFERENCE), travellerKey,
                Topics.TRAVELLER_PREFERENCE.valueSerde(h.serde).serializer().serialize(h.topics.name(Topics.TRAVELLER_PREFERENCE), preference));
    }

    private static Set<String> acceptedIds(SenderHarness h) {
        return h.sim.accepted().stream().map(SentMessage::bizOpaqueCallbackData).collect(Collectors.toSet());
    }

    @Test
    void shouldSendNothingOfAnAbortedTransactionOnTheRequestTopic(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(200).latency(Duration.ofMillis(5)));
            List<WhatsAppRequest> aborted = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                h.optIn("abort/" + i, phone(5000 + i));
                aborted.add(Requests.gateChange("aborted-" + i, phone(5000 + i), "abort/" + i).build());
            }
            h.optIn("commit/1", phone(5100));
            h.flush();
            // The sender is already reading while the doomed transaction is open (as when a notifier dies
            // mid-transaction): it must neither send its requests nor wait for them forever.
            h.startSender(Map.of());
            try (KafkaProducer<String, byte[]> notifier = transactional(h)) {
                notifier.beginTransaction();
                for (WhatsAppRequest r : aborted) {
                    notifier.send(requestRecord(h, r));
                }
                notifier.flush();
                notifier.abortTransaction();
                notifier.beginTransaction();
                notifier.send(requestRecord(h, Requests.gateChange("committed-1", phone(5100), "commit/1").build()));
                notifier.commitTransaction();
            }

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(List.of("committed-1"), Duration.ofSeconds(60));

            assertThat(decisions.get("committed-1").getStatus()).isEqualTo(DeliveryState.ACCEPTED);
            assertThat(acceptedIds(h)).as("accepted by WhatsApp").containsExactly("committed-1");
            assertThat(h.decisions()).as("decisions").containsOnlyKeys("committed-1");
        }
    }

    @Test
    void shouldGiveARolledBackOptInNoConfirmationAndNoConsent(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(200).latency(Duration.ofMillis(5)));
            h.startSender(Map.of());
            String traveller = "ROLLBK/1";
            String phone = phone(5200);
            WhatsAppRequest confirmation = Requests.gateChange("optin-confirmation-rollbk", phone, traveller)
                    .setKind(MessageKind.OPTIN_CONFIRMATION).setTemplateName("optin_confirmation")
                    .setParameters(Requests.params("ROLLBK")).setPriority(Priority.URGENT).build();
            // The opt-in API writes the preference and its confirmation request in one transaction.
            try (KafkaProducer<String, byte[]> optin = transactional(h)) {
                optin.beginTransaction();
                optin.send(preferenceRecord(h, traveller, phone));
                optin.send(requestRecord(h, confirmation));
                optin.flush();
                optin.abortTransaction();
            }
            // A later, committed request for the same traveller: the aborted opt-in is no consent.
            h.request(Requests.gateChange("gate-after-rollback", phone, traveller).build());
            h.optIn("OTHER1/1", phone(5201));
            h.request(Requests.gateChange("gate-other", phone(5201), "OTHER1/1").build());
            h.flush();

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(List.of("gate-after-rollback", "gate-other"),
                    Duration.ofSeconds(60));

            assertThat(decisions.get("gate-after-rollback").getStatus()).isEqualTo(DeliveryState.OPTED_OUT);
            assertThat(decisions.get("gate-other").getStatus()).isEqualTo(DeliveryState.ACCEPTED);
            assertThat(decisions).as("the confirmation was never seen").doesNotContainKey("optin-confirmation-rollbk");
            assertThat(acceptedIds(h)).containsExactly("gate-other");
        }
    }
}
