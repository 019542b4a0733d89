package kith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * Runs a Neo4j 5.26 Community DBMS with its Bolt connector from the Maven Central jars.
 *
 * Usage: java -cp classes:lib/* kith.Launcher HOME CONF PASSWORD_FILE
 * HOME is the server directory (data, logs), CONF a neo4j.conf-style file of settings written by
 * `kith neo4j start`, PASSWORD_FILE holds the password of the `neo4j` user.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path conf = Path.of(args[1]);
        String password = Files.readString(Path.of(args[2])).strip();

        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        setPassword(dbms, password);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }));
        System.out.println("kith-launcher: ready");
        stopped.await();
    }

    // The embedded API runs with full rights, so it can set the password that Bolt clients must use.
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            // Setting the password it already has is refused; anything else is a real failure.
            if (!e.getMessage().contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
