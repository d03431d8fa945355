package dev.ember.api.auth;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cinder's {@code [keystone_authtoken]} section (keystonemiddleware's options, password auth plugin), used
 * when {@code cinder.auth-strategy=keystone}.
 *
 * @param wwwAuthenticateUri the Keystone URL put in {@code WWW-Authenticate: Keystone uri="..."} of a 401;
 *     defaults to {@code authUrl}
 * @param authUrl the Keystone the service authenticates against and validates tokens with
 * @param username the service user ({@code cinder})
 * @param password its password
 * @param projectName the project the service token is scoped to ({@code service})
 * @param userDomainName the service user's domain
 * @param projectDomainName the service project's domain
 * @param serviceTokenRoles roles an {@code X-Service-Token} must carry one of
 * @param serviceTokenRolesRequired whether a service token without one of those roles is rejected
 * @param tokenCacheTime seconds a validated token is trusted before it is validated again (so a token revoked in
 *     Keystone stops working within this time), or until it expires if sooner
 */
@ConfigurationProperties(prefix = "cinder.keystone-authtoken")
public record KeystoneAuthtoken(
        String wwwAuthenticateUri,
        @DefaultValue("http://127.0.0.1:5000") String authUrl,
        @DefaultValue("cinder") String username,
        String password,
        @DefaultValue("service") String projectName,
        @DefaultValue("Default") String userDomainName,
        @DefaultValue("Default") String projectDomainName,
        @DefaultValue("service") List<String> serviceTokenRoles,
        @DefaultValue("false") boolean serviceTokenRolesRequired,
        @DefaultValue("300") int tokenCacheTime) {

    public KeystoneAuthtoken {
        authUrl = authUrl.replaceAll("/+$", "").replaceAll("/v3$", "");
        if (wwwAuthenticateUri == null || wwwAuthenticateUri.isBlank()) {
            wwwAuthenticateUri = authUrl;
        }
        serviceTokenRoles = serviceTokenRoles == null ? List.of() : List.copyOf(serviceTokenRoles);
    }
}
