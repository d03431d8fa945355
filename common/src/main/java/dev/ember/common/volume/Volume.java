package dev.ember.common.volume;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code volumes}, with its type's name and its metadata. Field names follow Cinder's columns.
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
        Map<String, String> metadata) {

    public Volume {
        metadata = metadata == null ? Map.of() : metadata;
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
                replicationStatus, serviceUuid, sharedTargets, useQuota, createdAt, at, deleted, metadata);
    }

    public Volume withMetadata(Map<String, String> newMetadata) {
        return new Volume(id, userId, projectId, host, clusterName, size, availabilityZone, status, attachStatus,
                migrationStatus, previousStatus, scheduledAt, launchedAt, terminatedAt, displayName,
                displayDescription, providerLocation, providerAuth, providerId, volumeTypeId, volumeTypeName,
                snapshotId, sourceVolid, encryptionKeyId, consistencygroupId, groupId, bootable, multiattach,
                replicationStatus, serviceUuid, sharedTargets, useQuota, createdAt, updatedAt, deleted, newMetadata);
    }
}
