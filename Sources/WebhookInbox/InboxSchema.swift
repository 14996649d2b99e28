/// The PostgreSQL schema of a delivery store: the tables `whsig listen --store postgres://…` creates.
///
/// Read it to create the tables yourself (for example under a migration tool, or for a database user
/// without `CREATE`); ``PostgresDeliveryStore/prepareSchema()`` runs these statements in order.
public enum InboxSchema {
    /// The schema version these statements record in `whsig_schema`; a database with a higher one is refused.
    public static let version = 1

    /// The statements, in order; each is idempotent (`IF NOT EXISTS`, `ON CONFLICT DO NOTHING`).
    public static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS whsig_schema (
            component text PRIMARY KEY,
            version integer NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS whsig_deliveries (
            body_sha512 text PRIMARY KEY,
            body bytea NOT NULL,
            received_at timestamptz NOT NULL,
            key_id text,
            event_id text NULL,
            event_name text NULL,
            headers jsonb NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS whsig_deliveries_received_at ON whsig_deliveries (received_at)",
        """
        CREATE TABLE IF NOT EXISTS whsig_keyring (
            version bigserial PRIMARY KEY,
            keyring text NOT NULL,
            pushed_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "INSERT INTO whsig_schema (component, version) VALUES ('whsig', 1) ON CONFLICT (component) DO NOTHING",
    ]
}
