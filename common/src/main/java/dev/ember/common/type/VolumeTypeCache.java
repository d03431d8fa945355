package dev.ember.common.type;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Volume types as the hot paths read them (every create looks its type up three times: in the API, the
 * scheduler and the volume service). Found types are kept for a short time; a type changed through
 * another process is seen at most {@code ttl} later. Lookups that find nothing are never cached, so a
 * type created a moment ago is always found.
 */
public final class VolumeTypeCache {

    private record Entry(VolumeType type, long expiresAt) {
    }

    private final VolumeTypeRepository types;
    private final long ttlNanos;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, Entry> byName = new ConcurrentHashMap<>();

    public VolumeTypeCache(VolumeTypeRepository types, Duration ttl) {
        this.types = types;
        this.ttlNanos = ttl.toNanos();
    }

    public Optional<VolumeType> byId(String id) {
        return cached(byId, id, () -> types.findById(id));
    }

    /** Cinder's {@code get_by_name_or_id}. */
    public Optional<VolumeType> byNameOrId(String identity) {
        if (VolumeTypeRepository.looksLikeUuid(identity)) {
            Optional<VolumeType> found = byId(identity);
            if (found.isPresent()) {
                return found;
            }
        }
        return cached(byName, identity, () -> types.findByName(identity));
    }

    /** Forgets everything, after this process changed a type. */
    public void invalidate() {
        byId.clear();
        byName.clear();
    }

    private Optional<VolumeType> cached(Map<String, Entry> map, String key,
            java.util.function.Supplier<Optional<VolumeType>> load) {
        long now = System.nanoTime();
        Entry entry = map.get(key);
        if (entry != null && now - entry.expiresAt() < 0) {
            return Optional.of(entry.type());
        }
        Optional<VolumeType> loaded = load.get();
        loaded.ifPresentOrElse(type -> map.put(key, new Entry(type, now + ttlNanos)), () -> map.remove(key));
        return loaded;
    }
}
