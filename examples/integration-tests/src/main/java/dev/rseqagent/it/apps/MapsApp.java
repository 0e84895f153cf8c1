package dev.rseqagent.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Prints which copies of the agent's shim are mapped into this process ("SHIM_COPIES n paths"). */
public final class MapsApp {
    public static void main(String[] args) throws Exception {
        var paths = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .filter(p -> p.contains("librseqagent"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        System.out.println("SHIM_COPIES " + paths.size() + " " + paths);
    }
}
