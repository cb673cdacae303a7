package dev.appcare.sender.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransportErrorsTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused"), "connection refused"),
                Arguments.of(new IOException("wrapped", new ConnectException("Connection refused")), "connection refused"),
                Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), "connect timeout"),
                Arguments.of(new IOException(new UnresolvedAddressException()), "unknown host"),
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), "TLS handshake failed"),
                Arguments.of(new IOException("wrapped", new SSLHandshakeException("no cipher suites")), "TLS handshake failed"),
                Arguments.of(new IOException("Received RST_STREAM: REFUSED_STREAM"), "HTTP/2 stream refused"),
                // may have reached WhatsApp: in doubt
                Arguments.of(new HttpTimeoutException("request timed out"), null),
                Arguments.of(new SocketException("Connection reset"), null),
                Arguments.of(new IOException("Received RST_STREAM: INTERNAL_ERROR"), null),
                Arguments.of(new IOException("HTTP/1.1 header parser received no bytes"), null));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("table")
    void shouldCallOnlyProvablyUnsentFailuresNotSent(Throwable error, String expected) {
        assertThat(TransportErrors.provesNotSent(error)).isEqualTo(expected);
    }
}
