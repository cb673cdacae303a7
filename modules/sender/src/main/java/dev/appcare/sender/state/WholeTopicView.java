package dev.appcare.sender.state;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A {@link CompactedTopicView} of a whole topic ({@link Scope#WHOLE_TOPIC}) kept in one store for all its
 * partitions: the store is opened when the first partition is, and closed (deleted, as every store of
 * {@link StateStores}) when none is held any more.
 */
abstract class WholeTopicView<V> extends CompactedTopicView<V> {
    private final StateStores stores;
    private final String storeName;
    private KvStore store;

    WholeTopicView(String name, String topic, Consumer<String, byte[]> consumer, Deserializer<V> deserializer,
                   StateStores stores, String storeName) {
        super(name, topic, Scope.WHOLE_TOPIC, consumer, deserializer);
        this.stores = stores;
        this.storeName = storeName;
    }

    @Override
    protected final void opened(int partition) {
        if (store == null) {
            store = stores.open(storeName);
        }
    }

    @Override
    protected final void dropped(int partition) {
        if (store != null && held().isEmpty()) {
            store.close();
            store = null;
        }
    }

    /** The store, or null while no partition is held (before the reader found the topic, after close). Holding {@code this}. */
    protected final KvStore store() {
        return store;
    }
}
