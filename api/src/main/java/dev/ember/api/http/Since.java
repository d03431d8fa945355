package dev.ember.api.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The microversion a route first exists at (3.{@link #value()}), enforced before the handler runs by
 * {@link MicroversionInterceptor} with the 404 Cinder's versioned methods give below it, and listed in
 * {@code docs/api-coverage.md}. Routes without it exist from 3.0.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Since {

    /** The minor version of 3.x the route appears at. */
    int value();

    /**
     * False for routes Cinder registers only without a project in the URL ({@code /v3/default-types}): with one,
     * the path does not exist at any version.
     */
    boolean projectInUrl() default true;
}
