package dev.ember.common.volume;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code volumes}, with its type's name, its metadata and its admin metadata. Field names
 * follow Cinder's columns.
 *
 * @param metadata what users set ({@code volume_metadata})
 * @param adminMetadata what only the service sets ({@code volume_admin_metadata}: {@code readonly},
 *     {@code attached_mode}...)
 * @param extendSize while {@code extending}: the size asked for; else null
 * @param extendClaimed while {@code extending}: whether the growth is claimed in the pool
 */
public record Volume(
        String id,
        String userId,
        String projectId,
        String host,
        String clusterName,
        int size,
        String availabilityZone,
        String status,
        String attachStatus,
        String migrationStatus,
        String previousStatus,
        Instant scheduledAt,
        Instant launchedAt,
        Instant terminatedAt,
        String displayName,
        String displayDescription,
        String providerLocation,
        String providerAuth,
        String providerId,
        String volumeTypeId,
        String volumeTypeName,
        String snapshotId,
        String sourceVolid,
        String encryptionKeyId,
        String consistencygroupId,
        String groupId,
        boolean bootable,
        boolean multiattach,
        String replicationStatus,
        String serviceUuid,
        Boolean sharedTargets,
        boolean useQuota,
        Instant createdAt,
        Instant updatedAt,
        boolean deleted,
        Map<String, String> metadata,
        Map<String, String> adminMetadata,
        Integer extendSize,
        boolean extendClaimed,
        String retypeTypeId,
        String retypePolicy) {

    /** Admin metadata keys Cinder shows among a volume's metadata ({@code add_visible_admin_metadata}). */
    public static final java.util.Set<String> VISIBLE_ADMIN_METADATA = java.util.Set.of("readonly", "attached_mode");

    public Volume {
        metadata = metadata == null ? Map.of() : metadata;
        adminMetadata = adminMetadata == null ? Map.of() : adminMetadata;
    }

    /** The metadata users see: theirs, overridden by the visible admin keys. */
    public Map<String, String> visibleMetadata() {
        if (adminMetadata.isEmpty()) {
            return metadata;
        }
        Map<String, String> shown = new java.util.LinkedHashMap<>(metadata);
        adminMetadata.forEach((k, v) -> {
            if (VISIBLE_ADMIN_METADATA.contains(k)) {
                shown.put(k, v);
            }
        });
        return shown;
    }

    /** Whether the volume is read-only (admin metadata {@code readonly} is {@code True}). */
    public boolean readonly() {
        return "True".equals(adminMetadata.get("readonly"));
    }

    /** {@code host@backend}: the volume service that owns the volume, or null before scheduling. */
    public String backend() {
        return Hosts.backend(host);
    }

    /** This volume as placed by the scheduler on {@code newHost} in {@code zone}. */
    public Volume placedOn(String newHost, String zone, Instant at) {
        return new Volume(id, userId, projectId, newHost, clusterName, size, zone, status, attachStatus,
                migrationStatus, previousStatus, at, launchedAt, terminatedAt, displayName,
                displayDescription, providerLocation, providerAuth, providerId, volumeTypeId, volumeTypeName,
                snapshotId, sourceVolid, encryptionKeyId, consistencygroupId, groupId, bootable, multiattach,
                replicationStatus, serviceUuid, sharedTargets, useQuota, createdAt, at, deleted, metadata, adminMetadata,
                extendSize, extendClaimed, retypeTypeId, retypePolicy);
    }

    public Volume withMetadata(Map<String, String> newMetadata, Map<String, String> newAdminMetadata) {
        return new Volume(id, userId, projectId, host, clusterName, size, availabilityZone, status, attachStatus,
                migrationStatus, previousStatus, scheduledAt, launchedAt, terminatedAt, displayName,
                displayDescription, providerLocation, providerAuth, providerId, volumeTypeId, volumeTypeName,
                snapshotId, sourceVolid, encryptionKeyId, consistencygroupId, groupId, bootable, multiattach,
                replicationStatus, serviceUuid, sharedTargets, useQuota, createdAt, updatedAt, deleted, newMetadata,
                newAdminMetadata, extendSize, extendClaimed, retypeTypeId, retypePolicy);
    }
}
