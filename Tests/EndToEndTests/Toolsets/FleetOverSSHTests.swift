import Foundation
import MCP
import ProxmoxCore
import PVESimulator
import SSHClient
import Testing
import TestSupport

/// Several clusters through a real MCP client, each a real sshd with the simulator behind it:
/// `prod` read-only, `edge` reachable only through a bastion (it listens on 127.0.0.2, the
/// bastion's DEBUG log shows every forwarded connection), `lab` whose first address is down.
@Suite struct FleetOverSSHTests {
    /// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw TestSetupError("cannot bind") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// One known_hosts file for every host of the test.
    static func knownHosts(_ servers: [TestSSHServer], into path: String) throws {
        let lines = try servers.map { try String(contentsOfFile: $0.knownHostsPath, encoding: .utf8) }.joined()
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined()
    }

    @Test func threeClustersReadOnlyBehindABastionAndFailingOver() async throws {
        let fixture = try SSHFixture()
        let main = fixture.server
        let simulator = try Paths.binary("pve-sim")
        let inner = try TestSSHServer(simulatorBinary: simulator, clientKey: main.clientKeyPath, listenAddress: "127.0.0.2")
        let bastion = try TestSSHServer(simulatorBinary: simulator, clientKey: main.clientKeyPath, logLevel: "DEBUG1")
        defer {
            inner.stop()
            bastion.stop()
        }
        let knownHosts = main.directory.appendingPathComponent("fleet_known_hosts").path
        try Self.knownHosts([main, inner, bastion], into: knownHosts)
        let down = try Self.closedPort()
        let config: [String: Any] = [
            "sshUser": main.user, "sshKeyPath": main.clientKeyPath, "sshKnownHosts": knownHosts, "defaultCluster": "prod",
            "clusters": [
                "prod": ["host": "127.0.0.1", "sshPort": main.port, "readOnly": true],
                "edge": ["host": "127.0.0.2", "sshPort": inner.port, "proxyJump": "\(bastion.user)@127.0.0.1:\(bastion.port)"],
                "lab": ["host": "127.0.0.1", "sshPort": down, "hosts": ["127.0.0.1:\(main.port)"]],
            ],
        ]
        let configPath = main.directory.appendingPathComponent("fleet.json").path
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        chmod(configPath, 0o600)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") && $0.key != "SSH_AUTH_SOCK" }
        let server = try ServerProcess(arguments: ["serve", "--config", configPath], environment: environment)
        _ = try await server.connect()

        // Every tool takes cluster, offering the three names.
        let tools = try await server.client.send(ListTools.request(.init())).value.tools
        let start = try #require(tools.first { $0.name == "proxmox_vm_start" })
        let property = start.inputSchema.objectValue?["properties"]?.objectValue?["cluster"]?.objectValue
        #expect(property?["enum"] == ["edge", "lab", "prod"])
        #expect(tools.contains { $0.name == "proxmox_fleet_overview" })
        #expect(tools.first { $0.name == "proxmox_fleet_overview" }?.inputSchema.objectValue?["properties"]?.objectValue?["cluster"] == nil)

        // The overview answers for all three, each from the host that could answer.
        let overview = try await server.call("proxmox_fleet_overview")
        #expect(overview.isError == false, "\(Self.text(overview))")
        let entries = overview.structuredContent?.objectValue?["clusters"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(entries.map { $0["cluster"]?.stringValue } == ["edge", "lab", "prod"])
        #expect(overview.structuredContent?.objectValue?["answered"] == 3)
        let byName = Dictionary(entries.map { ($0["cluster"]?.stringValue ?? "", $0) }) { first, _ in first }
        #expect(byName["edge"]?["answeredBy"] == ["127.0.0.2:\(inner.port)"])
        #expect(byName["lab"]?["answeredBy"] == ["127.0.0.1:\(main.port)"])
        #expect(byName["prod"]?["readOnly"] == true)
        #expect(byName["prod"]?["overview"]?.objectValue?["nodesOnline"] == 2)

        // A change on the read-only cluster runs nothing.
        let refused = try await server.call("proxmox_vm_start", ["vmid": 102, "cluster": "prod"])
        #expect(refused.isError == true)
        #expect(Self.text(refused).contains("cluster 'prod' is read-only"), "\(Self.text(refused))")
        #expect(try StateStore(file: main.statePath).read { $0.guests.first { $0.vmid == 102 }?.status } == "stopped")

        // A change that names no cluster is refused too: it could land on the wrong one.
        let unnamed = try await server.call("proxmox_vm_start", ["vmid": 102])
        #expect(unnamed.isError == true && Self.text(unnamed).contains("name the cluster (edge, lab, prod)"), "\(Self.text(unnamed))")

        // The failover cluster changes through its second address.
        let started = try await server.call("proxmox_vm_start", ["vmid": 102, "cluster": "lab"])
        #expect(started.isError == false, "\(Self.text(started))")
        #expect(started.structuredContent?.objectValue?["cluster"] == "lab")
        #expect(started.structuredContent?.objectValue?["answeredBy"] == ["127.0.0.1:\(main.port)"])
        #expect(try StateStore(file: main.statePath).read { $0.guests.first { $0.vmid == 102 }?.status } == "running")

        // The jump-host cluster, reached through the bastion: its DEBUG log shows the forwarded connection.
        let listed = try await server.call("proxmox_vm_list", ["cluster": "edge", "status": "running"])
        #expect(listed.isError == false, "\(Self.text(listed))")
        #expect(listed.structuredContent?.objectValue?["answeredBy"] == ["127.0.0.2:\(inner.port)"])
        // 100, 101, 103 and the paused 104 (Proxmox lists a paused VM as running there).
        #expect(listed.structuredContent?.objectValue?["total"] == 4)
        let bastionLog = try String(contentsOfFile: bastion.directory.appendingPathComponent("sshd.log").path, encoding: .utf8)
        #expect(bastionLog.contains("target 127.0.0.2 port \(inner.port)"), "the bastion forwarded nothing to the inner host")

        // A read without cluster answers for the default, and says so.
        let defaulted = try await server.call("proxmox_cluster_status")
        let notes = defaulted.structuredContent?.objectValue?["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.hasPrefix("answered for cluster 'prod', the default") }, "\(notes)")
        #expect(defaulted.structuredContent?.objectValue?["cluster"] == "prod")
    }

    /// A bastion that refuses to forward: the error names the jump host, and nothing reaches the inner host.
    @Test func aBastionThatRefusesToForwardIsNamed() async throws {
        let fixture = try SSHFixture()
        let simulator = try Paths.binary("pve-sim")
        let bastion = try TestSSHServer(simulatorBinary: simulator, clientKey: fixture.server.clientKeyPath, allowForwarding: false)
        defer { bastion.stop() }
        let knownHosts = fixture.server.directory.appendingPathComponent("jump_known_hosts").path
        try Self.knownHosts([fixture.server, bastion], into: knownHosts)
        var endpoint = fixture.endpoint(knownHosts: knownHosts)
        var hop = endpoint
        hop.port = bastion.port
        endpoint.jumps = [hop]
        let connection = SSHConnection(endpoint: endpoint)
        defer { connection.close() }
        await #expect {
            _ = try await connection.execute("true", timeout: .seconds(20))
        } throws: { error in
            guard case let SSHError.connectFailed(_, reason) = error else { return false }
            return reason.contains("the jump host \(bastion.user)@127.0.0.1:\(bastion.port) could not open a connection to it")
        }
    }

    /// Failover moves on only when a host cannot be reached: an unknown host key is an answer.
    @Test func anUnknownHostKeyDoesNotFailOver() async throws {
        let fixture = try SSHFixture()
        let other = try fixture.secondNode("pve2")
        defer { other.stop() }
        // known_hosts lists only the second host: the first answers with a key nobody trusts.
        var endpoint = fixture.endpoint(knownHosts: other.knownHostsPath)
        endpoint.fallbackHosts = [SSHHostAddress(host: "127.0.0.1", port: other.port)]
        let connection = SSHConnection(endpoint: endpoint)
        defer { connection.close() }
        await #expect {
            _ = try await connection.execute("true", timeout: .seconds(20))
        } throws: { error in
            if case SSHError.unknownHostKey = error { return true }
            return false
        }
        // The same pair with the first one down fails over to the second.
        var failover = endpoint
        failover.port = try Self.closedPort()
        let second = SSHConnection(endpoint: failover)
        defer { second.close() }
        let result = try await second.execute("echo up", timeout: .seconds(20))
        #expect(String(decoding: result.stdout, as: UTF8.self) == "up\n")
        #expect(result.answeredBy == SSHHostAddress(host: "127.0.0.1", port: other.port))
        #expect(second.connectedAddress == SSHHostAddress(host: "127.0.0.1", port: other.port))
    }

    /// doctor behind a jump host: each hop is logged in to in turn and the one that fails is named.
    @Test func doctorChecksEachHopAndEachAddress() async throws {
        let fixture = try SSHFixture()
        let main = fixture.server
        let simulator = try Paths.binary("pve-sim")
        let inner = try TestSSHServer(simulatorBinary: simulator, clientKey: main.clientKeyPath, listenAddress: "127.0.0.2")
        let bastion = try TestSSHServer(simulatorBinary: simulator, clientKey: main.clientKeyPath)
        defer {
            inner.stop()
            bastion.stop()
        }
        let knownHosts = main.directory.appendingPathComponent("doctor_known_hosts").path
        try Self.knownHosts([main, inner, bastion], into: knownHosts)
        let jump = ["PROXMOX_HOST": "127.0.0.2", "PROXMOX_SSH_PORT": String(inner.port), "PROXMOX_SSH_KNOWN_HOSTS": knownHosts,
                    "PROXMOX_PROXY_JUMP": "\(bastion.user)@127.0.0.1:\(bastion.port)"]
        let through = try await DoctorTests().run(fixture, jump)
        #expect(through["host reachable"]?.status == .pass, "\(through["host reachable"]!.detail)")
        #expect(through["host reachable"]?.detail == "through \(bastion.user)@127.0.0.1:\(bastion.port) (each logged in)")
        #expect(through["pvesh, qm, pct"]?.status == .pass)

        // The bastion's key unknown: the hop is named, nothing after it is tried.
        try Self.knownHosts([main, inner], into: knownHosts)
        let unknown = try await DoctorTests().run(fixture, jump)
        #expect(unknown["host reachable"]?.status == .fail)
        #expect(unknown["host reachable"]?.detail.hasPrefix("jump host 1 of 1 (\(bastion.user)@127.0.0.1:\(bastion.port)): host key of ") == true,
                "\(unknown["host reachable"]!.detail)")
        #expect(unknown["host key"]?.status == .skip)

        // A dead second address is a warning; the host itself still passes every check.
        let down = try Self.closedPort()
        let fallback = try await DoctorTests().run(fixture, ["PROXMOX_HOSTS": "127.0.0.1:\(down)"])
        #expect(fallback["host reachable"]?.status == .warn)
        #expect(fallback["host reachable"]?.detail.hasPrefix("127.0.0.1:\(main.port) answers; cannot connect to ") == true,
                "\(fallback["host reachable"]!.detail)")
        #expect(fallback["authentication"]?.status == .pass)
    }

    /// sshIdleClose: an unused connection closes, and the next command opens it again.
    @Test func anIdleConnectionClosesAndReopens() async throws {
        let fixture = try SSHFixture()
        var endpoint = fixture.endpoint()
        endpoint.idleClose = .milliseconds(300)
        let connection = SSHConnection(endpoint: endpoint)
        defer { connection.close() }
        // The control: the same host without idleClose stays logged in.
        let kept = SSHConnection(endpoint: fixture.endpoint())
        defer { kept.close() }
        _ = try await connection.execute("true", timeout: .seconds(20))
        _ = try await kept.execute("true", timeout: .seconds(20))
        var closed = false
        for _ in 0..<100 where !closed {
            try await Task.sleep(for: .milliseconds(100))
            closed = connection.connectedAddress == nil
        }
        #expect(closed, "still connected 10 s after its last command")
        #expect(kept.connectedAddress == SSHHostAddress(host: "127.0.0.1", port: fixture.server.port))
        let again = try await connection.execute("echo again", timeout: .seconds(20))
        #expect(String(decoding: again.stdout, as: UTF8.self) == "again\n")
    }
}
