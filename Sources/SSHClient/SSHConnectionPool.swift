import Foundation
import Synchronization

/// Connections to one host beyond the first, opened when every channel of those open is busy: one
/// connection carries at most `maxChannels` commands at once (sshd's `MaxSessions` is 10), so many
/// concurrent tool calls would otherwise queue in waves. Each extra connection is made like the
/// first (same endpoint, so the same host-key check and login) and closed again once it has been
/// idle for `idleClose`.
public final class SSHConnectionPool: Sendable {
    /// The first connection, always kept.
    public let primary: SSHConnection
    public let maxConnections: Int
    public let maxChannels: Int
    public let idleClose: Duration

    private struct Member {
        let connection: SSHConnection
        var inFlight: Int
        var lastUsed: ContinuousClock.Instant
    }

    private let members: Mutex<[Member]>
    private let makeConnection: @Sendable () -> SSHConnection

    /// - Parameters:
    ///   - primary: the connection to use first (made by the caller, kept open).
    ///   - maxConnections: connections at most, the primary included; 1 is one connection.
    public init(primary: SSHConnection, maxConnections: Int, maxChannels: Int = 8, idleClose: Duration = .seconds(30),
                makeConnection: @escaping @Sendable () -> SSHConnection) {
        self.primary = primary
        self.maxConnections = max(1, maxConnections)
        self.maxChannels = maxChannels
        self.idleClose = idleClose
        self.makeConnection = makeConnection
        members = Mutex([Member(connection: primary, inFlight: 0, lastUsed: .now)])
    }

    /// The connections open now (the primary included).
    public var openConnections: Int { members.withLock { $0.count } }

    /// Connections logged in now.
    public var loggedIn: Int { members.withLock { $0.filter { $0.connection.connectedAddress != nil }.count } }

    /// Runs the command on the least busy connection, opening another when all are full.
    public func execute(_ commandLine: String, timeout: Duration) async throws -> ExecResult {
        let (connection, retired) = members.withLock { members -> (SSHConnection, [SSHConnection]) in
            let now = ContinuousClock.now
            // Extra connections idle for long enough go (never the primary).
            var retired: [SSHConnection] = []
            members.removeAll { member in
                let idle = member.connection !== primary && member.inFlight == 0 && now - member.lastUsed > idleClose
                if idle { retired.append(member.connection) }
                return idle
            }
            var index = members.indices.min { members[$0].inFlight < members[$1].inFlight }!
            if members[index].inFlight >= maxChannels && members.count < maxConnections {
                members.append(Member(connection: makeConnection(), inFlight: 0, lastUsed: now))
                index = members.count - 1
            }
            members[index].inFlight += 1
            members[index].lastUsed = now
            return (members[index].connection, retired)
        }
        for old in retired { old.close() }
        defer {
            members.withLock { members in
                if let index = members.firstIndex(where: { $0.connection === connection }) {
                    members[index].inFlight -= 1
                    members[index].lastUsed = .now
                }
            }
        }
        return try await connection.execute(commandLine, timeout: timeout)
    }

    /// Closes every connection, the primary too.
    public func close() {
        let all = members.withLock { members in members.map(\.connection) }
        for connection in all { connection.close() }
    }
}
