package dev.ember.api.transfer;

import dev.ember.api.http.ApiException;
import dev.ember.api.volume.VolumeApi;
import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.snapshot.SnapshotRepository;
import dev.ember.common.snapshot.SnapshotStatus;
import dev.ember.common.transfer.Transfer;
import dev.ember.common.transfer.TransferRepository;
import dev.ember.common.volume.Volume;
import dev.ember.common.volume.VolumeRepository;
import dev.ember.common.volume.VolumeStatus;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume transfers (Cinder's {@code cinder/transfer/api.py}): a project offers an available volume, which waits
 * in {@code awaiting-transfer}; whoever presents the auth key takes it (and, unless {@code no_snapshots}, its
 * snapshots) into their project. Accepting moves the volume, its snapshots and their quota usage in one
 * transaction: the recipient is charged (and may be over quota, a 413 that changes nothing) and the donor
 * released. Withdrawing the offer makes the volume available again.
 *
 * <p>The key is 16 hex characters shown once, at creation; the row keeps an 8-character salt and the
 * HMAC-SHA1 of the key under it, as Cinder does ({@code volume_transfer_key_length},
 * {@code volume_transfer_salt_length}). Drivers are not told: {@code accept_transfer} is a no-op for every
 * driver Ember has.
 */
public final class TransferApi {

    private static final Logger LOG = LoggerFactory.getLogger(TransferApi.class);
    private static final int SALT_LENGTH = 8;
    private static final int KEY_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VolumeApi volumeApi;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final TransferRepository transfers;
    private final Quotas quotas;
    private final Tx tx;

    public TransferApi(VolumeApi volumeApi, VolumeRepository volumes, SnapshotRepository snapshots,
            TransferRepository transfers, Quotas quotas, Tx tx) {
        this.volumeApi = volumeApi;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.transfers = transfers;
        this.quotas = quotas;
        this.tx = tx;
    }

    /** A new transfer and the key that accepts it, which nothing else will ever show. */
    public record Created(Transfer transfer, String authKey) {
    }

    /**
     * Cinder's {@code create}: the volume must be available; unless {@code noSnapshots} every snapshot of it
     * must be available too; encrypted volumes only from 3.70 and only with their snapshots.
     */
    public Created create(RequestContext context, String volumeId, String name, boolean noSnapshots,
            boolean allowEncrypted) {
        Volume volume = volumeApi.get(context, volumeId);
        if (!VolumeStatus.AVAILABLE.equals(volume.status())) {
            throw ApiException.invalidVolume("status must be available");
        }
        if (volume.encryptionKeyId() != null) {
            if (!allowEncrypted) {
                throw ApiException.invalidVolume("transferring encrypted volume is not supported");
            }
            if (noSnapshots) {
                throw ApiException.invalidVolume("transferring an encrypted volume without its snapshots is not supported");
            }
        }
        if (!noSnapshots) {
            for (Snapshot snapshot : snapshots.ofVolume(volumeId)) {
                if (!SnapshotStatus.AVAILABLE.equals(snapshot.status())) {
                    throw invalidSnapshot("snapshot: " + snapshot.id() + " status must be available");
                }
            }
        }
        String salt = randomHex(SALT_LENGTH);
        String authKey = randomHex(KEY_LENGTH);
        Transfer transfer = new Transfer(UUID.randomUUID().toString(), volumeId, name, salt, cryptHash(salt, authKey),
                noSnapshots, volume.projectId(), null, false, Timestamps.now(), false);
        tx.run(() -> {
            if (!volumes.transition(volumeId, Set.of(VolumeStatus.AVAILABLE), VolumeStatus.AWAITING_TRANSFER)) {
                throw ApiException.invalidVolume("Transfer " + transfer.id() + ": Volume id " + volumeId
                        + " expected in available state.");
            }
            transfers.insert(transfer);
        });
        LOG.info("transfer {} of volume {} offered by project {}", transfer.id(), volumeId, volume.projectId());
        return new Created(transfer, authKey);
    }

    /** A live transfer the caller may see: of a volume of its project, or any for an admin. */
    public Transfer get(RequestContext context, String id) {
        return transfers.find(id, context.isAdmin() ? null : context.projectId()).orElseThrow(() -> notFound(id));
    }

    /**
     * Cinder's {@code get_all}: the caller's project's transfers, or everyone's for an admin asking
     * {@code all_tenants}. A filter on something that is not a transfer column matches nothing, as Cinder's.
     */
    public List<Transfer> list(RequestContext context, boolean allTenants, Map<String, String> filters) {
        Map<String, Object> columns = new LinkedHashMap<>();
        for (Map.Entry<String, String> filter : filters.entrySet()) {
            if (!TransferRepository.COLUMNS.contains(filter.getKey())) {
                return List.of();
            }
            columns.put(filter.getKey(), filter.getValue());
        }
        return transfers.list(context.isAdmin() && allTenants ? null : context.projectId(), columns);
    }

    /** Withdraws the offer; the volume goes back to available if it is still awaiting the transfer. */
    public void delete(RequestContext context, String id) {
        Transfer transfer = get(context, id);
        volumeApi.get(context, transfer.volumeId());
        tx.run(() -> {
            if (!volumes.transition(transfer.volumeId(), Set.of(VolumeStatus.AWAITING_TRANSFER), VolumeStatus.AVAILABLE)) {
                LOG.error("Transfer {}: Volume expected in awaiting-transfer state.", id);
            }
            transfers.markDeleted(id);
        });
    }

    /**
     * Cinder's {@code accept}: with the right key the volume (and its snapshots, unless the transfer says
     * {@code no_snapshots}) becomes the caller's, with the quota usage it counts for.
     *
     * @param authKey what the caller presented (Cinder compares its {@code str()})
     */
    public Transfer accept(RequestContext context, String id, String authKey) {
        Transfer transfer = transfers.find(id, null).orElseThrow(() -> notFound(id));
        if (!MessageDigest.isEqual(cryptHash(transfer.salt(), authKey).getBytes(StandardCharsets.US_ASCII),
                String.valueOf(transfer.cryptHash()).getBytes(StandardCharsets.US_ASCII))) {
            throw ApiException.badRequest("Invalid auth key: Attempt to transfer " + id + " with invalid auth key.");
        }
        Volume volume = volumes.findWithoutMetadata(transfer.volumeId())
                .orElseThrow(() -> ApiException.volumeNotFound(transfer.volumeId()));
        if (volume.consistencygroupId() != null) {
            throw ApiException.invalidVolume("Volume " + volume.id() + " must not be part of a consistency group.");
        }
        String recipient = context.projectId();
        quotas.checkVolumeSize(recipient, volume.size());
        tx.run(() -> {
            if (!volumes.lock(volume.id())) {
                throw ApiException.volumeNotFound(volume.id());
            }
            Volume locked = volumes.findWithoutMetadata(volume.id()).orElseThrow();
            String donor = locked.projectId();
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("user_id", context.userId());
            owner.put("project_id", recipient);
            if (!volumes.transition(volume.id(), Set.of(VolumeStatus.AWAITING_TRANSFER), VolumeStatus.AVAILABLE, owner)) {
                throw ApiException.invalidVolume("Transfer " + id + ": Volume id " + volume.id()
                        + " expected in awaiting-transfer state.");
            }
            quotas.consume(recipient, quotas.of(locked));
            quotas.release(donor, quotas.of(locked));
            if (!transfer.noSnapshots()) {
                for (Snapshot snapshot : snapshots.ofVolume(volume.id())) {
                    if (!snapshots.transition(snapshot.id(), Set.of(SnapshotStatus.AVAILABLE), SnapshotStatus.AVAILABLE,
                            owner)) {
                        throw invalidSnapshot("Transfer " + id + ": Snapshot " + snapshot.id()
                                + " is not in the expected available state.");
                    }
                    quotas.consume(recipient, quotas.of(snapshot));
                    quotas.release(snapshot.projectId(), quotas.of(snapshot));
                }
            }
            if (!transfers.markAccepted(id, recipient)) {
                throw notFound(id);
            }
        });
        LOG.info("Volume {} has been transferred to project {}.", volume.id(), recipient);
        return transfer;
    }

    /** Cinder's {@code _get_crypt_hash}: HMAC-SHA1 of the key under the salt, lower-case hex. */
    static String cryptHash(String salt, String authKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(authKey.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is unavailable", e);
        }
    }

    /** Cinder's {@code _get_random_string}: hex digits (easy to type) from SHA-224 of random bytes. */
    private static String randomHex(int length) {
        StringBuilder out = new StringBuilder();
        while (out.length() < length) {
            byte[] seed = new byte[255];
            RANDOM.nextBytes(seed);
            try {
                out.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-224").digest(seed)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-224 is unavailable", e);
            }
        }
        return out.substring(0, length);
    }

    private static ApiException invalidSnapshot(String reason) {
        return ApiException.badRequest("Invalid snapshot: " + reason);
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound("Transfer " + id + " could not be found.");
    }
}
