package dev.appcare.sender.cloudapi;

import dev.appcare.avro.WhatsAppRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Sends one template message: {@code POST {baseUrl}/{version}/{phoneNumberId}/messages} with the bearer
 * token (rule S1). The base URL is configuration, so the same code talks to Meta or to the simulator.
 *
 * <p>Uses the JDK's {@link HttpClient}: it pools connections (HTTP/2 multiplexing towards Meta over TLS)
 * and its blocking {@code send} is cheap on virtual threads, which is how the sender keeps hundreds of
 * calls in flight. The call is blocking on purpose; callers run it on a virtual thread.
 *
 * <p>Failures are told apart by whether the request can have reached WhatsApp: a refused connection or
 * a connect timeout cannot (safe to repeat), a response timeout or a connection lost after sending can
 * ({@link ErrorClass#IN_DOUBT}).
 */
public final class CloudApiClient implements AutoCloseable {
    private final HttpClient http;
    private final URI messagesUri;
    private final Supplier<String> token;
    private final Duration requestTimeout;
    private final boolean namedParameters;

    public CloudApiClient(URI baseUrl, String apiVersion, String phoneNumberId, Supplier<String> token,
                          Duration connectTimeout, Duration requestTimeout, boolean namedParameters) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.messagesUri = URI.create(base + "/" + apiVersion + "/" + phoneNumberId + "/messages");
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.namedParameters = namedParameters;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // HTTP/2 over TLS (Meta); plain http (the simulator, a local proxy) stays on HTTP/1.1
                // rather than attempting an h2c upgrade on a POST.
                .version("https".equalsIgnoreCase(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI messagesUri() {
        return messagesUri;
    }

    /** Sends and classifies; never throws for transport problems (they become an outcome). */
    public SendOutcome send(WhatsAppRequest request) {
        HttpRequest call = HttpRequest.newBuilder(messagesUri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token.get())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TemplateMessage.toBytes(request, namedParameters)))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(call, HttpResponse.BodyHandlers.ofByteArray());
            return ErrorClassifier.classify(response.statusCode(), response.body());
        } catch (IOException e) {
            String notSent = TransportErrors.provesNotSent(e);
            if (notSent != null) {
                return SendOutcome.notSent(notSent + ": " + e.getMessage());
            }
            if (e instanceof HttpTimeoutException) {
                return SendOutcome.inDoubt("no answer within " + requestTimeout.toMillis() + " ms");
            }
            return SendOutcome.inDoubt("connection failed after sending: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendOutcome.inDoubt("interrupted while waiting for the answer");
        }
    }

    @Override
    public void close() {
        http.close(); // JDK 21+: waits for nothing new, lets the selector thread go
    }
}
