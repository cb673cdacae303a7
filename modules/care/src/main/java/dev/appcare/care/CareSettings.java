package dev.appcare.care;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.care.rules.CareTexts;
import dev.appcare.care.rules.FaqEntry;
import dev.appcare.care.rules.FaqMatcher;
import dev.appcare.care.rules.HandoffRules;
import dev.appcare.care.rules.LanguageChoice;
import dev.appcare.care.rules.ServiceHours;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Care's content, from JSON ({@code appcare/care.json} on the classpath by default, or
 * {@code care.settings.file}): service hours per market, the FAQ, the texts and privacy links per
 * language, the words that detect a language or ask for a person. Loading validates everything, so a
 * bad file stops the role at start, not at the first message.
 */
public record CareSettings(String defaultLanguage, String defaultMarket, Map<String, ServiceHours> markets,
                           Map<String, String> privacy, Map<String, List<String>> detect,
                           Map<String, List<String>> agentWords, Map<String, CareTexts> texts,
                           Map<String, List<FaqEntry>> faq) {
    public static final String DEFAULT_RESOURCE = "appcare/care.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public CareSettings {
        markets = Map.copyOf(markets);
        privacy = Map.copyOf(privacy);
        detect = Map.copyOf(detect);
        agentWords = Map.copyOf(agentWords);
        texts = Map.copyOf(texts);
        faq = Map.copyOf(faq);
        if (!markets.containsKey(defaultMarket)) {
            throw new IllegalArgumentException("the default market " + defaultMarket + " has no service hours");
        }
        if (!texts.containsKey(defaultLanguage)) {
            throw new IllegalArgumentException("the default language " + defaultLanguage + " has no texts");
        }
        for (String language : texts.keySet()) {
            if (!privacy.containsKey(language)) {
                throw new IllegalArgumentException("language " + language + " has texts but no privacy statement link");
            }
        }
    }

    public static CareSettings loadDefault() {
        try (InputStream in = CareSettings.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return parse(JSON.readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CareSettings load(Path file) {
        try {
            return parse(JSON.readTree(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read care settings " + file, e);
        }
    }

    static CareSettings parse(JsonNode root, String source) {
        try {
            Map<String, ServiceHours> markets = new LinkedHashMap<>();
            root.path("markets").properties().forEach(e -> markets.put(e.getKey(), market(e.getKey(), e.getValue())));
            Map<String, CareTexts> texts = new LinkedHashMap<>();
            root.path("texts").properties().forEach(e -> texts.put(e.getKey(), texts(e.getValue())));
            Map<String, List<FaqEntry>> faq = new LinkedHashMap<>();
            root.path("faq").properties().forEach(e -> {
                List<FaqEntry> entries = new ArrayList<>();
                e.getValue().forEach(n -> entries.add(new FaqEntry(n.path("id").asText(), n.path("question").asText(),
                        strings(n.path("phrases")), strings(n.path("keywords")), n.path("answer").asText(),
                        n.path("link").asText(null), n.path("flightFacts").asBoolean(false))));
                faq.put(e.getKey(), entries);
            });
            return new CareSettings(root.path("defaultLanguage").asText("en"), root.path("defaultMarket").asText(),
                    markets, stringMap(root.path("privacy")), lists(root.path("detect")), lists(root.path("agentWords")),
                    texts, faq);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static ServiceHours market(String code, JsonNode n) {
        Map<DayOfWeek, ServiceHours.Hours> weekly = new EnumMap<>(DayOfWeek.class);
        n.path("hours").properties().forEach(e -> ServiceHours.Hours.parse(e.getValue().asText())
                .ifPresent(h -> weekly.put(DayOfWeek.valueOf(e.getKey()), h)));
        Map<MonthDay, Optional<ServiceHours.Hours>> yearly = new LinkedHashMap<>();
        Map<LocalDate, Optional<ServiceHours.Hours>> dated = new LinkedHashMap<>();
        n.path("holidays").properties().forEach(e -> {
            Optional<ServiceHours.Hours> hours = ServiceHours.Hours.parse(e.getValue().asText());
            if (e.getKey().length() == 5) {
                yearly.put(MonthDay.parse("--" + e.getKey()), hours);
            } else {
                dated.put(LocalDate.parse(e.getKey()), hours);
            }
        });
        return new ServiceHours(code, ZoneId.of(n.path("zone").asText()), strings(n.path("phonePrefixes")), weekly,
                yearly, dated, Duration.parse(n.path("expectedAnswer").asText("PT30M")));
    }

    private static CareTexts texts(JsonNode n) {
        return new CareTexts(n.path("open").asText(null), n.path("closed").asText(null), n.path("complex").asText(null),
                n.path("faqIntro").asText(null), n.path("flightFact").asText(null), n.path("gate").asText(null),
                n.path("privacy").asText(null), n.path("stillWaiting").asText(null), stringMap(n.path("status")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, List<String>> lists(JsonNode object) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), strings(e.getValue())));
        return out;
    }

    /** The market serving a phone number: the longest matching prefix, else the default market. */
    public ServiceHours marketFor(String phoneE164) {
        return markets.values().stream()
                .flatMap(m -> m.phonePrefixes().stream().filter(p -> phoneE164 != null && phoneE164.startsWith(p))
                        .map(p -> Map.entry(p.length(), m)))
                .max(Comparator.comparingInt(Map.Entry::getKey))
                .map(Map.Entry::getValue)
                .orElse(markets.get(defaultMarket));
    }

    public LanguageChoice languageChoice() {
        return new LanguageChoice(texts.keySet(), defaultLanguage, detect);
    }

    public FaqMatcher faqMatcher() {
        return new FaqMatcher(faq, 1, 2);
    }

    public HandoffRules handoffRules() {
        return new HandoffRules(agentWords);
    }

    /** The same settings with every market open by its weekly hours only (for scenarios that must not hit a holiday). */
    public CareSettings withoutHolidays() {
        Map<String, ServiceHours> plain = new LinkedHashMap<>();
        markets.forEach((code, m) -> plain.put(code, new ServiceHours(m.market(), m.zone(), m.phonePrefixes(), m.weekly(),
                Map.of(), Map.of(), m.expectedAnswer())));
        return new CareSettings(defaultLanguage, defaultMarket, plain, privacy, detect, agentWords, texts, faq);
    }
}
