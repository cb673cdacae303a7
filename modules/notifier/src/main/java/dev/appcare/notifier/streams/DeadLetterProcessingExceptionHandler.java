package dev.appcare.notifier.streams;

import dev.appcare.model.DeadLetterType;
import dev.appcare.model.DeadLetters;
import dev.appcare.avro.DeadLetter;
import dev.appcare.model.registry.SchemaRegistryException;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of rule N10: a record that makes a processor throw (a bug, data no rule foresaw) is
 * dead-lettered with errorType {@link DeadLetterType#PROCESSING_ERROR} and its source coordinates and raw bytes, and
 * processing resumes with the next record, so one poison record cannot stop the pipeline or loop a
 * replaced stream thread forever. Kafka Streams (KIP-1034) writes the dead letter with the task's
 * producer, inside the same transaction.
 *
 * <p>Failures that are not the record's fault still fail the task (and the thread is replaced, retrying
 * the record from the last commit): an unreachable schema registry, a broken state store, an interrupt.
 *
 * <p>It is also the deserialization exception handler. The input topics are read as bytes and decoded by
 * {@link DecodeProcessor}, so only the notifier's own internal topics (repartition, changelog restore is not
 * affected) reach it: an unreadable internal record is dead-lettered ({@link DeadLetterType#UNREADABLE_INTERNAL_RECORD})
 * rather than failing the thread over and over.
 *
 * <p>Configured by {@link dev.appcare.notifier.NotifierApp}: {@value #DEAD_LETTER_TOPIC_CONFIG} names the
 * topic, the registry serde settings come from the same Streams properties.
 */
public final class DeadLetterProcessingExceptionHandler extends DeadLetterWriter implements ProcessingExceptionHandler, DeserializationExceptionHandler {
    /** The stage the notifier\'s dead letters name. */
    public static final String STAGE = "notifier";
    public static final String DEAD_LETTER_TOPIC_CONFIG = "appcare.notifier.dead.letter.topic";
    /** Optional: a {@link NotifierMetrics} instance (Streams hands config objects through) to count dead letters. */
    public static final String METRICS_CONFIG = "appcare.notifier.metrics";
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (notTheRecordsFault(exception)) {
            log.error("Processing failed in {} (task {}) for a reason other than the record; failing the task",
                    context.processorNodeId(), context.taskId(), exception);
            return ProcessingExceptionHandler.Response.fail();
        }
        log.error("Dead-lettering {}-{}@{}: processor {} failed", context.topic(), context.partition(), context.offset(),
                context.processorNodeId(), exception);
        List<ProducerRecord<byte[], byte[]>> letter = deadLetter(context, DeadLetterType.PROCESSING_ERROR,
                "processor " + context.processorNodeId() + " failed: " + exception);
        return letter == null ? ProcessingExceptionHandler.Response.fail() : ProcessingExceptionHandler.Response.resume(letter);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (notTheRecordsFault(exception)) {
            return DeserializationExceptionHandler.Response.fail();
        }
        log.error("Dead-lettering {}-{}@{}: unreadable", context.topic(), context.partition(), context.offset(), exception);
        List<ProducerRecord<byte[], byte[]>> letter = deadLetter(context, DeadLetterType.UNREADABLE_INTERNAL_RECORD,
                "cannot read a record of " + context.topic() + ": " + exception);
        return letter == null ? DeserializationExceptionHandler.Response.fail()
                : DeserializationExceptionHandler.Response.resume(letter);
    }

    /** The dead letter as the record Kafka Streams is to write, or null if it cannot be encoded. */
    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, DeadLetterType errorType, String reason) {
        DeadLetter letter = DeadLetters.of(STAGE, errorType, reason, context.topic(), context.partition(), context.offset(),
                context.timestamp(), context.sourceRawKey(), context.sourceRawValue(), now());
        try {
            return List.of(record(letter, context.topic(), context.timestamp(), context.sourceRawKey()));
        } catch (RuntimeException e) {
            log.error("Could not write the dead letter; failing the task", e);
            return null;
        }
    }

    static boolean notTheRecordsFault(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException || t instanceof ProcessorStateException
                    || t instanceof InterruptedException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
