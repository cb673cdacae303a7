package dev.appcare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What another process costs, read from Linux's /proc and the JDK's jcmd (the roles run in their own JVMs). */
final class Proc {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux the JDK supports. */
    private static final double CLOCK_TICKS = 100.0;

    private Proc() {
    }

    /** User + system CPU seconds the process has used so far. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS; // fields 14 and 15 of stat
    }

    /** A field of /proc/PID/status in MiB, e.g. VmRSS (resident now) or VmHWM (peak resident). */
    static double statusMiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }

    /** Heap in use, MiB, as the JVM reports it ({@code jcmd PID GC.heap_info}). */
    static double heapUsedMiB(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(30, TimeUnit.SECONDS);
        Matcher used = Pattern.compile("heap .*?used (\\d+)K").matcher(out);
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : -1;
    }

    /** Bytes under a directory (a Kafka Streams state directory). */
    static double directoryMiB(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / (1024.0 * 1024.0);
        }
    }
}
