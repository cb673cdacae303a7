package dev.appcare.sender.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB store of string keys and byte values, as the sender's views need it: get, put, delete,
 * prefix scans, and a full compaction that physically removes deleted values (erasure). A thin adapter
 * written here rather than Kafka Streams' stores because the views are filled by plain consumers that
 * follow group assignment themselves ({@link CompactedTopicView}); RocksDB itself does the work.
 * Not thread-safe by contract: the views call it holding their own lock.
 */
public final class KvStore implements AutoCloseable {
    private final String name;
    private final Path path;
    private final RocksDB db;
    private final Options options;
    private final StateStores owner;
    private final WriteOptions writes = new WriteOptions().setDisableWAL(true);
    private volatile boolean closed;

    KvStore(String name, Path path, RocksDB db, Options options, StateStores owner) {
        this.name = name;
        this.path = path;
        this.db = db;
        this.options = options;
        this.owner = owner;
    }

    public byte[] get(String key) {
        try {
            return db.get(bytes(key));
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    public void put(String key, byte[] value) {
        try {
            db.put(writes, bytes(key), value);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    public void delete(String key) {
        try {
            db.delete(writes, bytes(key));
        } catch (RocksDBException e) {
            throw failure("delete", e);
        }
    }

    /** Calls {@code each} with every key (without the prefix) and value whose key starts with {@code prefix}. */
    public void scan(String prefix, BiConsumer<String, byte[]> each) {
        byte[] start = bytes(prefix);
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(start); it.isValid() && startsWith(it.key(), start); it.next()) {
                byte[] key = it.key();
                each.accept(new String(key, start.length, key.length - start.length, StandardCharsets.UTF_8), it.value());
            }
        }
    }

    /** The keys (without the prefix) that start with {@code prefix}. */
    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        scan(prefix, (k, v) -> keys.add(k));
        return keys;
    }

    /**
     * Flushes the memtable and compacts every level down to the last, rewriting every file: afterwards
     * no file holds a value that was deleted or overwritten before the call (what erasure needs).
     */
    public void compactFully() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
             CompactRangeOptions all = new CompactRangeOptions()
                     .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)
                     .setExclusiveManualCompaction(true)) {
            db.flush(flush);
            db.compactRange(db.getDefaultColumnFamily(), null, null, all);
        } catch (RocksDBException e) {
            throw failure("compact", e);
        }
    }

    String name() {
        return name;
    }

    Path path() {
        return path;
    }

    /** Closes the store and deletes its files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        db.close();
        writes.close();
        options.close();
        owner.closed(this);
    }

    private IllegalStateException failure(String what, RocksDBException e) {
        return new IllegalStateException("State store " + name + ": " + what + " failed: " + e.getMessage(), e);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
