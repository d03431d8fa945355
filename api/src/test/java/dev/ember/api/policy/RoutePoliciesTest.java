package dev.ember.api.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.api.http.ApiCoverageTest;
import dev.ember.api.http.ApiCoverageTest.Route;
import dev.ember.api.volume.VolumeActionsController;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The route table's policy: every served route carries {@link Authorize}, every rule it names is one of Cinder's
 * registered rules, and every action route has its action table. Generates {@code docs/policy.md} (fails when the
 * committed file is stale; {@code -Dember.updateDocs=true} rewrites it).
 */
class RoutePoliciesTest {

    /** A route's policy as a row: the rules (or why none), and the lowest persona its default lets in. */
    record Row(String method, String path, String action, String rule, String persona) {
    }

    static List<Row> rows() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Route route : ApiCoverageTest.routes()) {
            Authorize authorize = route.handlerMethod().getAnnotation(Authorize.class);
            assertThat(authorize).as(route + " has no @Authorize").isNotNull();
            int forms = (authorize.value().length > 0 ? 1 : 0) + (authorize.byAction() ? 1 : 0)
                    + (authorize.noRule().isEmpty() ? 0 : 1);
            assertThat(forms).as(route + ": exactly one of rules, byAction, noRule").isEqualTo(1);
            if (authorize.byAction()) {
                Map<String, String> actions = ActionRules.BY_ROUTE.get(route.method() + " " + route.path());
                assertThat(actions).as(route + " is byAction but ActionRules has no table for it").isNotNull();
                new TreeMap<>(actions).forEach((action, rule) ->
                        rows.add(new Row(route.method(), route.path(), action, rule, persona(rule))));
            } else if (authorize.value().length > 0) {
                for (String rule : authorize.value()) {
                    rows.add(new Row(route.method(), route.path(), "", rule, persona(rule)));
                }
            } else {
                rows.add(new Row(route.method(), route.path(), "", "", "anyone: " + authorize.noRule()));
            }
        }
        return rows;
    }

    /** Who the default check string lets in: admin, member, reader (of the target's project), or the check. */
    static String persona(String rule) {
        PolicyRule r = CinderPolicies.all().get(rule);
        assertThat(r).as("rule " + rule + " is not registered in CinderPolicies").isNotNull();
        return switch (r.check()) {
            case CinderPolicies.ADMIN -> "admin";
            case CinderPolicies.MEMBER -> "member";
            case CinderPolicies.READER -> "reader";
            default -> "`" + r.check() + "`";
        };
    }

    @Test
    void everyRouteHasAPolicyByCindersRuleNames() throws Exception {
        assertThat(rows()).isNotEmpty();
        for (Map<String, String> table : ActionRules.BY_ROUTE.values()) {
            table.values().forEach(RoutePoliciesTest::persona);
        }
    }

    @Test
    void theVolumeActionTableCoversExactlyTheServedActions() throws Exception {
        VolumeActionsController controller = new VolumeActionsController(null, null);
        Field field = VolumeActionsController.class.getDeclaredField("actions");
        field.setAccessible(true);
        assertThat(((Map<?, ?>) field.get(controller)).keySet()).isEqualTo(ActionRules.VOLUME.keySet());
    }

    static String render() throws Exception {
        StringBuilder doc = new StringBuilder();
        doc.append("# Authorization: routes and rules\n\n")
                .append("Generated from the code by `RoutePoliciesTest` (api module); do not edit by hand. Regenerate with\n")
                .append("`mvn -B test -pl api -am -Dtest=RoutePoliciesTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dember.updateDocs=true`.\n\n")
                .append("Each route's Cinder rule (for action routes, each action's), and who Cinder's default lets in: "
                        + "`admin` (`rule:admin_api`), `member` (the member role in the target's project, or admin), `reader` "
                        + "(the reader role in the target's project, which Keystone's members and admins have too, or "
                        + "admin). Another project's resources answer 404 "
                        + "to non-admins whatever the rule. A policy file overrides any rule by name (docs/keystone.md).\n\n")
                .append("| Method | Path | Action | Rule | Default allows |\n|---|---|---|---|---|\n");
        for (Row r : rows()) {
            doc.append("| ").append(r.method()).append(" | `").append(r.path()).append("` | ")
                    .append(r.action().isEmpty() ? "" : "`" + r.action() + "`").append(" | ")
                    .append(r.rule().isEmpty() ? "none" : "`" + r.rule() + "`").append(" | ")
                    .append(r.persona()).append(" |\n");
        }
        doc.append("\n## Rules that decide what a view shows\n\n| Rule | Default allows | Shows |\n|---|---|---|\n");
        for (String[] view : VIEW_RULES) {
            doc.append("| `").append(view[0]).append("` | ").append(persona(view[0])).append(" | ").append(view[1]).append(" |\n");
        }
        return doc.toString();
    }

    static final String[][] VIEW_RULES = {
        {"volume_extension:volume_tenant_attribute", "`os-vol-tenant-attr:tenant_id` in volume details"},
        {"volume_extension:volume_host_attribute", "`os-vol-host-attr:host` in volume details"},
        {"volume_extension:volume_mig_status_attribute", "`os-vol-mig-status-attr:*` in volume details"},
        {"volume_extension:extended_snapshot_attributes", "`os-extended-snapshot-attributes:*` in snapshot details"},
        {"volume_extension:access_types_extra_specs", "`extra_specs` in volume types"},
        {"volume_extension:types_extra_specs:read_sensitive", "extra specs other than the user-visible ones"},
        {"volume_extension:access_types_qos_specs_id", "`qos_specs_id` in volume types"},
        {"group:access_group_types_specs", "`group_specs` in group types"},
        {"group:group_project_attribute", "`project_id` in groups (3.58+)"},
        {"group:group_snapshot_project_attribute", "`project_id` in group snapshots (3.58+)"},
        {"volume:force_delete", "`DELETE /v3/volumes/{id}` with `force` (3.23+)"},
        {"volume_extension:quotas:show", "another project's quotas (checked with that project as the target)"},
        {"context_is_admin", "who is admin: `all_tenants`, other projects' resources, admin-only filters"},
    };

    @Test
    void docsPolicyIsUpToDate() throws Exception {
        Path file = Path.of("..", "docs", "policy.md");
        String generated = render();
        if (Boolean.getBoolean("ember.updateDocs")) {
            Files.writeString(file, generated);
        }
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as("docs/policy.md is stale; regenerate it (see the file's header)").isEqualTo(generated);
    }
}
