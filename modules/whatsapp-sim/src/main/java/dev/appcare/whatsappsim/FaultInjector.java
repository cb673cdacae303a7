package dev.appcare.whatsappsim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runtime failure injection for send requests ({@code simulator.faults()}, or {@code POST /_sim/faults}).
 *
 * <p>Rules are checked for every authenticated send request that passed the throughput limit, in this
 * order: rules for the request's recipient, then rules for the business number (phone-number-id) it is
 * sent from, then "next N requests" rules (oldest first), then
 * "fraction of requests" rules. The first rule that matches decides; a rule with a remaining count
 * uses one up and disappears at zero. Fractions draw from the simulator's seeded random, so a test with a
 * fixed seed and a fixed request order sees the same requests fail every time.
 */
public final class FaultInjector {

    /** Which requests a rule applies to. */
    public enum Match { RECIPIENT, PHONE_NUMBER_ID, NEXT, FRACTION }

    /** An installed rule, as listed by {@link #active()}. */
    public record Rule(long id, Match match, String recipient, double fraction, int remaining, Fault fault) {
    }

    private static final class MutableRule {
        final long id;
        final Match match;
        final String recipient; // the phone-number-id for PHONE_NUMBER_ID rules
        final double fraction;
        final AtomicInteger remaining; // negative = unlimited
        final Fault fault;

        MutableRule(long id, Match match, String recipient, double fraction, int remaining, Fault fault) {
            this.id = id;
            this.match = match;
            this.recipient = recipient;
            this.fraction = fraction;
            this.remaining = new AtomicInteger(remaining);
            this.fault = fault;
        }

        /** Uses one of the remaining count; false if none was left (another thread took the last one). */
        boolean take() {
            while (true) {
                int r = remaining.get();
                if (r < 0) {
                    return true;
                }
                if (r == 0) {
                    return false;
                }
                if (remaining.compareAndSet(r, r - 1)) {
                    return true;
                }
            }
        }

        Rule snapshot() {
            return new Rule(id, match, recipient, fraction, remaining.get(), fault);
        }
    }

    private final List<MutableRule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private SplittableRandom random;

    FaultInjector(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next {@code count} send requests get this fault. */
    public Rule nextRequests(int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        return add(Match.NEXT, null, 1.0, count, fault);
    }

    /** Every send request from now on gets this fault (until removed or {@link #clear()}). */
    public Rule allRequests(Fault fault) {
        return add(Match.FRACTION, null, 1.0, -1, fault);
    }

    /** This fraction (0..1) of send requests gets this fault, drawn from the seeded random. */
    public Rule fractionOfRequests(double fraction, Fault fault) {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("fraction must be in (0, 1]");
        }
        return add(Match.FRACTION, null, fraction, -1, fault);
    }

    /** Every send request to this recipient (any format; compared by digits) gets this fault. */
    public Rule forRecipient(String recipient, Fault fault) {
        return add(Match.RECIPIENT, digits(recipient), 1.0, -1, fault);
    }

    /** The next {@code count} send requests to this recipient get this fault. */
    public Rule forRecipient(String recipient, int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        return add(Match.RECIPIENT, digits(recipient), 1.0, count, fault);
    }

    /**
     * The next {@code count} send requests from this business number (phone-number-id) get this fault,
     * e.g. {@code Fault.error(GraphErrors.MAINTENANCE_MODE)} while its throughput is being upgraded.
     */
    public Rule forPhoneNumberId(String phoneNumberId, int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        return add(Match.PHONE_NUMBER_ID, Objects.requireNonNull(phoneNumberId, "phoneNumberId"), 1.0, count, fault);
    }

    public boolean remove(long ruleId) {
        return rules.removeIf(r -> r.id == ruleId);
    }

    public void clear() {
        rules.clear();
    }

    /** The rules still installed, in the order they are checked within their kind. */
    public List<Rule> active() {
        return rules.stream().filter(r -> r.remaining.get() != 0).map(MutableRule::snapshot).toList();
    }

    /** How many requests got an injected fault since the last reset. */
    public long injectedCount() {
        return injected.get();
    }

    synchronized void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    void reset(long seed) {
        clear();
        injected.set(0);
        reseed(seed);
    }

    /** The fault for a request to this recipient (wa_id digits, may be null), if any. */
    Optional<Fault> select(String recipientDigits) {
        return select(recipientDigits, null);
    }

    /** The fault for a request to this recipient from this phone-number-id (either may be null), if any. */
    Optional<Fault> select(String recipientDigits, String phoneNumberId) {
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        for (Match kind : Match.values()) {
            for (MutableRule r : rules) {
                if (r.match != kind) {
                    continue;
                }
                boolean applies = switch (kind) {
                    case RECIPIENT -> r.recipient.equals(recipientDigits);
                    case PHONE_NUMBER_ID -> r.recipient.equals(phoneNumberId);
                    case NEXT -> true;
                    case FRACTION -> r.fraction >= 1.0 || nextDouble() < r.fraction;
                };
                if (applies && r.take()) {
                    if (r.remaining.get() == 0) {
                        rules.remove(r);
                    }
                    injected.incrementAndGet();
                    return Optional.of(r.fault);
                }
            }
        }
        return Optional.empty();
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private Rule add(Match match, String recipient, double fraction, int remaining, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        MutableRule rule = new MutableRule(ids.incrementAndGet(), match, recipient, fraction, remaining, fault);
        rules.add(rule);
        return rule.snapshot();
    }

    private static String digits(String recipient) {
        String d = PhoneNumbers.digitsOnly(Objects.requireNonNull(recipient, "recipient"));
        if (d.isEmpty()) {
            throw new IllegalArgumentException("Not a phone number: " + recipient);
        }
        return d;
    }
}
