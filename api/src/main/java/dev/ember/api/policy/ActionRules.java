package dev.ember.api.policy;

import java.util.Map;

/**
 * The rule of each action of the routes marked {@code @Authorize(byAction = true)}, by Cinder's names. The handler
 * looks its action up here once it has read it; {@code RoutePoliciesTest} checks each table against the actions the
 * handler serves.
 */
public final class ActionRules {

    /** {@code POST /v3/volumes/{id}/action}. */
    public static final Map<String, String> VOLUME = Map.ofEntries(
            Map.entry("os-extend", "volume:extend"),
            Map.entry("revert", "volume:revert_to_snapshot"),
            Map.entry("os-reset_status", "volume_extension:volume_admin_actions:reset_status"),
            Map.entry("os-force_delete", "volume_extension:volume_admin_actions:force_delete"),
            Map.entry("os-force_detach", "volume_extension:volume_admin_actions:force_detach"),
            Map.entry("os-set_bootable", "volume:update"),
            Map.entry("os-update_readonly_flag", "volume:update_readonly_flag"),
            Map.entry("os-retype", "volume:retype"),
            Map.entry("os-reserve", "volume_extension:volume_actions:reserve"),
            Map.entry("os-unreserve", "volume_extension:volume_actions:unreserve"),
            Map.entry("os-begin_detaching", "volume_extension:volume_actions:begin_detaching"),
            Map.entry("os-roll_detaching", "volume_extension:volume_actions:roll_detaching"),
            Map.entry("os-initialize_connection", "volume_extension:volume_actions:initialize_connection"),
            Map.entry("os-terminate_connection", "volume_extension:volume_actions:terminate_connection"),
            Map.entry("os-attach", "volume_extension:volume_actions:attach"),
            Map.entry("os-detach", "volume_extension:volume_actions:detach"));

    /** {@code POST /v3/snapshots/{id}/action}. */
    public static final Map<String, String> SNAPSHOT = Map.of(
            "os-reset_status", "volume_extension:snapshot_admin_actions:reset_status",
            "os-force_delete", "volume_extension:snapshot_admin_actions:force_delete",
            "os-update_snapshot_status", "snapshot_extension:snapshot_actions:update_snapshot_status");

    /** {@code POST /v3/groups/{id}/action}. */
    public static final Map<String, String> GROUP = Map.of(
            "delete", "group:delete",
            "reset_status", "group:reset_status",
            "enable_replication", "group:enable_replication",
            "disable_replication", "group:disable_replication",
            "failover_replication", "group:failover_replication",
            "list_replication_targets", "group:list_replication_targets");

    /** {@code POST /v3/group_snapshots/{id}/action}. */
    public static final Map<String, String> GROUP_SNAPSHOT = Map.of(
            "reset_status", "group:reset_group_snapshot_status");

    /** {@code POST /v3/attachments/{id}/action}. */
    public static final Map<String, String> ATTACHMENT = Map.of(
            "os-complete", "volume:attachment_complete");

    /** {@code POST /v3/types/{id}/action}. */
    public static final Map<String, String> TYPE = Map.of(
            "addProjectAccess", "volume_extension:volume_type_access:addProjectAccess",
            "removeProjectAccess", "volume_extension:volume_type_access:removeProjectAccess");

    /** {@code PUT /v3/os-services/{action}}: the action is the last path segment. */
    public static final Map<String, String> SERVICE = Map.of(
            "enable", "volume_extension:services:update",
            "disable", "volume_extension:services:update",
            "disable-log-reason", "volume_extension:services:update",
            "freeze", "volume:freeze_host",
            "thaw", "volume:thaw_host");

    /** Each table by the route it serves ({@code METHOD path}), for tests and the generated policy document. */
    public static final Map<String, Map<String, String>> BY_ROUTE = Map.of(
            "POST /v3/volumes/{id}/action", VOLUME,
            "POST /v3/snapshots/{id}/action", SNAPSHOT,
            "POST /v3/groups/{id}/action", GROUP,
            "POST /v3/group_snapshots/{id}/action", GROUP_SNAPSHOT,
            "POST /v3/attachments/{id}/action", ATTACHMENT,
            "POST /v3/types/{id}/action", TYPE,
            "PUT /v3/os-services/{action}", SERVICE);

    private ActionRules() {
    }
}
