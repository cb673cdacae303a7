package dev.appcare.optin;

import dev.appcare.avro.ErasureAuditRecord;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The erasure audit trail ({@code privacy.erasure-audit.v1}): for each erasure, who asked (the API key's
 * configured name, never the key), when, which traveller key, and which instance wrote it. It holds no
 * phone number, name or consent evidence: the erased preference is not read to write it.
 *
 * @param topic      the audit topic
 * @param serializer values in the Confluent wire format
 * @param instance   this instance's transactional id
 */
record ErasureAudit(String topic, Serializer<ErasureAuditRecord> serializer, String instance) {

    ErasureAuditRecord recordOf(TravellerKey traveller, String caller, Instant at) {
        return ErasureAuditRecord.newBuilder().setTravellerKey(traveller.key()).setErasedAt(at)
                .setCaller(caller).setInstance(instance).build();
    }
}
