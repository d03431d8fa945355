package dev.ember.volume.command;

import dev.ember.volume.spi.DriverException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Runs the storage tools a driver drives ({@code tgtadm}, {@code targetcli}, {@code lvcreate}...). The one
 * seam between drivers and the operating system, so command lines can be checked in tests on machines
 * where the tool cannot run.
 */
public interface CommandRunner {

    /** What a command printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} and waits at most {@code timeout}.
     *
     * @param secrets values that must never appear in logs or exception messages (passwords on the
     *     command line); they are replaced by {@code ***}
     * @return the result, whatever the exit code
     * @throws dev.ember.volume.spi.RetriableDriverException when the command did not end in time (it is killed)
     * @throws DriverException {@code INVALID_CONFIGURATION} when the program cannot be started (not installed)
     */
    Result run(Duration timeout, List<String> argv, Set<String> secrets) throws DriverException;

    default Result run(Duration timeout, List<String> argv) throws DriverException {
        return run(timeout, argv, Set.of());
    }

    /** {@code argv} as a loggable line, secrets masked. */
    static String display(List<String> argv, Set<String> secrets) {
        String line = String.join(" ", argv);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                line = line.replace(secret, "***");
            }
        }
        return line;
    }
}
