package dev.ember.api.message;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.Links;
import dev.ember.api.http.ListFilters;
import dev.ember.api.http.ListRequest;
import dev.ember.api.http.ResourceFilters;
import dev.ember.api.http.Responses;
import dev.ember.api.http.Since;
import dev.ember.api.policy.Authorize;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.message.MessageRepository;
import dev.ember.common.message.UserMessage;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/messages} (3.3, Cinder's {@code v3/messages.py}): why an operation a user asked for failed. Paging,
 * sorting and filters from 3.5; each project sees its own messages, admins everyone's.
 */
@RestController
public class MessagesController {

    private static final ListFilters.Resource MESSAGES = new ListFilters.Resource(ResourceFilters.of("message"),
            MessageRepository.COLUMNS, Set.of(), Map.of());

    private final MessageRepository messages;
    private final CinderProperties properties;

    public MessagesController(MessageRepository messages, CinderProperties properties) {
        this.messages = messages;
        this.properties = properties;
    }

    @Since(3)
    @Authorize("message:get_all")
    @GetMapping("/v3/messages")
    public ResponseEntity<byte[]> list(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        // Before 3.5 the query is ignored: every message of the project, newest first.
        ApiRequest effective = request.version().atLeast(5) ? request : request.withQuery(null);
        ListRequest list = ListRequest.read(effective, properties.osapiMaxLimit(), MESSAGES);
        List<MessageRepository.Message> page;
        try {
            page = list.query() == null ? List.of() : messages.list(list.query());
        } catch (MessageRepository.MarkerNotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
        ObjectNode root = Json.object();
        var items = root.putArray("messages");
        page.forEach(m -> items.add(view(request, m)));
        Links.nextIfFull(root, "messages_links", effective, "messages", list.limit(), page.size(),
                page.isEmpty() ? null : page.get(page.size() - 1).id());
        return Responses.ok(root);
    }

    @Since(3)
    @Authorize("message:get")
    @GetMapping("/v3/messages/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        ObjectNode root = Json.object();
        root.set("message", view(request, visible(request, id)));
        return Responses.ok(root);
    }

    @Since(3)
    @Authorize("message:delete")
    @DeleteMapping("/v3/messages/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        visible(request, id);
        messages.delete(id);
        return Responses.noContentHtml();
    }

    private MessageRepository.Message visible(ApiRequest request, String id) {
        return messages.find(id).filter(m -> request.isAdmin() || m.projectId().equals(request.projectId()))
                .orElseThrow(() -> ApiException.notFound("Message " + id + " could not be found."));
    }

    /** Cinder's message view; {@code resource_type}/{@code resource_uuid} only when the message has them. */
    private static ObjectNode view(ApiRequest request, MessageRepository.Message m) {
        ObjectNode node = Json.object();
        node.put("id", m.id());
        node.put("event_id", m.eventId());
        node.put("user_message", UserMessage.text(m.actionId(), m.detailId()));
        node.put("message_level", m.messageLevel());
        node.put("created_at", Timestamps.format(m.createdAt()));
        node.put("guaranteed_until", Timestamps.format(m.expiresAt()));
        node.put("request_id", m.requestId());
        node.set("links", Links.item(request, "messages", m.id()));
        if (m.resourceType() != null) {
            node.put("resource_type", m.resourceType());
        }
        if (m.resourceUuid() != null) {
            node.put("resource_uuid", m.resourceUuid());
        }
        return node;
    }
}
