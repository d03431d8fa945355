package dev.ember.api.http;

import dev.ember.api.policy.PolicyEngine;
import dev.ember.common.context.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * What every controller needs to know about the request it serves: who asks, at which microversion,
 * and how to build links back (base URL and whether the URL named the project).
 *
 * @param context the caller
 * @param version the negotiated microversion
 * @param baseUrl {@code scheme://host:port}, or {@code public_endpoint} when configured
 * @param projectInUrl whether the request URL carried the project id ({@code /v3/<project>/...})
 * @param query the raw query string, or null
 * @param policy the rules the caller is checked against
 */
public record ApiRequest(RequestContext context, ApiVersion version, String baseUrl, boolean projectInUrl, String query,
        PolicyEngine policy) {

    public static final String ATTRIBUTE = ApiRequest.class.getName();

    public static ApiRequest of(HttpServletRequest request) {
        ApiRequest api = (ApiRequest) request.getAttribute(ATTRIBUTE);
        if (api == null) {
            throw new IllegalStateException("no API request context");
        }
        return api;
    }

    /**
     * Fails as Cinder's versioned methods do below their microversion ({@code VersionNotFoundForAPIMethod}):
     * a 404 with webob's text.
     */
    public void requireVersion(int minorOfThree) {
        if (!version.atLeast(minorOfThree)) {
            throw ApiException.notFound("The resource could not be found.");
        }
    }

    /** The same request with another query string (filters taken out for an older microversion). */
    public ApiRequest withQuery(String newQuery) {
        return new ApiRequest(context, version, baseUrl, projectInUrl, newQuery, policy);
    }

    /** Whether Cinder's {@code rule} lets the caller act in its own project (Cinder's default target). */
    public boolean allowed(String rule) {
        return policy.allowed(rule, PolicyEngine.credentials(context), PolicyEngine.defaultTarget(context));
    }

    /** Whether Cinder's {@code rule} lets the caller act on something of {@code projectId} (and {@code userId}). */
    public boolean allowedOn(String rule, String projectId, String userId) {
        Map<String, Object> target = new HashMap<>();
        target.put("project_id", projectId);
        target.put("user_id", userId);
        return policy.allowed(rule, PolicyEngine.credentials(context), target);
    }

    /** {@link #allowed}, or Cinder's 403 {@code Policy doesn't allow <rule> to be performed.} */
    public void authorize(String rule) {
        if (!allowed(rule)) {
            throw ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
        }
    }

    /**
     * The rule of {@code action} in an action route's table ({@code ActionRules}), or Cinder's 403; an action the
     * table does not name is left to the handler (which answers "There is no such action").
     */
    public void authorizeAction(Map<String, String> rules, String action) {
        String rule = rules.get(action);
        if (rule != null) {
            authorize(rule);
        }
    }

    /** {@link #allowedOn}, or Cinder's 403. */
    public void authorizeOn(String rule, String projectId, String userId) {
        if (!allowedOn(rule, projectId, userId)) {
            throw ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
        }
    }

    public boolean isAdmin() {
        return context.isAdmin();
    }

    public String projectId() {
        return context.projectId();
    }

    /** {@code <base>/v3/[<project>/]<path>}: an item's {@code self} link. */
    public String selfUrl(String path) {
        return baseUrl + "/v3/" + projectSegment() + path;
    }

    /** {@code <base>/[<project>/]<path>}: an item's {@code bookmark} link (no version segment). */
    public String bookmarkUrl(String path) {
        return baseUrl + "/" + projectSegment() + path;
    }

    private String projectSegment() {
        return projectInUrl && context.projectId() != null ? context.projectId() + "/" : "";
    }
}
