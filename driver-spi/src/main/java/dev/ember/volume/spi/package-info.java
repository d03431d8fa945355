/**
 * The storage driver SPI: the whole contract between the volume manager and a storage driver.
 *
 * <p>This package depends on nothing but the JDK. A driver sees only these records and interfaces and
 * its own storage client: never the database, the message bus, the API or the scheduler. The volume
 * manager owns every state change; a driver owns the bytes.
 *
 * <ul>
 *   <li>{@link dev.ember.volume.spi.VolumeDriver}: the mandatory core (stats, create, delete, extend).
 *   <li>Optional capabilities are separate interfaces a driver opts in to (for example
 *       {@link dev.ember.volume.spi.SnapshotCapable}); the manager answers
 *       {@link dev.ember.volume.spi.DriverErrorCode#NOT_SUPPORTED} for a driver without one.
 *   <li>{@link dev.ember.volume.spi.VolumeDriverFactory}: how a driver is found ({@link java.util.ServiceLoader})
 *       and configured.
 * </ul>
 */
package dev.ember.volume.spi;
