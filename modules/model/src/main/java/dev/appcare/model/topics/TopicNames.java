package dev.appcare.model.topics;

import java.util.List;
import java.util.Optional;

/**
 * The names a deployment gives the contract's topics ({@link Topics}): the contract's own names
 * ({@link Topics#contract()}), or every name with one suffix appended ({@link Topics#withSuffix}, e.g.
 * {@code flight.status.v1-test}), so that tests sharing one broker, or environments sharing one cluster, keep
 * apart. Schema subjects follow the names (TopicNameStrategy). The roles ask this for every topic they read or
 * write; {@link Topics#mayHoldPersonalData} recognises a contract topic under such a name.
 *
 * @param suffix appended to every contract name; empty in production (null is taken as empty)
 */
public record TopicNames(String suffix) {

    public TopicNames {
        suffix = suffix == null ? "" : suffix;
    }

    /** The name of {@code topic} here. */
    public String name(TopicSpec<?> topic) {
        return topic.name() + suffix;
    }

    /**
     * {@code name} as it is deployed here: a tool's user may give a topic by its contract name or by the
     * name it has here, and both mean the same topic ({@code flight.status.v1} and {@code flight.status.v1-test}
     * are both {@code flight.status.v1-test} under suffix {@code -test}).
     */
    public String deployed(String name) {
        return name.endsWith(suffix) ? name : name + suffix;
    }

    /** The contract topic {@code name} stands for here (given either way, as {@link #deployed}), if any. */
    public Optional<TopicSpec<?>> spec(String name) {
        String deployed = deployed(name);
        return Topics.ALL.stream().filter(t -> name(t).equals(deployed)).findFirst();
    }

    /** The names of {@code topics} here, in their order. */
    public List<String> names(List<? extends TopicSpec<?>> topics) {
        return topics.stream().map(this::name).toList();
    }
}
