package dev.ember.volume.command;

import dev.ember.volume.spi.DriverErrorCode;
import dev.ember.volume.spi.DriverException;
import dev.ember.volume.spi.RetriableDriverException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs commands as child processes, with a hard timeout: a hung tool is killed, never waited on. */
public final class ProcessCommandRunner implements CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);

    @Override
    public Result run(Duration timeout, List<String> argv, Set<String> secrets) throws DriverException {
        String shown = CommandRunner.display(argv, secrets);
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new DriverException(DriverErrorCode.INVALID_CONFIGURATION,
                    "cannot run " + argv.get(0) + " (is it installed?): " + mask(e.getMessage(), secrets));
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new RetriableDriverException("command timed out after " + timeout.toSeconds() + " s: " + shown);
            }
            Result result = new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
            LOG.debug("ran in {} ms, exit {}: {}", (System.nanoTime() - started) / 1_000_000, result.exitCode(), shown);
            return new Result(result.exitCode(), mask(result.stdout(), secrets), mask(result.stderr(), secrets));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RetriableDriverException("interrupted running " + shown);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new RetriableDriverException("cannot read the output of " + shown);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String mask(String text, Set<String> secrets) {
        if (text == null) {
            return "";
        }
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                text = text.replace(secret, "***");
            }
        }
        return text;
    }
}
