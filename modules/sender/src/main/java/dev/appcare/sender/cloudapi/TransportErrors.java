package dev.appcare.sender.cloudapi;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;

/**
 * Which transport failures prove that WhatsApp never saw the request, so retrying cannot make a
 * duplicate: no connection (refused, connect timeout, unknown host, no route), a TLS handshake that failed
 * (no application data is sent before it completes), and an HTTP/2 stream the server refused
 * (REFUSED_STREAM: RFC 9113 §8.7 says it was not processed). Anything else after connecting — a reset,
 * a timeout waiting for the answer — may have reached WhatsApp and is in doubt.
 */
public final class TransportErrors {
    private TransportErrors() {
    }

    /** Why {@code error} proves nothing was sent, or null if it does not. */
    public static String provesNotSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "connect timeout";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLHandshakeException) {
                return "TLS handshake failed";
            }
            String message = t.getMessage();
            if (message != null && message.toUpperCase(Locale.ROOT).contains("REFUSED_STREAM")) {
                return "HTTP/2 stream refused";
            }
        }
        return null;
    }
}
