package io.facestream.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real Flink session cluster of separate processes on loopback: a JobManager and TaskManagers
 * started with this test's class path (so the job's classes need no jar upload), for faults a
 * MiniCluster cannot show, such as a TaskManager process killed with SIGKILL.
 */
final class FlinkProcessCluster implements AutoCloseable {
    private final Path directory;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();

    private FlinkProcessCluster(Path directory, int restPort, Process jobManager) {
        this.directory = directory;
        this.restPort = restPort;
        this.jobManager = jobManager;
    }

    /** Starts a JobManager and one TaskManager with {@code slots} slots, and waits until the TaskManager registered. */
    static FlinkProcessCluster start(Path directory, int slots) throws IOException {
        int restPort = freePort();
        Path conf = Files.createDirectories(directory.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.numberOfTaskSlots: " + slots,
                "jobmanager.memory.process.size: 768m",
                // What Flink's start scripts compute and pass to a TaskManager, given here in full.
                "taskmanager.cpu.cores: 2",
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 768m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.managed.size: 64m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                // A killed TaskManager is noticed within seconds, not the default 50.
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 6000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 100",
                "restart-strategy.fixed-delay.delay: 2 s",
                ""));
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File", "appender.file.name = file", "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout", "appender.file.layout.pattern = %d %-5p %c{1} - %m%n", ""));
        FlinkProcessCluster cluster = new FlinkProcessCluster(directory, restPort,
                launch(directory, "jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", 640, 128));
        cluster.startTaskManager();
        return cluster;
    }

    int restPort() {
        return restPort;
    }

    /** Starts one more TaskManager process and waits until the JobManager counts it. */
    void startTaskManager() {
        int before = taskManagers.size();
        taskManagers.add(launch(directory, "taskmanager-" + taskManagers.size(),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", 896, 192));
        awaitTaskManagers(before + 1 - dead(), Duration.ofMinutes(2));
    }

    /** Kills a TaskManager process with SIGKILL: no shutdown hook, no goodbye to the JobManager. */
    void killTaskManager(int index) {
        Process taskManager = taskManagers.get(index);
        taskManager.destroyForcibly();
        try {
            taskManager.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int dead() {
        return (int) taskManagers.stream().filter(process -> !process.isAlive()).count();
    }

    /** Starts a Flink process with the JVM sizes its configuration implies (heap, direct memory). */
    private static Process launch(Path directory, String name, String mainClass, int heapMb, int directMb) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMb + "m", "-Xms" + heapMb + "m", "-XX:MaxDirectMemorySize=" + directMb + "m",
                "-Dlog.file=" + directory.resolve(name + ".log"),
                "-Dlog4j.configurationFile=" + directory.resolve("conf/log4j.properties").toUri()));
        for (String pkg : List.of("java.base/java.util", "java.base/java.lang", "java.base/java.lang.reflect", "java.base/java.io",
                "java.base/java.net", "java.base/java.nio", "java.base/sun.nio.ch", "java.base/java.util.concurrent",
                "java.base/java.util.concurrent.atomic", "java.base/java.time", "java.base/java.text", "java.sql/java.sql")) {
            command.add("--add-opens=" + pkg + "=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, "--configDir",
                directory.resolve("conf").toString()));
        try {
            return new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve(name + ".out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the REST API reports {@code count} TaskManagers. */
    private void awaitTaskManagers(int count, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager process ended; see " + directory.resolve("jobmanager.log"));
            }
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/taskmanagers")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.split("\"id\"", -1).length - 1 >= count) {
                    return;
                }
            } catch (IOException e) {
                // the REST endpoint is not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        throw new IllegalStateException("fewer than " + count + " TaskManagers registered within " + timeout + ": " + body
                + "; see the logs in " + directory);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        taskManagers.forEach(Process::destroyForcibly);
        jobManager.destroyForcibly();
    }
}
