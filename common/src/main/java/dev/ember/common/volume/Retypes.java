package dev.ember.common.volume;

import dev.ember.common.db.Tx;
import dev.ember.common.quota.Quotas;
import dev.ember.common.type.VolumeType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a retype ends, wherever it ends (the scheduler refuses the backend, the backend retypes or cannot): each
 * outcome is one transaction that moves the volume out of {@code retyping} and settles the per-type quota share
 * the API reserved, so a retype can end only once.
 */
public final class Retypes {

    private final VolumeRepository volumes;
    private final Quotas quotas;
    private final Tx tx;

    public Retypes(VolumeRepository volumes, Quotas quotas, Tx tx) {
        this.volumes = volumes;
        this.quotas = quotas;
        this.tx = tx;
    }

    /**
     * The volume keeps its type and goes back to its previous status; the new type's reservation is given back.
     *
     * @return whether this call ended the retype
     */
    public boolean abandon(Volume volume) {
        return tx.call(() -> {
            if (!volumes.transition(volume.id(), Set.of(VolumeStatus.RETYPING), previous(volume), cleared())) {
                return false;
            }
            quotas.cancel(volume.projectId(), quotas.retypeShare(volume));
            return true;
        });
    }

    /**
     * The volume has its new type (and the type's multiattach) and goes back to its previous status; its share of
     * the old type's quotas moves to the new type's.
     *
     * @return whether this call ended the retype
     */
    public boolean complete(Volume volume, VolumeType newType) {
        return tx.call(() -> {
            Map<String, Object> set = cleared();
            set.put("volume_type_id", newType.id());
            set.put("multiattach", newType.multiattach());
            if (!volumes.transition(volume.id(), Set.of(VolumeStatus.RETYPING), previous(volume), set)) {
                return false;
            }
            quotas.commit(volume.projectId(), quotas.typeShare(volume, newType.name()));
            quotas.release(volume.projectId(), quotas.typeShare(volume, volume.volumeTypeName()));
            return true;
        });
    }

    private static String previous(Volume volume) {
        return volume.previousStatus() != null ? volume.previousStatus() : VolumeStatus.AVAILABLE;
    }

    private static Map<String, Object> cleared() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("retype_type_id", null);
        set.put("retype_policy", null);
        return set;
    }
}
