package io.beamflow.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code beamflow} command line. Each sub-command is its own class in this package.
 */
@Command(name = "beamflow", mixinStandardHelpOptions = true, version = "beamflow 0.1.0",
        description = "Streaming detector-data acquisition for X-ray beamlines.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            PipelineCommand.class,
            IngestCommand.class,
            SimulateCommand.class,
            ArchiveCommand.class,
            InspectCommand.class,
            RulesCommand.class,
        })
public final class BeamflowCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        int code = new CommandLine(new BeamflowCli()).execute(args);
        System.exit(code);
    }
}
