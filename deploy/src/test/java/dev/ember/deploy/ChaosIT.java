package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection run ({@link Chaos}) in its short form: one fault of each kind under churn, then
 * issue 8's invariants. The long form is {@code deploy/dev/chaos.sh} (the same test with
 * {@code -Dchaos.seconds} and {@code -Dchaos.faults-per-kind}); its figures are in docs/reliability.md.
 */
class ChaosIT {

    @Test
    void faultsOfEveryKindStrandNothingLoseNothingAndLeakNothing() throws Exception {
        Chaos.Config config = Chaos.Config.fromSystemProperties(Duration.ofSeconds(30), 1);
        System.out.println("chaos: seed " + config.seed() + " (re-run with -Dchaos.seed=" + config.seed() + ")");
        Chaos.Report report;
        try (Chaos chaos = Chaos.start(config)) {
            report = chaos.run();
        }
        String text = report.text();
        System.out.println(text);
        Path out = Path.of(System.getProperty("ember.home", "."), "target", "chaos-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
        assertThat(report.faults()).hasSize(config.faultsPerKind() * config.faultKinds().size());
        assertThat(report.accepted()).as("the churn did something").isGreaterThan(20);
        assertThat(report.violations()).as(text).isEmpty();
    }
}
