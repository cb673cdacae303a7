package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.ConversationState;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareApp;
import dev.appcare.model.Keys;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The care channel end to end on the real broker and registry: the simulator posts signed inbound
 * webhooks to the sender, the sender puts them on {@code care.inbound.v1}, care answers through
 * {@code notify.whatsapp-request.v1}, the sender delivers to the simulator. One scenario clock is the
 * simulator's, the sender's and care's, so "10:00 in Amsterdam" and "25 hours later" do not depend on
 * when the test runs; it only moves forward. The day is two days back from today (skipping the dates
 * the shipped settings mark as holidays), so any run date works.
 */
@IntegrationTest
class CareEndToEndIT {
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final String ANNA = "+31687650101";
    private static final String SANNE = "+31687650102";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Set<MonthDay> HOLIDAYS = Set.of(MonthDay.of(1, 1), MonthDay.of(4, 27), MonthDay.of(12, 24),
            MonthDay.of(12, 25), MonthDay.of(12, 26), MonthDay.of(12, 31));

    /** Real time shifted to the scenario's instant; {@link #set} moves it (forward only in this test). */
    static final class ScenarioClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void set(Instant scenarioNow) {
            offsetMillis.set(scenarioNow.toEpochMilli() - System.currentTimeMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMillis.get();
        }
    }

    @Test
    void shouldAcknowledgeHandOffAndDeliverAgentRepliesInsideAndOutsideTheWindow(RealInfrastructure infra) throws Exception {
        String bootstrap = infra.broker().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, Topics.ALL, 2, (short) 1).apply();
        }
        LocalDate day = LocalDate.now(AMSTERDAM).minusDays(2);
        while (HOLIDAYS.contains(MonthDay.from(day)) || HOLIDAYS.contains(MonthDay.from(day.plusDays(1)))) {
            day = day.minusDays(1);
        }
        ScenarioClock clock = new ScenarioClock();
        clock.set(day.atTime(9, 50).atZone(AMSTERDAM).toInstant());
        Map<String, String> common = Map.of("kafka.bootstrap.servers", bootstrap, "schema.registry.url", infra.registry().url());
        int webhookPort = freePort();
        try (WhatsAppSimulator whatsapp = SimulatedWhatsApp.builder().webhookUrl(SimulatedWhatsApp.webhookUrl(webhookPort)).start();
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "acks", "all"), new StringSerializer(), serializer(infra));
             KafkaConsumer<String, CareHandoff> handoffs = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                     "group.id", "care-e2e-desk", "auto.offset.reset", "earliest"), new StringDeserializer(),
                     deserializer(infra, CareHandoff.class))) {
            whatsapp.clock(clock);
            handoffs.subscribe(List.of(Topics.CARE_HANDOFF.name()));
            try (LocalAppCare local = LocalAppCare.with(common).clock(clock)
                    .sender(SimulatedWhatsApp.sender(whatsapp, "care-e2e-sender", webhookPort))
                    .care(Map.of("care.application.id", "care-e2e",
                            "care.health.port", String.valueOf(freePort()),
                            "care.state.dir", Files.createTempDirectory("care-e2e").toString()))
                    .start()) {
                CareApp care = local.care();
                // Anna is booked on a delayed flight, opted in, and was told about a gate change.
                String flight = Keys.flightKey("KL", "1001", day, "AMS");
                Instant departure = day.atTime(14, 5).atZone(AMSTERDAM).toInstant();
                producer.send(new ProducerRecord<>(Topics.TRAVELLER_PREFERENCE.name(), "CARE42/1", preference(clock))).get();
                producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("CARE42/1", flight),
                        PassengerSegment.newBuilder().setTravellerKey("CARE42/1").setFlightKey(flight)
                                .setStatus(SegmentStatus.ACTIVE).setGivenName("Anna").setUpdatedAt(clock.instant()).build())).get();
                producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), flight, flightEvent(flight, day, departure, clock))).get();
                producer.send(new ProducerRecord<>(Topics.WHATSAPP_REQUEST.name(), ANNA, gateChange(flight, clock))).get();
                await(() -> whatsapp.acceptedFor(ANNA), l -> l.size() == 1, "the gate change delivered");
                await(() -> care.metrics().count("sent-remembered"), n -> n >= 1, "care saw what Anna was sent");

                // 10:00 Amsterdam: a question the FAQ cannot answer goes to an agent, with Anna's flight.
                clock.set(day.atTime(10, 0).atZone(AMSTERDAM).toInstant());
                String question = whatsapp.simulateInboundText(ANNA, "I need to change the name on my ticket");
                SentMessage ack = await(() -> texts(whatsapp, ANNA), l -> l.size() == 1, "Anna's acknowledgement").get(0);
                assertThat(ack.text()).isEqualTo("""
                        Thanks for your message. An agent is available now and usually answers within 30 minutes.
                        Complex questions can take longer.
                        How we handle your data: https://appcare.example/en/privacy""");
                CareHandoff handoff = awaitHandoff(handoffs, h -> h.getPhone().equals(ANNA)
                        && h.getState() == ConversationState.WAITING_ON_AGENT);
                assertThat(handoff.getReason()).isEqualTo("no-faq-match");
                assertThat(handoff.getAgentsAvailable()).isTrue();
                assertThat(handoff.getTravellerKeys()).containsExactly("CARE42/1");
                assertThat(handoff.getFlights()).singleElement().satisfies(f -> {
                    assertThat(f.getFlightKey()).isEqualTo(flight);
                    assertThat(f.getStatus()).isEqualTo("DELAYED");
                    assertThat(f.getGate()).isEqualTo("D7");
                    assertThat(f.getEstimatedDeparture()).isEqualTo(departure.plus(Duration.ofMinutes(45)));
                });
                assertThat(handoff.getSent()).extracting(s -> s.getTemplateName()).contains("gate_change");
                assertThat(handoff.getInbound()).extracting(n -> n.getWamid() + " " + n.getText())
                        .containsExactly(question + " I need to change the name on my ticket");

                // 10:05: the agent answers inside the window: free-form text, delivered.
                clock.set(day.atTime(10, 5).atZone(AMSTERDAM).toInstant());
                agentReply(producer, ANNA, "reply-1", "Hi Anna, the name is changed; a new confirmation is on its way.", clock);
                SentMessage answer = await(() -> texts(whatsapp, ANNA), l -> l.size() == 2, "the agent's answer").get(1);
                assertThat(answer.text()).isEqualTo("Hi Anna, the name is changed; a new confirmation is on its way.");
                assertThat(answer.asyncFailureCode()).as("inside the window").isNull();

                // 23:00 Amsterdam: after hours, a Dutch baggage question is answered from the FAQ within 5 s.
                clock.set(day.atTime(23, 0).atZone(AMSTERDAM).toInstant());
                long asked = System.nanoTime();
                whatsapp.simulateInboundText(SANNE, "Hoeveel bagage mag ik meenemen?");
                SentMessage afterHours = await(() -> texts(whatsapp, SANNE), l -> l.size() == 1, "Sanne's answer").get(0);
                Duration took = Duration.ofNanos(System.nanoTime() - asked);
                System.out.printf("care e2e: after-hours FAQ answer delivered to the simulator in %d ms%n", took.toMillis());
                assertThat(took).isLessThan(Duration.ofSeconds(5));
                assertThat(afterHours.text()).startsWith("Bedankt voor je bericht. Onze medewerkers zijn bereikbaar ")
                        .contains("(Amsterdam tijd). We antwoorden vanaf ")
                        .contains("• Economy: 1 ingecheckte koffer tot 23 kg en 1 stuk handbagage tot 12 kg. https://appcare.example/nl/bagage")
                        .endsWith("Zo gaan we om met je gegevens: https://appcare.example/nl/privacy");

                // The next day, 25 hours after Anna last wrote: an agent's answer goes as the care_follow_up template ...
                clock.set(day.plusDays(1).atTime(11, 0).atZone(AMSTERDAM).toInstant());
                agentReply(producer, ANNA, "reply-2", "Your refund has been approved.", clock);
                SentMessage followUp = await(() -> whatsapp.acceptedFor(ANNA),
                        l -> l.stream().anyMatch(m -> "care_follow_up".equals(m.templateName())), "the follow-up template")
                        .stream().filter(m -> "care_follow_up".equals(m.templateName())).findFirst().orElseThrow();
                assertThat(followUp.type()).isEqualTo("template");
                assertThat(followUp.language()).isEqualTo("en");
                assertThat(whatsapp.rejectionCount(131047)).isZero();
                // ... and once she replies (the window opens), the held answer follows as text.
                whatsapp.simulateInboundText(ANNA, "Yes?");
                SentMessage held = await(() -> texts(whatsapp, ANNA), l -> l.size() == 3, "the held answer").get(2);
                assertThat(held.text()).isEqualTo("Your refund has been approved.");
                assertThat(held.asyncFailureCode()).isNull();
                assertThat(whatsapp.accepted()).noneMatch(m -> m.asyncFailureCode() != null);
            }
        }
    }

    private static List<SentMessage> texts(WhatsAppSimulator whatsapp, String phone) {
        return whatsapp.acceptedFor(phone).stream().filter(m -> "text".equals(m.type())).toList();
    }

    private static <T> T await(Supplier<T> value, Predicate<T> done, String what) throws InterruptedException {
        return dev.appcare.testkit.Await.value(value, done, WAIT, what);
    }

    private static CareHandoff awaitHandoff(KafkaConsumer<String, CareHandoff> consumer, Predicate<CareHandoff> wanted) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<CareHandoff> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, CareHandoff> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(r.value());
                if (wanted.test(r.value())) {
                    return r.value();
                }
            }
        }
        throw new AssertionError("no matching hand-off within " + WAIT + "; saw " + seen);
    }

    private static void agentReply(KafkaProducer<String, SpecificRecord> producer, String phone, String id, String text,
                                   Clock clock) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CARE_AGENT_REPLY.name(), phone, CareAgentReply.newBuilder().setReplyId(id)
                .setPhone(phone).setAgentId("desk-7").setText(text).setWrittenAt(clock.instant()).build())).get();
    }

    private static TravellerPreference preference(Clock clock) {
        return TravellerPreference.newBuilder().setTravellerKey("CARE42/1").setPhoneE164(ANNA).setLocale("en_GB")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.GATE_CHANGE, MessageKind.DELAY))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(clock.instant().minus(Duration.ofDays(3)))
                        .setChannel("booking-web").setTextVersion("v1").build())
                .setUpdatedAt(clock.instant()).build();
    }

    private static WhatsAppRequest gateChange(String flight, Clock clock) {
        return WhatsAppRequest.newBuilder().setMessageId("gate-change-care-e2e").setKind(MessageKind.GATE_CHANGE)
                .setRecipient(ANNA).setTemplateName("gate_change").setLanguage("en_GB")
                .setParameters(List.of(param("Anna"), param("KL1001"), param("D7"), param("14:50")))
                .setPriority(Priority.URGENT).setCreatedAt(clock.instant()).setExpiresAt(clock.instant().plus(Duration.ofHours(4)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey("CARE42/1").setFlightKey(flight)
                        .setSourceTopic(Topics.FLIGHT_STATUS.name()).setSourceEventId("care-e2e-1").build())
                .build();
    }

    private static TemplateParameter param(String value) {
        return TemplateParameter.newBuilder().setValue(value).build();
    }

    private static FlightStatusEvent flightEvent(String flight, LocalDate day, Instant departure, Clock clock) {
        return FlightStatusEvent.newBuilder().setEventId("care-e2e-flight").setEventTime(clock.instant()).setSequence(1)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber("1001").setOriginDate(day)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(departure).setEstimated(departure.plus(Duration.ofMinutes(45))).setGate("D7").build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(Duration.ofMinutes(80))).build())
                .setStatus(FlightStatus.DELAYED).setSource("it").build();
    }

    @SuppressWarnings("unchecked")
    private static AvroSerializer<SpecificRecord> serializer(RealInfrastructure infra) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        return serializer;
    }

    private static <T extends SpecificRecord> AvroDeserializer<T> deserializer(RealInfrastructure infra, Class<T> type) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        return deserializer;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
