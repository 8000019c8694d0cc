package io.beamflow.app.cli;

import io.beamflow.core.config.BeamflowConfig;
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
            BeamtimeCommand.class,
            CatalogCommand.class,
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
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** Exit status of a command that cannot start because of its configuration or environment. */
    public static final int EXIT_CONFIG = 2;

    /**
     * The command line, configured so that a configuration or start-up error ends the command with one
     * line on stderr ({@code beamflow COMMAND: FILE:LINE: KEY ...}) and exit status {@link #EXIT_CONFIG},
     * without a stack trace; any other failure keeps its stack trace.
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BeamflowCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StartupException || e instanceof BeamflowConfig.ConfigException) {
                commandLine.getErr().println("beamflow " + commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_CONFIG;
            }
            throw e;
        });
        return cl;
    }
}
