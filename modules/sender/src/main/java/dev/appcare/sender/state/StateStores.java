package dev.appcare.sender.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sender keeps its state on disk: one directory per running instance under
 * {@code sender.state.dir}, holding one RocksDB store per ledger partition it owns and one for the
 * preference table. The stores are <em>views</em>: every one is filled from its compacted topic when it is
 * opened and deleted when it is dropped, so nothing on disk outlives the process (or the partition's
 * ownership) and nothing needs migrating. Heap holds none of the entries.
 *
 * <p>Native memory is bounded for the whole process: all stores share one block cache and one write
 * buffer manager ({@code sender.state.memory}, default 64 MB), so adding partitions does not add memtables.
 * The write-ahead log is off (a store is rebuilt from Kafka anyway), so no WAL file keeps an erased value.
 *
 * <p>An instance killed with SIGKILL leaves its directory behind; the next instance started on that host
 * deletes every directory whose lock no living process holds (a file lock, released by the OS on death).
 */
public final class StateStores implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateStores.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;
    private final BloomFilter filter = new BloomFilter(10);
    private final List<KvStore> open = new ArrayList<>();

    /**
     * @param root        {@code sender.state.dir}
     * @param instanceId  this instance's unique id (its directory's name)
     * @param memoryBytes the native memory all stores together may use for cache and memtables
     */
    public StateStores(Path root, String instanceId, long memoryBytes) {
        try {
            Files.createDirectories(root);
            sweepAbandoned(root);
            this.dir = Files.createDirectories(root.resolve(instanceId.replaceAll("[^A-Za-z0-9._-]", "_")));
            this.lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.lock = lockChannel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("State directory " + dir + " is in use by another process");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the state directory under " + root, e);
        }
        this.cache = new LRUCache(memoryBytes / 2);
        this.writeBuffers = new WriteBufferManager(memoryBytes / 2, cache);
    }

    /** Opens a fresh, empty store named {@code name} (an old one of that name is deleted first). */
    public synchronized KvStore open(String name) {
        Path path = dir.resolve(name);
        deleteTree(path);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setCacheIndexAndFilterBlocks(true);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferManager(writeBuffers)
                .setWriteBufferSize(8L << 20)
                .setMaxWriteBufferNumber(2)
                .setTableFormatConfig(table);
        try {
            KvStore store = new KvStore(name, path, RocksDB.open(options, path.toString()), options, this);
            open.add(store);
            return store;
        } catch (RocksDBException e) {
            options.close();
            throw new IllegalStateException("Cannot open the state store " + path + ": " + e.getMessage(), e);
        }
    }

    synchronized void closed(KvStore store) {
        open.remove(store);
        deleteTree(store.path());
    }

    public Path dir() {
        return dir;
    }

    /** Bytes the stores take on disk now. */
    public long diskBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile (compaction)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        for (KvStore store : List.copyOf(open)) {
            store.close();
        }
        writeBuffers.close();
        cache.close();
        filter.close();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Releasing the state directory lock failed: {}", e.toString());
        }
        deleteTree(dir);
    }

    /** Deletes instance directories whose lock no process holds: left by an instance that was killed. */
    private static void sweepAbandoned(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path candidate : dirs.filter(Files::isDirectory).toList()) {
                Path lockFile = candidate.resolve(".lock");
                if (!Files.exists(lockFile) || Files.getLastModifiedTime(lockFile).toMillis()
                        > System.currentTimeMillis() - 60_000) {
                    continue; // none, or an instance starting right now that has not taken its lock yet
                }
                boolean abandoned;
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock probe = channel.tryLock();
                    abandoned = probe != null;
                    if (probe != null) {
                        probe.release();
                    }
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    abandoned = false; // held by this JVM (another instance in the same process)
                }
                if (abandoned) {
                    log.info("Deleting the state of a sender instance that is gone: {}", candidate);
                    deleteTree(candidate);
                }
            }
        }
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }
}
