package dev.ember.common.quota;

/**
 * A request that would take a project over one of its limits: Cinder's {@code QuotaError} family, each a 413
 * whose message the API prefixes with the exception's name as Cinder's fault wrapper does.
 */
public final class QuotaExceededException extends RuntimeException {

    private final String cinderName;

    private QuotaExceededException(String cinderName, String message) {
        super(message);
        this.cinderName = cinderName;
    }

    /** Cinder's exception class name, e.g. {@code VolumeLimitExceeded}. */
    public String cinderName() {
        return cinderName;
    }

    /** {@code "<Name>: <message>"}, the text Cinder's API answers with. */
    public String apiMessage() {
        return cinderName + ": " + getMessage();
    }

    /** Cinder's {@code process_reserve_over_quota}: the exception for going over {@code resource}. */
    public static QuotaExceededException over(String resource, int limit, int requested, int consumed) {
        if (resource.contains("gigabytes")) {
            return new QuotaExceededException("VolumeSizeExceedsAvailableQuota", "Requested volume or snapshot exceeds "
                    + "allowed " + resource + " quota. Requested " + requested + "G, quota is " + limit + "G and "
                    + consumed + "G has been consumed.");
        }
        if (resource.startsWith(QuotaResources.VOLUMES)) {
            return new QuotaExceededException("VolumeLimitExceeded", "Maximum number of volumes allowed (" + limit
                    + ") exceeded for quota '" + resource + "'.");
        }
        if (resource.startsWith(QuotaResources.SNAPSHOTS)) {
            return new QuotaExceededException("SnapshotLimitExceeded", "Maximum number of snapshots allowed (" + limit
                    + ") exceeded");
        }
        if (resource.equals(QuotaResources.GROUPS)) {
            return new QuotaExceededException("GroupLimitExceeded", "Maximum number of groups allowed (" + limit
                    + ") exceeded");
        }
        return new QuotaExceededException("UnexpectedOverQuota", "Unexpected over quota on " + resource + ".");
    }

    /** Cinder's {@code VolumeSizeExceedsLimit}: one volume larger than {@code per_volume_gigabytes}. */
    public static QuotaExceededException perVolume(int size, int limit) {
        return new QuotaExceededException("VolumeSizeExceedsLimit", "Requested volume size " + size
                + "G is larger than maximum allowed limit " + limit + "G.");
    }
}
