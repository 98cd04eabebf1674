package io.eager4j.spark;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a Master and {@code workers} one-core Workers,
 * each its own JVM started from spark-core's classes on this test's class path. Workers start
 * executors from {@code $SPARK_HOME/jars/*}, so a SPARK_HOME is laid out whose jars/ links the
 * class path's jars. Closing stops every process it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final long START_MS = 30_000;

    private final List<Process> processes = new ArrayList<>();
    private final Path dir;
    final int port;

    StandaloneCluster(Path dir, int workers) throws IOException, InterruptedException {
        this.dir = dir;
        Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        port = freePort();
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--webui-port", Integer.toString(freePort()));
        awaitPort(port);
        for (int w = 0; w < workers; w++) {
            start("worker" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                    "--webui-port", Integer.toString(freePort()), "--work-dir", Files.createDirectories(dir.resolve("work" + w)).toString(),
                    url());
        }
    }

    String url() {
        return "spark://127.0.0.1:" + port;
    }

    private void start(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-Xmx384m", "-Dspark.master.rest.enabled=false",
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));   // executors: this JDK, not the PATH's
        processes.add(pb.start());
    }

    /** A worker's log, for a failing test's message. */
    String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private void awaitPort(int p) throws InterruptedException {
        long end = System.currentTimeMillis() + START_MS;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Spark master did not listen on " + p + " within " + START_MS / 1000 + " s:\n" + log("master"));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);   // executors
            p.destroyForcibly();
        }
        for (Process p : processes) p.waitFor(10, TimeUnit.SECONDS);
    }
}
