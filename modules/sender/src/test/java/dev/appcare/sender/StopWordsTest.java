package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StopWordsTest {

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
            "STOP|stop", "stop|stop", "Stop!|stop", " stop. |stop", "UNSUBSCRIBE|unsubscribe", "Unsubscribe|unsubscribe",
            "AFMELDEN|afmelden", "afmelden|afmelden", "Stoppen|stoppen", "ARRÊT|arret", "arret|arret",
            "Désabonner|desabonner", "DESABONNER|desabonner", "abmelden|abmelden", "BAJA|baja", "baja|baja",
            "Cancelar|cancelar", "PARAR|parar", "opt-out|opt-out", "Opt out|opt-out", "STOP 🛑|stop"})
    void shouldRecogniseStopRepliesInSeveralLanguages(String reply, String word) {
        assertThat(StopWords.match(reply)).contains(word);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello this is an answer", "stop at gate D7?", "cancelar mi vuelo", "No", "",
            "stopwatch", "Thanks, see you", "STOP STOP"})
    void shouldIgnoreOrdinaryReplies(String reply) {
        assertThat(StopWords.match(reply)).isEmpty();
    }
}
