package db.migration;

import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * {@code purge_month} on {@code volumes} and {@code snapshots}: the year and month (UTC, {@code yyyymm}) in
 * which a row was soft-deleted, 0 while it lives. On MariaDB/MySQL both tables are partitioned by it, a
 * partition per month, so {@code cinder-manage db purge} drops a month of deleted rows with one statement
 * instead of deleting them row by row (dev.ember.common.db.MonthPartitions). The partitioning column must
 * be in every unique key, so the primary key becomes {@code (id, purge_month)}; ids stay unique because
 * Ember makes them (random UUIDs) and never moves a live row out of partition {@code p_keep}.
 * <p>
 * Rows deleted before this migration keep 0 (the row-by-row purge takes them). Partitions are made for this
 * month and the next two; purge makes later ones as time passes. The index {@code (purge_month, id)} lists a
 * partition's ids in key order without reading its rows (purge walks it). H2 (the all-in-one) has no partitioning:
 * it gets the column only.
 */
public class V46__Purge_month_partitions extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        String product = context.getConnection().getMetaData().getDatabaseProductName().toLowerCase();
        boolean partitions = product.contains("mysql") || product.contains("mariadb");
        try (Statement statement = context.getConnection().createStatement()) {
            for (String table : new String[] {"volumes", "snapshots"}) {
                if (!partitions) {
                    statement.execute("ALTER TABLE " + table + " ADD COLUMN purge_month INT NOT NULL DEFAULT 0");
                    statement.execute("CREATE INDEX ix_" + table + "_purge_month ON " + table + " (purge_month, id)");
                    continue;
                }
                StringBuilder ddl = new StringBuilder("ALTER TABLE " + table + " ADD COLUMN purge_month INT NOT NULL"
                        + " DEFAULT 0, ADD INDEX ix_" + table + "_purge_month (purge_month, id), DROP PRIMARY KEY,"
                        + " ADD PRIMARY KEY (id, purge_month)"
                        + " PARTITION BY RANGE (purge_month) (PARTITION p_keep VALUES LESS THAN (1)");
                YearMonth month = YearMonth.now(ZoneOffset.UTC);
                for (int i = 0; i < 3; i++, month = month.plusMonths(1)) {
                    YearMonth next = month.plusMonths(1);
                    ddl.append(String.format(", PARTITION p%04d%02d VALUES LESS THAN (%04d%02d)", month.getYear(),
                            month.getMonthValue(), next.getYear(), next.getMonthValue()));
                }
                statement.execute(ddl.append(", PARTITION p_future VALUES LESS THAN MAXVALUE)").toString());
            }
        }
    }
}
