/// Decides which command family carries an intent.
///
/// `auto` follows the design's table: reads, status and power go through pvesh (structured JSON,
/// any node by path); create, delete, snapshots and config through qm/pct (what an admin would
/// type). Intents without a qm/pct form always go through pvesh.
public enum TransportRouter {
    /// The family for `intent` under `preference`.
    public static func family(for intent: Intent, preference: TransportPreference) -> CommandFamily {
        guard intent.hasCLIForm else { return .api }
        switch preference {
        case .ssh: return .cli
        case .api: return .api
        case .auto: return intent.isReadOnly || intent.isPower ? .api : .cli
        }
    }
}
