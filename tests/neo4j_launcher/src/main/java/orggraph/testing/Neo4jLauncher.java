package orggraph.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A real Neo4j 5.26 Community DBMS for tests: embedded in this JVM, speaking Bolt on 127.0.0.1.
 *
 * <pre>java -jar neo4j-launcher.jar DATA_DIR PORT [PASSWORD]</pre>
 *
 * PORT 0 picks a free port. With PASSWORD, auth is on and user {@code neo4j} gets that password
 * (at least 8 characters); without it, auth is off. Prints {@code NEO4J_READY bolt://127.0.0.1:PORT}
 * once Bolt accepts connections, then runs until stdin closes or the process gets SIGTERM; either
 * way the DBMS shuts down cleanly, so everything committed is on disk.
 */
public final class Neo4jLauncher {
    private Neo4jLauncher() {}

    /**
     * The embedded API runs with full rights, so it can set the password that
     * {@code neo4j-admin dbms set-initial-password} would set on a packaged server. On a restart the
     * password is usually already set, which Neo4j reports as an error we can ignore.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage()) + " " + String.valueOf(e.getCause());
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: neo4j-launcher DATA_DIR PORT [PASSWORD]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = args.length > 2 ? args[2] : null;

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                // Small and quick: tests and CI share a 2-core machine (benchmarks raise it: -Dorggraph.pagecacheMb=N).
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(Long.getLong("orggraph.pagecacheMb", 128L)))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Bolt otherwise waits 2 x 5 s for idle connections after the databases have stopped.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        int bound;
        try {
            if (password != null) {
                setPassword(dbms, password);
            }
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            ConnectorPortRegister ports = ((GraphDatabaseAPI) db).getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class);
            bound = ports.getLocalAddress(ConnectorType.BOLT).getPort();
        } catch (RuntimeException e) {
            // Never hang half-started: the DBMS threads would keep the JVM alive without a ready line.
            e.printStackTrace();
            System.out.println("NEO4J_FAILED " + e.getMessage());
            System.out.flush();
            System.exit(1);
            return;
        }
        System.out.println("NEO4J_READY bolt://127.0.0.1:" + bound);
        System.out.flush();

        // Stop when the parent goes away (stdin closes), even if it could not send a signal.
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // ignore input; wait for end of stream
                }
            } catch (IOException ignored) {
                // treated as end of stream
            }
            System.exit(0); // runs the shutdown hook
        }, "neo4j-launcher-stdin");
        watcher.setDaemon(true);
        watcher.start();
        stopped.await();
    }
}
