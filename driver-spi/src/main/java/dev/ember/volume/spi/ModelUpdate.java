package dev.ember.volume.spi;

/**
 * What a driver asks the manager to store on the volume row after an operation (Cinder's
 * {@code model_update}). Null fields are left unchanged.
 *
 * @param providerLocation where the driver keeps the volume (for example a file path)
 * @param providerId the backend's own id for the volume, if it has one
 */
public record ModelUpdate(String providerLocation, String providerId) {
    public static final ModelUpdate NONE = new ModelUpdate(null, null);

    public static ModelUpdate location(String providerLocation) {
        return new ModelUpdate(providerLocation, null);
    }
}
