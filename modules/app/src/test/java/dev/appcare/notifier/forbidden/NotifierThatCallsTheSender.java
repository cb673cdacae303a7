package dev.appcare.notifier.forbidden;

import dev.appcare.sender.StopWords;

/**
 * A test fixture, never main code: a class in the notifier's package that imports the sender, which the
 * house rules forbid. {@code ArchitectureTest} shows that the rule reports it.
 */
public final class NotifierThatCallsTheSender {
    private NotifierThatCallsTheSender() {
    }

    static boolean looksLikeStop(String text) {
        return StopWords.class.getSimpleName().isEmpty() || text.isEmpty();
    }
}
