package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.common.config.CinderConf;
import dev.ember.common.config.DatabaseUrl;
import dev.ember.common.config.IniFile;
import dev.ember.common.config.TransportUrl;
import dev.ember.common.json.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The deployment files under deploy/ are checked by the real tools where this machine has them
 * ({@code systemd-analyze verify}, {@code docker compose config}, {@code helm lint}) and otherwise by
 * parsing them: every file they name exists, every role they start is one the launcher has, and every
 * {@code cinder.conf} they carry reads without a single unknown option.
 */
class DeploymentFilesIT {

    private static final Set<String> ROLES = Set.of("cinder-api", "cinder-scheduler", "cinder-volume", "cinder-manage");

    private final Path home = Path.of(System.getProperty("ember.home", ".")).toAbsolutePath().normalize();
    private final Path repo = home.getParent();

    @TempDir
    Path tmp;

    @Test
    void systemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        assumeTrue(Shell.onPath("systemd-analyze"), "systemd-analyze is not installed (apt-get install systemd)");
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String role : List.of("cinder-api", "cinder-scheduler", "cinder-volume")) {
            String unit = Files.readString(home.resolve("systemd/" + role + ".service"));
            assertThat(unit).contains("ExecStart=/opt/ember/bin/" + role + " --config-file /etc/cinder/cinder.conf");
            // The units name the installed tree; verify checks that ExecStart exists, so point it at this one.
            Path copy = Files.writeString(tmp.resolve(role + ".service"), unit.replace("/opt/ember/", home + "/"));
            command.add(copy.toString());
        }
        Shell.Result verify = Shell.run(command, Duration.ofSeconds(60));
        assertThat(verify.exit()).as(verify.toString()).isZero();
        // verify also loads the units already installed on this machine (Debian's keystone.service warns about
        // itself); only lines about ours count.
        List<String> ours = verify.output().lines().filter(line -> line.contains("cinder-")).toList();
        assertThat(ours).as("systemd-analyze warnings about our units in: " + verify.output()).isEmpty();
    }

    @Test
    void dockerfileIsWellFormedAndCopiesWhatTheBuildMakes() throws Exception {
        List<String[]> instructions = dockerInstructions(home.resolve("docker/Dockerfile"));
        Set<String> known = Set.of("FROM", "ARG", "RUN", "COPY", "ENV", "USER", "WORKDIR", "EXPOSE", "ENTRYPOINT", "CMD",
                "LABEL", "HEALTHCHECK", "VOLUME", "STOPSIGNAL", "SHELL", "ADD", "ONBUILD");
        assertThat(instructions).allSatisfy(i -> assertThat(known).as("instruction " + i[0]).contains(i[0]));
        List<String> order = instructions.stream().map(i -> i[0]).filter(i -> !i.equals("ARG")).toList();
        assertThat(order.get(0)).isEqualTo("FROM");
        Map<String, String> single = new LinkedHashMap<>();
        for (String[] i : instructions) {
            switch (i[0]) {
                case "FROM" -> assertThat(i[1]).as("a pinned base image").matches("[a-z0-9./-]+:[A-Za-z0-9._-]+")
                        .doesNotEndWith(":latest");
                case "COPY" -> {
                    String[] parts = i[1].trim().split("\\s+");
                    for (int k = 0; k < parts.length - 1; k++) {
                        Path source = repo.resolve(parts[k]);
                        boolean built = parts[k].startsWith("deploy/target/");
                        assertThat(built ? home.resolve("pom.xml") : source).as("COPY source " + parts[k]).exists();
                    }
                }
                case "ENTRYPOINT", "CMD", "USER", "EXPOSE" -> single.put(i[0], i[1].trim());
                default -> { }
            }
        }
        // The jar the COPY takes is the one `mvn package` makes.
        assertThat(Files.readString(home.resolve("pom.xml"))).contains("<finalName>ember</finalName>");
        JsonNode entrypoint = Json.parse(single.get("ENTRYPOINT"));
        JsonNode cmd = Json.parse(single.get("CMD"));
        assertThat(entrypoint.get(0).asString()).isEqualTo("/opt/ember/bin/ember");
        assertThat(ROLES).contains(cmd.get(0).asString());
        assertThat(single.get("USER")).isEqualTo("cinder");
        assertThat(single.get("EXPOSE")).isEqualTo("8776");
    }

    @Test
    void composeFileStartsTheThreeRolesOnItsOwnBrokerAndDatabase() throws Exception {
        Path compose = home.resolve("docker/compose.yaml");
        if (Shell.run(List.of("docker", "compose", "version"), Duration.ofSeconds(20)).exit() == 0) {
            Shell.Result config = Shell.run(List.of("docker", "compose", "-f", compose.toString(), "config", "-q"),
                    Duration.ofSeconds(60));
            assertThat(config.exit()).as(config.toString()).isZero();
        }
        Map<String, Object> file = new Yaml().load(Files.readString(compose));
        Map<String, Map<String, Object>> services = cast(file.get("services"));
        assertThat(services).containsKeys("mariadb", "rabbitmq", "db-sync", "cinder-api", "cinder-scheduler", "cinder-volume");
        for (var entry : services.entrySet()) {
            Map<String, Object> service = entry.getValue();
            Object dependsOn = service.get("depends_on");
            if (dependsOn instanceof Map<?, ?> deps) {
                assertThat(services.keySet()).as(entry.getKey() + " depends_on").containsAll(cast(deps.keySet()));
            }
            if (service.get("command") instanceof List<?> command && ROLES.contains(String.valueOf(command.get(0)))) {
                List<String> words = cast(command);
                assertThat(words).as(entry.getKey()).contains("--config-file", "/etc/cinder/cinder.conf");
                List<String> volumes = cast(service.get("volumes"));
                assertThat(volumes).contains("./cinder.conf:/etc/cinder/cinder.conf:ro");
            }
        }
        Map<String, Object> build = cast(services.get("db-sync").get("build"));
        Path context = compose.getParent().resolve(String.valueOf(build.get("context"))).normalize();
        assertThat(context).isEqualTo(repo);
        assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).exists();

        // Its cinder.conf: every option known, the broker and the database are the compose services.
        CinderConf conf = CinderConf.read(List.of(compose.getParent().resolve("cinder.conf")), new String[0]);
        assertThat(conf.warnings()).isEmpty();
        assertThat(TransportUrl.parse(conf.properties().get("cinder.transport-url")).addresses())
                .containsExactly("rabbitmq:5672");
        assertThat(DatabaseUrl.parse(conf.properties().get("cinder.database.connection")).jdbcUrl())
                .startsWith("jdbc:mysql://mariadb:3306/cinder?");
        Map<String, String> rabbitEnv = cast(services.get("rabbitmq").get("environment"));
        assertThat(URI.create(conf.properties().get("cinder.transport-url")).getUserInfo())
                .isEqualTo(rabbitEnv.get("RABBITMQ_DEFAULT_USER") + ":" + rabbitEnv.get("RABBITMQ_DEFAULT_PASS"));
    }

    @Test
    void helmChartIsConsistent() throws Exception {
        Path chart = home.resolve("helm/ember");
        if (Shell.onPath("helm")) {
            Shell.Result lint = Shell.run(List.of("helm", "lint", chart.toString()), Duration.ofSeconds(60));
            assertThat(lint.exit()).as(lint.toString()).isZero();
        }
        Map<String, Object> meta = new Yaml().load(Files.readString(chart.resolve("Chart.yaml")));
        assertThat(meta).containsEntry("apiVersion", "v2").containsEntry("name", "ember").containsKeys("version", "appVersion");
        Map<String, Object> values = new Yaml().load(Files.readString(chart.resolve("values.yaml")));

        String helpers = Files.readString(chart.resolve("templates/_helpers.tpl"));
        Set<String> defined = new java.util.HashSet<>();
        Matcher define = Pattern.compile("define \"([^\"]+)\"").matcher(helpers);
        while (define.find()) {
            defined.add(define.group(1));
        }
        List<Path> templates;
        try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
            templates = files.sorted().toList();
        }
        assertThat(templates).extracting(p -> p.getFileName().toString())
                .contains("api.yaml", "scheduler.yaml", "volume.yaml", "db-sync-job.yaml", "secret.yaml");
        Pattern valuesRef = Pattern.compile("\\.Values((?:\\.[A-Za-z][A-Za-z0-9_]*)+)");
        Pattern include = Pattern.compile("include \"([^\"]+)\"");
        Pattern action = Pattern.compile("\\{\\{-?\\s*(if|range|define|with|end)\\b");
        for (Path template : templates) {
            String text = Files.readString(template);
            String name = template.getFileName().toString();
            assertThat(count(text, "{{")).as(name + ": {{ and }}").isEqualTo(count(text, "}}"));
            int depth = 0;
            Matcher a = action.matcher(text);
            while (a.find()) {
                depth += a.group(1).equals("end") ? -1 : 1;
                assertThat(depth).as(name + ": an end without a block").isGreaterThanOrEqualTo(0);
            }
            assertThat(depth).as(name + ": blocks left open").isZero();
            Matcher v = valuesRef.matcher(text);
            while (v.find()) {
                Object node = values;
                for (String key : v.group(1).substring(1).split("\\.")) {
                    assertThat(node).as(name + ": .Values" + v.group(1)).isInstanceOf(Map.class);
                    node = ((Map<?, ?>) node).get(key);
                    assertThat(node).as(name + ": .Values" + v.group(1) + " is not in values.yaml").isNotNull();
                }
            }
            Matcher i = include.matcher(text);
            while (i.find()) {
                assertThat(defined).as(name + ": include " + i.group(1)).contains(i.group(1));
            }
            for (String role : ROLES) {
                if (text.contains("[\"" + role + "\"")) {
                    assertThat(text).as(name).contains("\"--config-file\", \"/etc/cinder/cinder.conf\"");
                }
            }
        }

        // The cinder.conf the chart renders from values.conf ([DEFAULT] first, then the other sections)
        // reads without an unknown option.
        Map<String, Map<String, Object>> sections = cast(values.get("conf"));
        StringBuilder ini = new StringBuilder("[DEFAULT]\n");
        new TreeMap<>(sections.get(IniFile.DEFAULT)).forEach((k, val) -> ini.append(k).append(" = ").append(val).append('\n'));
        new TreeMap<>(sections).forEach((section, options) -> {
            if (!section.equals(IniFile.DEFAULT)) {
                ini.append("\n[").append(section).append("]\n");
                new TreeMap<>(options).forEach((k, val) -> ini.append(k).append(" = ").append(val).append('\n'));
            }
        });
        Path rendered = Files.writeString(tmp.resolve("cinder.conf"), ini);
        CinderConf conf = CinderConf.read(List.of(rendered), new String[0]);
        assertThat(conf.warnings()).isEmpty();
        assertThat(conf.properties()).containsEntry("cinder.backends.noop-1.volume_driver", "noop");
    }

    /** Instructions with continuation lines joined: {instruction, arguments}. */
    private static List<String[]> dockerInstructions(Path dockerfile) throws Exception {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String joined = current.toString();
            current.setLength(0);
            int space = joined.indexOf(' ');
            out.add(new String[] {joined.substring(0, space), joined.substring(space + 1)});
        }
        assertThat(current.toString()).as("a dangling continuation line").isEmpty();
        return out;
    }

    private static int count(String text, String token) {
        int n = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
            n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
