package dev.ember.api.volume;

import static dev.ember.api.http.JsonBodies.text;

import dev.ember.api.attachment.AttachmentActionSchemas;
import dev.ember.api.attachment.LegacyAttachApi;
import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.ActionRules;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.json.Json;
import dev.ember.common.volume.VolumeStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
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
                Map.entry("os-reset_status", (r, id, b) -> {
                    JsonNode reset = b.get("os-reset_status");
                    return accepted(() -> volumes.resetStatus(r.context(), id, lower(reset, "status"),
                            lower(reset, "attach_status"), lower(reset, "migration_status")));
                }),
                Map.entry("os-force_delete", (r, id, b) -> {
                    return accepted(() -> volumes.delete(r.context(), id, false, true));
                }),
                Map.entry("os-force_detach", (r, id, b) -> {
                    JsonNode d = b.get("os-force_detach");
                    JsonNode connector = d.get("connector");
                    return accepted(() -> attach.forceDetach(r.context(), id,
                            connector == null || connector.isNull() ? null : connector, text(d, "attachment_id")));
                }),
                Map.entry("os-set_bootable", (r, id, b) -> {
                    volumes.setBootable(r.context(), id, Params.bool("bootable",
                            b.get("os-set_bootable").get("bootable").asString()));
                    return Responses.emptyJson(200);
                }),
                Map.entry("os-update_readonly_flag", (r, id, b) -> accepted(() -> volumes.updateReadonly(r.context(), id,
                        Params.bool("readonly", b.get("os-update_readonly_flag").get("readonly").asString())))),
                Map.entry("os-retype", (r, id, b) -> {
                    JsonNode retype = b.get("os-retype");
                    return accepted(() -> volumes.retype(r.context(), id, text(retype, "new_type"),
                            text(retype, "migration_policy")));
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

    /** Cinder's {@code admin_actions.reset}, its statuses checked against Cinder's lists. */
    private static final Schema RESET = Schema.of().type("object")
            .property("os-reset_status", Schema.of().type("object")
                    .property("status", Schema.of().type("string", "null").format("volume_status",
                            v -> known(v, VolumeStatus.ALL, "Volume status", true)))
                    .property("attach_status", Schema.of().type("string", "null").format("volume_attach_status",
                            v -> known(v, List.of(VolumeStatus.ATTACHED, VolumeStatus.DETACHED), "Volume attach status", false)))
                    .property("migration_status", Schema.of().type("string", "null").format("volume_migration_status",
                            v -> known(v, List.of("migrating", "error", "success", "completing", "none", "starting"),
                                    "Volume migration status", true)))
                    .noAdditionalProperties())
            .required("os-reset_status").noAdditionalProperties();

    /** Cinder's {@code admin_actions.force_detach}. */
    private static final Schema FORCE_DETACH = Schema.of().type("object")
            .property("os-force_detach", Schema.of().type("object")
                    .property("connector", Schema.of().type("string", "object", "null"))
                    .property("attachment_id", Schema.of().type("string", "null"))
                    .noAdditionalProperties())
            .required("os-force_detach").noAdditionalProperties();

    /** Cinder's {@code volume_actions.set_bootable} and {@code volume_readonly_update}: one strict boolean. */
    private static Schema oneBoolean(String action, String field) {
        return Schema.of().type("object")
                .property(action, Schema.of().type("object").property(field, ParameterTypes.bool())
                        .required(field).noAdditionalProperties())
                .required(action).noAdditionalProperties();
    }

    /** Cinder's {@code volume_actions.retype}. */
    private static final Schema RETYPE = Schema.of().type("object")
            .property("os-retype", Schema.of().type("object")
                    .property("new_type", Schema.of().type("string"))
                    .property("migration_policy", Schema.of().type("string", "null").enumOf("on-demand", "never"))
                    .required("new_type").noAdditionalProperties())
            .required("os-retype").noAdditionalProperties();

    /** The schema each action's body must pass first; actions without one take any value. */
    private static final Map<String, Schema> SCHEMAS = Map.of(
            "os-reset_status", RESET,
            "os-force_detach", FORCE_DETACH,
            "os-set_bootable", oneBoolean("os-set_bootable", "bootable"),
            "os-update_readonly_flag", oneBoolean("os-update_readonly_flag", "readonly"),
            "os-retype", RETYPE,
            "os-attach", AttachmentActionSchemas.ATTACH,
            "os-detach", AttachmentActionSchemas.DETACH,
            "os-initialize_connection", AttachmentActionSchemas.INITIALIZE_CONNECTION,
            "os-terminate_connection", AttachmentActionSchemas.TERMINATE_CONNECTION);

    @Authorize(byAction = true)
    @PostMapping("/v3/volumes/{id}/action")
    public ResponseEntity<byte[]> action(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        String name = JsonBodies.actionName(json);
        Action action = actions.get(name);
        if (action == null) {
            throw ApiException.badRequest("There is no such action: " + name
                    + ". Verify the request body and Content-Type header and try again.");
        }
        request.authorizeAction(ActionRules.VOLUME, name);
        if (name.equals("os-reset_status")) {
            requireSomeStatus(json.get(name));
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

    /**
     * Cinder's {@code validate_volume_reset_body}, which runs before the fields are checked: at least one of the
     * three statuses must be given.
     */
    private static void requireSomeStatus(JsonNode reset) {
        if (reset != null && reset.isObject() && truthy(reset, "status") == null && truthy(reset, "attach_status") == null
                && truthy(reset, "migration_status") == null) {
            throw ApiException.badRequest("Must specify 'status', 'attach_status' or 'migration_status' for update.");
        }
    }

    private static JsonNode truthy(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || (value.isString() && value.asString().isEmpty()) ? null : value;
    }

    /** A status format of Cinder's: an unknown value is its {@code InvalidParameterValue} listing the valid ones. */
    private static boolean known(String value, List<String> valid, String what, boolean tuple) {
        if (value.isEmpty() || valid.contains(value.toLowerCase(java.util.Locale.ROOT))) {
            return true;
        }
        String listed = valid.stream().map(v -> "'" + v + "'").collect(java.util.stream.Collectors.joining(", "));
        throw ApiException.badRequest(what + ": " + value + " is invalid, valid statuses are: "
                + (tuple ? "(" + listed + ")" : "[" + listed + "]") + ".");
    }

    /** A status field lower-cased as Cinder's {@code validate_update}; empty or absent is null. */
    private static String lower(JsonNode node, String field) {
        String value = text(node, field);
        return value == null || value.isEmpty() ? null : value.toLowerCase(java.util.Locale.ROOT);
    }

}
