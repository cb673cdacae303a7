package dev.appcare.model.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.MessageKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which WhatsApp template each {@link MessageKind} uses, in which languages, with which parameters.
 * Loaded from JSON (the default is {@code appcare/templates.json} on the classpath) so that a template
 * change is a config change. Also decides the template language for a traveller's locale (rule N7).
 */
public final class TemplateCatalogue {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_RESOURCE = "/appcare/templates.json";

    private final String fallbackLanguage;
    private final Set<String> languages;
    private final Map<String, String> languageFallbacks;
    private final Map<MessageKind, Template> templates;

    public TemplateCatalogue(String fallbackLanguage, Set<String> languages, Map<String, String> languageFallbacks,
                             Map<MessageKind, Template> templates) {
        if (!languages.contains(fallbackLanguage)) {
            throw new IllegalArgumentException("fallback language " + fallbackLanguage + " is not among " + languages);
        }
        this.fallbackLanguage = fallbackLanguage;
        this.languages = Set.copyOf(new LinkedHashSet<>(languages));
        this.languageFallbacks = Map.copyOf(languageFallbacks);
        this.templates = new EnumMap<>(templates);
    }

    public static TemplateCatalogue loadDefault() {
        try (InputStream in = TemplateCatalogue.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DEFAULT_RESOURCE);
            }
            return parse(JSON.readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TemplateCatalogue load(Path file) {
        try {
            return parse(JSON.readTree(Files.readString(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template catalogue " + file, e);
        }
    }

    private static TemplateCatalogue parse(JsonNode root, String source) {
        Set<String> languages = new LinkedHashSet<>();
        root.path("languages").forEach(n -> languages.add(n.asText()));
        Map<String, String> fallbacks = new LinkedHashMap<>();
        root.path("languageFallbacks").properties().forEach(e -> fallbacks.put(e.getKey(), e.getValue().asText()));
        Map<MessageKind, Template> templates = new EnumMap<>(MessageKind.class);
        root.path("templates").properties().forEach(e -> {
            MessageKind kind;
            try {
                kind = MessageKind.valueOf(e.getKey());
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException(source + ": unknown message kind " + e.getKey());
            }
            List<String> parameters = new ArrayList<>();
            e.getValue().path("parameters").forEach(p -> parameters.add(p.asText()));
            templates.put(kind, new Template(e.getValue().path("name").asText(), parameters,
                    e.getValue().path("documentHeader").asBoolean(false)));
        });
        return new TemplateCatalogue(root.path("fallbackLanguage").asText("en"), languages, fallbacks, templates);
    }

    /** The template of a kind, if the catalogue has one. */
    public Optional<Template> template(MessageKind kind) {
        return Optional.ofNullable(templates.get(kind));
    }

    public Set<String> languages() {
        return languages;
    }

    public String fallbackLanguage() {
        return fallbackLanguage;
    }

    /**
     * The template language for a traveller's locale: the locale itself if templates exist in it
     * ({@code pt_BR}), else a configured fallback ({@code en_AU -> en_GB}), else its bare language
     * ({@code nl_BE -> nl}), else the catalogue's fallback language. Accepts {@code nl-NL} and {@code nl_NL}.
     */
    public String resolveLanguage(String locale) {
        return supportedLanguageFor(locale).orElse(fallbackLanguage);
    }

    /** Like {@link #resolveLanguage} but empty when only the last-resort fallback would apply. */
    public Optional<String> supportedLanguageFor(String locale) {
        if (locale == null || locale.isBlank()) {
            return Optional.empty();
        }
        String normalized = normalize(locale);
        if (languages.contains(normalized)) {
            return Optional.of(normalized);
        }
        String configured = languageFallbacks.get(normalized);
        if (configured != null && languages.contains(configured)) {
            return Optional.of(configured);
        }
        String bare = normalized.contains("_") ? normalized.substring(0, normalized.indexOf('_')) : normalized;
        if (languages.contains(bare)) {
            return Optional.of(bare);
        }
        configured = languageFallbacks.get(bare);
        return configured != null && languages.contains(configured) ? Optional.of(configured) : Optional.empty();
    }

    /** {@code pt-br} and {@code PT_br} become WhatsApp's {@code pt_BR}. */
    static String normalize(String locale) {
        String[] parts = locale.trim().replace('-', '_').split("_", 2);
        String language = parts[0].toLowerCase(Locale.ROOT);
        return parts.length == 1 ? language : language + "_" + parts[1].toUpperCase(Locale.ROOT);
    }

    /** One approved template: its name, its body parameters in order, and whether it has a document header. */
    public record Template(String name, List<String> parameterNames, boolean documentHeader) {
        public Template {
            parameterNames = List.copyOf(parameterNames);
        }

        /** Parameter values in the template's order; fails naming the first missing one. */
        public List<String> orderedValues(Map<String, String> values) {
            List<String> ordered = new ArrayList<>(parameterNames.size());
            for (String name : parameterNames) {
                String value = values.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("template " + this.name + " needs parameter '" + name + "'");
                }
                ordered.add(value);
            }
            return ordered;
        }
    }
}
