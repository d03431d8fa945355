package dev.ember.api.http;

/**
 * Authorization by Cinder's rule names. Until the policy engine exists, every rule named here is
 * Cinder's default {@code rule:admin_api}: admins only. A refusal is Cinder's 403
 * "Policy doesn't allow {rule} to be performed."
 */
public final class Policy {

    public static final String TYPES_MANAGE = "volume_extension:types_manage";
    public static final String TYPES_EXTRA_SPECS_CREATE = "volume_extension:types_extra_specs:create";
    public static final String TYPES_EXTRA_SPECS_UPDATE = "volume_extension:types_extra_specs:update";
    public static final String TYPES_EXTRA_SPECS_DELETE = "volume_extension:types_extra_specs:delete";
    public static final String SERVICES_INDEX = "volume_extension:services:index";
    public static final String SERVICES_UPDATE = "volume_extension:services:update";
    public static final String FREEZE_HOST = "volume:freeze_host";
    public static final String THAW_HOST = "volume:thaw_host";
    public static final String HOSTS = "volume_extension:hosts";
    public static final String CAPABILITIES = "volume_extension:capabilities";
    public static final String CLUSTERS_GET = "clusters:get";
    public static final String CLUSTERS_GET_ALL = "clusters:get_all";
    public static final String CLUSTERS_UPDATE = "clusters:update";
    public static final String POOLS_INDEX = "scheduler_extension:scheduler_stats:get_pools";

    private Policy() {
    }

    public static void requireAdmin(ApiRequest request, String rule) {
        if (!request.isAdmin()) {
            throw ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
        }
    }

    /**
     * Cinder's {@code admin_or_owner} style rules: admins, or callers of the project the target belongs to; others
     * get the rule's 403.
     */
    public static void requireAdminOrOwner(ApiRequest request, String rule, String targetProjectId) {
        if (!request.isAdmin() && (targetProjectId == null || !targetProjectId.equals(request.projectId()))) {
            throw ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
        }
    }
}
