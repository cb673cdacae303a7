package dev.appcare.sender;

import dev.appcare.avro.WhatsAppRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * Which business number sends a request: a stable rule, so that one traveller always hears from one
 * number (a reply lands in the same chat, and the pair rate is per number and recipient).
 *
 * <ol>
 *   <li>A number dedicated to the request's language ({@code whatsapp.number.<n>.languages}) or to the
 *       recipient's market (country calling code, {@code .markets}); the language wins over the market.
 *       Several candidates: the hash below picks among them.</li>
 *   <li>Otherwise one of the numbers dedicated to nothing (all numbers if every one is dedicated),
 *       chosen by a hash of the traveller key (the recipient's phone when the request names no traveller).</li>
 * </ol>
 *
 * The hash is Kafka's murmur2 (the same as the default partitioner), positive modulo the candidate
 * count: stable across instances, restarts and JVMs. Adding or removing a number moves travellers
 * between numbers (about 1/N of them); that is a deployment decision.
 */
final class NumberRouter {
    private final List<BusinessNumber> numbers;
    private final List<BusinessNumber> general;

    NumberRouter(List<BusinessNumber> numbers) {
        this.numbers = List.copyOf(numbers);
        List<BusinessNumber> undedicated = numbers.stream().filter(n -> !n.dedicated()).toList();
        this.general = undedicated.isEmpty() ? this.numbers : undedicated;
    }

    /** The name of the number that sends this request. */
    String numberFor(WhatsAppRequest request) {
        if (numbers.size() == 1) {
            return numbers.get(0).name();
        }
        String traveller = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
        return numberFor(traveller, request.getRecipient(), request.getLanguage());
    }

    String numberFor(String travellerKey, String recipient, String language) {
        String key = travellerKey != null && !travellerKey.isBlank() ? travellerKey : recipient;
        List<BusinessNumber> byLanguage = language == null ? List.of()
                : numbers.stream().filter(n -> n.languages().contains(language)).toList();
        if (!byLanguage.isEmpty()) {
            return pick(byLanguage, key);
        }
        String digits = recipient == null ? "" : recipient.replace("+", "");
        List<BusinessNumber> byMarket = numbers.stream()
                .filter(n -> n.markets().stream().anyMatch(digits::startsWith)).toList();
        return pick(byMarket.isEmpty() ? general : byMarket, key);
    }

    private static String pick(List<BusinessNumber> candidates, String key) {
        if (candidates.size() == 1 || key == null) {
            return candidates.get(0).name();
        }
        int hash = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
        return candidates.get(hash % candidates.size()).name();
    }
}
