import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing
import TestSupport

/// More than one connection to a host when every channel is busy, against a real sshd: each
/// command says which TCP connection carried it (`SSH_CLIENT` names its source port).
@Suite struct ConnectionPoolTests {
    static func ports(_ pool: SSHConnectionPool, commands: Int) async throws -> Set<String> {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<commands {
                group.addTask {
                    let result = try await pool.execute("sleep 2; printenv SSH_CLIENT", timeout: .seconds(60))
                    return String(decoding: result.stdout, as: UTF8.self).split(separator: " ").dropFirst().first.map(String.init) ?? "?"
                }
            }
            var ports = Set<String>()
            for try await port in group { ports.insert(port) }
            return ports
        }
    }

    @Test func busyChannelsOpenMoreConnectionsUpToTheLimitAndIdleOnesClose() async throws {
        let fixture = try SSHFixture()
        let endpoint = fixture.endpoint()
        let pool = SSHConnectionPool(primary: SSHConnection(endpoint: endpoint), maxConnections: 3, idleClose: .milliseconds(300)) { SSHConnection(endpoint: endpoint) }
        defer { pool.close() }
        // 24 commands at once: 8 channels on each of 3 connections.
        #expect(try await Self.ports(pool, commands: 24).count == 3)
        #expect(pool.openConnections == 3)
        // Beyond the limit, commands wait for a channel instead of opening a fourth.
        #expect(try await Self.ports(pool, commands: 30).count == 3)
        // Idle extras close; the first connection stays.
        try await Task.sleep(for: .milliseconds(600))
        _ = try await pool.execute("true", timeout: .seconds(10))
        #expect(pool.openConnections == 1)
    }

    @Test func oneConnectionWhenTheSettingSaysOne() async throws {
        let fixture = try SSHFixture()
        let endpoint = fixture.endpoint()
        let pool = SSHConnectionPool(primary: SSHConnection(endpoint: endpoint), maxConnections: 1) { SSHConnection(endpoint: endpoint) }
        defer { pool.close() }
        #expect(try await Self.ports(pool, commands: 12).count == 1)
        let runner = SSHRunner.pooled(fixture.connection(), maxConnections: 1, timeout: .seconds(10))
        #expect(runner.pool == nil)
    }
}
