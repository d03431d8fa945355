package dev.ember.volume.spi;

import java.util.Map;

/**
 * Optional capability: giving a volume a new volume type where it is (Cinder's {@code driver.retype} on the same
 * backend). A driver without it cannot retype in place, and Ember does not migrate, so such retypes are refused.
 */
public interface RetypeCapable {

    /**
     * Makes {@code volume} (described with its current type's extra specs) meet {@code newExtraSpecs}.
     *
     * @return true when the volume now matches the new type; false when only moving it would (the retype is then
     *     refused and the volume keeps its type)
     */
    boolean retype(VolumeSpec volume, Map<String, String> newExtraSpecs) throws DriverException;
}
