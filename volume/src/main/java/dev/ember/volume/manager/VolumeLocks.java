package dev.ember.volume.manager;

import dev.ember.volume.spi.DriverException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the work of one volume service on each volume: the driver never sees two operations on the
 * same volume at once (the SPI's promise), and an attach racing a detach of the same volume runs one after
 * the other. Striped: volumes share a fixed set of locks by hash.
 */
final class VolumeLocks {

    /** Work done while holding a volume's lock. */
    interface Work<T> {
        T run() throws DriverException;
    }

    private final ReentrantLock[] locks = new ReentrantLock[64];

    VolumeLocks() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    <T> T with(String volumeId, Work<T> work) throws DriverException {
        ReentrantLock lock = locks[Math.floorMod(volumeId.hashCode(), locks.length)];
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
