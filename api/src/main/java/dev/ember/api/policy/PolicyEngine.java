package dev.ember.api.policy;

import dev.ember.common.context.RequestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * oslo.policy's {@code Enforcer} for the API: Cinder's default rules ({@link CinderPolicies}) overlaid with the
 * operator's policy file ({@code [oslo_policy] policy_file}, YAML or JSON: {@code "rule name": "check string"}).
 * Like oslo.policy, the file is re-read when it changes (looked at no more than once a second), so an override
 * takes effect without a restart; a file that cannot be read or parsed keeps the rules in force and is logged.
 * With {@code enforce_new_defaults = false} a rule the file does not override also passes on its deprecated check
 * string, as in oslo.policy.
 */
public final class PolicyEngine {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngine.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** The rules in force and the file state they came from. */
    private record Rules(Map<String, Check> checks, FileTime modified, long size) {
    }

    private final Path file;
    private final boolean enforceNewDefaults;
    private final LongSupplier nanoTime;
    private volatile Rules rules;
    private volatile long checkedAt;

    /**
     * @param file the policy file, or null for defaults only; it need not exist (yet)
     * @param enforceNewDefaults oslo's {@code enforce_new_defaults}
     */
    public PolicyEngine(Path file, boolean enforceNewDefaults) {
        this(file, enforceNewDefaults, System::nanoTime);
    }

    PolicyEngine(Path file, boolean enforceNewDefaults, LongSupplier nanoTime) {
        this.file = file;
        this.enforceNewDefaults = enforceNewDefaults;
        this.nanoTime = nanoTime;
        this.rules = load(null);
        this.checkedAt = nanoTime.getAsLong();
    }

    /** Whether {@code rule} lets the caller act on {@code target}; an unknown rule name never passes. */
    public boolean allowed(String rule, Map<String, Object> credentials, Map<String, Object> target) {
        Map<String, Check> checks = current().checks();
        Check check = checks.get(rule);
        if (check == null) {
            LOG.error("policy rule {} is not registered: denied", rule);
            return false;
        }
        return check.test(credentials, target, checks::get);
    }

    /** Cinder's {@code context_is_admin}: decides {@link RequestContext#isAdmin()}. */
    public boolean isAdmin(RequestContext context) {
        return allowed("context_is_admin", credentials(context), defaultTarget(context));
    }

    /** The check string in force for a rule (for messages and docs), or null. */
    public String checkString(String rule) {
        Check check = current().checks().get(rule);
        return check == null ? null : check.toString();
    }

    /** oslo.context's {@code to_policy_values()} plus Cinder's {@code is_admin}. */
    public static Map<String, Object> credentials(RequestContext context) {
        Map<String, Object> values = new HashMap<>();
        values.put("user_id", context.userId());
        values.put("project_id", context.projectId());
        values.put("user_domain_id", context.scope().userDomainId());
        values.put("project_domain_id", context.scope().projectDomainId());
        values.put("domain_id", context.scope().domainId());
        values.put("system_scope", context.scope().systemScope());
        values.put("roles", context.roles());
        values.put("service_roles", context.serviceRoles());
        values.put("is_admin_project", true);
        values.put("is_admin", context.isAdmin());
        return values;
    }

    /** Cinder's {@code RequestContext.authorize} target when none is given: the caller's own project and user. */
    public static Map<String, Object> defaultTarget(RequestContext context) {
        Map<String, Object> target = new HashMap<>();
        target.put("project_id", context.projectId());
        target.put("user_id", context.userId());
        return target;
    }

    private Rules current() {
        long now = nanoTime.getAsLong();
        if (file != null && now - checkedAt > RECHECK_NANOS) {
            synchronized (this) {
                if (now - checkedAt > RECHECK_NANOS) {
                    checkedAt = now;
                    Rules loaded = rules;
                    if (changed(loaded)) {
                        rules = load(loaded);
                    }
                }
            }
        }
        return rules;
    }

    private boolean changed(Rules loaded) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return !attributes.lastModifiedTime().equals(loaded.modified()) || attributes.size() != loaded.size();
        } catch (IOException e) {
            return loaded.modified() != null; // the file went away: back to the defaults
        }
    }

    /** The defaults with the file's overrides; on a bad file, {@code previous} (or the defaults) stay. */
    private Rules load(Rules previous) {
        Map<String, String> overrides = Map.of();
        FileTime modified = null;
        long size = -1;
        if (file != null) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                modified = attributes.lastModifiedTime();
                size = attributes.size();
                overrides = parseFile(Files.readString(file));
                LOG.info("policy file {}: {} rule(s) overridden", file, overrides.size());
            } catch (NoSuchFileException e) {
                if (previous != null) {
                    LOG.info("policy file {} is gone: default rules apply", file);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("policy file {} cannot be used, the rules in force stay: {}", file, e.getMessage());
                return new Rules(previous != null ? previous.checks() : defaultChecks(), modified, size);
            }
        }
        Map<String, Check> checks = new LinkedHashMap<>(defaultChecks());
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (!checks.containsKey(entry.getKey())) {
                LOG.warn("policy file {}: rule {} is not one Ember enforces", file, entry.getKey());
            }
            try {
                checks.put(entry.getKey(), CheckParser.parseStrict(entry.getValue()));
            } catch (IllegalArgumentException e) {
                LOG.error("policy file {}: rule {} = \"{}\" does not parse ({}); it never passes",
                        file, entry.getKey(), entry.getValue(), e.getMessage());
                checks.put(entry.getKey(), new Check.Never());
            }
        }
        return new Rules(Map.copyOf(checks), modified, size);
    }

    /** Cinder's rules as this engine enforces them when no file overrides them. */
    private Map<String, Check> defaultChecks() {
        Map<String, Check> checks = new LinkedHashMap<>();
        CinderPolicies.all().values().forEach(rule -> checks.put(rule.name(), defaultCheck(rule)));
        return Map.copyOf(checks);
    }

    private Check defaultCheck(PolicyRule rule) {
        Check check = CheckParser.parseStrict(rule.check());
        if (!enforceNewDefaults && rule.deprecatedCheck() != null) {
            return new Check.Or(List.of(check, CheckParser.parseStrict(rule.deprecatedCheck())));
        }
        return check;
    }

    /** A policy file's rules: a YAML (or JSON, which is YAML) mapping of rule names to check strings. */
    static Map<String, String> parseFile(String text) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a policy file is a mapping of rule names to check strings");
        }
        Map<String, String> rules = new LinkedHashMap<>();
        map.forEach((name, check) -> {
            if (!(check instanceof String) && check != null) {
                throw new IllegalArgumentException("rule " + name + ": the check must be a string, not " + check);
            }
            rules.put(String.valueOf(name), Objects.toString(check, ""));
        });
        return rules;
    }
}
