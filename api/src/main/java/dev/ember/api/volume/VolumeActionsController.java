package dev.ember.api.volume;

import dev.ember.api.attachment.AttachmentActionSchemas;
import dev.ember.api.attachment.LegacyAttachApi;
import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Responses;
import dev.ember.api.validation.Schema;
import dev.ember.common.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v3/volumes/{id}/action}: one action per request, named by the body's only key, as Cinder's
 * WSGI layer dispatches them. An unknown action is Cinder's 400 "There is no such action".
 */
@RestController
public class VolumeActionsController {

    /** One action: its body's value (may be null) to its answer. */
    @FunctionalInterface
    interface Action {
        ResponseEntity<byte[]> run(ApiRequest request, String volumeId, JsonNode body);
    }

    private final Map<String, Action> actions;

    public VolumeActionsController(LegacyAttachApi attach, VolumeApi volumes) {
        this.actions = Map.ofEntries(
                Map.entry("os-extend", (r, id, b) -> {
                    EXTEND.validate(b);
                    JsonNode size = b.get("os-extend").get("new_size");
                    int newSize = size.isIntegralNumber() ? size.intValue() : Integer.parseInt(size.asString().strip());
                    return accepted(() -> volumes.extend(r.context(), id, newSize, r.version().atLeast(42)));
                }),
                Map.entry("revert", (r, id, b) -> {
                    r.requireVersion(40);
                    JsonNode revert = b.get("revert");
                    if (revert == null || !revert.isObject()) {
                        throw ApiException.badRequest("Missing required element 'revert' in request body.");
                    }
                    return accepted(() -> volumes.revert(r.context(), id, text(revert, "snapshot_id")));
                }),
                Map.entry("os-reserve", (r, id, b) -> accepted(() -> attach.reserve(r.context(), id))),
                Map.entry("os-unreserve", (r, id, b) -> accepted(() -> attach.unreserve(r.context(), id))),
                Map.entry("os-begin_detaching", (r, id, b) -> accepted(() -> attach.beginDetaching(r.context(), id))),
                Map.entry("os-roll_detaching", (r, id, b) -> accepted(() -> attach.rollDetaching(r.context(), id))),
                Map.entry("os-initialize_connection", (r, id, b) -> {
                    ObjectNode answer = Json.object();
                    answer.set("connection_info", attach.initializeConnection(r.context(), id,
                            b.get("os-initialize_connection").get("connector")));
                    return Responses.ok(answer);
                }),
                Map.entry("os-terminate_connection", (r, id, b) -> accepted(() -> attach.terminateConnection(r.context(), id,
                        b.get("os-terminate_connection").get("connector")))),
                Map.entry("os-attach", (r, id, b) -> {
                    JsonNode a = b.get("os-attach");
                    return accepted(() -> attach.attach(r.context(), id, text(a, "instance_uuid"), text(a, "host_name"),
                            text(a, "mountpoint"), a.has("mode") ? text(a, "mode") : "rw"));
                }),
                Map.entry("os-detach", (r, id, b) -> {
                    JsonNode d = b.get("os-detach");
                    return accepted(() -> attach.detach(r.context(), id, d == null || d.isNull() ? null : text(d, "attachment_id")));
                }));
    }

    /** Cinder's {@code volume_actions.extend}. */
    private static final Schema EXTEND = Schema.of().type("object")
            .property("os-extend", Schema.of().type("object")
                    .property("new_size", dev.ember.api.validation.ParameterTypes.volumeSize())
                    .required("new_size").noAdditionalProperties())
            .required("os-extend").noAdditionalProperties();

    /** The schema each action's body must pass first; actions without one take any value. */
    private static final Map<String, Schema> SCHEMAS = Map.of(
            "os-attach", AttachmentActionSchemas.ATTACH,
            "os-detach", AttachmentActionSchemas.DETACH,
            "os-initialize_connection", AttachmentActionSchemas.INITIALIZE_CONNECTION,
            "os-terminate_connection", AttachmentActionSchemas.TERMINATE_CONNECTION);

    @PostMapping("/v3/volumes/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        if (!json.isObject() || json.size() != 1) {
            throw ApiException.badRequest("Malformed request body");
        }
        String name = json.propertyNames().iterator().next();
        Action action = actions.get(name);
        if (action == null) {
            throw ApiException.badRequest("There is no such action: " + name
                    + ". Verify the request body and Content-Type header and try again.");
        }
        Schema schema = SCHEMAS.get(name);
        if (schema != null) {
            schema.validate(json);
        }
        return action.run(request, id, json);
    }

    private static ResponseEntity<byte[]> accepted(Runnable work) {
        work.run();
        return Responses.emptyJson(202);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
