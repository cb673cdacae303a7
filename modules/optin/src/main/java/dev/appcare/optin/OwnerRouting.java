package dev.appcare.optin;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a traveller's call to the instance that owns the traveller's partition of the preference store
 * (Kafka Streams' metadata: {@link PreferenceStore#route}), so that every read and every read-modify-write
 * of one traveller runs where its state is. The call is passed on as it came (method, path, body, the
 * caller's credentials), the owner checks the credentials again and answers, and its answer (status,
 * body, the headers the API sets) is relayed unchanged: the booking site sees the same API whichever
 * instance it reaches.
 *
 * <p>A call is forwarded at most once ({@value #FORWARDED_BY}): if the owner finds the partition moved on
 * in the meantime, it answers 503 with Retry-After instead of passing the call further, as does an
 * instance that cannot reach the owner (stopped, partitioned away) or knows no owner (a rebalance).
 * Retrying is safe: every operation of the API is idempotent.
 *
 * @param ownerWait how long a call waits for its partition to have a running owner (a rebalance) before 503
 * @param timeout   how long the owner may take to answer: its write and read timeouts and a margin
 * @param http      the client calls are passed on with ({@link #client()}); its owner closes it
 */
record OwnerRouting(PreferenceStore store, Duration ownerWait, Duration timeout, MeterRegistry metrics, HttpClient http) {
    private static final Logger log = LoggerFactory.getLogger(OwnerRouting.class);
    /** Marks a forwarded call, with the host:port of the instance that forwarded it. */
    static final String FORWARDED_BY = "X-AppCare-Forwarded-By";
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "X-API-Key", "Content-Type");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Location", "Retry-After", "WWW-Authenticate");

    /** The client to pass calls on with: HTTP/1.1 as the API serves it, and a short connect timeout. */
    static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** What to do with a call for {@code traveller}: serve it here, or the owner to forward it to. */
    HostInfo ownerElsewhere(Context ctx, TravellerKey traveller) {
        PreferenceStore.Route route = store.route(traveller.key(), ownerWait);
        return switch (route) {
            case PreferenceStore.Local local -> null;
            case PreferenceStore.Unavailable unavailable -> {
                metrics.counter("appcare.optin.routing", "outcome", "no-owner").increment();
                throw ProblemException.unavailable("No instance serves this traveller right now: " + unavailable.reason() + ".");
            }
            case PreferenceStore.Remote remote -> {
                if (ctx.header(FORWARDED_BY) != null) {
                    metrics.counter("appcare.optin.routing", "outcome", "moved").increment();
                    throw ProblemException.unavailable("This traveller's partition moved to another instance while the call was forwarded.");
                }
                yield remote.owner();
            }
        };
    }

    /** Passes the call to {@code owner} and writes its answer to {@code ctx}. */
    void forward(Context ctx, HostInfo owner, byte[] body) {
        String query = ctx.queryString();
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + ctx.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(ctx.method().name(), body == null || body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(FORWARDED_BY, store.self().host() + ":" + store.self().port());
        for (String name : REQUEST_HEADERS) {
            String value = ctx.header(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            metrics.counter("appcare.optin.routing", "outcome", "owner-unreachable").increment();
            // The path holds a booking reference: only the owner's address is logged.
            log.warn("The instance {}:{} owning a traveller's partition did not answer: {}", owner.host(), owner.port(), e.toString());
            throw ProblemException.unavailable("The instance that serves this traveller did not answer; its partitions move to others if it stays away.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while forwarding.");
        }
        metrics.counter("appcare.optin.routing", "outcome", "forwarded").increment();
        ctx.status(response.statusCode());
        for (String name : RESPONSE_HEADERS) {
            response.headers().firstValue(name).ifPresent(value -> ctx.header(name, value));
        }
        ctx.result(response.body());
    }

}
