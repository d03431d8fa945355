package dev.ember.volume.manager;

import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.rpc.Retriable;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.Hosts;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.ModelUpdate;
import dev.ember.volume.spi.RetriableDriverException;
import dev.ember.volume.spi.VolumeDriver;
import dev.ember.volume.spi.VolumeSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume service's work on one backend: it owns every state change of the volumes placed there,
 * while the driver owns their bytes. Each operation re-reads the row, acts only if the row is still in
 * the status the operation expects, and ends with one compare-and-swap; so operations are idempotent
 * and a redelivered message or a re-driven operation is harmless.
 */
public final class VolumeManager {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

    private final String backend;
    private final VolumeDriver driver;
    private final VolumeRepository volumes;
    private final VolumeTypeRepository types;
    private final PoolRepository pools;
    private final MessageRepository messages;
    private final Tx tx;
    private final MeterRegistry meters;
    private final Duration giveUpAfter;
    private final Supplier<String> serviceUuid;
    private final Supplier<Boolean> sharedTargets;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public VolumeManager(String backend, VolumeDriver driver, VolumeRepository volumes, VolumeTypeRepository types,
            PoolRepository pools, MessageRepository messages, Tx tx, MeterRegistry meters, Duration giveUpAfter,
            Supplier<String> serviceUuid, Supplier<Boolean> sharedTargets) {
        this.backend = backend;
        this.driver = driver;
        this.volumes = volumes;
        this.types = types;
        this.pools = pools;
        this.messages = messages;
        this.tx = tx;
        this.meters = meters;
        this.giveUpAfter = giveUpAfter;
        this.serviceUuid = serviceUuid;
        this.sharedTargets = sharedTargets;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Creates a volume the scheduler placed here: {@code creating} becomes {@code available} or {@code error}. */
    public void createVolume(RequestContext context, String volumeId) {
        withLock(volumeId, () -> {
            Volume volume = ownVolume(volumeId, VolumeStatus.CREATING);
            if (volume == null) {
                return;
            }
            ModelUpdate update;
            try {
                update = timed("create_volume", () -> driver.createVolume(spec(volume)));
            } catch (RetriableDriverException e) {
                if (Duration.between(startOf(volume), Timestamps.now()).compareTo(giveUpAfter) < 0) {
                    throw new Retriable.RetryLaterException("backend " + backend + " unavailable: " + e.getMessage(), e);
                }
                fail(context, volume, UserMessage.Action.CREATE_VOLUME_FROM_BACKEND,
                        UserMessage.Detail.DRIVER_NOT_INITIALIZED, e);
                return;
            } catch (DriverException e) {
                fail(context, volume, UserMessage.Action.CREATE_VOLUME_FROM_BACKEND,
                        UserMessage.Detail.DRIVER_FAILED_CREATE, e);
                return;
            }
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("launched_at", Timestamps.now());
            set.put("provider_location", update.providerLocation());
            set.put("provider_id", update.providerId());
            set.put("service_uuid", serviceUuid.get());
            set.put("shared_targets", sharedTargets.get());
            if (volumes.transition(volumeId, Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE, set)) {
                LOG.info("volume {} created on {}", volumeId, volume.host());
            }
        });
    }

    /** Deletes a volume being deleted: its bytes, then its row and its capacity claim, in one transaction. */
    public void deleteVolume(RequestContext context, String volumeId) {
        withLock(volumeId, () -> {
            Volume volume = ownVolume(volumeId, VolumeStatus.DELETING);
            if (volume == null) {
                return;
            }
            try {
                timed("delete_volume", () -> {
                    driver.deleteVolume(spec(volume));
                    return null;
                });
            } catch (RetriableDriverException e) {
                throw new Retriable.RetryLaterException("backend " + backend + " unavailable: " + e.getMessage(), e);
            } catch (DriverException e) {
                LOG.error("deleting volume {} failed: {}", volumeId, e.getMessage());
                volumes.transition(volumeId, Set.of(VolumeStatus.DELETING), VolumeStatus.ERROR_DELETING);
                return;
            }
            tx.run(() -> {
                if (volumes.markDeleted(volumeId, Set.of(VolumeStatus.DELETING))) {
                    pools.release(volume.host(), volume.size());
                }
            });
            LOG.info("volume {} deleted from {}", volumeId, volume.host());
        });
    }

    /**
     * Finishes what a crash interrupted: volumes of this backend still {@code creating} are created,
     * those still {@code deleting} are deleted. Idempotent, like every operation here.
     */
    public void recover() {
        RequestContext context = RequestContext.internal();
        List<Volume> unfinished = volumes.findOnBackend(backend, List.of(VolumeStatus.CREATING, VolumeStatus.DELETING));
        if (!unfinished.isEmpty()) {
            LOG.info("recovering {} unfinished operation(s) on {}", unfinished.size(), backend);
        }
        for (Volume volume : unfinished) {
            try {
                if (VolumeStatus.CREATING.equals(volume.status())) {
                    createVolume(context, volume.id());
                } else {
                    deleteVolume(context, volume.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("recovery of volume {} deferred: {}", volume.id(), e.getMessage());
            }
        }
    }

    public String backend() {
        return backend;
    }

    /** The row if it is live, placed on this backend and in {@code status}; else null (nothing to do). */
    private Volume ownVolume(String volumeId, String status) {
        Volume volume = volumes.find(volumeId).orElse(null);
        if (volume == null) {
            LOG.info("volume {} no longer exists; nothing to do", volumeId);
            return null;
        }
        if (!backend.equals(volume.backend())) {
            LOG.warn("volume {} belongs to {}, not {}; ignoring", volumeId, volume.backend(), backend);
            return null;
        }
        if (!status.equals(volume.status())) {
            LOG.debug("volume {} is {}, not {}; already handled", volumeId, volume.status(), status);
            return null;
        }
        return volume;
    }

    private void fail(RequestContext context, Volume volume, UserMessage.Action action, UserMessage.Detail detail,
            DriverException cause) {
        LOG.error("creating volume {} failed: {}", volume.id(), cause.getMessage());
        tx.run(() -> {
            if (volumes.transition(volume.id(), Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR)) {
                messages.volumeError(context, volume.projectId(), volume.id(), action, detail);
            }
        });
    }

    private VolumeSpec spec(Volume volume) {
        Map<String, String> extraSpecs = types.findById(volume.volumeTypeId()).map(t -> t.extraSpecs()).orElse(Map.of());
        return new VolumeSpec(volume.id(), VolumeSpec.backendName(volume.id()), volume.size(),
                Hosts.pool(volume.host()), extraSpecs, volume.providerLocation());
    }

    private static Instant startOf(Volume volume) {
        return volume.scheduledAt() != null ? volume.scheduledAt() : volume.createdAt();
    }

    private interface DriverCall<T> {
        T call() throws DriverException;
    }

    private <T> T timed(String operation, DriverCall<T> call) throws DriverException {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return call.call();
        } catch (DriverException e) {
            outcome = e.code().name().toLowerCase();
            throw e;
        } finally {
            sample.stop(meters.timer("ember_driver_operation", "backend", backend, "op", operation, "outcome", outcome));
        }
    }

    private void withLock(String volumeId, Runnable work) {
        ReentrantLock lock = locks[Math.floorMod(volumeId.hashCode(), locks.length)];
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }
}
