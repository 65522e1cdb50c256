import Logging
import ProxmoxMCP
import Synchronization

/// The log level from the configuration (`logLevel`), read by every log handler made after the
/// configuration was loaded. Logs go to stderr (stdout belongs to MCP) and, at the level the
/// client chooses, to the MCP client as logging notifications.
enum LogSettings {
    static let level = Mutex(Logger.Level.notice)

    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level.withLock { $0 }
            return MultiplexLogHandler([handler, MCPLogHandler(label: label)])
        }
    }

    static func apply(_ configuration: Configuration) {
        if let text = configuration.text("logLevel"), let parsed = Logger.Level(rawValue: text) {
            level.withLock { $0 = parsed }
        }
    }
}
