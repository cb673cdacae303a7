package dev.appcare.whatsappsim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Messages users send to the business number (text, button replies, media), posted as inbound webhooks,
 * and the 24-hour customer-service window they open (free-form text outside it fails with 131047).
 */
final class InboundMessages {

    private static final Logger log = LoggerFactory.getLogger(InboundMessages.class);
    private static final Duration CUSTOMER_SERVICE_WINDOW = Duration.ofHours(24);

    private final Supplier<SimulatorSettings> settings;
    private final Supplier<WebhookPayloads> payloads;
    private final Supplier<Clock> clock;
    private final SentMessages sent;
    private final Wamids wamids;
    private final Consumer<List<WebhookDispatcher.Post>> submit;
    private final Map<String, Instant> lastInbound = new ConcurrentHashMap<>();
    private final LongAdder inboundTotal = new LongAdder();
    private final AtomicLong mediaCounter = new AtomicLong();

    InboundMessages(Supplier<SimulatorSettings> settings, Supplier<WebhookPayloads> payloads, Supplier<Clock> clock,
                    SentMessages sent, Wamids wamids, Consumer<List<WebhookDispatcher.Post>> submit) {
        this.settings = settings;
        this.payloads = payloads;
        this.clock = clock;
        this.sent = sent;
        this.wamids = wamids;
        this.submit = submit;
    }

    String text(String fromPhone, String text, String profileName, String phoneNumberId) {
        Objects.requireNonNull(text, "text");
        String from = sender(fromPhone);
        String phoneId = phoneNumberId(from, phoneNumberId);
        String wamid = wamids.next(from);
        Instant now = clock.get().instant();
        post(from, wamid, "text", payloads.get().inboundText(phoneId, from, profileName, wamid, now, text), now);
        return wamid;
    }

    String buttonReply(String fromPhone, String buttonText, String payload, String contextWamid) {
        String from = sender(fromPhone);
        String phoneId = phoneNumberId(from, null);
        String wamid = wamids.next(from);
        Instant now = clock.get().instant();
        byte[] body = payloads.get().inboundButton(phoneId, from, "WhatsApp User", wamid, now, buttonText,
                payload != null ? payload : buttonText, contextWamid);
        post(from, wamid, "button", body, now);
        return wamid;
    }

    WhatsAppSimulator.InboundMediaMessage media(String fromPhone, WhatsAppSimulator.InboundMedia media,
                                                String mimeType, String caption, String filename) {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(mimeType, "mimeType");
        String from = sender(fromPhone);
        String phoneId = phoneNumberId(from, null);
        String wamid = wamids.next(from);
        String mediaId = Long.toString(1_000_000_000_000L + mediaCounter.incrementAndGet());
        Instant now = clock.get().instant();
        byte[] body = payloads.get().inboundMedia(phoneId, from, "WhatsApp User", wamid, now, media.type, mediaId,
                mimeType, caption, filename);
        post(from, wamid, media.type, body, now);
        return new WhatsAppSimulator.InboundMediaMessage(wamid, mediaId);
    }

    /** True if this user wrote to the business less than 24 hours ago. */
    boolean insideServiceWindow(String waId) {
        Instant last = lastInbound.get(waId);
        return last != null && last.plus(CUSTOMER_SERVICE_WINDOW).isAfter(clock.get().instant());
    }

    long count() {
        return inboundTotal.sum();
    }

    void reset() {
        lastInbound.clear();
        inboundTotal.reset();
    }

    private static String sender(String fromPhone) {
        String from = PhoneNumbers.recipientDigits(fromPhone);
        if (from == null) {
            throw new IllegalArgumentException("Not a phone number: " + fromPhone);
        }
        return from;
    }

    /** The requested one, else the business number that last wrote to this user, else the first configured. */
    private String phoneNumberId(String from, String requested) {
        if (requested != null) {
            return requested;
        }
        return sent.lastTo(from).map(SentMessage::phoneNumberId).orElseGet(() -> {
            Set<String> ids = settings.get().account().phoneNumberIds();
            return ids.isEmpty() ? WhatsAppSimulator.DEFAULT_PHONE_NUMBER_ID
                    : ids.stream().sorted().findFirst().orElseThrow();
        });
    }

    private void post(String from, String wamid, String type, byte[] body, Instant at) {
        lastInbound.put(from, at);
        inboundTotal.increment();
        if (settings.get().webhooks().url() == null) {
            log.warn("Inbound message not posted: no webhook URL configured");
        }
        submit.accept(List.of(new WebhookDispatcher.Post("inbound", wamid, type, body, Duration.ZERO, false)));
    }
}
