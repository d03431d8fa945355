package dev.ember.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void readsCindersSqlAlchemyUrls() {
        DatabaseUrl url = DatabaseUrl.parse("mysql+pymysql://cinder:p%40ss@db.example:3307/cinder?charset=utf8");
        assertThat(url.jdbcUrl()).startsWith("jdbc:mysql://db.example:3307/cinder?");
        assertThat(url.username()).isEqualTo("cinder");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(DatabaseUrl.parse("jdbc:h2:mem:x").isH2()).isTrue();
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://x/y")).hasMessageContaining("unsupported database");
        assertThat(DatabaseUrl.redact("mysql://u:secret@h/db")).isEqualTo("mysql://u:***@h/db");
    }

    @Test
    void readsOsloTransportUrls() {
        TransportUrl url = TransportUrl.parse("rabbit://u:p@h1:5673,u:p@h2/vh");
        assertThat(url.addresses()).isEqualTo(List.of("h1:5673", "h2:5672"));
        assertThat(url.username()).isEqualTo("u");
        assertThat(url.virtualHost()).isEqualTo("vh");
        assertThat(TransportUrl.parse("rabbit://guest:guest@127.0.0.1:5672/").virtualHost()).isEqualTo("/");
    }
}
