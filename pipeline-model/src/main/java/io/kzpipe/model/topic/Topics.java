package io.kzpipe.model.topic;

import io.kzpipe.model.config.EnvReader;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Resolved topic names. A name is {@code TOPIC_PREFIX} (default {@value #DEFAULT_PREFIX}) plus the
 * topic's suffix, unless {@code TOPIC_<ID>} (e.g. {@code TOPIC_RAW}) names it in full. Immutable.
 */
public final class Topics {

    public static final String DEFAULT_PREFIX = "kaizala.";
    public static final String PREFIX_VAR = "TOPIC_PREFIX";

    private final Map<TopicId, String> names;

    private Topics(Map<TopicId, String> names) {
        this.names = Collections.unmodifiableMap(new EnumMap<>(names));
    }

    /** Names with the default prefix and no overrides. */
    public static Topics defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    public static Topics withPrefix(String prefix) {
        Map<TopicId, String> names = new EnumMap<>(TopicId.class);
        for (TopicId id : TopicId.values()) {
            names.put(id, prefix + id.suffix());
        }
        return new Topics(names);
    }

    /** Reads {@code TOPIC_PREFIX} and every {@code TOPIC_<ID>} override; problems go to {@code env}. */
    public static Topics from(EnvReader env) {
        String prefix = env.string(PREFIX_VAR, DEFAULT_PREFIX);
        Map<TopicId, String> names = new EnumMap<>(TopicId.class);
        for (TopicId id : TopicId.values()) {
            String name = env.string(id.envVar(), prefix + id.suffix());
            if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
                env.problem(id.envVar(), "'" + name + "' is not a valid Kafka topic name");
            }
            names.put(id, name);
        }
        return new Topics(names);
    }

    public String name(TopicId id) {
        return names.get(id);
    }

    public List<String> names(Collection<TopicId> ids) {
        return ids.stream().map(names::get).toList();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
