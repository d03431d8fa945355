package dev.ember.api.version;

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

    @GetMapping("/healthcheck")
    public ResponseEntity<byte[]> get() {
        boolean disabled = disableFile != null && Files.exists(disableFile);
        String text = disabled ? "DISABLED BY FILE" : "OK";
        return ResponseEntity.status(disabled ? 503 : 200).contentType(MediaType.TEXT_PLAIN)
                .body(text.getBytes(StandardCharsets.UTF_8));
    }

    @RequestMapping(path = "/healthcheck", method = RequestMethod.HEAD)
    public ResponseEntity<Void> head() {
        boolean disabled = disableFile != null && Files.exists(disableFile);
        return ResponseEntity.status(disabled ? 503 : 204).build();
    }
}
