package dev.appcare.optin;

import dev.appcare.avro.ErasureAuditRecord;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The erasure audit trail ({@code privacy.erasure-audit.v1}): for each erasure, who asked (the API key's
 * configured name, never the key), when, which traveller key, and which instance wrote it. It holds no
 * phone number, name or consent evidence: the erased preference is not read to write it.
 *
 * @param records  the audit topic's records
 * @param instance this instance's transactional id
 */
record ErasureAudit(TopicRecords<ErasureAuditRecord> records, String instance) {

    /** The audit record of one erasure, keyed by the traveller key. */
    ProducerRecord<String, byte[]> recordOf(TravellerKey traveller, String caller, Instant at) {
        return records.of(traveller.key(), ErasureAuditRecord.newBuilder().setTravellerKey(traveller.key()).setErasedAt(at)
                .setCaller(caller).setInstance(instance).build());
    }
}
