/// Decides which command family carries an intent.
///
/// `auto` follows the design's table: reads, status and power go through pvesh (structured JSON,
/// any node by path); create, delete, snapshots and config through qm/pct (what an admin would type).
public enum TransportRouter {
    /// The family for `intent` under `preference`.
    public static func family(for intent: Intent, preference: TransportPreference) -> CommandFamily {
        switch preference {
        case .ssh: .cli
        case .api: .api
        case .auto: intent.isReadOnly ? .api : .cli
        }
    }
}
