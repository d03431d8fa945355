package dev.ember.api.version;

import dev.ember.api.policy.Authorize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /healthcheck} outside authentication, as oslo.middleware's healthcheck with the
 * {@code disable_by_file} backend that Cinder's api-paste.ini configures: 200 {@code OK}, or 503
 * {@code DISABLED BY FILE} while the file exists.
 */
@RestController
public class HealthcheckController {

    private final Path disableFile;

    public HealthcheckController(Path healthcheckDisableFile) {
        this.disableFile = healthcheckDisableFile;
    }

    /**
     * Plain text by default; with {@code Accept: application/json} oslo's non-detailed JSON, which it writes
     * with {@code json.dumps(indent=4, sort_keys=True)}.
     */
    @Authorize(noRule = "oslo.middleware healthcheck")
    @GetMapping("/healthcheck")
    public ResponseEntity<byte[]> get(@org.springframework.web.bind.annotation.RequestHeader(
            value = "Accept", required = false) String accept) {
        boolean disabled = disableFile != null && Files.exists(disableFile);
        String reason = disabled ? "DISABLED BY FILE" : "OK";
        if (accept != null && accept.contains("application/json")) {
            String json = "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"" + reason + "\"\n    ]\n}";
            return ResponseEntity.status(disabled ? 503 : 200).contentType(MediaType.APPLICATION_JSON)
                    .body(json.getBytes(StandardCharsets.UTF_8));
        }
        return ResponseEntity.status(disabled ? 503 : 200).contentType(MediaType.TEXT_PLAIN)
                .body(reason.getBytes(StandardCharsets.UTF_8));
    }

    @Authorize(noRule = "oslo.middleware healthcheck")
    @RequestMapping(path = "/healthcheck", method = RequestMethod.HEAD)
    public ResponseEntity<Void> head() {
        boolean disabled = disableFile != null && Files.exists(disableFile);
        return ResponseEntity.status(disabled ? 503 : 204).build();
    }
}
