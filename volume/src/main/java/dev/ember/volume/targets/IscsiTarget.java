package dev.ember.volume.targets;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One volume's iSCSI export as a target helper keeps it: one target, one LUN, one CHAP account, and the
 * initiators allowed to log in (an empty set lets nobody in).
 *
 * @param iqn the target's name, {@code <target_prefix>volume-<id>}
 * @param backing what the LUN serves
 * @param chap the credentials an initiator must present, or null for none
 * @param initiators initiator IQNs allowed to log in
 */
public record IscsiTarget(String iqn, BackingStore backing, ChapCredentials chap, Set<String> initiators) {

    public IscsiTarget {
        Objects.requireNonNull(iqn, "iqn is null");
        Objects.requireNonNull(backing, "backing is null");
        if (!iqn.matches("(iqn\\.|eui\\.|naa\\.)[A-Za-z0-9.:_-]+")) {
            throw new IllegalArgumentException("not an iSCSI name: " + iqn);
        }
        initiators = Set.copyOf(new TreeSet<>(Objects.requireNonNull(initiators, "initiators is null")));
        for (String initiator : initiators) {
            if (!validInitiator(initiator)) {
                throw new IllegalArgumentException("not an iSCSI initiator name: " + initiator);
            }
        }
    }

    /** Whether {@code name} is an iSCSI name safe to hand to a target tool. */
    public static boolean validInitiator(String name) {
        return name != null && name.length() <= 223 && name.matches("(iqn\\.|eui\\.|naa\\.)[A-Za-z0-9.:_-]+");
    }

    public IscsiTarget withInitiator(String initiator) {
        Set<String> more = new TreeSet<>(initiators);
        more.add(initiator);
        return new IscsiTarget(iqn, backing, chap, more);
    }

    public IscsiTarget withoutInitiator(String initiator) {
        Set<String> fewer = new TreeSet<>(initiators);
        fewer.remove(initiator);
        return new IscsiTarget(iqn, backing, chap, fewer);
    }
}
