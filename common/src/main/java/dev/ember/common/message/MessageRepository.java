package dev.ember.common.message;

import dev.ember.common.context.RequestContext;
import dev.ember.common.db.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

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
