package org.cnf4j.spark.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cnf4j.spark.SparkTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on 127.0.0.1: a Master and a Worker, each its own JVM started from the
 * Spark jars of the Maven dependencies, and the packaged {@code cnf-spark.jar} submitted through
 * {@code org.apache.spark.deploy.SparkSubmit} as a user submits it: {@code density} in client mode
 * and in cluster mode (the driver launched by the Worker, with the {@code --add-opens} flags given as
 * the documented {@code spark.driver.extraJavaOptions}), and a short {@code train}. Spark's
 * test mode ({@code spark.testing}) lets a Worker launch its executors and drivers from a Spark
 * home made of links to those jars, since Maven provides no Spark distribution. Everything it
 * starts is stopped at the end.
 */
class StandaloneClusterIT {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @Test
    void densityInClientAndClusterModeAndTrainingOnAMasterAndAWorker() throws Exception {
        String opens = System.getProperty("cnf.sparkOpens");
        Path appJar = Path.of(System.getProperty("cnf.sparkJar"));
        assertTrue(Files.isRegularFile(appJar), appJar + " is built by mvn package");
        // Spark's jars and their dependencies, without cnf4j's classes: the application jar brings them
        List<String> sparkJars = new ArrayList<>();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String e : classpath.split(File.pathSeparator)) {
            // this project's own jars (in the local repository or a module's target folder) are left out
            if (e.endsWith(".jar")
                    && !e.contains("/org/cnf4j/")
                    && !e.contains(File.separator + "target" + File.separator)) {
                sparkJars.add(e);
            }
        }
        Path home = dir.resolve("spark-home");
        Path jars = home.resolve("assembly/target/scala-2.12/jars");
        Files.createDirectories(jars);
        for (String j : sparkJars) {
            Path link = jars.resolve(Path.of(j).getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of(j));
            }
        }
        String cp = String.join(File.pathSeparator, sparkJars);
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        try {
            Path masterLog = dir.resolve("master.log");
            start(
                    home,
                    cp,
                    opens,
                    masterLog,
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(masterPort),
                    "--webui-port",
                    Integer.toString(freePort()));
            awaitLine(masterLog, "I have been elected leader", 60);
            Path workerLog = dir.resolve("worker.log");
            start(
                    home,
                    cp,
                    opens,
                    workerLog,
                    "org.apache.spark.deploy.worker.Worker",
                    master,
                    "--cores",
                    "2",
                    "--memory",
                    "3g",
                    "--webui-port",
                    Integer.toString(freePort()),
                    "--work-dir",
                    dir.resolve("work").toString());
            awaitLine(workerLog, "Successfully registered with master", 60);

            Path model = dir.resolve("m.zip");
            Files.write(model, SparkTestSupport.model(dir, false));
            StringBuilder csv = new StringBuilder("x,y\n");
            for (int i = 0; i < 400; i++) {
                csv.append(Math.sin(i)).append(',').append(Math.cos(0.7 * i)).append('\n');
            }
            Path points = dir.resolve("points.csv");
            Files.writeString(points, csv);

            Path clientOut = dir.resolve("client-out");
            Path clientLog = dir.resolve("client.log");
            int code = submit(
                    home,
                    cp,
                    opens,
                    clientLog,
                    List.of("--master", master, "--executor-cores", "1"),
                    appJar,
                    "density",
                    "--model",
                    model.toString(),
                    "--input",
                    points.toString(),
                    "--output",
                    clientOut.toString());
            String client = Files.readString(clientLog);
            assertEquals(0, code, client);
            assertTrue(client.contains("mean NLL: ") && client.contains("over 400 rows"), client);
            assertTrue(Files.exists(clientOut.resolve("_SUCCESS")));

            Path clusterOut = dir.resolve("cluster-out");
            Path clusterLog = dir.resolve("cluster.log");
            code = submit(
                    home,
                    cp,
                    opens,
                    clusterLog,
                    List.of(
                            "--master",
                            master,
                            "--deploy-mode",
                            "cluster",
                            "--executor-cores",
                            "1",
                            "--conf",
                            "spark.driver.extraJavaOptions=" + opens),
                    appJar,
                    "density",
                    "--model",
                    model.toString(),
                    "--input",
                    points.toString(),
                    "--output",
                    clusterOut.toString());
            assertEquals(0, code, Files.readString(clusterLog));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(clusterOut.resolve("_SUCCESS")) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertTrue(
                    Files.exists(clusterOut.resolve("_SUCCESS")),
                    "the cluster-mode driver wrote its output; " + driverOutput(dir.resolve("work")));
            String meanLine = client.lines()
                    .filter(l -> l.startsWith("mean NLL: "))
                    .findFirst()
                    .orElseThrow();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!driverOutput(dir.resolve("work")).contains(meanLine) && System.nanoTime() < end) {
                Thread.sleep(500);
            }
            assertTrue(
                    driverOutput(dir.resolve("work")).contains(meanLine),
                    "the same mean NLL in both modes: " + meanLine + " / " + driverOutput(dir.resolve("work")));

            Path trained = dir.resolve("trained.zip");
            Path trainLog = dir.resolve("train.log");
            code = submit(
                    home,
                    cp,
                    opens,
                    trainLog,
                    List.of("--master", master, "--executor-cores", "1"),
                    appJar,
                    "train",
                    "--data",
                    points.toString(),
                    "--columns",
                    "x,y",
                    "--out",
                    trained.toString(),
                    "--iterations",
                    "20",
                    "--hidden",
                    "8",
                    "--batch",
                    "50",
                    "--partitions",
                    "2");
            assertEquals(0, code, Files.readString(trainLog));
            assertTrue(Files.size(trained) > 0);
        } finally {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
    }

    private void start(Path home, String cp, String opens, Path log, String main, String... args) throws IOException {
        List<String> cmd = java(home, cp, opens, main);
        cmd.addAll(List.of(args));
        started.add(builder(home, cmd, log).start());
    }

    private int submit(Path home, String cp, String opens, Path log, List<String> options, Path appJar, String... args)
            throws Exception {
        List<String> cmd = java(home, cp, opens, "org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(options);
        cmd.addAll(List.of(
                "--conf", "spark.ui.enabled=false", "--class", "org.cnf4j.spark.app.CnfSpark", appJar.toString()));
        cmd.addAll(List.of(args));
        Process p = builder(home, cmd, log).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("spark-submit did not finish: " + Files.readString(log));
        }
        return p.exitValue();
    }

    private static List<String> java(Path home, String cp, String opens, String main) {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(List.of(opens.trim().split("\\s+")));
        cmd.addAll(List.of("-Dspark.testing=true", "-Dspark.test.home=" + home, "-cp", cp, main));
        return cmd;
    }

    private static ProcessBuilder builder(Path home, List<String> cmd, Path log) {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("SPARK_HOME", home.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.12");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().put("OMP_NUM_THREADS", "1");
        return b;
    }

    private static void awaitLine(Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(
                "no '" + text + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** What the cluster-mode drivers printed (their stdout in the Worker's folders). */
    private static String driverOutput(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.filter(
                            p -> p.getParent().getFileName().toString().startsWith("driver-")
                                    && (p.getFileName().toString().equals("stdout")
                                            || p.getFileName().toString().equals("stderr")))
                    .toList()) {
                String text = Files.readString(f);
                all.append(
                        f.getFileName().equals(Path.of("stdout"))
                                ? text
                                : text.lines()
                                        .filter(l -> l.contains("Exception") || l.contains("Error"))
                                        .limit(5)
                                        .reduce("", (a, b) -> a + b + "\n"));
            }
        }
        return all.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
