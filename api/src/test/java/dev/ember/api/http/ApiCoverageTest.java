package dev.ember.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Generates {@code docs/api-coverage.md} from the code: every route the API's controllers map, with the
 * microversions it exists at ({@link Since}; the maximum is {@link ApiVersion#MAX} for all), and the Cinder routes
 * not served with the reason ({@code cinder-routes-not-served.tsv}). Fails when the committed file is out of date;
 * {@code -Dember.updateDocs=true} rewrites it.
 */
public class ApiCoverageTest {

    /** One served route and the handler method serving it. */
    public record Route(String method, String path, int min, boolean projectless, String handler, Method handlerMethod) {
        /** The version documents and the health check: outside microversion negotiation. */
        public boolean versioned() {
            return path.startsWith("/v3/") && path.length() > "/v3/".length();
        }
    }

    /** Every route the API's controllers map, sorted by path and method. */
    public static List<Route> routes() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
        List<Route> routes = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.ember.api")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            for (Method m : type.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(m, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                Since since = m.getAnnotation(Since.class);
                for (String path : mapping.path()) {
                    for (RequestMethod method : mapping.method()) {
                        routes.add(new Route(method.name(), path, since == null ? 0 : since.value(),
                                since != null && !since.projectInUrl(), type.getSimpleName() + "." + m.getName(), m));
                    }
                }
            }
        }
        routes.sort(Comparator.comparing(Route::path).thenComparing(Route::method));
        return routes;
    }

    static String render() throws Exception {
        StringBuilder doc = new StringBuilder();
        doc.append("# API coverage\n\n")
                .append("Generated from the code by `ApiCoverageTest` (api module); do not edit by hand. Regenerate with\n")
                .append("`mvn -B test -pl api -am -Dtest=ApiCoverageTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dember.updateDocs=true`.\n\n")
                .append("Every route is also served under `/v3/{project_id}/...` (the project must be the caller's), "
                        + "except where marked project-less. Microversions run from 3.0 to " + ApiVersion.MAX
                        + "; a route below its minimum answers Cinder's 404. Version-dependent fields and actions inside "
                        + "a route are gated in its handler (for example `revert` from 3.40, `os-complete` from 3.44).\n\n")
                .append("## Served routes\n\n")
                .append("| Method | Path | Microversions | Handler |\n|---|---|---|---|\n");
        for (Route r : routes()) {
            doc.append("| ").append(r.method()).append(" | `").append(r.path()).append("`")
                    .append(r.projectless() ? " (project-less)" : "").append(" | ")
                    .append(r.versioned() ? "3." + r.min() + " – " + ApiVersion.MAX : "unversioned")
                    .append(" | ").append(r.handler()).append(" |\n");
        }
        doc.append("\n## Cinder routes not served\n\n| Method | Path | Why |\n|---|---|---|\n");
        for (String[] row : notServed()) {
            doc.append("| ").append(row[0]).append(" | `").append(row[1]).append("` | ").append(row[2]).append(" |\n");
        }
        return doc.toString();
    }

    static List<String[]> notServed() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = ApiCoverageTest.class.getResourceAsStream("/cinder-routes-not-served.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t", 3));
                }
            }
        }
        return rows;
    }

    @Test
    void everyRouteIsUnderAKnownV3Collection() throws Exception {
        for (Route r : routes()) {
            if (!r.versioned()) {
                continue;
            }
            String collection = r.path().substring(4).split("/")[0];
            assertThat(ApiFilter.COLLECTIONS).as(r + ": its collection must be known so a project id is not taken for it")
                    .contains(collection);
        }
    }

    @Test
    void docsApiCoverageIsUpToDate() throws Exception {
        Path file = Path.of("..", "docs", "api-coverage.md");
        String generated = render();
        if (Boolean.getBoolean("ember.updateDocs")) {
            Files.writeString(file, generated);
        }
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as("docs/api-coverage.md is stale; regenerate it (see the file's header)").isEqualTo(generated);
    }
}
