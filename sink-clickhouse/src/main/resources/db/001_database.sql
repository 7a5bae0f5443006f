-- Database and the migration ledger. Every statement ends with ';' at the end of a line; the sink splits
-- files there and replaces the database name `kaizala` with CLICKHOUSE_DATABASE. Portable: 18.16 and LTS.
CREATE DATABASE IF NOT EXISTS kaizala;

-- One row per applied migration file; written by the sink after every statement of the file succeeded.
CREATE TABLE IF NOT EXISTS kaizala.schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree()
ORDER BY version;
