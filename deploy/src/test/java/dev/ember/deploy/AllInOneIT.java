package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The all-in-one (embedded Qpid broker, embedded H2, file backend) serves the same API with nothing
 * installed, keeps real bytes on disk, and its state survives a restart.
 */
class AllInOneIT {

    @TempDir
    Path state;

    private ConfigurableApplicationContext start() throws Exception {
        return AllInOne.start(new String[] {"--cinder.state-path=" + state, "--server.port=0",
                "--cinder.report-interval=1", "--cinder.backend-stats-polling-interval=1"});
    }

    private static Http http(ConfigurableApplicationContext context) {
        return new Http("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void servesTheApiWithRealBytesAndSurvivesARestart() throws Exception {
        String id;
        try (ConfigurableApplicationContext first = start()) {
            Http admin = http(first);
            Await.until("the file backend", Duration.ofSeconds(30),
                    () -> admin.get("/v3/admin/scheduler-stats/get_pools").body().contains("localhost@file#file"));
            Http.Response created = admin.post("/v3/admin/volumes",
                    "{\"volume\": {\"size\": 2, \"name\": \"持久 💾\"}}");
            assertThat(created.status()).isEqualTo(202);
            id = created.json().get("volume").get("id").asString();
            Await.until("available", Duration.ofSeconds(30),
                    () -> admin.get("/v3/admin/volumes/" + id).body().contains("\"available\""));
            Path file = state.resolve("file/volumes/volume-" + id);
            assertThat(Files.size(file)).isEqualTo(2L << 30);
        }
        try (ConfigurableApplicationContext second = start()) {
            Http admin = http(second);
            Http.Response shown = admin.get("/v3/admin/volumes/" + id);
            assertThat(shown.status()).isEqualTo(200);
            assertThat(shown.json().get("volume").get("name").asString()).isEqualTo("持久 💾");
            assertThat(shown.json().get("volume").get("status").asString()).isEqualTo("available");
            Await.until("the backend back up", Duration.ofSeconds(30),
                    () -> admin.get("/v3/admin/scheduler-stats/get_pools").body().contains("localhost@file#file"));
            Http.Response another = admin.post("/v3/admin/volumes", "{\"volume\": {\"size\": 1}}");
            String second2 = another.json().get("volume").get("id").asString();
            Await.until("second available", Duration.ofSeconds(30),
                    () -> admin.get("/v3/admin/volumes/" + second2).body().contains("\"available\""));
            assertThat(admin.delete("/v3/admin/volumes/" + id).status()).isEqualTo(202);
            Await.until("deleted", Duration.ofSeconds(30), () -> admin.get("/v3/admin/volumes/" + id).status() == 404);
            assertThat(state.resolve("file/volumes/volume-" + id)).doesNotExist();
        }
    }
}
