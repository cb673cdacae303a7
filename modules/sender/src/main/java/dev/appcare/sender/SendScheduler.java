package dev.appcare.sender;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Which request to send next, across every partition this instance owns: the most urgent one whose
 * recipient may receive a message now.
 *
 * <ul>
 *   <li>Priority (rule N9): URGENT before NORMAL before BULK; within a priority, arrival order (a retry keeps
 *       its original place).</li>
 *   <li>Pair rate (rule S2): one <em>lane</em> per recipient; a lane sends one request at a time, and not
 *       before {@code pairInterval} after its previous call was answered. Measuring from the answer
 *       rather than from the start means WhatsApp sees the two calls at least that far apart whatever the
 *       latency.</li>
 *   <li>Within a lane, the same priority order; a job in retry backoff holds its lane (a recipient's
 *       messages keep their order).</li>
 * </ul>
 *
 * A lane belongs to one business number ({@link SendJob#number}): the pair rate is per number and
 * recipient, and a number may be closed (its pacer empty, paused) while others send. Lanes that can send
 * now sit in their number's {@code ready} set, ordered by their best job; the others in {@code waiting},
 * ordered by when they can. {@link #poll(long, Predicate)} takes the best head among the open numbers'
 * ready sets. Every operation is O(log lanes + numbers). Not thread-safe: the {@link SendPipeline} holds
 * its lock around every call.
 */
final class SendScheduler {
    private static final Comparator<SendJob> JOB_ORDER =
            Comparator.<SendJob>comparingInt(j -> j.rank).thenComparingLong(j -> j.seq);

    private enum Where { NONE, READY, WAITING }

    private static final class Lane {
        final String recipient;
        final String number;
        final long id;
        final TreeSet<SendJob> jobs = new TreeSet<>(JOB_ORDER);
        boolean busy;
        long nextAllowedAt;
        long eligibleAt;
        Where where = Where.NONE;

        Lane(String recipient, String number, long id) {
            this.recipient = recipient;
            this.number = number;
            this.id = id;
        }

        SendJob head() {
            return jobs.first();
        }
    }

    private static final Comparator<Lane> READY_ORDER =
            Comparator.<Lane, SendJob>comparing(Lane::head, JOB_ORDER).thenComparingLong(l -> l.id);
    private static final Comparator<Lane> WAITING_ORDER =
            Comparator.<Lane>comparingLong(l -> l.eligibleAt).thenComparingLong(l -> l.id);

    private final ToLongFunction<String> pairIntervalMillis;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, SendJob> byMessageId = new HashMap<>();
    /** Per business number, its lanes that may send now. */
    private final Map<String, TreeSet<Lane>> ready = new HashMap<>();
    private final TreeSet<Lane> waiting = new TreeSet<>(WAITING_ORDER);
    private long laneIds;
    private int queued;
    private int inFlight;
    private long lastPrune;

    SendScheduler(long pairIntervalMillis) {
        this(number -> pairIntervalMillis);
    }

    /** With each business number's pair interval (ms). */
    SendScheduler(ToLongFunction<String> pairIntervalMillis) {
        this.pairIntervalMillis = pairIntervalMillis;
    }

    private static String laneKey(SendJob job) {
        return job.number + '\u0000' + job.recipient;
    }

    /** Queues a job (new, or back from an attempt via {@link #finish}). */
    void add(SendJob job) {
        byMessageId.put(job.messageId, job);
        Lane lane = lanes.computeIfAbsent(laneKey(job), k -> new Lane(job.recipient, job.number, laneIds++));
        detach(lane);
        lane.jobs.add(job);
        queued++;
        attach(lane);
    }

    /** The best job that may be sent at {@code now}, marked in flight; null if none. */
    SendJob poll(long now) {
        return poll(now, number -> true);
    }

    /** The best job that may be sent at {@code now} through a number {@code open} accepts, marked in flight. */
    SendJob poll(long now, Predicate<String> open) {
        promoteDue(now);
        TreeSet<Lane> best = null;
        for (Map.Entry<String, TreeSet<Lane>> e : ready.entrySet()) {
            TreeSet<Lane> set = e.getValue();
            if (!set.isEmpty() && (best == null || READY_ORDER.compare(set.first(), best.first()) < 0)
                    && open.test(e.getKey())) {
                best = set;
            }
        }
        if (best == null) {
            return null;
        }
        Lane lane = best.pollFirst();
        lane.where = Where.NONE;
        SendJob job = lane.jobs.pollFirst();
        lane.busy = true;
        job.inFlight = true;
        queued--;
        inFlight++;
        return job;
    }

    /**
     * An attempt of {@code job} is over. {@code calledAt} says whether it reached WhatsApp (then the pair
     * interval starts now); {@code retryAt} re-queues the job for then, or null when it is done.
     */
    void finish(SendJob job, long now, boolean reachedWhatsApp, Long retryAt) {
        Lane lane = lanes.get(laneKey(job));
        job.inFlight = false;
        inFlight--;
        lane.busy = false;
        if (reachedWhatsApp) {
            lane.nextAllowedAt = Math.max(lane.nextAllowedAt, now + pairIntervalMillis.applyAsLong(lane.number));
        }
        if (retryAt != null) {
            job.notBefore = retryAt;
            lane.jobs.add(job);
            queued++;
        } else {
            byMessageId.remove(job.messageId);
        }
        attach(lane);
        pruneIdleLanes(now);
    }

    /** Removes a queued (not in-flight) job, e.g. one that a newer request supersedes. */
    SendJob removeQueued(String messageId) {
        SendJob job = byMessageId.get(messageId);
        if (job == null || job.inFlight) {
            return null;
        }
        remove(job);
        return job;
    }

    /** Removes every queued (not in-flight) job matching {@code filter}. */
    List<SendJob> removeQueuedIf(Predicate<SendJob> filter) {
        List<SendJob> removed = new ArrayList<>();
        for (SendJob job : byMessageId.values()) {
            if (!job.inFlight && filter.test(job)) {
                removed.add(job);
            }
        }
        removed.forEach(this::remove);
        return removed;
    }

    private void remove(SendJob job) {
        Lane lane = lanes.get(laneKey(job));
        detach(lane);
        lane.jobs.remove(job);
        byMessageId.remove(job.messageId);
        queued--;
        attach(lane);
    }

    /** Whether a job with this id is queued or in flight here. */
    boolean contains(String messageId) {
        return byMessageId.containsKey(messageId);
    }

    SendJob get(String messageId) {
        return byMessageId.get(messageId);
    }

    /** In-flight jobs matching {@code filter}. */
    long countInFlight(Predicate<SendJob> filter) {
        return byMessageId.values().stream().filter(j -> j.inFlight && filter.test(j)).count();
    }

    /** Earliest instant something becomes sendable, {@code Long.MAX_VALUE} if nothing is queued. */
    long nextEligibleAt(long now) {
        if (ready.values().stream().anyMatch(set -> !set.isEmpty())) {
            return now;
        }
        return waiting.isEmpty() ? Long.MAX_VALUE : waiting.first().eligibleAt;
    }

    /** When the first lane not yet sendable becomes so, {@code Long.MAX_VALUE} if none waits. */
    long nextWaitingAt() {
        return waiting.isEmpty() ? Long.MAX_VALUE : waiting.first().eligibleAt;
    }

    /** Whether this number has a lane that may send now (as of the last poll). */
    boolean hasReady(String number) {
        TreeSet<Lane> set = ready.get(number);
        return set != null && !set.isEmpty();
    }

    int queued() {
        return queued;
    }

    int inFlight() {
        return inFlight;
    }

    int lanes() {
        return lanes.size();
    }

    private void promoteDue(long now) {
        while (!waiting.isEmpty() && waiting.first().eligibleAt <= now) {
            Lane lane = waiting.pollFirst();
            lane.where = Where.READY;
            ready.computeIfAbsent(lane.number, n -> new TreeSet<>(READY_ORDER)).add(lane);
        }
    }

    private void detach(Lane lane) {
        switch (lane.where) {
            case READY -> ready.get(lane.number).remove(lane);
            case WAITING -> waiting.remove(lane);
            case NONE -> { }
        }
        lane.where = Where.NONE;
    }

    /** Puts a lane where it belongs: nowhere while busy or empty, else waiting until eligible. */
    private void attach(Lane lane) {
        if (lane.busy || lane.jobs.isEmpty()) {
            return;
        }
        lane.eligibleAt = Math.max(lane.nextAllowedAt, lane.head().notBefore);
        lane.where = Where.WAITING;
        waiting.add(lane); // promoteDue moves it to ready once eligibleAt has come
    }

    /** Forgets lanes with nothing queued whose pair interval has passed; at most once a second. */
    private void pruneIdleLanes(long now) {
        if (now - lastPrune < 1_000) {
            return;
        }
        lastPrune = now;
        Iterator<Lane> it = lanes.values().iterator();
        while (it.hasNext()) {
            Lane lane = it.next();
            if (!lane.busy && lane.jobs.isEmpty() && lane.nextAllowedAt <= now) {
                it.remove();
            }
        }
    }
}
