package dev.appcare.notifier.streams;

import dev.appcare.model.DeadLetterType;
import dev.appcare.model.DeadLetters;
import dev.appcare.avro.DeadLetter;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule N10 for what the notifier writes: a record the broker or the producer refuses because of the record
 * itself (too large for {@code max.request.size} or the topic's {@code max.message.bytes}, invalid, or not
 * serializable) is dead-lettered with errorType {@link DeadLetterType#RECORD_TOO_LARGE} / {@link DeadLetterType#INVALID_RECORD} /
 * {@link DeadLetterType#SERIALIZATION_ERROR}, the topic it was meant for and its size, and processing resumes: one valid
 * input whose internal or output record cannot be written no longer stops the pipeline for good.
 *
 * <p>The dead letter names the input record that led to it (topic, partition, offset) but carries neither
 * its value nor the refused record's bytes, so that it is small enough to be written itself (a dead letter
 * of a refused dead letter is the same small record). Every other failure (authorization, timeouts, a
 * fenced producer) fails as before: it is not the record's fault.
 *
 * <p>Configured by {@link dev.appcare.notifier.NotifierApp} with the same keys as
 * {@link DeadLetterProcessingExceptionHandler}.
 */
public final class DeadLetterProductionExceptionHandler extends DeadLetterWriter implements ProductionExceptionHandler {
    /** A key longer than this is left out of the dead letter too (keys are short; this one is not sane). */
    static final int MAX_KEPT_KEY_BYTES = 1024;
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        DeadLetterType errorType = errorType(exception);
        if (errorType == null) {
            return Response.fail();
        }
        return deadLetter(context, record, errorType, exception);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (DeadLetterProcessingExceptionHandler.notTheRecordsFault(exception)) {
            return Response.fail();
        }
        return deadLetter(context, record, DeadLetterType.SERIALIZATION_ERROR, exception);
    }

    /** The errorType for a failure that is the record's own fault, or null for any other failure. */
    static DeadLetterType errorType(Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException) {
            return DeadLetterType.RECORD_TOO_LARGE;
        }
        if (exception instanceof InvalidRecordException) {
            return DeadLetterType.INVALID_RECORD;
        }
        if (exception instanceof SerializationException) {
            return DeadLetterType.SERIALIZATION_ERROR;
        }
        return null;
    }

    private Response deadLetter(ErrorHandlerContext context, ProducerRecord<?, ?> refused, DeadLetterType errorType, Exception exception) {
        String target = refused == null ? "?" : refused.topic();
        String reason = "could not write a record to " + target + sizeOf(refused) + ": " + exception;
        log.error("Dead-lettering {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), reason);
        byte[] key = context.sourceRawKey();
        DeadLetter letter = DeadLetters.of(DeadLetterProcessingExceptionHandler.STAGE, errorType, reason, context.topic(), context.partition(), context.offset(),
                context.timestamp(), key != null && key.length <= MAX_KEPT_KEY_BYTES ? key : null, null, now());
        try {
            return Response.resume(List.of(record(letter, context.topic() == null ? target : context.topic(),
                    context.timestamp() >= 0 ? context.timestamp() : null, letter.getOriginalKey() == null ? null : key)));
        } catch (RuntimeException e) {
            log.error("Could not encode the dead letter; failing the task", e);
            return Response.fail();
        }
    }

    private static String sizeOf(ProducerRecord<?, ?> record) {
        if (record == null) {
            return "";
        }
        long bytes = (record.key() instanceof byte[] k ? k.length : 0) + (record.value() instanceof byte[] v ? v.length : 0);
        return bytes > 0 ? " (" + bytes + " bytes)" : "";
    }
}
