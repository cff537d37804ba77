/** The release: window.shoptrack.version, and the query that keeps the script's chunks of one release. */
export const VERSION = '0.1.0';
