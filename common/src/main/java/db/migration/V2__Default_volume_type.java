package db.migration;

import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Cinder's {@code __DEFAULT__} volume type, created once with a random id as Cinder's own migration
 * does (a fixed id would be the same in every deployment).
 */
public class V2__Default_volume_type extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (PreparedStatement insert = context.getConnection().prepareStatement(
                "INSERT INTO volume_types (id, name, description, is_public, created_at) VALUES (?, ?, ?, TRUE, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, "__DEFAULT__");
            insert.setString(3, "Default Volume Type");
            insert.setObject(4, LocalDateTime.now(ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }
}
