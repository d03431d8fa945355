package dev.ember.api.policy;

/**
 * A rule by its Cinder name and default check string.
 *
 * @param name Cinder's rule name, e.g. {@code volume:get}
 * @param check its default check string (Cinder's current default)
 * @param deprecatedCheck the check string Cinder used before the persona defaults, or null; OR-ed with the
 *        default only when {@code [oslo_policy] enforce_new_defaults = false} and no policy file overrides the rule
 */
public record PolicyRule(String name, String check, String deprecatedCheck) {
}
