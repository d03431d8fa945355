package dev.ember.api.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cinder's policy rules that this API enforces, by Cinder's names, with Cinder's default check strings
 * ({@code cinder/policies/*.py}, 2023.1 defaults, which Zed also ships). The personas: admin ({@code role:admin}),
 * project member and project reader of the target's project. A policy file may override any of them.
 */
public final class CinderPolicies {

    /** Cinder's {@code rule:admin_api}: admins only. */
    public static final String ADMIN = "rule:admin_api";
    /** Cinder's project-member persona, or admin. */
    public static final String MEMBER = "rule:xena_system_admin_or_project_member";
    /** Cinder's project-reader persona (members and admins have the reader role too), or admin. */
    public static final String READER = "rule:xena_system_admin_or_project_reader";
    /** What most member and reader rules meant before the personas: admin or anyone of the target's project. */
    static final String OWNER = "rule:admin_or_owner";

    /** The rules other rules are written in. */
    public static final List<PolicyRule> BASE = List.of(
            new PolicyRule("context_is_admin", "role:admin", null),
            new PolicyRule("admin_or_owner",
                    "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s", null),
            new PolicyRule("system_or_domain_or_project_admin", "(role:admin and system_scope:all) or "
                    + "(role:admin and domain_id:%(domain_id)s) or (role:admin and project_id:%(project_id)s)", null),
            new PolicyRule("admin_api", "is_admin:True or (role:admin and is_admin_project:True)", null),
            new PolicyRule("xena_system_admin_or_project_reader",
                    "(role:admin) or (role:reader and project_id:%(project_id)s)", null),
            new PolicyRule("xena_system_admin_or_project_member",
                    "(role:admin) or (role:member and project_id:%(project_id)s)", null));

    private static final Map<String, PolicyRule> RULES = new LinkedHashMap<>();

    static {
        BASE.forEach(r -> RULES.put(r.name(), r));
        // volumes
        member("volume:create");
        member("volume:create_from_image");
        member("volume:multiattach");
        reader("volume:get");
        reader("volume:get_all");
        member("volume:update");
        member("volume:delete");
        admin("volume:force_delete");
        admin("volume_extension:volume_host_attribute");
        readerWas("volume_extension:volume_tenant_attribute", ADMIN);
        admin("volume_extension:volume_mig_status_attribute");
        reader("volume_extension:volume_image_metadata:show");
        reader("volume:get_volume_metadata");
        member("volume:create_volume_metadata");
        member("volume:update_volume_metadata");
        member("volume:delete_volume_metadata");
        admin("volume:update_volume_admin_metadata");
        // volume actions
        member("volume:extend");
        member("volume:extend_attached_volume");
        member("volume:revert_to_snapshot");
        member("volume:retype");
        member("volume:update_readonly_flag");
        admin("volume_extension:volume_admin_actions:reset_status");
        admin("volume_extension:volume_admin_actions:force_delete");
        admin("volume_extension:volume_admin_actions:force_detach");
        for (String action : List.of("initialize_connection", "terminate_connection", "roll_detaching", "reserve",
                "unreserve", "begin_detaching", "attach", "detach")) {
            member("volume_extension:volume_actions:" + action);
        }
        // attachments
        member("volume:attachment_create");
        member("volume:attachment_update");
        member("volume:attachment_delete");
        member("volume:attachment_complete");
        member("volume:multiattach_bootable_volume");
        // snapshots
        reader("volume:get_all_snapshots");
        reader("volume_extension:extended_snapshot_attributes");
        member("volume:create_snapshot");
        reader("volume:get_snapshot");
        member("volume:update_snapshot");
        member("volume:delete_snapshot");
        admin("volume_extension:snapshot_admin_actions:reset_status");
        member("snapshot_extension:snapshot_actions:update_snapshot_status");
        admin("volume_extension:snapshot_admin_actions:force_delete");
        reader("volume:get_snapshot_metadata");
        member("volume:update_snapshot_metadata");
        member("volume:delete_snapshot_metadata");
        // types, extra specs, access, encryption, default types
        admin("volume_extension:type_create");
        admin("volume_extension:type_update");
        admin("volume_extension:type_delete");
        reader("volume_extension:type_get");
        reader("volume_extension:type_get_all");
        reader("volume_extension:access_types_extra_specs");
        admin("volume_extension:access_types_qos_specs_id");
        reader("volume_extension:types_extra_specs:index");
        admin("volume_extension:types_extra_specs:create");
        reader("volume_extension:types_extra_specs:show");
        admin("volume_extension:types_extra_specs:read_sensitive");
        admin("volume_extension:types_extra_specs:update");
        admin("volume_extension:types_extra_specs:delete");
        member("volume_extension:volume_type_access");
        admin("volume_extension:volume_type_access:addProjectAccess");
        admin("volume_extension:volume_type_access:removeProjectAccess");
        admin("volume_extension:volume_type_access:get_all_for_type");
        admin("volume_extension:volume_type_encryption:create");
        admin("volume_extension:volume_type_encryption:get");
        admin("volume_extension:volume_type_encryption:update");
        admin("volume_extension:volume_type_encryption:delete");
        admin("volume_extension:default_set_or_update");
        admin("volume_extension:default_get");
        admin("volume_extension:default_get_all");
        admin("volume_extension:default_unset");
        // qos
        for (String op : List.of("get_all", "get", "create", "update", "delete")) {
            admin("volume_extension:qos_specs_manage:" + op);
        }
        // quotas and limits
        admin("volume_extension:quota_classes:get");
        admin("volume_extension:quota_classes:update");
        reader("volume_extension:quotas:show");
        admin("volume_extension:quotas:update");
        admin("volume_extension:quotas:delete");
        reader("limits_extension:used_limits");
        // services, hosts, pools, clusters, capabilities
        admin("volume_extension:services:index");
        admin("volume_extension:services:update");
        admin("volume:freeze_host");
        admin("volume:thaw_host");
        admin("volume_extension:hosts");
        admin("volume_extension:capabilities");
        admin("scheduler_extension:scheduler_stats:get_pools");
        admin("clusters:get_all");
        admin("clusters:get");
        admin("clusters:update");
        // messages
        reader("message:get_all");
        reader("message:get");
        member("message:delete");
        // transfers
        reader("volume:get_all_transfers");
        member("volume:create_transfer");
        reader("volume:get_transfer");
        member("volume:accept_transfer");
        member("volume:delete_transfer");
        // groups, group types, group snapshots
        reader("group:get_all");
        member("group:create");
        reader("group:get");
        member("group:update");
        member("group:delete");
        admin("group:reset_status");
        member("group:enable_replication");
        member("group:disable_replication");
        member("group:failover_replication");
        member("group:list_replication_targets");
        admin("group:group_project_attribute");
        admin("group:group_types:create");
        admin("group:group_types:update");
        admin("group:group_types:delete");
        admin("group:access_group_types_specs");
        for (String op : List.of("get", "get_all", "create", "update", "delete")) {
            admin("group:group_types_specs:" + op);
        }
        reader("group:get_all_group_snapshots");
        member("group:create_group_snapshot");
        reader("group:get_group_snapshot");
        member("group:delete_group_snapshot");
        member("group:update_group_snapshot");
        admin("group:group_snapshot_project_attribute");
        admin("group:reset_group_snapshot_status");
    }

    private CinderPolicies() {
    }

    /** Every rule by name, in a stable order: the base rules first. */
    public static Map<String, PolicyRule> all() {
        return java.util.Collections.unmodifiableMap(RULES);
    }

    private static void member(String name) {
        RULES.put(name, new PolicyRule(name, MEMBER, OWNER));
    }

    private static void reader(String name) {
        RULES.put(name, new PolicyRule(name, READER, OWNER));
    }

    private static void readerWas(String name, String deprecated) {
        RULES.put(name, new PolicyRule(name, READER, deprecated));
    }

    private static void admin(String name) {
        RULES.put(name, new PolicyRule(name, ADMIN, null));
    }
}
