package dev.ember.api.http;

import dev.ember.api.auth.Authenticator;
import dev.ember.api.policy.PolicyEngine;
import dev.ember.common.context.CurrentContext;
import dev.ember.common.context.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Cinder's WSGI pipeline in front of the controllers, in its order: request id
 * ({@code x-openstack-request-id} on every response), then for {@code /v3}: microversion negotiation
 * ({@code OpenStack-API-Version} and {@code Vary} on every answer), authentication, and the
 * {@code /v3/{project_id}/...} URL form, which is rewritten to {@code /v3/...} after checking that the
 * project is the caller's.
 */
public final class ApiFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiFilter.class);
    private static final Pattern GLOBAL_REQUEST_ID = Pattern.compile("^req-[a-f0-9]{8}(-[a-f0-9]{4}){3}-[a-f0-9]{12}$");

    /** Top-level collections of the v3 API; any other first segment is a project id. */
    static final Set<String> COLLECTIONS = Set.of(
            "volumes", "types", "os-services", "os-availability-zone", "scheduler-stats", "attachments",
            "snapshots", "limits", "os-quota-sets", "os-quota-class-sets", "qos-specs", "messages", "groups",
            "group_types", "group_snapshots", "os-volume-transfer", "volume-transfers", "backups", "extensions",
            "os-hosts", "capabilities", "clusters", "workers", "manageable_volumes", "manageable_snapshots",
            "default-types", "os-snapshot-manage", "os-volume-manage", "resource_filters", "consistencygroups",
            "cgsnapshots", "os-volume-type-access");

    private final Authenticator authenticator;
    private final PolicyEngine policy;
    private final String publicEndpoint;

    public ApiFilter(Authenticator authenticator, PolicyEngine policy, String publicEndpoint) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.publicEndpoint = publicEndpoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = RequestContext.newRequestId();
        String global = request.getHeader("X-OpenStack-Request-ID");
        String globalRequestId = global != null && GLOBAL_REQUEST_ID.matcher(global).matches() ? global : null;
        response.setHeader("x-openstack-request-id", requestId);
        response.setHeader("x-compute-request-id", requestId);
        String path = request.getRequestURI();
        try {
            CurrentContext.set(new RequestContext(requestId, globalRequestId, null, null, false, null));
            if (path.equals("/v3") ) {
                response.setStatus(302);
                response.setContentType("text/plain; charset=utf8");
                response.setHeader("Location", baseUrl(request) + "/v3/");
                return;
            }
            if (!path.startsWith("/v3/")) {
                if (path.equals("/") || path.isEmpty()) {
                    ApiVersion version = negotiate(request, response);
                    request.setAttribute(ApiRequest.ATTRIBUTE,
                            new ApiRequest(CurrentContext.get(), version, baseUrl(request), false, request.getQueryString(),
                                    policy));
                }
                chain.doFilter(request, response);
                return;
            }
            ApiVersion version = negotiate(request, response);
            RequestContext context = authenticator.authenticate(request, response, requestId, globalRequestId);
            if (context == null) {
                return;
            }
            context = context.withAdmin(policy.isAdmin(context));
            CurrentContext.set(context);
            String rest = path.substring("/v3/".length());
            boolean projectInUrl = false;
            int slash = rest.indexOf('/');
            String first = slash < 0 ? rest : rest.substring(0, slash);
            if (!first.isEmpty() && !COLLECTIONS.contains(first)) {
                projectInUrl = true;
                if (!first.equals(context.projectId())) {
                    throw ApiException.badRequest("Malformed request url");
                }
                rest = slash < 0 ? "" : rest.substring(slash + 1);
            }
            request.setAttribute(ApiRequest.ATTRIBUTE,
                    new ApiRequest(context, version, baseUrl(request), projectInUrl, request.getQueryString(), policy));
            String rewritten = "/v3/" + rest;
            LOG.info("{} {}", request.getMethod(), path + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
            chain.doFilter(projectInUrl ? new Rewritten(request, rewritten) : request, response);
        } catch (ApiException e) {
            if (!response.isCommitted()) {
                Faults.write(response, e);
            }
        } finally {
            CurrentContext.clear();
        }
    }

    /**
     * Cinder's microversion rules ({@code wsgi.Request.set_api_version_request}): no header means 3.0,
     * {@code latest} the maximum; a malformed version is a 400, one outside the served range a 406
     * echoing the requested version.
     */
    private static ApiVersion negotiate(HttpServletRequest request, HttpServletResponse response) {
        String header = request.getHeader("OpenStack-API-Version");
        ApiVersion version = ApiVersion.MIN;
        if (header != null) {
            String requested = null;
            for (String item : header.split(",")) {
                String[] words = item.trim().split("\\s+");
                if (words.length == 2 && words[0].toLowerCase(Locale.ROOT).equals("volume")) {
                    requested = words[1];
                    break;
                }
            }
            if (requested == null) {
                throw ApiException.malformed();
            }
            if (requested.equalsIgnoreCase("latest")) {
                version = ApiVersion.MAX;
            } else {
                version = ApiVersion.parse(requested);
                if (version.compareTo(ApiVersion.MIN) < 0 || version.compareTo(ApiVersion.MAX) > 0) {
                    response.setHeader("OpenStack-API-Version", "volume " + version);
                    response.setHeader("Vary", "OpenStack-API-Version");
                    throw new ApiException(406, "Version " + version + " is not supported by the API. Minimum is "
                            + ApiVersion.MIN + " and maximum is " + ApiVersion.MAX + ".");
                }
            }
        }
        response.setHeader("OpenStack-API-Version", "volume " + version);
        response.setHeader("Vary", "OpenStack-API-Version");
        return version;
    }

    private String baseUrl(HttpServletRequest request) {
        if (publicEndpoint != null && !publicEndpoint.isBlank()) {
            return publicEndpoint.replaceAll("/+$", "");
        }
        String forwarded = request.getHeader("X-Forwarded-Host");
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        if (forwarded != null && !forwarded.isBlank()) {
            String[] hosts = forwarded.split(",\\s?");
            host = hosts[hosts.length - 1];
        }
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return scheme + "://" + host;
    }

    /** The request as the controllers see it: without the project segment. */
    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String uri;

        Rewritten(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public String getServletPath() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = new StringBuffer();
            url.append(getScheme()).append("://").append(getServerName()).append(':').append(getServerPort()).append(uri);
            return url;
        }
    }
}
