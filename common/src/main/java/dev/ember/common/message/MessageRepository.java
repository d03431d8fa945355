package dev.ember.common.message;

import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Conditions;
import dev.ember.common.db.Keyset;
import dev.ember.common.db.ListQuery;
import dev.ember.common.db.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The {@code messages} table: user-visible reasons for failures (Cinder's user messages). */
public class MessageRepository {

    /** Cinder's {@code message_ttl}: messages expire after 30 days. */
    private static final Duration TTL = Duration.ofDays(30);

    private final JdbcTemplate jdbc;

    public MessageRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an ERROR message about a volume for its project. */
    public void volumeError(RequestContext context, String projectId, String volumeId,
            UserMessage.Action action, UserMessage.Detail detail) {
        error(context, projectId, UserMessage.Resource.VOLUME, volumeId, action, detail);
    }

    /** Records an ERROR message about a snapshot for its project. */
    public void snapshotError(RequestContext context, String projectId, String snapshotId,
            UserMessage.Action action, UserMessage.Detail detail) {
        error(context, projectId, UserMessage.Resource.VOLUME_SNAPSHOT, snapshotId, action, detail);
    }

    /** One stored message. */
    public record Message(String id, String projectId, String requestId, String resourceType, String resourceUuid,
            String eventId, String messageLevel, String actionId, String detailId, Instant createdAt, Instant expiresAt) {
    }

    /** The columns a list may filter or sort on. */
    public static final Set<String> COLUMNS = Set.of("id", "project_id", "request_id", "resource_type", "resource_uuid",
            "event_id", "message_level", "action_id", "detail_id", "created_at", "expires_at");

    /** A message not yet expired. */
    public Optional<Message> find(String id) {
        return jdbc.query("SELECT * FROM messages WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)", ROW, id,
                Timestamps.toDb(Timestamps.now())).stream().findFirst();
    }

    /** A page of messages not yet expired. */
    public List<Message> list(ListQuery query) {
        query.requireColumns(COLUMNS);
        List<Object> args = new ArrayList<>();
        String live = "(expires_at IS NULL OR expires_at > '" + Timestamps.toDb(Timestamps.now()) + "')";
        StringBuilder sql = new StringBuilder("SELECT * FROM messages m WHERE ").append(live);
        Conditions.append("m", query, null, null, sql, args);
        List<Keyset.Key> sort = Keyset.withTieBreakers(query.sort());
        if (query.marker() != null) {
            Keyset.appendAfter("m", sort, Keyset.markerValues(jdbc, "messages", live, query, sort)
                    .orElseThrow(() -> new MarkerNotFoundException(query.marker())), sql, args);
        }
        sql.append(Keyset.orderBy("m", sort)).append(" LIMIT ? OFFSET ?");
        args.add(query.limit());
        args.add(query.offset());
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    public boolean delete(String id) {
        return jdbc.update("DELETE FROM messages WHERE id = ?", id) > 0;
    }

    /** Deletes expired messages (Cinder's periodic {@code cleanup_expired_messages}); returns how many. */
    public int deleteExpired(Instant now) {
        return jdbc.update("DELETE FROM messages WHERE expires_at <= ?", Timestamps.toDb(now));
    }

    private static final RowMapper<Message> ROW = (rs, n) -> new Message(rs.getString("id"), rs.getString("project_id"),
            rs.getString("request_id"), rs.getString("resource_type"), rs.getString("resource_uuid"),
            rs.getString("event_id"), rs.getString("message_level"), rs.getString("action_id"), rs.getString("detail_id"),
            Timestamps.read(rs, "created_at"), Timestamps.read(rs, "expires_at"));

    /** The marker of a list names no visible message. */
    public static final class MarkerNotFoundException extends RuntimeException {
        public MarkerNotFoundException(String marker) {
            super("Marker " + marker + " could not be found.");
        }
    }

    private void error(RequestContext context, String projectId, UserMessage.Resource resource, String resourceId,
            UserMessage.Action action, UserMessage.Detail detail) {
        Instant now = Timestamps.now();
        jdbc.update("INSERT INTO messages (id, project_id, request_id, resource_type, resource_uuid, event_id, "
                        + "message_level, action_id, detail_id, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                UUID.randomUUID().toString(), projectId, context.requestId(), resource.name(),
                resourceId, UserMessage.eventId(resource, action, detail), "ERROR",
                action.id, detail.id, Timestamps.toDb(now), Timestamps.toDb(now.plus(TTL)));
    }
}
