package dev.appcare.notifier.streams;

import dev.appcare.avro.TravellerPreference;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;

/**
 * The decoder of the {@code traveller-preferences} store. The store holds the contract's
 * {@code TravellerPreference} in single-object encoding, which names the writer's schema by fingerprint;
 * the generated decoder knows only the current schema, so after a schema change a notifier could not read
 * its own store or changelog written by the previous release. This one also knows every earlier version:
 * v1 is the current schema without the fields added since ({@code validUntil}).
 */
final class StoredPreferences {
    /** Fields added after v1 (each with a default, as the contract requires), newest last. */
    static final List<String> ADDED_SINCE_V1 = List.of("validUntil");

    private StoredPreferences() {
    }

    static BinaryMessageDecoder<TravellerPreference> decoder() {
        BinaryMessageDecoder<TravellerPreference> decoder =
                new BinaryMessageDecoder<>(SpecificData.getForClass(TravellerPreference.class), TravellerPreference.getClassSchema());
        decoder.addSchema(v1());
        return decoder;
    }

    static Schema v1() {
        Schema current = TravellerPreference.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().filter(f -> !ADDED_SINCE_V1.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
