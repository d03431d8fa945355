package dev.ember.api.policy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The policy of one route, on its handler. Exactly one of the three forms:
 * <ul>
 * <li>{@code @Authorize("volume:get")}: Cinder's rules, all checked by {@link PolicyInterceptor} before the handler
 * runs, with Cinder's default target (the caller's project and user). Project isolation is the handler's scoped
 * lookup, which answers 404 for another project's resource, as Cinder's does.</li>
 * <li>{@code @Authorize(byAction = true)}: the rule depends on the action the request names (in the body or the
 * path); the handler checks it from {@link ActionRules} once it knows the action.</li>
 * <li>{@code @Authorize(noRule = "why")}: Cinder has no rule here; any authenticated caller may ask.</li>
 * </ul>
 * A handler without this annotation is refused (403), and {@code RoutePoliciesTest} fails on it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Authorize {

    /** Cinder rule names, all of which must pass. */
    String[] value() default {};

    /** The handler picks the rule by action from {@link ActionRules}. */
    boolean byAction() default false;

    /** Why there is no rule (Cinder has none); non-empty means no rule is checked. */
    String noRule() default "";
}
