package db.migration;

import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Cinder's {@code default_cgsnapshot_type} group type (its migration creates it for consistency groups moved to
 * generic groups; every Cinder lists it), with a random id as Cinder's. Groups of this type are hidden from the
 * groups API, as Cinder hides them.
 */
public class V42__Default_cgsnapshot_group_type extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        String id = UUID.randomUUID().toString();
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement type = context.getConnection().prepareStatement(
                "INSERT INTO group_types (id, name, description, is_public, created_at) VALUES (?, ?, ?, TRUE, ?)");
                PreparedStatement spec = context.getConnection().prepareStatement(
                        "INSERT INTO group_type_specs (group_type_id, `key`, `value`, created_at) VALUES (?, ?, ?, ?)")) {
            type.setString(1, id);
            type.setString(2, "default_cgsnapshot_type");
            type.setString(3, "Default group type for migrating cgsnapshot");
            type.setObject(4, now);
            type.executeUpdate();
            spec.setString(1, id);
            spec.setString(2, "consistent_group_snapshot_enabled");
            spec.setString(3, "<is> True");
            spec.setObject(4, now);
            spec.executeUpdate();
        }
    }
}
