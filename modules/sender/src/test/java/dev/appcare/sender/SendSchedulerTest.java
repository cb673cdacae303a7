package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.Priority;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SendSchedulerTest {
    private static final long PAIR = 6_000;
    private final SendScheduler scheduler = new SendScheduler(PAIR);
    private long seq;

    private SendJob job(String id, String recipient, Priority priority, int partition) {
        return new SendJob(Requests.gateChange(id, recipient, "ABC123/1").setPriority(priority).build(), seq++,
                new TopicPartition("requests", partition), seq, 0, null, new byte[0]);
    }

    private List<String> drain(long now) {
        List<String> order = new ArrayList<>();
        for (SendJob j; (j = scheduler.poll(now)) != null; ) {
            order.add(j.messageId);
        }
        return order;
    }

    @Test
    void shouldLetUrgentOvertakeNormalAndBulkAcrossPartitions() {
        scheduler.add(job("bulk-1", "+31600000001", Priority.BULK, 0));
        scheduler.add(job("normal-1", "+31600000002", Priority.NORMAL, 1));
        scheduler.add(job("bulk-2", "+31600000003", Priority.BULK, 2));
        scheduler.add(job("urgent-1", "+31600000004", Priority.URGENT, 3));
        scheduler.add(job("normal-2", "+31600000005", Priority.NORMAL, 0));
        scheduler.add(job("urgent-2", "+31600000006", Priority.URGENT, 5));

        assertThat(drain(0)).containsExactly("urgent-1", "urgent-2", "normal-1", "normal-2", "bulk-1", "bulk-2");
    }

    @Test
    void shouldSendOneMessageAtATimePerRecipientAndWaitThePairIntervalAfterTheAnswer() {
        SendJob first = job("a-1", "+31600000001", Priority.NORMAL, 0);
        scheduler.add(first);
        scheduler.add(job("a-2", "+31600000001", Priority.NORMAL, 0));
        scheduler.add(job("b-1", "+31600000002", Priority.NORMAL, 0));

        assertThat(scheduler.poll(0).messageId).isEqualTo("a-1");
        assertThat(scheduler.poll(0).messageId).as("a's lane is busy, b goes").isEqualTo("b-1");
        assertThat(scheduler.poll(0)).as("a-2 waits while a-1 is in flight").isNull();

        scheduler.finish(first, 150, true, null); // answered at t=150 ms
        assertThat(scheduler.poll(150)).isNull();
        assertThat(scheduler.nextEligibleAt(150)).isEqualTo(150 + PAIR);
        assertThat(scheduler.poll(150 + PAIR - 1)).isNull();
        assertThat(scheduler.poll(150 + PAIR).messageId).isEqualTo("a-2");
    }

    @Test
    void shouldNotStartThePairIntervalForACallThatNeverReachedWhatsApp() {
        SendJob first = job("a-1", "+31600000001", Priority.NORMAL, 0);
        scheduler.add(first);
        scheduler.add(job("a-2", "+31600000001", Priority.NORMAL, 0));
        scheduler.poll(0);
        scheduler.finish(first, 10, false, null);
        assertThat(scheduler.poll(10).messageId).isEqualTo("a-2");
    }

    @Test
    void shouldKeepARetriedJobsPlaceAheadOfLaterArrivals() {
        SendJob early = job("early", "+31600000001", Priority.NORMAL, 0);
        scheduler.add(early);
        scheduler.poll(0);
        scheduler.add(job("later", "+31600000002", Priority.NORMAL, 0));
        scheduler.finish(early, 100, false, 1_000L); // retry at t=1000
        assertThat(scheduler.poll(500).messageId).isEqualTo("later");
        assertThat(scheduler.poll(999)).isNull();
        scheduler.add(job("latest", "+31600000003", Priority.NORMAL, 0));
        assertThat(drain(1_000)).containsExactly("early", "latest");
    }

    @Test
    void shouldLetAnUrgentMessageOvertakeABulkOneForTheSameRecipient() {
        scheduler.add(job("bulk", "+31600000001", Priority.BULK, 0));
        scheduler.add(job("urgent", "+31600000001", Priority.URGENT, 0));
        assertThat(scheduler.poll(0).messageId).isEqualTo("urgent");
    }

    @Test
    void shouldRemoveAQueuedJobButNotOneInFlight() {
        scheduler.add(job("in-flight", "+31600000001", Priority.NORMAL, 0));
        scheduler.add(job("queued", "+31600000002", Priority.BULK, 0));
        scheduler.poll(0);
        assertThat(scheduler.removeQueued("in-flight")).isNull();
        assertThat(scheduler.removeQueued("queued").messageId).isEqualTo("queued");
        assertThat(scheduler.contains("queued")).isFalse();
        assertThat(scheduler.contains("in-flight")).isTrue();
        assertThat(scheduler.queued()).isZero();
        assertThat(scheduler.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldHandBackTheQueuedJobsOfRevokedPartitions() {
        scheduler.add(job("p0", "+31600000001", Priority.NORMAL, 0));
        scheduler.add(job("p1-a", "+31600000002", Priority.NORMAL, 1));
        scheduler.add(job("p1-b", "+31600000002", Priority.URGENT, 1));
        List<SendJob> removed = scheduler.removeQueuedIf(j -> j.source.partition() == 1);
        assertThat(removed).extracting(j -> j.messageId).containsExactlyInAnyOrder("p1-a", "p1-b");
        assertThat(drain(0)).containsExactly("p0");
    }

    @Test
    void shouldScaleToManyRecipients() {
        for (int i = 0; i < 20_000; i++) {
            scheduler.add(job("m" + i, "+3160" + (1_000_000 + i), i % 10 == 0 ? Priority.URGENT : Priority.BULK, i % 6));
        }
        long started = System.nanoTime();
        List<String> order = drain(0);
        assertThat(order).hasSize(20_000);
        assertThat(order.subList(0, 2_000)).allMatch(id -> Integer.parseInt(id.substring(1)) % 10 == 0);
        assertThat(System.nanoTime() - started).as("O(log n) per poll").isLessThan(2_000_000_000L);
    }

    @Test
    void shouldSendThroughOpenNumbersOnlyAndKeepEachNumbersPairInterval() {
        SendScheduler perNumber = new SendScheduler(number -> number.equals("slow") ? 10_000 : 1_000);
        SendJob a = job("a", "+31600000001", Priority.NORMAL, 0);
        a.number = "slow";
        SendJob b = job("b", "+31600000002", Priority.NORMAL, 0);
        b.number = "fast";
        SendJob urgent = job("urgent", "+31600000003", Priority.URGENT, 1);
        urgent.number = "slow";
        perNumber.add(a);
        perNumber.add(b);
        perNumber.add(urgent);

        // "slow" is closed (no token): the best job of an open number goes, whatever its rank.
        assertThat(perNumber.poll(0, n -> n.equals("fast")).messageId).isEqualTo("b");
        assertThat(perNumber.poll(0, n -> n.equals("fast"))).isNull();
        assertThat(perNumber.poll(0).messageId).isEqualTo("urgent");
        perNumber.finish(urgent, 0, true, null);
        assertThat(perNumber.poll(0).messageId).isEqualTo("a");

        // The same recipient through two numbers: two lanes, each with its number's pair interval.
        SendJob again = job("a2", "+31600000001", Priority.NORMAL, 0);
        again.number = "slow";
        SendJob viaFast = job("a3", "+31600000001", Priority.NORMAL, 0);
        viaFast.number = "fast";
        perNumber.finish(a, 0, true, null);
        perNumber.add(again);
        perNumber.add(viaFast);
        assertThat(perNumber.poll(0).messageId).isEqualTo("a3");
        assertThat(perNumber.poll(9_999)).isNull();
        assertThat(perNumber.poll(10_000).messageId).isEqualTo("a2");
    }
}
