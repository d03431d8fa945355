package dev.ember.volume.manager;

import dev.ember.volume.spi.DriverException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;

/** Times every driver call of one backend: {@code ember_driver_operation{backend, op, outcome}}. */
final class DriverTimer {

    private final String backend;
    private final MeterRegistry meters;

    DriverTimer(String backend, MeterRegistry meters) {
        this.backend = backend;
        this.meters = meters;
    }

    <T> T timed(String operation, VolumeLocks.Work<T> call) throws DriverException {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return call.run();
        } catch (DriverException e) {
            outcome = e.code().name().toLowerCase(Locale.ROOT);
            throw e;
        } finally {
            sample.stop(meters.timer("ember_driver_operation", "backend", backend, "op", operation, "outcome", outcome));
        }
    }

    /** A call without a result. */
    interface Action {
        void run() throws DriverException;
    }

    void timedAction(String operation, Action call) throws DriverException {
        timed(operation, () -> {
            call.run();
            return null;
        });
    }
}
