package dev.appcare.notifier.streams;

import dev.appcare.avro.TravellerPreference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;

/**
 * The decoder of the {@code traveller-preferences} store. The store holds the contract's
 * {@code TravellerPreference} in single-object encoding, which names the writer's schema by fingerprint;
 * the generated decoder knows only the current schema, so after a schema change a notifier could not read
 * its own store or changelog written by the previous release. This one also knows every released version
 * ({@code schemas/released/traveller-preference/v*.avsc}, shipped in the model's jar), so it resolves
 * whatever an earlier release wrote to the current schema.
 */
final class StoredPreferences {
    private static final String RELEASED = "/appcare/schemas/released/traveller-preference/v%d.avsc";

    private StoredPreferences() {
    }

    static BinaryMessageDecoder<TravellerPreference> decoder() {
        BinaryMessageDecoder<TravellerPreference> decoder =
                new BinaryMessageDecoder<>(SpecificData.getForClass(TravellerPreference.class), TravellerPreference.getClassSchema());
        released().forEach(decoder::addSchema);
        return decoder;
    }

    /** The released versions, v1 first. */
    static List<Schema> released() {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = StoredPreferences.class.getResourceAsStream(String.format(RELEASED, v))) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released preference schema v" + v, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no released TravellerPreference schema on the classpath (" + RELEASED + ")");
        }
        return versions;
    }

    static Schema v1() {
        return released().get(0);
    }
}
