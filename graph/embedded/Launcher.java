import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs Neo4j Community embedded with Bolt on loopback, for Cordon's default set-up.
 *
 * <p>Usage: {@code java -cp 'lib/*' Launcher.java HOME PORT PASSWORD_FILE PAGECACHE_BYTES READY_FILE}.
 * Authentication stays on: the password of user {@code neo4j} is set from PASSWORD_FILE on
 * every start, so the file is the single place the credential lives. Bolt listens before
 * that password is set, so the launcher writes READY_FILE ("pid port") only afterwards;
 * clients wait for it. SIGTERM shuts the database down cleanly.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
        long pageCache = Long.parseLong(args[3]);
        Path readyFile = Path.of(args[4]);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                // Bolt stops after the databases have shut down cleanly, and then waits twice
                // for 5 s by default (its thread pool, then its connections) with nothing left
                // to wait for: every stop, and so every restore and first load, took 10 s more.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time,
                        Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time,
                        Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "cordon-neo4j-shutdown"));

        try {
            syncPassword(dbms, password);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1); // the shutdown hook closes the store cleanly
        }

        Path pending = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.writeString(pending, ProcessHandle.current().pid() + " " + port);
        Files.move(pending, readyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * Embedded transactions run with full privileges, so the launcher keeps the Bolt
     * password in step with the credentials file without knowing the old one. Neo4j refuses
     * to "change" a password to itself, which on a restart means it is already right.
     */
    private static void syncPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j IF EXISTS SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
