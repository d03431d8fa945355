package dev.ember.common.transfer;

import dev.ember.common.db.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The {@code transfers} table. A transfer belongs to whoever owns its volume: project-scoped reads join the
 * volume, as Cinder's {@code _transfer_get} does.
 */
public class TransferRepository {

    /** The columns a transfer list may filter on (Cinder's {@code is_valid_model_filters} of {@code Transfer}). */
    public static final Set<String> COLUMNS = Set.of("id", "volume_id", "display_name", "salt", "crypt_hash",
            "expires_at", "no_snapshots", "source_project_id", "destination_project_id", "accepted", "created_at",
            "updated_at", "deleted_at", "deleted");

    private final JdbcTemplate jdbc;

    public TransferRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Transfer t) {
        jdbc.update("INSERT INTO transfers (id, volume_id, display_name, salt, crypt_hash, no_snapshots, "
                        + "source_project_id, accepted, created_at, deleted) VALUES (?,?,?,?,?,?,?,FALSE,?,FALSE)",
                t.id(), t.volumeId(), t.displayName(), t.salt(), t.cryptHash(), t.noSnapshots(), t.sourceProjectId(),
                Timestamps.toDb(t.createdAt()));
    }

    /**
     * A live transfer; with a {@code projectId} only if that project owns the volume.
     *
     * @param projectId null for any project (an admin, or the accepting project)
     */
    public Optional<Transfer> find(String id, String projectId) {
        if (projectId == null) {
            return jdbc.query("SELECT t.* FROM transfers t WHERE t.id = ? AND t.deleted = FALSE", ROW, id).stream()
                    .findFirst();
        }
        return jdbc.query("SELECT t.* FROM transfers t JOIN volumes v ON v.id = t.volume_id "
                + "WHERE t.id = ? AND t.deleted = FALSE AND v.project_id = ?", ROW, id, projectId).stream().findFirst();
    }

    /**
     * Live transfers matching {@code filters} (column to value, all {@link #COLUMNS}), oldest first (Cinder's
     * {@code created_at, id}).
     *
     * @param projectId only transfers of this project's volumes; null for all
     */
    public List<Transfer> list(String projectId, Map<String, Object> filters) {
        StringBuilder sql = new StringBuilder("SELECT t.* FROM transfers t");
        List<Object> args = new ArrayList<>();
        if (projectId != null) {
            sql.append(" JOIN volumes v ON v.id = t.volume_id AND v.project_id = ?");
            args.add(projectId);
        }
        sql.append(" WHERE t.deleted = FALSE");
        filters.forEach((column, value) -> {
            if (!COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a transfer column: " + column);
            }
            sql.append(" AND t.").append(column).append(" = ?");
            args.add(value);
        });
        sql.append(" ORDER BY t.created_at ASC, t.id ASC");
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    /** Withdraws a live transfer; inside the transaction that gives the volume back. */
    public boolean markDeleted(String id) {
        String now = Timestamps.toDb(Timestamps.now());
        return jdbc.update("UPDATE transfers SET deleted = TRUE, deleted_at = ? WHERE id = ? AND deleted = FALSE",
                now, id) > 0;
    }

    /** Records a live transfer accepted by {@code projectId}; inside the transaction that moves the volume. */
    public boolean markAccepted(String id, String projectId) {
        String now = Timestamps.toDb(Timestamps.now());
        return jdbc.update("UPDATE transfers SET deleted = TRUE, deleted_at = ?, accepted = TRUE, "
                + "destination_project_id = ? WHERE id = ? AND deleted = FALSE", now, projectId, id) > 0;
    }

    private static final RowMapper<Transfer> ROW = TransferRepository::map;

    private static Transfer map(ResultSet rs, int row) throws SQLException {
        return new Transfer(rs.getString("id"), rs.getString("volume_id"), rs.getString("display_name"),
                rs.getString("salt"), rs.getString("crypt_hash"), rs.getBoolean("no_snapshots"),
                rs.getString("source_project_id"), rs.getString("destination_project_id"), rs.getBoolean("accepted"),
                Timestamps.read(rs, "created_at"), rs.getBoolean("deleted"));
    }
}
