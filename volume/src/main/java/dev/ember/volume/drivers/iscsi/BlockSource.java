package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.PoolStats;
import dev.ember.volume.spi.VolumeSpec;
import dev.ember.volume.targets.BackingStore;

/**
 * Where the {@code iscsi} driver keeps a volume's bytes (sparse files, LVM logical volumes, Ceph images),
 * apart from how it exports them. Operations are idempotent as the SPI's.
 */
interface BlockSource {

    /** Checks the storage and prepares it (a directory, a thin pool). */
    void start() throws DriverException;

    /** The one pool's capacity, named {@code pool}. */
    PoolStats stats(String pool) throws DriverException;

    void create(VolumeSpec volume) throws DriverException;

    void delete(VolumeSpec volume) throws DriverException;

    void extend(VolumeSpec volume, int newSizeGb) throws DriverException;

    /** What a target's LUN must serve for this volume. */
    BackingStore backingStore(VolumeSpec volume) throws DriverException;
}
