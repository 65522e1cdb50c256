import Logging
import MCP
import ProxmoxCore
import Synchronization

/// Forwards the server's log records (transport chosen, fallback taken, commands run, SSH
/// reconnects) to the MCP client as `notifications/message`, at or above the level the client set
/// with `logging/setLevel` (warning until it does). Configured secrets are redacted first.
public final class MCPLogBridge: Sendable {
    /// The bridge the process's log handlers forward to.
    public static let shared = MCPLogBridge()

    private struct State {
        var server: Server?
        var level: LogLevel = .warning
        var secrets: [String] = []
    }

    private let state = Mutex(State())

    func attach(_ server: Server, secrets: [String]) {
        state.withLock {
            $0.server = server
            $0.secrets = secrets
        }
    }

    func setLevel(_ level: LogLevel) {
        state.withLock { $0.level = level }
    }

    /// Whether a record of this level and logger would be sent: checked before a record is
    /// formatted, as most are not (every tool call logs at info).
    func wants(_ level: Logger.Level, label: String) -> Bool {
        // The SDK's own records (a malformed message, a closed pipe) are answered in the protocol already.
        guard !label.hasPrefix("mcp.") else { return false }
        return state.withLock { $0.server != nil && Self.rank(Self.level(level)) >= Self.rank($0.level) }
    }

    /// Sends one record (``wants(_:label:)`` said yes).
    func forward(_ level: Logger.Level, label: String, message: String) {
        let mcpLevel = Self.level(level)
        let (server, secrets) = state.withLock { ($0.server, $0.secrets) }
        guard let server else { return }
        let text = Redaction.redact(message, secrets: secrets)
        Task { try? await server.log(level: mcpLevel, logger: label, data: .string(text)) }
    }

    static func level(_ level: Logger.Level) -> LogLevel {
        switch level {
        case .trace, .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }

    static func rank(_ level: LogLevel) -> Int {
        LogLevel.allCases.firstIndex(of: level) ?? 0
    }
}

/// A swift-log handler that hands every record to ``MCPLogBridge/shared``; the bridge filters by
/// the client's level, so this handler's own level is `trace`.
public struct MCPLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard MCPLogBridge.shared.wants(event.level, label: label) else { return }
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        let suffix = fields.isEmpty ? "" : " " + fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }.joined(separator: " ")
        MCPLogBridge.shared.forward(event.level, label: label, message: "\(event.message)\(suffix)")
    }
}
