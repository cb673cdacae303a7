package dev.appcare.sender.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.sender.StopWords;
import dev.appcare.sender.state.EventDedup;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified webhook body means for AppCare (rule S5):
 * <ul>
 *   <li>each {@code statuses[]} entry (sent, delivered, read, failed; unordered, at least once) becomes one
 *       {@code notify.whatsapp-status.v1} record for the messageId in {@code biz_opaque_callback_data}
 *       (or, without it, the messageId the ledger knows for the wamid); a repeat is skipped. A status for an
 *       id whose call is still {@code ATTEMPTING} in the ledger also proves WhatsApp took it: the ledger
 *       records {@code ACCEPTED};</li>
 *   <li>each inbound {@code messages[]} entry that is a STOP-like reply ({@link StopWords}) becomes an
 *       opt-out on {@code traveller.preference.v1} for every opted-in traveller with that number
 *       ({@code optOutSource = whatsapp-reply:<word>}), which the sender's own consent check then honours,
 *       unless {@link StopRule} says the STOP is too old or the traveller consented again since it was sent
 *       (so a late or replayed STOP, on any instance, after any restart, does not undo a new opt-in);</li>
 *   <li>every other inbound message (text, button, image, video, document, ...) goes on to care as one
 *       {@code care.inbound.v1} record ({@link InboundForCare}; media as ids, never bytes); a repeat is skipped;</li>
 *   <li>account-level {@code errors[]} are logged and counted.</li>
 * </ul>
 * The returned future completes once every record is acknowledged; the endpoint answers 200 only then,
 * so a failed write makes Meta deliver the webhook again.
 *
 * <p>Each event (a status: messageId, status, wamid, error code; an inbound message: its wamid) is applied
 * once through an {@link EventDedup}: in the sender {@link dev.appcare.sender.state.WebhookEvents}, shared
 * by every instance and kept across restarts, so a retry delivered to another instance, or after a restart,
 * writes nothing. A delivery while another instance is applying the same event fails (500: Meta retries).
 */
public final class WebhookProcessor {
    private static final Logger log = LoggerFactory.getLogger(WebhookProcessor.class);

    /** What one webhook body carried. */
    public record Result(int statuses, int duplicates, int uncorrelated, int optOuts, int inbound) {
    }

    private final SendLedger ledger;
    private final PreferenceView preferences;
    private final RecordWriter writer;
    private final EventDedup dedup;
    private final StatusEvidence evidence;
    private final Consumer<String> events;
    private final LongSupplier clock;
    private final Duration catchUpWait;
    private final StopRule stops;

    /**
     * @param catchUpWait how long a STOP waits for the preference view to read to the end before it opts
     *                    out the travellers the view knows (a slow reader must not hold up the opt-out)
     */
    public WebhookProcessor(SendLedger ledger, PreferenceView preferences, RecordWriter writer, int dedupCapacity,
                            Consumer<String> events, LongSupplier clock, Duration catchUpWait) {
        this(ledger, preferences, writer, dedupCapacity, events, clock, catchUpWait, StopRule.DEFAULT_MAX_AGE);
    }

    /** @param stopMaxAge a STOP sent longer ago than this is counted ({@code stop-stale}) and ignored */
    public WebhookProcessor(SendLedger ledger, PreferenceView preferences, RecordWriter writer, int dedupCapacity,
                            Consumer<String> events, LongSupplier clock, Duration catchUpWait, Duration stopMaxAge) {
        this(ledger, preferences, writer, new SeenEvents(dedupCapacity), dedupCapacity, events, clock, catchUpWait,
                stopMaxAge);
    }

    /**
     * @param dedup            which events were applied already (the sender: the shared {@code WebhookEvents})
     * @param evidenceCapacity how many ids this instance remembers having written ledger evidence for
     */
    public WebhookProcessor(SendLedger ledger, PreferenceView preferences, RecordWriter writer, EventDedup dedup,
                            int evidenceCapacity, Consumer<String> events, LongSupplier clock, Duration catchUpWait,
                            Duration stopMaxAge) {
        this.stops = new StopRule(stopMaxAge);
        this.catchUpWait = catchUpWait;
        this.ledger = ledger;
        this.preferences = preferences;
        this.writer = writer;
        this.dedup = dedup;
        this.evidence = new StatusEvidence(ledger, evidenceCapacity, events, clock);
        this.events = events;
        this.clock = clock;
    }

    public CompletableFuture<Result> process(JsonNode root) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        AtomicIntegerArray counts = new AtomicIntegerArray(5);
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                if (!"messages".equals(change.path("field").asText("messages"))) {
                    events.accept("other-field");
                    continue;
                }
                JsonNode value = change.path("value");
                for (JsonNode status : value.path("statuses")) {
                    status(status, writes, counts);
                }
                for (JsonNode message : value.path("messages")) {
                    counts.incrementAndGet(4);
                    inbound(value, message, writes, counts);
                }
                for (JsonNode error : value.path("errors")) {
                    events.accept("account-error");
                    log.warn("WhatsApp reports an account-level error: {} {}", error.path("code").asText(),
                            error.path("title").asText(error.path("message").asText()));
                }
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(done -> new Result(counts.get(0), counts.get(1), counts.get(2), counts.get(3), counts.get(4)));
    }

    private void status(JsonNode status, List<CompletableFuture<?>> writes, AtomicIntegerArray counts) {
        String wamid = text(status.get("id"));
        DeliveryState state = switch (status.path("status").asText("").toLowerCase(Locale.ROOT)) {
            case "sent" -> DeliveryState.SENT;
            case "delivered" -> DeliveryState.DELIVERED;
            case "read" -> DeliveryState.READ;
            case "failed" -> DeliveryState.FAILED;
            default -> null;
        };
        if (state == null) {
            events.accept("status-ignored");
            return;
        }
        String messageId = text(status.get("biz_opaque_callback_data"));
        if (messageId == null && wamid != null) {
            messageId = ledger.messageIdForWamid(wamid);
        }
        if (messageId == null) {
            counts.incrementAndGet(2);
            events.accept("status-uncorrelated");
            log.warn("Status {} for wamid {} names no messageId and the ledger does not know the wamid", state, wamid);
            return;
        }
        JsonNode error = status.path("errors").path(0);
        Integer code = error.hasNonNull("code") ? error.get("code").asInt() : null;
        String title = error.isMissingNode() ? null : text(error.has("title") ? error.get("title") : error.get("message"));
        String event = "status|" + messageId + "|" + state + "|" + wamid + "|" + code;
        long seconds = status.path("timestamp").asLong(0);
        Instant at = seconds > 0 ? Instant.ofEpochSecond(seconds) : Instant.ofEpochMilli(clock.getAsLong());
        DeliveryStatus record = DeliveryStatus.newBuilder()
                .setMessageId(messageId)
                .setStatus(state)
                .setAt(at)
                .setWamid(wamid)
                .setErrorCode(code)
                .setErrorTitle(title)
                .build();
        String messageIdOfStatus = messageId;
        String recipient = text(status.get("recipient_id"));
        writes.add(once(event, () -> {
            List<CompletableFuture<?>> these = new ArrayList<>();
            these.add(writer.status(record));
            if (wamid != null) {
                evidence.record(messageIdOfStatus, wamid, recipient, these);
            }
            return CompletableFuture.allOf(these.toArray(CompletableFuture[]::new));
        }, counts, 0, "status", "status-duplicate"));
    }

    /**
     * Applies one event's effects through the dedup and counts it: {@code applied}/{@code duplicate} events,
     * and {@code counts[slot]} for an applied one (duplicates go to {@code counts[1]} for statuses only).
     */
    private CompletableFuture<?> once(String event, Supplier<? extends CompletableFuture<?>> effects,
                                      AtomicIntegerArray counts, int slot, String applied, String duplicate) {
        CompletableFuture<EventDedup.Outcome> result = event == null // no id to know it by: applied as it comes
                ? effects.get().thenApply(done -> EventDedup.Outcome.APPLIED) : dedup.once(event, effects);
        return result.whenComplete((outcome, failure) -> {
            if (failure != null) {
                if (failure instanceof EventDedup.InProgressException
                        || failure.getCause() instanceof EventDedup.InProgressException) {
                    events.accept("in-progress-elsewhere");
                }
                return;
            }
            if (outcome == EventDedup.Outcome.APPLIED) {
                if (slot >= 0) {
                    counts.incrementAndGet(slot);
                }
                events.accept(applied);
            } else {
                if (slot == 0) {
                    counts.incrementAndGet(1);
                }
                events.accept(duplicate);
            }
        });
    }

    private void inbound(JsonNode value, JsonNode message, List<CompletableFuture<?>> writes, AtomicIntegerArray counts) {
        String from = text(message.get("from"));
        Optional<String> word = StopWords.match(replyText(message));
        if (from == null || word.isEmpty()) {
            events.accept("inbound");
            forCare(value, message, writes, counts);
            return;
        }
        String phone = "+" + from.replaceAll("[^0-9]", "");
        long seconds = message.path("timestamp").asLong(0);
        Instant at = seconds > 0 ? Instant.ofEpochSecond(seconds) : Instant.ofEpochMilli(clock.getAsLong());
        if (!stops.isFresh(at, Instant.ofEpochMilli(clock.getAsLong()))) {
            events.accept("stop-stale");
            log.info("STOP reply sent at {} is older than the window; not taken as an opt-out", at);
            return;
        }
        String id = text(message.get("id"));
        writes.add(once(id == null ? null : "message|" + id, () -> optOut(phone, at, word.get(), counts),
                counts, -1, "stop", "inbound-duplicate"));
    }

    /** Opts out every traveller with that number whom {@link StopRule} lets this STOP opt out. */
    private CompletableFuture<Void> optOut(String phone, Instant at, String word, AtomicIntegerArray counts) {
        // The traveller may have opted in a moment ago: read the preferences to the end first.
        return preferences.catchUp()
                .completeOnTimeout(null, catchUpWait.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(caughtUp -> {
            List<CompletableFuture<?>> outs = new ArrayList<>();
            for (TravellerPreference preference : preferences.forPhone(phone)) {
                StopRule.Decision decision = stops.decide(at, Instant.ofEpochMilli(clock.getAsLong()), preference);
                if (decision == StopRule.Decision.CONSENT_IS_NEWER) {
                    events.accept("stop-before-consent");
                }
                if (decision != StopRule.Decision.OPT_OUT) {
                    continue;
                }
                TravellerPreference optedOut = TravellerPreference.newBuilder(preference)
                        .setStatus(OptInStatus.OPTED_OUT)
                        .setOptedOutAt(at)
                        .setOptOutSource("whatsapp-reply:" + word)
                        .setUpdatedAt(Instant.ofEpochMilli(clock.getAsLong()))
                        .build();
                outs.add(preferences.write(optedOut));
            }
            counts.addAndGet(3, outs.size());
            if (outs.isEmpty()) {
                events.accept("stop-no-opted-in-traveller");
                log.info("STOP from a number with no opted-in traveller; nothing to opt out");
            } else {
                log.info("STOP reply ({}): {} traveller(s) opted out", word, outs.size());
            }
            return CompletableFuture.allOf(outs.toArray(CompletableFuture[]::new));
        });
    }

    /** Every inbound message but a STOP goes on to care ({@code care.inbound.v1}); a repeat is skipped. */
    private void forCare(JsonNode value, JsonNode message, List<CompletableFuture<?>> writes, AtomicIntegerArray counts) {
        InboundForCare.map(value, message, Instant.ofEpochMilli(clock.getAsLong())).ifPresent(inbound -> {
            writes.add(once("message|" + inbound.getWamid(), () -> writer.careInbound(inbound), counts, -1,
                    "care-inbound", "inbound-duplicate"));
        });
    }

    /** The text of a reply: a typed message, a quick-reply button, or an interactive reply. */
    static String replyText(JsonNode message) {
        return switch (message.path("type").asText("")) {
            case "text" -> text(message.path("text").get("body"));
            case "button" -> firstText(message.path("button").get("text"), message.path("button").get("payload"));
            case "interactive" -> firstText(message.path("interactive").path("button_reply").get("title"),
                    message.path("interactive").path("list_reply").get("title"));
            default -> null;
        };
    }

    private static String firstText(JsonNode a, JsonNode b) {
        String first = text(a);
        return first != null ? first : text(b);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }
}
