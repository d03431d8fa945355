package dev.ember.deploy;

import dev.ember.api.ApiApplication;
import dev.ember.scheduler.SchedulerApplication;
import dev.ember.volume.VolumeApplication;
import java.util.Arrays;

/**
 * The one entry point of the packaged jar: {@code java -jar ember.jar <role> [--option=value ...]}, with
 * role one of {@code cinder-api}, {@code cinder-scheduler}, {@code cinder-volume},
 * {@code cinder-all-in-one}, {@code cinder-manage}, {@code cinder-bench} or
 * {@code cinder-purge-bench}. The role name is on the command line, where
 * operators' health checks look for it.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ember.jar cinder-api|cinder-scheduler|cinder-volume|cinder-all-in-one|cinder-manage|cinder-bench|cinder-purge-bench [--option=value ...]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "cinder-api" -> ApiApplication.main(rest);
            case "cinder-scheduler" -> SchedulerApplication.main(rest);
            case "cinder-volume" -> VolumeApplication.main(rest);
            case "cinder-all-in-one" -> AllInOne.main(rest);
            case "cinder-bench" -> Benchmark.main(rest);
            case "cinder-manage" -> CinderManage.main(rest);
            case "cinder-purge-bench" -> PurgeBenchmark.main(rest);
            default -> {
                System.err.println("unknown role: " + args[0]);
                System.exit(2);
            }
        }
    }
}
