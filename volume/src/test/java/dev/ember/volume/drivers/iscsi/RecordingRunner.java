package dev.ember.volume.drivers.iscsi;

import dev.ember.volume.command.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Records command lines instead of running them, answering from a script: for the tools that cannot run on
 * this machine (LIO's targetcli, LVM), whose command lines are checked against their real syntax.
 */
final class RecordingRunner implements CommandRunner {

    final List<String> commands = new ArrayList<>();
    private final Function<String, Result> answers;

    RecordingRunner(Function<String, Result> answers) {
        this.answers = answers;
    }

    static Result ok(String stdout) {
        return new Result(0, stdout, "");
    }

    static Result fail(int exit, String stderr) {
        return new Result(exit, "", stderr);
    }

    @Override
    public Result run(Duration timeout, List<String> argv, Set<String> secrets) {
        String line = CommandRunner.display(argv, secrets);
        commands.add(line);
        return answers.apply(String.join(" ", argv));
    }
}
