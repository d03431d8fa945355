package dev.ember.api.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.context.RequestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cinder's defaults for the three personas, and a policy file that changes them while running. */
class PolicyEngineTest {

    private static final RequestContext ADMIN = caller("p-admin", "admin", "member", "reader");
    private static final RequestContext MEMBER = caller("p1", "member", "reader");
    private static final RequestContext READER = caller("p1", "reader");

    private static RequestContext caller(String project, String... roles) {
        RequestContext c = new RequestContext("req-1", null, "u-" + project, project, false, List.of(roles));
        return c.withAdmin(List.of(roles).contains("admin"));
    }

    private static boolean allowed(PolicyEngine engine, String rule, RequestContext who, String targetProject) {
        var target = PolicyEngine.defaultTarget(who);
        target.put("project_id", targetProject);
        return engine.allowed(rule, PolicyEngine.credentials(who), target);
    }

    @Test
    void defaultsGiveEachPersonaCindersPowers() {
        PolicyEngine engine = new PolicyEngine(null, true);
        assertThat(allowed(engine, "volume:get", READER, "p1")).isTrue();
        assertThat(allowed(engine, "volume:create", READER, "p1")).as("readers only read").isFalse();
        assertThat(allowed(engine, "volume:create", MEMBER, "p1")).isTrue();
        assertThat(allowed(engine, "volume:get", MEMBER, "p2")).as("another project").isFalse();
        assertThat(allowed(engine, "volume:get", ADMIN, "p2")).isTrue();
        assertThat(allowed(engine, "volume_extension:volume_admin_actions:reset_status", MEMBER, "p1")).isFalse();
        assertThat(allowed(engine, "volume_extension:volume_admin_actions:reset_status", ADMIN, "p1")).isTrue();
        assertThat(engine.isAdmin(ADMIN)).isTrue();
        assertThat(engine.isAdmin(MEMBER)).isFalse();
        assertThat(allowed(engine, "no:such_rule", ADMIN, "p1")).as("unregistered rules fail closed").isFalse();
    }

    @Test
    void withoutNewDefaultsReadersMayWriteTheirProjectAsInZed() {
        PolicyEngine engine = new PolicyEngine(null, false);
        assertThat(allowed(engine, "volume:create", READER, "p1")).isTrue();
        assertThat(allowed(engine, "volume:create", READER, "p2")).isFalse();
        assertThat(allowed(engine, "volume_extension:volume_admin_actions:reset_status", READER, "p1")).isFalse();
    }

    @Test
    void aPolicyFileOverridesAndIsReReadWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        AtomicLong clock = new AtomicLong();
        PolicyEngine engine = new PolicyEngine(file, true, clock::get);
        assertThat(allowed(engine, "volume:create", MEMBER, "p1")).as("no file yet: defaults").isTrue();

        Files.writeString(file, "# members may no longer create\n\"volume:create\": \"rule:admin_api\"\n");
        clock.addAndGet(2_000_000_000L);
        assertThat(allowed(engine, "volume:create", MEMBER, "p1")).isFalse();
        assertThat(allowed(engine, "volume:create", ADMIN, "p1")).isTrue();
        assertThat(allowed(engine, "volume:delete", MEMBER, "p1")).as("other rules keep their defaults").isTrue();

        Files.writeString(file, "{\"volume:create\": \"role:reader and project_id:%(project_id)s\", "
                + "\"volume:delete\": \"!\"}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        clock.addAndGet(2_000_000_000L);
        assertThat(allowed(engine, "volume:create", READER, "p1")).as("JSON is read too").isTrue();
        assertThat(allowed(engine, "volume:delete", ADMIN, "p1")).isFalse();

        Files.writeString(file, "volume:create: [not, a, string]\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        clock.addAndGet(2_000_000_000L);
        assertThat(allowed(engine, "volume:create", READER, "p1")).as("a bad file keeps the rules in force").isTrue();

        Files.delete(file);
        clock.addAndGet(2_000_000_000L);
        assertThat(allowed(engine, "volume:create", READER, "p1")).as("file removed: defaults again").isFalse();
        assertThat(allowed(engine, "volume:delete", MEMBER, "p1")).isTrue();
    }

    @Test
    void aRuleThatDoesNotParseNeverPasses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "\"volume:get\": \"role:admin or\"\n");
        PolicyEngine engine = new PolicyEngine(file, true);
        assertThat(allowed(engine, "volume:get", ADMIN, "p1")).isFalse();
    }

    @Test
    void everyDefaultParses() {
        CinderPolicies.all().values().forEach(rule -> CheckParser.parseStrict(rule.check()));
    }
}
