package dev.ember.api.quota;

import dev.ember.api.http.ApiException;
import dev.ember.api.http.ApiRequest;
import dev.ember.api.http.JsonBodies;
import dev.ember.api.http.Pagination;
import dev.ember.api.http.Params;
import dev.ember.api.http.Responses;
import dev.ember.api.policy.Authorize;
import dev.ember.api.validation.ParameterTypes;
import dev.ember.api.validation.Schema;
import dev.ember.common.json.Json;
import dev.ember.common.quota.QuotaResources;
import dev.ember.common.quota.QuotaUsage;
import dev.ember.common.quota.Quotas;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v3/os-quota-sets}, {@code /v3/os-quota-class-sets} and {@code /v3/limits} (Cinder's
 * {@code contrib/quotas.py}, {@code contrib/quota_classes.py}, {@code v3/limits.py} with {@code used_limits}).
 */
@RestController
public class QuotasController {

    static final String SHOW = "volume_extension:quotas:show";
    static final String USED_LIMITS = "limits_extension:used_limits";

    /** Keys a quota set may carry that are not resources ({@code NON_QUOTA_KEYS}). */
    private static final Set<String> NON_QUOTA_KEYS = Set.of("tenant_id", "id");

    private static final Schema UPDATE_SET = Schema.of().type("object")
            .property("quota_set", Schema.of().type("object").minProperties(1))
            .required("quota_set").noAdditionalProperties();

    private static final Schema UPDATE_CLASS = Schema.of().type("object")
            .property("quota_class_set", Schema.of().type("object")
                    .patternProperty("^[a-zA-Z0-9-_:. ]{1,255}$", Schema.of().type("integer", "string")
                            .pattern("^[0-9]*$").minimum(-1).minLength(1).maximum(ParameterTypes.DB_MAX_INT))
                    .noAdditionalProperties())
            .required("quota_class_set").noAdditionalProperties();

    private final Quotas quotas;

    public QuotasController(Quotas quotas) {
        this.quotas = quotas;
    }

    @Authorize("volume_extension:quotas:show")
    @GetMapping("/v3/os-quota-sets/{project}")
    public ResponseEntity<byte[]> show(HttpServletRequest http, @PathVariable String project) {
        ApiRequest request = ApiRequest.of(http);
        request.authorizeOn(SHOW, project, null);
        Map<String, String> params = Pagination.parse(request.query());
        boolean usage = params.containsKey("usage") && Params.bool("usage", params.get("usage"));
        ObjectNode set = Json.object();
        if (usage) {
            quotas.projectUsage(project).forEach((resource, u) -> {
                ObjectNode item = set.putObject(resource);
                item.put("limit", u.limit());
                item.put("in_use", u.inUse());
                item.put("reserved", u.reserved());
            });
        } else {
            quotas.projectLimits(project).forEach(set::put);
        }
        set.put("id", project);
        return Responses.ok(wrap("quota_set", set));
    }

    @Authorize("volume_extension:quotas:show")
    @GetMapping("/v3/os-quota-sets/{project}/defaults")
    public ResponseEntity<byte[]> defaults(HttpServletRequest http, @PathVariable String project) {
        ApiRequest request = ApiRequest.of(http);
        request.authorizeOn(SHOW, project, null);
        ObjectNode set = Json.object();
        quotas.defaults().forEach(set::put);
        set.put("id", project);
        return Responses.ok(wrap("quota_set", set));
    }

    /**
     * Sets limits. As Cinder, a limit below what is used is refused only for resources the project already has
     * a limit of its own for ({@code _validate_existing_resource} over {@code defaults=False}).
     */
    @Authorize("volume_extension:quotas:update")
    @PutMapping("/v3/os-quota-sets/{project}")
    public ResponseEntity<byte[]> update(HttpServletRequest http, @PathVariable String project,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        UPDATE_SET.validate(json);
        if (project.length() > 255) {
            throw ApiException.badRequest("quota_set_name has more than 255 characters.");
        }
        List<String> known = quotas.resources();
        Map<String, Integer> limits = limits(json.get("quota_set"), known, "quota set", true);
        Map<String, Integer> own = quotas.projectOverrides(project);
        Map<String, QuotaUsage> used = quotas.projectUsage(project);
        limits.forEach((resource, limit) -> {
            if (resource.equals(QuotaResources.PER_VOLUME_GIGABYTES) || limit == -1 || !own.containsKey(resource)) {
                return;
            }
            QuotaUsage u = used.get(resource);
            int inUse = u == null ? 0 : u.inUse() + u.reserved();
            if (limit < inUse) {
                throw ApiException.badRequest("Quota " + resource + " limit must be equal or greater than existing "
                        + "resources. Current usage is " + inUse + " and the requested limit is " + limit + ".");
            }
        });
        quotas.setProjectLimits(project, limits);
        ObjectNode set = Json.object();
        quotas.projectLimits(project).forEach(set::put);
        return Responses.ok(wrap("quota_set", set));
    }

    /** Cinder's {@code quota_destroy_by_project}: 200 with an empty body. */
    @Authorize("volume_extension:quotas:delete")
    @DeleteMapping("/v3/os-quota-sets/{project}")
    public ResponseEntity<byte[]> delete(HttpServletRequest http, @PathVariable String project) {
        quotas.deleteProjectLimits(project);
        return ResponseEntity.ok().contentType(org.springframework.http.MediaType.APPLICATION_JSON).body(new byte[0]);
    }

    @Authorize("volume_extension:quota_classes:get")
    @GetMapping("/v3/os-quota-class-sets/{className}")
    public ResponseEntity<byte[]> showClass(HttpServletRequest http, @PathVariable String className) {
        ObjectNode set = Json.object();
        quotas.classLimits(className).forEach(set::put);
        set.put("id", className);
        return Responses.ok(wrap("quota_class_set", set));
    }

    @Authorize("volume_extension:quota_classes:update")
    @PutMapping("/v3/os-quota-class-sets/{className}")
    public ResponseEntity<byte[]> updateClass(HttpServletRequest http, @PathVariable String className,
            @RequestBody(required = false) byte[] body) {
        JsonNode json = JsonBodies.require(http, body);
        UPDATE_CLASS.validate(json);
        List<String> known = quotas.resources();
        List<String> bad = new java.util.ArrayList<>();
        json.get("quota_class_set").propertyNames().forEach(k -> {
            if (!known.contains(k)) {
                bad.add(k);
            }
        });
        if (!bad.isEmpty()) {
            throw ApiException.invalidInput("Bad key(s) in quota class set: " + String.join(", ", bad));
        }
        if (className.length() > 255) {
            throw ApiException.badRequest("quota_class_name has more than 255 characters.");
        }
        quotas.setClassLimits(className, limits(json.get("quota_class_set"), known, "quota class set", false));
        ObjectNode set = Json.object();
        quotas.classLimits(className).forEach(set::put);
        return Responses.ok(wrap("quota_class_set", set));
    }

    /**
     * {@code /v3/limits}: the caller's project (an admin may name another with {@code project_id} from 3.39),
     * absolute limits in Cinder's names and what is used of them.
     */
    @Authorize("limits_extension:used_limits")
    @GetMapping("/v3/limits")
    public ResponseEntity<byte[]> limits(HttpServletRequest http) {
        ApiRequest request = ApiRequest.of(http);
        Map<String, String> params = Pagination.parse(request.query());
        String project = request.projectId();
        if (request.isAdmin() && request.version().atLeast(39)) {
            project = params.getOrDefault("project_id", params.getOrDefault("tenant_id", project));
        }
        Map<String, QuotaUsage> usage = quotas.projectUsage(project);
        ObjectNode absolute = Json.object();
        Map<String, String> limitNames = new LinkedHashMap<>();
        limitNames.put(QuotaResources.VOLUMES, "maxTotalVolumes");
        limitNames.put(QuotaResources.SNAPSHOTS, "maxTotalSnapshots");
        limitNames.put(QuotaResources.GIGABYTES, "maxTotalVolumeGigabytes");
        limitNames.put(QuotaResources.BACKUPS, "maxTotalBackups");
        limitNames.put(QuotaResources.BACKUP_GIGABYTES, "maxTotalBackupGigabytes");
        limitNames.forEach((resource, name) -> absolute.put(name, usage.get(resource).limit()));
        Map<String, String> usedNames = new LinkedHashMap<>();
        usedNames.put("totalVolumesUsed", QuotaResources.VOLUMES);
        usedNames.put("totalGigabytesUsed", QuotaResources.GIGABYTES);
        usedNames.put("totalSnapshotsUsed", QuotaResources.SNAPSHOTS);
        usedNames.put("totalBackupsUsed", QuotaResources.BACKUPS);
        usedNames.put("totalBackupGigabytesUsed", QuotaResources.BACKUP_GIGABYTES);
        usedNames.forEach((name, resource) -> absolute.put(name, usage.get(resource).inUse()));
        ObjectNode limits = Json.object();
        limits.putArray("rate");
        limits.set("absolute", absolute);
        return Responses.ok(wrap("limits", limits));
    }

    /**
     * The resources and limits of a quota set body, checked as Cinder's {@code quota_set} format checker does:
     * unknown keys are collected into one 400, each known value must be an integer from -1 to 2^31-1.
     */
    private static Map<String, Integer> limits(JsonNode set, List<String> known, String what, boolean checkKeys) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        List<String> bad = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonNode> e : set.properties()) {
            String key = e.getKey();
            if (checkKeys && !known.contains(key) && !NON_QUOTA_KEYS.contains(key)) {
                bad.add(key);
                continue;
            }
            if (NON_QUOTA_KEYS.contains(key)) {
                continue;
            }
            limits.put(key, integer(e.getValue(), key));
        }
        if (!bad.isEmpty()) {
            throw ApiException.invalidInput("Bad key(s) in " + what + ": " + String.join(", ", bad));
        }
        return limits;
    }

    /** oslo's {@code strutils.validate_integer(value, name, -1, DB_MAX_INT)}: {@code int(str(value))}. */
    private static int integer(JsonNode value, String name) {
        long parsed;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            parsed = value.longValue();
        } else if (value.isString() && value.asString().strip().matches("[+-]?[0-9]+(_[0-9]+)*")) {
            String digits = value.asString().strip().replace("_", "");
            try {
                parsed = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(digits.startsWith("-") ? name + " must be >= -1"
                        : name + " must be <= " + ParameterTypes.DB_MAX_INT);
            }
        } else if (value.isIntegralNumber()) {
            throw ApiException.badRequest(value.asString().startsWith("-") ? name + " must be >= -1"
                    : name + " must be <= " + ParameterTypes.DB_MAX_INT);
        } else {
            throw ApiException.badRequest(name + " must be an integer");
        }
        if (parsed < -1) {
            throw ApiException.badRequest(name + " must be >= -1");
        }
        if (parsed > ParameterTypes.DB_MAX_INT) {
            throw ApiException.badRequest(name + " must be <= " + ParameterTypes.DB_MAX_INT);
        }
        return (int) parsed;
    }

    private static ObjectNode wrap(String key, ObjectNode inner) {
        ObjectNode root = Json.object();
        root.set(key, inner);
        return root;
    }
}
