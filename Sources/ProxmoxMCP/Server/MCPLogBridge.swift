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

    /// Sends one record when the client wants its level.
    func forward(_ level: Logger.Level, label: String, message: String) {
        // The SDK's own records (a malformed message, a closed pipe) are answered in the protocol already.
        guard !label.hasPrefix("mcp.") else { return }
        let mcpLevel = Self.level(level)
        let (server, secrets): (Server?, [String]) = state.withLock { state in
            guard Self.rank(mcpLevel) >= Self.rank(state.level) else { return (nil, []) }
            return (state.server, state.secrets)
        }
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
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        let suffix = fields.isEmpty ? "" : " " + fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }.joined(separator: " ")
        MCPLogBridge.shared.forward(event.level, label: label, message: "\(event.message)\(suffix)")
    }
}
