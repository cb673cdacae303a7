package dev.appcare.sender;

import dev.appcare.runtime.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One WhatsApp business number the sender sends through (rule S2): its phone-number-id, its own token
 * source, its throughput ceiling and pair rate, the business portfolio whose messaging limit it shares,
 * and optionally the languages or markets (recipient country codes) it is dedicated to.
 *
 * <p>Configuration (docs/sender.md, "Several business numbers"): {@code whatsapp.numbers=nl,intl} names
 * the numbers, each configured under {@code whatsapp.number.<name>.}; without that list the single
 * number of {@code whatsapp.phone-number-id} / {@code whatsapp.token(-file)} / {@code sender.rate.per-second}
 * / {@code sender.pair-interval} is used, named {@code default}. Tokens are never in the repository: a
 * number's {@code token} comes from the file or environment, or from its {@code token-file}.
 */
record BusinessNumber(String name, String phoneNumberId, String token, Path tokenFile, int ratePerSecond,
                      Duration pairInterval, String portfolio, Set<String> languages, Set<String> markets) {

    static final String DEFAULT = "default";

    BusinessNumber {
        if (ratePerSecond < 1 || ratePerSecond > SenderConfig.MAX_RATE) {
            throw new IllegalArgumentException("the rate of business number '" + name + "' must be 1.."
                    + SenderConfig.MAX_RATE + " (WhatsApp's highest throughput tier), got " + ratePerSecond);
        }
        if ((token == null || token.isBlank()) && tokenFile == null) {
            throw new IllegalArgumentException("business number '" + name + "' has no token: set "
                    + (DEFAULT.equals(name) ? "'whatsapp.token' or 'whatsapp.token-file' (env "
                    + AppConfig.envName("whatsapp.token") + ")"
                    : "'whatsapp.number." + name + ".token' or '.token-file' (env "
                    + AppConfig.envName("whatsapp.number." + name + ".token") + ")"));
        }
        languages = Set.copyOf(languages);
        markets = Set.copyOf(markets);
    }

    /** Dedicated to some languages or markets (else it takes its hash share of everything else). */
    boolean dedicated() {
        return !languages.isEmpty() || !markets.isEmpty();
    }

    /** The numbers the configuration names, in order. */
    static List<BusinessNumber> from(AppConfig config, int defaultRate, Duration defaultPairInterval) {
        String list = config.get("whatsapp.numbers", null);
        if (list == null || list.isBlank()) {
            return List.of(new BusinessNumber(DEFAULT, config.require("whatsapp.phone-number-id"),
                    config.get("whatsapp.token", null), path(config.get("whatsapp.token-file", null)), defaultRate,
                    defaultPairInterval, config.get("whatsapp.portfolio", DEFAULT), Set.of(), Set.of()));
        }
        List<BusinessNumber> numbers = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String raw : list.split(",")) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[a-z0-9]+")) {
                throw new IllegalArgumentException("whatsapp.numbers: a number's name is lower-case letters and "
                        + "digits (it is part of its keys and environment variables), got '" + raw.strip() + "'");
            }
            String p = "whatsapp.number." + name + ".";
            BusinessNumber number = new BusinessNumber(name, config.require(p + "phone-number-id"),
                    config.get(p + "token", null), path(config.get(p + "token-file", null)),
                    config.getInt(p + "rate", defaultRate), config.getDuration(p + "pair-interval", defaultPairInterval),
                    config.get(p + "portfolio", config.get("whatsapp.portfolio", DEFAULT)),
                    set(config.get(p + "languages", null), false), set(config.get(p + "markets", null), true));
            if (!ids.add(number.phoneNumberId())) {
                throw new IllegalArgumentException("whatsapp.numbers: phone-number-id " + number.phoneNumberId()
                        + " is configured twice");
            }
            if (numbers.stream().anyMatch(n -> n.name().equals(name))) {
                throw new IllegalArgumentException("whatsapp.numbers names '" + name + "' twice");
            }
            numbers.add(number);
        }
        if (numbers.isEmpty()) {
            throw new IllegalArgumentException("whatsapp.numbers is set but names no number");
        }
        return List.copyOf(numbers);
    }

    private static Path path(String file) {
        return file == null || file.isBlank() ? null : Path.of(file);
    }

    /** Languages as WhatsApp codes ({@code nl}, {@code pt_BR}); markets as country calling codes ({@code 31}). */
    private static Set<String> set(String list, boolean digits) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (String item : list.split(",")) {
                String v = digits ? item.strip().replace("+", "") : item.strip();
                if (v.isEmpty()) {
                    continue;
                }
                if (digits && !v.matches("[0-9]{1,3}")) {
                    throw new IllegalArgumentException("a market is a country calling code such as 31 or +44, got '"
                            + item.strip() + "'");
                }
                out.add(v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        // Never the token.
        return name + "(" + phoneNumberId + ", " + ratePerSecond + "/s, pair " + pairInterval + ", portfolio "
                + portfolio + (languages.isEmpty() ? "" : ", languages " + languages)
                + (markets.isEmpty() ? "" : ", markets " + markets) + ")";
    }
}
