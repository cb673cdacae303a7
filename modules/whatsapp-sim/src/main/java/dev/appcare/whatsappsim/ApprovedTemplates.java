package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The simulator's stand-in for Meta's approved templates (not the house's own template catalogue,
 * {@code dev.appcare.model.templates.TemplateCatalogue}): the message templates the simulated WhatsApp
 * Business Account has, with their approval status per language, loaded from JSON. Format (see the
 * default {@code approved-templates.json}):
 *
 * <pre>{@code
 * {"templates": [
 *   {"name": "boarding_pass", "category": "UTILITY", "status": "APPROVED",
 *    "languages": ["en", "nl"], "header": "DOCUMENT", "bodyParameters": 4,
 *    "body": {"en": "Hello {{1}}, ..."}}
 * ]}
 * }</pre>
 *
 * {@code header} is {@code NONE} (default), {@code TEXT}, {@code IMAGE}, {@code VIDEO} or {@code DOCUMENT}
 * (only media headers take a send-time parameter here); {@code status} is {@code APPROVED} (default),
 * {@code PAUSED} or {@code DISABLED}; {@code dynamicButtons} is the number of buttons that take a
 * send-time parameter (URL / quick-reply payload; default 0); {@code parameterNames} makes the body
 * placeholders named ({@code {{given_name}}}: every body parameter must then carry its
 * {@code parameter_name}); {@code body} texts are optional and only used to render what a traveller would
 * have seen.
 */
public final class ApprovedTemplates {

    /** Classpath resource of the default catalogue. */
    public static final String DEFAULT_RESOURCE = "approved-templates.json";

    /** Header formats of a template. */
    public enum HeaderFormat { NONE, TEXT, IMAGE, VIDEO, DOCUMENT }

    /** Approval status of a template. */
    public enum Status { APPROVED, PAUSED, DISABLED }

    /** One template, approved in a set of languages. */
    public record Template(String name, String category, Status status, Set<String> languages,
                           HeaderFormat header, int bodyParameters, List<String> parameterNames, int dynamicButtons,
                           Map<String, String> bodyTexts) {
        public Template {
            Objects.requireNonNull(name, "name");
            languages = Set.copyOf(languages);
            bodyTexts = Map.copyOf(bodyTexts);
            parameterNames = parameterNames == null ? List.of() : List.copyOf(parameterNames);
            if (!parameterNames.isEmpty() && parameterNames.size() != bodyParameters) {
                throw new IllegalArgumentException("Template " + name + ": " + parameterNames.size()
                        + " parameter names for " + bodyParameters + " body parameters");
            }
            header = header == null ? HeaderFormat.NONE : header;
            status = status == null ? Status.APPROVED : status;
            category = category == null ? "UTILITY" : category;
        }

        /** True if the body placeholders are named ({{given_name}}) rather than positional ({{1}}). */
        public boolean namedParameters() {
            return !parameterNames.isEmpty();
        }

        /** True if the template has a media header that needs a parameter at send time. */
        public boolean hasMediaHeader() {
            return header == HeaderFormat.IMAGE || header == HeaderFormat.VIDEO || header == HeaderFormat.DOCUMENT;
        }

        /** The body with {{n}} replaced, in the language if a text is known for it (else English), or null. */
        public String render(String language, List<String> params) {
            String text = bodyTexts.get(language);
            if (text == null && language.contains("_")) {
                text = bodyTexts.get(language.substring(0, language.indexOf('_')));
            }
            if (text == null) {
                text = bodyTexts.get("en");
            }
            if (text == null) {
                return null;
            }
            for (int i = params.size(); i >= 1; i--) {
                String placeholder = namedParameters() && i <= parameterNames.size()
                        ? parameterNames.get(i - 1) : Integer.toString(i);
                text = text.replace("{{" + placeholder + "}}", params.get(i - 1));
            }
            return text;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Template> byName;

    private ApprovedTemplates(Collection<Template> templates) {
        Map<String, Template> map = new LinkedHashMap<>();
        for (Template t : templates) {
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException("Template listed twice: " + t.name());
            }
        }
        this.byName = Map.copyOf(map);
    }

    public static ApprovedTemplates of(Collection<Template> templates) {
        return new ApprovedTemplates(templates);
    }

    /** The default catalogue ({@value #DEFAULT_RESOURCE} on the classpath). */
    public static ApprovedTemplates defaults() {
        return fromClasspath(DEFAULT_RESOURCE);
    }

    public static ApprovedTemplates fromClasspath(String resource) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = ApprovedTemplates.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No template catalogue on the classpath: " + resource);
            }
            return parse(in.readAllBytes(), "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ApprovedTemplates fromFile(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read template catalogue " + file, e);
        }
    }

    public static ApprovedTemplates parse(byte[] json, String source) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode list = root.isArray() ? root : root.path("templates");
            if (!list.isArray()) {
                throw new IllegalArgumentException(source + ": expected {\"templates\":[...]}");
            }
            List<Template> templates = new ArrayList<>();
            for (JsonNode t : list) {
                String name = requireText(t, "name", source);
                Set<String> languages = new LinkedHashSet<>();
                for (JsonNode l : t.path("languages")) {
                    languages.add(l.asText());
                }
                if (languages.isEmpty()) {
                    throw new IllegalArgumentException(source + ": template " + name + " has no languages");
                }
                List<String> names = new ArrayList<>();
                for (JsonNode n : t.path("parameterNames")) {
                    names.add(n.asText());
                }
                Map<String, String> bodies = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : t.path("body").properties()) {
                    bodies.put(e.getKey(), e.getValue().asText());
                }
                templates.add(new Template(name,
                        t.path("category").asText("UTILITY"),
                        Status.valueOf(t.path("status").asText("APPROVED").toUpperCase(Locale.ROOT)),
                        languages,
                        HeaderFormat.valueOf(t.path("header").asText("NONE").toUpperCase(Locale.ROOT)),
                        t.path("bodyParameters").asInt(names.size()),
                        names,
                        t.path("dynamicButtons").asInt(0),
                        bodies));
            }
            return new ApprovedTemplates(templates);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse template catalogue " + source, e);
        }
    }

    private static String requireText(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(source + ": template entry without " + field + ": " + node);
        }
        return v.asText();
    }

    public Optional<Template> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Template> templates() {
        return byName.values();
    }
}
