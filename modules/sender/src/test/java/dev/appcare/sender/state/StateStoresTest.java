package dev.appcare.sender.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The on-disk state: what a store keeps, what erasure leaves on disk, and what a dead instance leaves. */
class StateStoresTest {
    private static final String PHONE = "+31687654321";
    private final StateFixtures state = new StateFixtures();

    @AfterEach
    void close() {
        state.close();
    }

    private static TravellerPreference optedIn(String travellerKey, String phone) {
        return TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone).setLocale("nl")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.DELAY))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.EPOCH).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void shouldFindTravellersByKeyAndByNumberAndForgetAnErasedOne() {
        state.preference(optedIn("ABC123/1", PHONE));
        state.preference(optedIn("ABC123/2", PHONE));
        state.preference(optedIn("XYZ999/1", "+31600000001"));
        assertThat(state.preferences.travellerCount()).isEqualTo(3);
        assertThat(state.preferences.forPhone(PHONE)).extracting(TravellerPreference::getTravellerKey)
                .containsExactlyInAnyOrder("ABC123/1", "ABC123/2");

        state.erase("ABC123/1");
        state.preference(optedIn("ABC123/2", "+31600000002")); // changed number

        assertThat(state.preferences.get("ABC123/1")).isNull();
        assertThat(state.preferences.forPhone(PHONE)).isEmpty();
        assertThat(state.preferences.knowsPhone(PHONE)).isFalse();
        assertThat(state.preferences.forPhone("+31600000002")).extracting(TravellerPreference::getTravellerKey)
                .containsExactly("ABC123/2");
        assertThat(state.preferences.travellerCount()).isEqualTo(2);
    }

    @Test
    void shouldLeaveNoTraceOfAnErasedNumberOnDiskOnceCompacted() throws IOException {
        state.preference(optedIn("ABC123/1", PHONE));
        state.preferences.compactForErasure(); // nothing erased yet: a no-op
        state.erase("NOBODY/1");
        assertThat(state.preferences.compactForErasure()).as("nothing held was erased").isFalse();

        // Written to files (flush): the check below can see a number on disk.
        forceFlush();
        assertThat(filesContaining(state.stores.dir(), PHONE)).as("the number is on disk before erasure").isNotEmpty();

        state.erase("ABC123/1");
        assertThat(state.preferences.compactForErasure()).isTrue();

        assertThat(filesContaining(state.stores.dir(), PHONE)).as("files still holding the erased number").isEmpty();
        assertThat(state.preferences.get("ABC123/1")).isNull();
    }

    @Test
    void shouldDeleteTheStateOfAnInstanceThatIsGoneButNotOfALiveOne() throws IOException {
        Path root = Files.createTempDirectory("sender-state-sweep");
        Path dead = Files.createDirectories(root.resolve("killed-instance"));
        Files.writeString(dead.resolve("000001.sst"), PHONE);
        Files.createFile(dead.resolve(".lock"));
        Files.setLastModifiedTime(dead.resolve(".lock"), FileTime.from(Instant.now().minusSeconds(3600)));

        try (StateStores live = new StateStores(root, "live", 16L << 20);
             StateStores second = new StateStores(root, "second", 16L << 20)) {
            assertThat(dead).doesNotExist();
            assertThat(live.dir()).exists();
            assertThat(second.dir()).exists();
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("stopped instances delete their own directory").isEmpty();
        }
    }

    @Test
    void shouldKeepLedgerEntriesOnDiskPerHeldPartitionAndDropThemWithThePartition() throws Exception {
        state.ledger.record(0, LedgerEntries.entry("m-1", LedgerState.ACCEPTED, 1, "wamid.1", 10)).get();
        state.ledger.record(0, LedgerEntries.entry("m-2", LedgerState.DROPPED, 1, null, 10)).get();
        assertThat(state.ledger.size()).isEqualTo(2);
        assertThat(state.ledger.get("m-1").getWamid()).isEqualTo("wamid.1");
        assertThat(state.ledger.messageIdForWamid("wamid.1")).isEqualTo("m-1");
        assertThat(state.ledger.partitionOf("m-2")).isZero();
        assertThat(state.ledger.pruneExpired(100, java.time.Duration.ofMillis(50))).containsExactlyInAnyOrder("m-1", "m-2");
        assertThat(state.ledger.size()).isZero();
        assertThat(state.ledger.messageIdForWamid("wamid.1")).isNull();
    }

    @Test
    void shouldRouteWebhookEvidenceToThePartitionKafkasProducerPutsTheRequestIn() {
        for (String phone : List.of("+31612345678", "+16505551234", "+5511987654321", "+447700900123")) {
            for (int partitions : new int[] {1, 3, 6, 12}) {
                assertThat(SendLedger.partitionForRecipient(phone, partitions)).as(phone + " of " + partitions)
                        .isEqualTo(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                                phone.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    /** Flushes the preference store's memtable to a file by compacting it (which flushes first). */
    private void forceFlush() {
        state.preferences.compactForTest();
    }

    private static List<Path> filesContaining(Path dir, String text) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            // ISO-8859-1 maps every byte to one char, so a raw file can be searched as a string.
            return files.filter(Files::isRegularFile)
                    .filter(p -> new String(read(p), StandardCharsets.ISO_8859_1).contains(text)).toList();
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0]; // removed by a compaction meanwhile
        }
    }
}
