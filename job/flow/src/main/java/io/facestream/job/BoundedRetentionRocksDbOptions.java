package io.facestream.job;

import java.util.Collection;
import org.apache.flink.contrib.streaming.state.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * Bounds how long a deleted value can survive in RocksDB's files, and so in incremental checkpoints, which share
 * those files: RocksDB rewrites any file older than a day (periodic compaction), dropping what was deleted or
 * expired, and the next checkpoints stop referring to the old file. Without it, a deleted person's embeddings could
 * stay in a rarely compacted file, and in every checkpoint that shares it, indefinitely.
 */
public class BoundedRetentionRocksDbOptions implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;
    /** A day, as PRIVACY.md states. */
    public static final long PERIODIC_COMPACTION_SECONDS = 24 * 3600;

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions,
                                                   Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setPeriodicCompactionSeconds(PERIODIC_COMPACTION_SECONDS);
    }
}
