package io.beamflow.app.cli;

import io.beamflow.sink.hdf5.SeriesSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code beamflow inspect FILE}: prints the summary of a series from its NeXus master file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a series summary from a master file: frames kept/reduced/vetoed/rejected/missing, "
                + "rules and versions that decided, compression ratio, detector, data files.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a <series>_master.h5 written by Beamflow")
    Path file;

    @Override
    public Integer call() {
        try {
            System.out.print(SeriesSummary.read(file).format());
            return 0;
        } catch (IOException e) {
            System.err.println("beamflow inspect: " + e.getMessage());
            return 2;
        }
    }
}
