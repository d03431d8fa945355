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

    /** Holds both volumes' locks, taken in one order so two threads can never wait on each other. */
    <T> T with(String first, String second, Work<T> work) throws DriverException {
        int a = stripe(first);
        int b = stripe(second);
        ReentrantLock low = locks[Math.min(a, b)];
        ReentrantLock high = locks[Math.max(a, b)];
        low.lock();
        try {
            high.lock();
            try {
                return work.run();
            } finally {
                high.unlock();
            }
        } finally {
            low.unlock();
        }
    }

    private int stripe(String volumeId) {
        return Math.floorMod(volumeId.hashCode(), locks.length);
    }

    <T> T with(String volumeId, Work<T> work) throws DriverException {
        ReentrantLock lock = locks[stripe(volumeId)];
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
