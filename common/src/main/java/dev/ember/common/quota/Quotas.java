package dev.ember.common.quota;

import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.snapshot.Snapshot;
import dev.ember.common.type.VolumeType;
import dev.ember.common.type.VolumeTypeCache;
import dev.ember.common.type.VolumeTypeRepository;
import dev.ember.common.volume.Volume;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Quota limits and the accounting against them (Cinder's {@code cinder/quota.py}).
 *
 * <p>A project's limit for a resource is its own, else the {@code default} quota class's, else the configured
 * default ({@code quota_volumes}...; per-type resources default to unlimited, -1).
 *
 * <p>Accounting: {@link #consume}, {@link #release}, {@link #reserve}, {@link #commit} and {@link #cancel} must
 * be called inside the transaction that makes the change they count (the volume row inserted, marked deleted,
 * its status moved), so that the counters and the rows they count can never disagree, whatever fails when.
 * A consume or reserve that would pass a limit throws {@link QuotaExceededException} and the caller's
 * transaction rolls back: a request over quota leaves nothing behind.
 */
public class Quotas {

    private final QuotaRepository repository;
    private final VolumeTypeRepository types;
    private final VolumeTypeCache typeCache;
    private final CinderProperties properties;

    public Quotas(QuotaRepository repository, VolumeTypeRepository types, VolumeTypeCache typeCache,
            CinderProperties properties) {
        this.repository = repository;
        this.types = types;
        this.typeCache = typeCache;
        this.properties = properties;
    }

    /** What a volume counts for (nothing if it does not consume quota: a migration's temporary volume). */
    public Map<String, Integer> of(Volume volume) {
        return volume.useQuota() ? QuotaResources.volume(volume.volumeTypeName(), volume.size()) : Map.of();
    }

    /**
     * What a volume counts for in the per-type resources of {@code typeName} ({@code volumes_<t>},
     * {@code gigabytes_<t>}): what a retype moves from the old type to the new.
     */
    public Map<String, Integer> typeShare(Volume volume, String typeName) {
        if (!volume.useQuota() || typeName == null) {
            return Map.of();
        }
        Map<String, Integer> share = new LinkedHashMap<>();
        share.put(QuotaResources.VOLUMES + "_" + typeName, 1);
        share.put(QuotaResources.GIGABYTES + "_" + typeName, volume.size());
        return share;
    }

    /** What the retype in progress of a volume ({@code retype_type_id}) reserved. */
    public Map<String, Integer> retypeShare(Volume volume) {
        if (volume.retypeTypeId() == null) {
            return Map.of();
        }
        return typeShare(volume, typeCache.byId(volume.retypeTypeId()).map(VolumeType::name).orElse(null));
    }

    /** What a group counts for. */
    public Map<String, Integer> ofGroup() {
        return Map.of(QuotaResources.GROUPS, 1);
    }

    /** What a snapshot counts for. */
    public Map<String, Integer> of(Snapshot snapshot) {
        if (!snapshot.useQuota()) {
            return Map.of();
        }
        String type = snapshot.volumeTypeId() == null ? null
                : typeCache.byId(snapshot.volumeTypeId()).map(VolumeType::name).orElse(null);
        return QuotaResources.snapshot(type, snapshot.volumeSize(), !properties.noSnapshotGbQuota());
    }

    /** What growing a volume to {@code newSize} counts for. */
    public Map<String, Integer> growth(Volume volume, Integer newSize) {
        if (!volume.useQuota() || newSize == null || newSize <= volume.size()) {
            return Map.of();
        }
        return QuotaResources.growth(volume.volumeTypeName(), newSize - volume.size());
    }

    /** What a volume's extend in progress ({@code extend_size} over its size) counts for. */
    public Map<String, Integer> growthOf(Volume volume) {
        return growth(volume, volume.extendSize());
    }

    /** Whether stored counters equal what the volumes and snapshots say, by project: the differences. */
    public Map<String, Map<String, String>> drift() {
        Map<String, Map<String, int[]>> truth = repository.truth(!properties.noSnapshotGbQuota());
        Map<String, Map<String, int[]>> stored = repository.counters();
        Map<String, Map<String, String>> drift = new java.util.TreeMap<>();
        java.util.Set<String> projects = new java.util.TreeSet<>(truth.keySet());
        projects.addAll(stored.keySet());
        for (String project : projects) {
            Map<String, int[]> t = truth.getOrDefault(project, Map.of());
            Map<String, int[]> s = stored.getOrDefault(project, Map.of());
            java.util.Set<String> resources = new java.util.TreeSet<>(t.keySet());
            resources.addAll(s.keySet());
            for (String resource : resources) {
                int[] want = t.getOrDefault(resource, new int[2]);
                int[] have = s.getOrDefault(resource, new int[2]);
                if (want[0] != have[0] || want[1] != have[1]) {
                    drift.computeIfAbsent(project, p -> new java.util.TreeMap<>()).put(resource,
                            "stored " + have[0] + "/" + have[1] + ", actual " + want[0] + "/" + want[1]);
                }
            }
        }
        return drift;
    }

    /** Every resource name, in Cinder's order (volume types newest first, as Cinder lists them). */
    public List<String> resources() {
        List<VolumeType> all = new ArrayList<>(types.list(null));
        all.sort(Comparator.comparing(VolumeType::createdAt).reversed().thenComparing(VolumeType::name));
        return QuotaResources.all(all.stream().map(VolumeType::name).toList());
    }

    /** The configured default of a resource, before any quota class. */
    public int configuredDefault(String resource) {
        return switch (resource) {
            case QuotaResources.VOLUMES -> properties.quotaVolumes();
            case QuotaResources.SNAPSHOTS -> properties.quotaSnapshots();
            case QuotaResources.GIGABYTES -> properties.quotaGigabytes();
            case QuotaResources.BACKUPS -> properties.quotaBackups();
            case QuotaResources.BACKUP_GIGABYTES -> properties.quotaBackupGigabytes();
            case QuotaResources.GROUPS -> properties.quotaGroups();
            case QuotaResources.PER_VOLUME_GIGABYTES -> properties.perVolumeSizeLimit();
            default -> -1;
        };
    }

    /** Cinder's {@code get_defaults}: every resource's default, the default class over the configuration. */
    public Map<String, Integer> defaults() {
        return classLimits(QuotaRepository.DEFAULT_CLASS);
    }

    /** Cinder's {@code get_class_quotas}: a class's limits over the defaults. */
    public Map<String, Integer> classLimits(String className) {
        Map<String, Integer> own = repository.classLimits(className);
        Map<String, Integer> defaults = properties.useDefaultQuotaClass()
                ? repository.classLimits(QuotaRepository.DEFAULT_CLASS) : Map.of();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String resource : resources()) {
            Integer value = own.get(resource);
            if (value == null) {
                value = defaults.get(resource);
            }
            out.put(resource, value == null ? configuredDefault(resource) : value);
        }
        return out;
    }

    /** Cinder's {@code get_project_quotas} with usages: every resource's limit, use and reservation. */
    public Map<String, QuotaUsage> projectUsage(String projectId) {
        Map<String, Integer> limits = projectLimits(projectId);
        Map<String, QuotaUsage> used = repository.usages(projectId);
        Map<String, QuotaUsage> out = new LinkedHashMap<>();
        limits.forEach((resource, limit) -> {
            QuotaUsage u = used.get(resource);
            out.put(resource, new QuotaUsage(limit, u == null ? 0 : u.inUse(), u == null ? 0 : u.reserved()));
        });
        return out;
    }

    /** Every resource's limit for a project: its own, else the defaults. */
    public Map<String, Integer> projectLimits(String projectId) {
        Map<String, Integer> own = repository.projectLimits(projectId);
        Map<String, Integer> out = defaults();
        own.forEach((resource, limit) -> {
            if (out.containsKey(resource)) {
                out.put(resource, limit);
            }
        });
        return out;
    }

    /** The limits a project has of its own (Cinder's {@code defaults=False}). */
    public Map<String, Integer> projectOverrides(String projectId) {
        return repository.projectLimits(projectId);
    }

    public void setProjectLimits(String projectId, Map<String, Integer> limits) {
        var now = Timestamps.now();
        limits.forEach((resource, limit) -> repository.setProjectLimit(projectId, resource, limit, now));
    }

    public void setClassLimits(String className, Map<String, Integer> limits) {
        var now = Timestamps.now();
        limits.forEach((resource, limit) -> repository.setClassLimit(className, resource, limit, now));
    }

    public void deleteProjectLimits(String projectId) {
        repository.deleteProjectLimits(projectId);
    }

    /** Moves a type's per-type resources to its new name; inside the transaction that renames the type. */
    public void renameType(String from, String to) {
        List<String> old = QuotaResources.ofType(from);
        List<String> renamed = QuotaResources.ofType(to);
        for (int i = 0; i < old.size(); i++) {
            repository.renameResource(old.get(i), renamed.get(i));
        }
    }

    /**
     * Cinder's {@code per_volume_gigabytes} check: one volume no larger than the project's limit.
     *
     * @throws QuotaExceededException when it is larger
     */
    public void checkVolumeSize(String projectId, int size) {
        Integer limit = repository.effectiveLimits(projectId, List.of(QuotaResources.PER_VOLUME_GIGABYTES))
                .get(QuotaResources.PER_VOLUME_GIGABYTES);
        int effective = limit == null ? configuredDefault(QuotaResources.PER_VOLUME_GIGABYTES) : limit;
        if (effective >= 0 && size > effective) {
            throw QuotaExceededException.perVolume(size, effective);
        }
    }

    /** Counts new things (non-negative deltas) as in use; inside the caller's transaction. */
    public void consume(String projectId, Map<String, Integer> deltas) {
        add(projectId, deltas, false);
    }

    /** Counts growth asked for as reserved; inside the transaction that starts it. */
    public void reserve(String projectId, Map<String, Integer> deltas) {
        add(projectId, deltas, true);
    }

    /** Things gone: their deltas are no longer in use; inside the transaction that removes them. */
    public void release(String projectId, Map<String, Integer> deltas) {
        Map<String, Integer> positive = positive(deltas);
        if (!positive.isEmpty()) {
            repository.subtract(projectId, positive, false, false, Timestamps.now());
        }
    }

    /** Reserved growth done: moved from reserved to in use; inside the transaction that records it. */
    public void commit(String projectId, Map<String, Integer> deltas) {
        Map<String, Integer> positive = positive(deltas);
        if (!positive.isEmpty()) {
            repository.subtract(projectId, positive, true, true, Timestamps.now());
        }
    }

    /** Reserved growth abandoned; inside the transaction that records it. */
    public void cancel(String projectId, Map<String, Integer> deltas) {
        Map<String, Integer> positive = positive(deltas);
        if (!positive.isEmpty()) {
            repository.subtract(projectId, positive, true, false, Timestamps.now());
        }
    }

    /**
     * A counter would pass the database's integer (2^31-1, Cinder's {@code DB_MAX_INT}), which even an unlimited
     * quota cannot hold: an over-quota answer for the resource that overflows, never a 500.
     */
    private RuntimeException beyondCounters(String projectId, Map<String, Integer> deltas, RuntimeException cause) {
        Map<String, QuotaUsage> now = repository.counters(projectId, List.copyOf(deltas.keySet()));
        for (Map.Entry<String, Integer> delta : deltas.entrySet()) {
            QuotaUsage usage = now.get(delta.getKey());
            long consumed = usage == null ? 0 : (long) usage.inUse() + usage.reserved();
            if (consumed + delta.getValue() > Integer.MAX_VALUE) {
                return QuotaExceededException.over(delta.getKey(), Integer.MAX_VALUE, delta.getValue(), (int) consumed);
            }
        }
        return cause;
    }

    private void add(String projectId, Map<String, Integer> deltas, boolean reserved) {
        Map<String, Integer> positive = positive(deltas);
        if (positive.isEmpty()) {
            return;
        }
        List<String> resources = List.copyOf(positive.keySet());
        Map<String, Integer> limits = repository.effectiveLimits(projectId, resources);
        Map<String, QuotaUsage> after;
        try {
            after = repository.add(projectId, positive, reserved, Timestamps.now());
        } catch (DataIntegrityViolationException e) {
            throw beyondCounters(projectId, positive, e);
        }
        for (String resource : resources) {
            Integer limit = limits.get(resource);
            int effective = limit == null ? configuredDefault(resource) : limit;
            QuotaUsage now = after.get(resource);
            int delta = positive.get(resource);
            if (effective >= 0 && now != null && now.inUse() + now.reserved() > effective) {
                throw QuotaExceededException.over(resource, effective, delta, now.inUse() + now.reserved() - delta);
            }
        }
    }

    private static Map<String, Integer> positive(Map<String, Integer> deltas) {
        Map<String, Integer> out = new LinkedHashMap<>();
        deltas.forEach((resource, delta) -> {
            if (delta != null && delta > 0) {
                out.put(resource, delta);
            }
        });
        return out;
    }
}
