package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A token revoked in Keystone is refused once its cache entry ages out ({@code [keystone_authtoken]
 * token_cache_time}, here 3 s), as with keystonemiddleware; a token that was never revoked keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeystoneRevocationIT {

    private KeystoneServer keystone;
    private InJvmCluster cluster;

    @BeforeAll
    void start() throws Exception {
        keystone = KeystoneServer.start();
        cluster = new InJvmCluster(Map.of(
                "cinder.auth-strategy", "keystone",
                "cinder.keystone-authtoken.auth-url", keystone.url() + "/v3",
                "cinder.keystone-authtoken.password", "cinder",
                "cinder.keystone-authtoken.token-cache-time", "3")).startApi();
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (keystone != null) {
            keystone.close();
        }
    }

    @Test
    void aRevokedTokenIsRefusedWithinTheCacheTime() throws Exception {
        String token = keystone.token("member-b", "ember-b").id();
        Http revokedUser = cluster.http().as(token);
        Http otherUser = cluster.http().as(keystone.token("reader-b", "ember-b").id());
        assertThat(revokedUser.get("/v3/volumes").status()).isEqualTo(200);
        assertThat(otherUser.get("/v3/volumes").status()).isEqualTo(200);
        keystone.revoke(keystone.token("admin", "admin").id(), token);
        long revoked = System.nanoTime();
        Await.until("the revoked token is refused", Duration.ofSeconds(60),
                () -> revokedUser.get("/v3/volumes").status() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThan(Duration.ofSeconds(15));
        assertThat(otherUser.get("/v3/volumes").status()).as("re-validated, still valid").isEqualTo(200);
    }
}
