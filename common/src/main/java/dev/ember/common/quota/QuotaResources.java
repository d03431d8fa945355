package dev.ember.common.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the resources quotas limit, in the order Cinder lists them ({@code cinder/quota.py}
 * {@code VolumeTypeQuotaEngine} then {@code GroupQuotaEngine}): the global ones, then
 * {@code volumes_<type>}, {@code gigabytes_<type>}, {@code snapshots_<type>} for every volume type, then
 * {@code groups}. {@code per_volume_gigabytes} is a limit on one volume's size, never a counter.
 */
public final class QuotaResources {

    public static final String VOLUMES = "volumes";
    public static final String PER_VOLUME_GIGABYTES = "per_volume_gigabytes";
    public static final String SNAPSHOTS = "snapshots";
    public static final String GIGABYTES = "gigabytes";
    public static final String BACKUPS = "backups";
    public static final String BACKUP_GIGABYTES = "backup_gigabytes";
    public static final String GROUPS = "groups";

    /** The global resources before the per-type ones. */
    public static final List<String> GLOBAL = List.of(VOLUMES, PER_VOLUME_GIGABYTES, SNAPSHOTS, GIGABYTES, BACKUPS,
            BACKUP_GIGABYTES);

    private static final List<String> PER_TYPE = List.of(VOLUMES, GIGABYTES, SNAPSHOTS);

    private QuotaResources() {
    }

    /** Every resource name for these volume type names (in the order given), in Cinder's order. */
    public static List<String> all(List<String> typeNames) {
        List<String> names = new ArrayList<>(GLOBAL);
        for (String type : typeNames) {
            for (String part : PER_TYPE) {
                names.add(part + "_" + type);
            }
        }
        names.add(GROUPS);
        return names;
    }

    /** The per-type resource names of a type: {@code volumes_<t>, gigabytes_<t>, snapshots_<t>}. */
    public static List<String> ofType(String typeName) {
        return PER_TYPE.stream().map(part -> part + "_" + typeName).toList();
    }

    /** Whether {@code name} is a resource Cinder knows for these types. */
    public static boolean isKnown(String name, List<String> typeNames) {
        return all(typeNames).contains(name);
    }

    /** What one volume of {@code size} GB and type {@code typeName} counts for. */
    public static Map<String, Integer> volume(String typeName, int size) {
        return volumes(typeName, 1, size);
    }

    /** What {@code count} volumes of type {@code typeName} with {@code gigabytes} in all count for. */
    public static Map<String, Integer> volumes(String typeName, int count, int gigabytes) {
        Map<String, Integer> deltas = new LinkedHashMap<>();
        deltas.put(VOLUMES, count);
        deltas.put(GIGABYTES, gigabytes);
        if (typeName != null) {
            deltas.put(VOLUMES + "_" + typeName, count);
            deltas.put(GIGABYTES + "_" + typeName, gigabytes);
        }
        return deltas;
    }

    /**
     * What one snapshot of a {@code size} GB volume counts for; its size counts against gigabytes unless
     * {@code no_snapshot_gb_quota}.
     */
    public static Map<String, Integer> snapshot(String typeName, int size, boolean countGigabytes) {
        return snapshots(typeName, 1, size, countGigabytes);
    }

    /** What {@code count} snapshots of volumes with {@code gigabytes} in all count for. */
    public static Map<String, Integer> snapshots(String typeName, int count, int gigabytes, boolean countGigabytes) {
        Map<String, Integer> deltas = new LinkedHashMap<>();
        deltas.put(SNAPSHOTS, count);
        if (countGigabytes) {
            deltas.put(GIGABYTES, gigabytes);
        }
        if (typeName != null) {
            deltas.put(SNAPSHOTS + "_" + typeName, count);
            if (countGigabytes) {
                deltas.put(GIGABYTES + "_" + typeName, gigabytes);
            }
        }
        return deltas;
    }

    /** What growing a volume of type {@code typeName} by {@code growth} GB counts for. */
    public static Map<String, Integer> growth(String typeName, int growth) {
        Map<String, Integer> deltas = new LinkedHashMap<>();
        deltas.put(GIGABYTES, growth);
        if (typeName != null) {
            deltas.put(GIGABYTES + "_" + typeName, growth);
        }
        return deltas;
    }

    /** The same deltas with their signs turned: what undoing them counts for. */
    public static Map<String, Integer> negate(Map<String, Integer> deltas) {
        Map<String, Integer> out = new LinkedHashMap<>();
        deltas.forEach((k, v) -> out.put(k, -v));
        return out;
    }
}
