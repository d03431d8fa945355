package dev.ember.api.transfer;

import static dev.ember.api.validation.ParameterTypes.bool;
import static dev.ember.api.validation.ParameterTypes.nameSkipLeadingTrailingSpaces;
import static dev.ember.api.validation.ParameterTypes.uuid;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Links;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.Schema;
import dev.ember.common.config.CinderProperties;
import dev.ember.common.db.Timestamps;
import dev.ember.common.json.Json;
import dev.ember.common.transfer.Transfer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Volume transfers at Cinder's two paths: the legacy extension {@code /v3/os-volume-transfer} (Cinder's
 * {@code contrib/volume_transfer.py}: never takes {@code no_snapshots}, lists without pagination) and
 * {@code /v3/volume-transfers} ({@code v3/volume_transfer.py}: {@code no_snapshots} from 3.55, pagination and
 * sorting from 3.59, encrypted volumes from 3.70). Cinder routes the latter at every microversion; so does
 * this. Both answer with the same views, whose fields follow the microversion (3.55 {@code no_snapshots},
 * 3.57 {@code destination_project_id}, {@code source_project_id}, {@code accepted}); links always point at
 * {@code os-volume-transfer}.
 */
@RestController
public class TransfersController {

    private static final String LEGACY = "os-volume-transfer";
    private static final String V3 = "volume-transfers";
    private static final int TRANSFER_WITH_SNAPSHOTS = 55;
    private static final int TRANSFER_WITH_HISTORY = 57;
    private static final int SUPPORT_TRANSFER_PAGINATION = 59;
    private static final int TRANSFER_ENCRYPTED_VOLUME = 70;

    private static final Schema CREATE = create(false);
    private static final Schema CREATE_V355 = create(true);
    private static final Schema ACCEPT = Schema.of().type("object")
            .property("accept", Schema.of().type("object")
                    .property("auth_key", Schema.of().type("string", "integer"))
                    .required("auth_key").noAdditionalProperties())
            .required("accept").noAdditionalProperties();

    private final TransferApi transfers;
    private final CinderProperties properties;

    public TransfersController(TransferApi transfers, CinderProperties properties) {
        this.transfers = transfers;
        this.properties = properties;
    }

    private static Schema create(boolean withNoSnapshots) {
        Schema transfer = Schema.of().type("object")
                .property("volume_id", uuid())
                .property("name", Schema.of().oneOf(nameSkipLeadingTrailingSpaces(), Schema.of().type("null")));
        if (withNoSnapshots) {
            transfer.property("no_snapshots", bool());
        }
        return Schema.of().type("object")
                .property("transfer", transfer.required("volume_id").noAdditionalProperties())
                .required("transfer").noAdditionalProperties();
    }

    // ----- create --------------------------------------------------------------------------------

    @Authorize("volume:create_transfer")
    @PostMapping("/v3/" + LEGACY)
    public ResponseEntity<byte[]> createLegacy(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        CREATE.validate(json);
        return create(request, json.get("transfer"), false, false);
    }

    @Authorize("volume:create_transfer")
    @PostMapping("/v3/" + V3)
    public ResponseEntity<byte[]> create(HttpServletRequest http, @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        (request.version().atLeast(TRANSFER_WITH_SNAPSHOTS) ? CREATE_V355 : CREATE).validate(json);
        JsonNode t = json.get("transfer");
        JsonNode noSnapshots = t.get("no_snapshots");
        return create(request, t, noSnapshots != null && Params.bool("no_snapshots", noSnapshots.asString()),
                request.version().atLeast(TRANSFER_ENCRYPTED_VOLUME));
    }

    private ResponseEntity<byte[]> create(ApiRequest request, JsonNode t, boolean noSnapshots, boolean allowEncrypted) {
        JsonNode name = t.get("name");
        TransferApi.Created created = transfers.create(request.context(), t.get("volume_id").asString(),
                name == null || name.isNull() ? null : name.asString().strip(), noSnapshots, allowEncrypted);
        ObjectNode view = Json.object();
        Transfer tr = created.transfer();
        view.put("id", tr.id());
        view.put("created_at", Timestamps.format(tr.createdAt()));
        view.put("name", tr.displayName());
        view.put("volume_id", tr.volumeId());
        view.put("auth_key", created.authKey());
        view.set("links", Links.item(request, LEGACY, tr.id()));
        versioned(request, view, tr);
        return Responses.accepted(wrap(view));
    }

    // ----- list and show -------------------------------------------------------------------------

    @Authorize("volume:get_all_transfers")
    @GetMapping("/v3/" + LEGACY)
    public ResponseEntity<byte[]> indexLegacy(HttpServletRequest http) {
        return list(ApiRequest.of(http), false, false);
    }

    @Authorize("volume:get_all_transfers")
    @GetMapping("/v3/" + LEGACY + "/detail")
    public ResponseEntity<byte[]> detailLegacy(HttpServletRequest http) {
        return list(ApiRequest.of(http), true, false);
    }

    @Authorize("volume:get_all_transfers")
    @GetMapping("/v3/" + V3)
    public ResponseEntity<byte[]> index(HttpServletRequest http) {
        return list(ApiRequest.of(http), false, true);
    }

    @Authorize("volume:get_all_transfers")
    @GetMapping("/v3/" + V3 + "/detail")
    public ResponseEntity<byte[]> detail(HttpServletRequest http) {
        return list(ApiRequest.of(http), true, true);
    }

    /**
     * Cinder's {@code _get_transfers}: every query parameter but {@code all_tenants} is a filter on a transfer
     * column ({@code name} meaning {@code display_name}); at 3.59 on the v3 path {@code marker}, {@code limit},
     * {@code offset} and {@code sort} page instead, newest first by default. The page is then cut to
     * {@code osapi_max_limit}.
     */
    private ResponseEntity<byte[]> list(ApiRequest request, boolean detail, boolean v3) {
        Map<String, String> params = Pagination.parse(request.query());
        boolean paginated = v3 && request.version().atLeast(SUPPORT_TRANSFER_PAGINATION);
        String marker = null;
        int limit = properties.osapiMaxLimit();
        int offset = 0;
        List<Pagination.Sort> sort = List.of();
        if (paginated) {
            marker = params.remove("marker");
            limit = Pagination.limit(params, properties.osapiMaxLimit());
            offset = Pagination.offset(params);
            sort = Pagination.sort(params);
        }
        boolean allTenants = params.containsKey("all_tenants") && Params.bool("all_tenants", params.remove("all_tenants"));
        if (params.containsKey("name")) {
            params.put("display_name", params.remove("name"));
        }
        List<Transfer> all = new ArrayList<>(transfers.list(request.context(), allTenants, params));
        if (paginated) {
            all.sort(order(sort));
            if (marker != null) {
                String m = marker;
                int at = indexOf(all, m);
                if (at < 0) {
                    throw TransferApi.notFound(m);
                }
                all = new ArrayList<>(all.subList(at + 1, all.size()));
            }
        }
        int total = all.size();
        List<Transfer> page = all.subList(Math.min(offset, total), Math.min(total, offset + limit));
        ObjectNode root = Json.object();
        ArrayNode items = root.putArray("transfers");
        for (Transfer t : page) {
            items.add(detail ? detailView(request, t) : summaryView(request, t));
        }
        Links.nextIfFull(root, "transfers_links", request, LEGACY, limit, page.size(),
                page.isEmpty() ? null : page.get(page.size() - 1).id());
        return Responses.ok(root);
    }

    private static int indexOf(List<Transfer> list, String id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** Cinder's {@code get_sort_params} over transfers: {@code created_at desc} unless asked, then {@code id}. */
    private static Comparator<Transfer> order(List<Pagination.Sort> sort) {
        List<Pagination.Sort> keys = sort.isEmpty() ? List.of(new Pagination.Sort("created_at", "desc")) : sort;
        Comparator<Transfer> order = null;
        for (Pagination.Sort key : keys) {
            Comparator<Transfer> one = switch (key.key()) {
                case "created_at" -> Comparator.comparing(Transfer::createdAt);
                case "id" -> Comparator.comparing(Transfer::id);
                case "name", "display_name" -> Comparator.comparing(t -> String.valueOf(t.displayName()));
                case "volume_id" -> Comparator.comparing(Transfer::volumeId);
                default -> throw ApiException.invalidInput("Invalid sort key " + key.key());
            };
            if (!"asc".equalsIgnoreCase(key.direction())) {
                one = one.reversed();
            }
            order = order == null ? one : order.thenComparing(one);
        }
        Comparator<Transfer> byId = Comparator.comparing(Transfer::id);
        return order.thenComparing("asc".equalsIgnoreCase(keys.get(0).direction()) ? byId : byId.reversed());
    }

    @Authorize("volume:get_transfer")
    @GetMapping("/v3/" + LEGACY + "/{id}")
    public ResponseEntity<byte[]> showLegacy(HttpServletRequest http, @PathVariable String id) {
        return show(http, id);
    }

    @Authorize("volume:get_transfer")
    @GetMapping("/v3/" + V3 + "/{id}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String id) {
        ApiRequest request = ApiRequest.of(http);
        return Responses.ok(wrap(detailView(request, transfers.get(request.context(), id))));
    }

    // ----- accept and delete ---------------------------------------------------------------------

    @Authorize("volume:accept_transfer")
    @PostMapping("/v3/" + LEGACY + "/{id}/accept")
    public ResponseEntity<byte[]> acceptLegacy(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        return accept(http, id, body);
    }

    @Authorize("volume:accept_transfer")
    @PostMapping("/v3/" + V3 + "/{id}/accept")
    public ResponseEntity<byte[]> accept(HttpServletRequest http, @PathVariable String id,
            @RequestBody(required = false) byte[] body) {
        ApiRequest request = ApiRequest.of(http);
        JsonNode json = JsonBodies.require(http, body);
        ACCEPT.validate(json);
        JsonNode key = json.get("accept").get("auth_key");
        Transfer accepted = transfers.accept(request.context(), id, key.asString());
        return Responses.accepted(wrap(summaryView(request, accepted)));
    }

    @Authorize("volume:delete_transfer")
    @DeleteMapping("/v3/" + LEGACY + "/{id}")
    public ResponseEntity<byte[]> deleteLegacy(HttpServletRequest http, @PathVariable String id) {
        return delete(http, id);
    }

    @Authorize("volume:delete_transfer")
    @DeleteMapping("/v3/" + V3 + "/{id}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String id) {
        transfers.delete(ApiRequest.of(http).context(), id);
        return Responses.acceptedEmpty();
    }

    // ----- views ---------------------------------------------------------------------------------

    /** Cinder's {@code summary}: {@code id, volume_id, name, links}. */
    private static ObjectNode summaryView(ApiRequest request, Transfer t) {
        ObjectNode view = Json.object();
        view.put("id", t.id());
        view.put("volume_id", t.volumeId());
        view.put("name", t.displayName());
        view.set("links", Links.item(request, LEGACY, t.id()));
        return view;
    }

    /** Cinder's {@code detail}: {@code id, created_at, name, volume_id, links} and the versioned fields. */
    private static ObjectNode detailView(ApiRequest request, Transfer t) {
        ObjectNode view = Json.object();
        view.put("id", t.id());
        view.put("created_at", Timestamps.format(t.createdAt()));
        view.put("name", t.displayName());
        view.put("volume_id", t.volumeId());
        view.set("links", Links.item(request, LEGACY, t.id()));
        versioned(request, view, t);
        return view;
    }

    private static void versioned(ApiRequest request, ObjectNode view, Transfer t) {
        if (request.version().atLeast(TRANSFER_WITH_SNAPSHOTS)) {
            view.put("no_snapshots", t.noSnapshots());
        }
        if (request.version().atLeast(TRANSFER_WITH_HISTORY)) {
            view.put("destination_project_id", t.destinationProjectId());
            view.put("source_project_id", t.sourceProjectId());
            view.put("accepted", t.accepted());
        }
    }

    private static ObjectNode wrap(ObjectNode transfer) {
        ObjectNode root = Json.object();
        root.set("transfer", transfer);
        return root;
    }
}
