package dev.ember.volume.spi;

/**
 * What a driver asks the manager to store on the volume row after an operation (Cinder's
 * {@code model_update}). Null fields are left unchanged.
 *
 * @param providerLocation where the driver keeps the volume or its export (for example a file path, or
 *     Cinder's iSCSI form {@code "<ip:port>,<tid> <iqn> <lun>"})
 * @param providerId the backend's own id for the volume, if it has one
 * @param providerAuth credentials of the export in Cinder's form {@code "CHAP <user> <secret>"}; a secret,
 *     never printed by {@link #toString()}
 */
public record ModelUpdate(String providerLocation, String providerId, String providerAuth) {
    public static final ModelUpdate NONE = new ModelUpdate(null, null, null);

    public static ModelUpdate location(String providerLocation) {
        return new ModelUpdate(providerLocation, null, null);
    }

    public static ModelUpdate export(String providerLocation, String providerAuth) {
        return new ModelUpdate(providerLocation, null, providerAuth);
    }

    @Override
    public String toString() {
        return "ModelUpdate[providerLocation=" + providerLocation + ", providerId=" + providerId
                + ", providerAuth=" + (providerAuth == null ? null : "***") + "]";
    }
}
