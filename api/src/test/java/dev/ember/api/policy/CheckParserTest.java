package dev.ember.api.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** oslo.policy's check-string language, case by case, with oslo's answers. */
class CheckParserTest {

    private static final Function<String, Check> NO_RULES = name -> null;

    private static Map<String, Object> creds(String project, String... roles) {
        Map<String, Object> c = new HashMap<>();
        c.put("project_id", project);
        c.put("user_id", "u1");
        c.put("roles", List.of(roles));
        c.put("is_admin", List.of(roles).contains("admin"));
        c.put("is_admin_project", true);
        c.put("system_scope", null);
        return c;
    }

    private static boolean test(String rule, Map<String, Object> creds, Map<String, Object> target) {
        return CheckParser.parse(rule).test(creds, target, NO_RULES);
    }

    @Test
    void emptyAndAtAlwaysPassBangNever() {
        assertThat(test("", creds("p"), Map.of())).isTrue();
        assertThat(test("@", creds("p"), Map.of())).isTrue();
        assertThat(test("!", creds("p", "admin"), Map.of())).isFalse();
    }

    @Test
    void rolesAreCaseInsensitive() {
        assertThat(test("role:Admin", creds("p", "admin"), Map.of())).isTrue();
        assertThat(test("role:admin", creds("p", "member"), Map.of())).isFalse();
    }

    @Test
    void genericChecksCompareWithTheTarget() {
        Map<String, Object> target = Map.of("project_id", "p");
        assertThat(test("project_id:%(project_id)s", creds("p"), target)).isTrue();
        assertThat(test("project_id:%(project_id)s", creds("q"), target)).isFalse();
        assertThat(test("project_id:%(missing)s", creds("p"), target)).as("missing target attribute").isFalse();
        assertThat(test("is_admin:True", creds("p", "admin"), target)).isTrue();
        assertThat(test("is_admin:True", creds("p", "member"), target)).isFalse();
        assertThat(test("roles:member", creds("p", "member"), target)).as("a list credential contains").isTrue();
        assertThat(test("'p':%(project_id)s", creds("x"), target)).as("a quoted literal").isTrue();
        assertThat(test("nothing:x", creds("p"), target)).as("unknown credential").isFalse();
    }

    @Test
    void andBindsTighterThanOrAndNotTighterStill() {
        Map<String, Object> target = Map.of("project_id", "p");
        // admin or (member and own project)
        String rule = "role:admin or role:member and project_id:%(project_id)s";
        assertThat(test(rule, creds("q", "admin"), target)).isTrue();
        assertThat(test(rule, creds("p", "member"), target)).isTrue();
        assertThat(test(rule, creds("q", "member"), target)).isFalse();
        assertThat(test("not role:reader and role:member", creds("p", "member"), target)).isTrue();
        assertThat(test("not role:reader and role:member", creds("p", "member", "reader"), target)).isFalse();
        assertThat(test("(role:admin or role:member) and project_id:%(project_id)s", creds("q", "admin"), target)).isFalse();
        assertThat(test("((role:admin))", creds("q", "admin"), target)).isTrue();
    }

    @Test
    void malformedStringsNeverPass() {
        for (String bad : List.of("role:admin or", "(role:admin", "role:admin)", "and role:admin", "justaword",
                "http://example.com/check")) {
            assertThat(CheckParser.parse(bad)).as(bad).isInstanceOf(Check.Never.class);
            assertThatThrownBy(() -> CheckParser.parseStrict(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rulesReferToRules() {
        Map<String, Check> rules = Map.of("admin_api", CheckParser.parse("role:admin"));
        Check check = CheckParser.parse("rule:admin_api or rule:nonexistent");
        assertThat(check.test(creds("p", "admin"), Map.of(), rules::get)).isTrue();
        assertThat(check.test(creds("p", "member"), Map.of(), rules::get)).isFalse();
    }
}
