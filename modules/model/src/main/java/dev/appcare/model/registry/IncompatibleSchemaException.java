package dev.appcare.model.registry;

import java.util.List;

/** The registry refused a schema because it breaks the subject's compatibility rule (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {
    private final List<String> reasons;

    public IncompatibleSchemaException(String subject, List<String> reasons, String registryMessage) {
        super("Schema for subject '" + subject + "' is incompatible with the registered versions: "
                + (reasons.isEmpty() ? registryMessage : String.join("; ", reasons)), 409, 409, subject);
        this.reasons = List.copyOf(reasons);
    }

    /** The registry's explanation(s), as specific as it gave them. */
    public List<String> reasons() {
        return reasons;
    }
}
