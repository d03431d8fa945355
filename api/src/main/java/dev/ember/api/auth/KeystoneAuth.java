package dev.ember.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.ember.common.context.RequestContext;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cinder's {@code keystone} strategy, as keystonemiddleware's {@code auth_token} does it: the
 * {@code X-Auth-Token} (and an {@code X-Service-Token}, when sent) is validated with Keystone and the
 * answer cached, by the token's SHA-256, until the token expires. A missing or invalid token is a 401
 * with keystonemiddleware's body and {@code WWW-Authenticate: Keystone uri="<www_authenticate_uri>"};
 * when Keystone cannot be asked, a token not in the cache is a 503 while cached tokens keep working.
 * The context carries the token's roles and scope, and the roles of a valid service token; whether the caller is
 * admin is then decided by the policy's {@code context_is_admin} ({@code ApiFilter}).
 */
public final class KeystoneAuth implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(KeystoneAuth.class);

    private final KeystoneAuthtoken config;
    private final KeystoneClient keystone;
    private final Cache<String, KeystoneClient.TokenInfo> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfter(new Expiry<String, KeystoneClient.TokenInfo>() {
                @Override
                public long expireAfterCreate(String key, KeystoneClient.TokenInfo info, long now) {
                    long untilExpiry = Math.max(0, Duration.between(Instant.now(), info.expiresAt()).toNanos());
                    return Math.min(untilExpiry, TimeUnit.SECONDS.toNanos(config.tokenCacheTime()));
                }

                @Override
                public long expireAfterUpdate(String key, KeystoneClient.TokenInfo info, long now, long current) {
                    return expireAfterCreate(key, info, now);
                }

                @Override
                public long expireAfterRead(String key, KeystoneClient.TokenInfo info, long now, long current) {
                    return current;
                }
            })
            .build();

    public KeystoneAuth(KeystoneAuthtoken config) {
        this.config = config;
        this.keystone = new KeystoneClient(config);
    }

    @Override
    public RequestContext authenticate(HttpServletRequest request, HttpServletResponse response, String requestId,
            String globalRequestId) throws IOException {
        try {
            KeystoneClient.TokenInfo user = lookup(request.getHeader("X-Auth-Token"));
            if (user == null) {
                reject(response);
                return null;
            }
            String serviceToken = request.getHeader("X-Service-Token");
            List<String> serviceRoles = List.of();
            if (serviceToken != null) {
                KeystoneClient.TokenInfo service = lookup(serviceToken);
                if (service == null || (config.serviceTokenRolesRequired()
                        && service.roles().stream().noneMatch(config.serviceTokenRoles()::contains))) {
                    reject(response);
                    return null;
                }
                serviceRoles = service.roles();
            }
            return new RequestContext(requestId, globalRequestId, user.userId(), user.projectId(),
                    user.roles().contains("admin"), user.roles(), user.scope(), serviceRoles);
        } catch (KeystoneClient.Unavailable e) {
            LOG.error("Unable to validate token: {}", e.getMessage());
            unavailable(response);
            return null;
        }
    }

    /** The token's content from the cache or Keystone; null for a missing or invalid token. */
    private KeystoneClient.TokenInfo lookup(String token) throws KeystoneClient.Unavailable {
        if (token == null || token.isBlank()) {
            return null;
        }
        String key = sha256(token);
        KeystoneClient.TokenInfo cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        KeystoneClient.TokenInfo info = keystone.validate(token);
        if (info != null && info.expiresAt().isAfter(Instant.now())) {
            cache.put(key, info);
            return info;
        }
        return null;
    }

    /** keystonemiddleware's rejection ({@code auth_token.BaseAuthProtocol.process_request}). */
    private void reject(HttpServletResponse response) throws IOException {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("code", 401);
        error.put("title", "Unauthorized");
        error.put("message", "The request you have made requires authentication.");
        response.setHeader("WWW-Authenticate", "Keystone uri=\"" + config.wwwAuthenticateUri() + "\"");
        write(response, 401, body);
    }

    /** webob's {@code HTTPServiceUnavailable('The Keystone service is temporarily unavailable.')} as JSON. */
    private static void unavailable(HttpServletResponse response) throws IOException {
        ObjectNode body = Json.object();
        body.put("message", "The server is currently unavailable. Please try again at a later time.<br /><br />\n"
                + "The Keystone service is temporarily unavailable.\n\n");
        body.put("code", "503 Service Unavailable");
        body.put("title", "Service Unavailable");
        write(response, 503, body);
    }

    private static void write(HttpServletResponse response, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.writeBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
