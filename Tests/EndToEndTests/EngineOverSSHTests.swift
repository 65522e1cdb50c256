import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing
import TestSupport

/// The engine through the SSH runner: real libssh2, real sshd, pve-sim installed as pvesh/qm/pct.
@Suite struct EngineOverSSHTests {
    @Test func listsNodesWithExactValues() async throws {
        let fixture = try SSHFixture()
        let engine = ProxmoxEngine(runner: SSHRunner(connection: fixture.connection(), timeout: .seconds(20)))
        let outcome = try await engine.listNodes()
        #expect(outcome.command.argv == ["pvesh", "get", "/nodes", "--output-format", "json"])
        #expect(outcome.family == .api)
        // What the node list carries beyond the typed fields passes through (checked here by one field).
        #expect(outcome.value.first?.unmodelled["id"] == "node/pve1")
        #expect(outcome.value.map { node in var node = node; node.unmodelled = UnmodelledFields(); return node } == [
            NodeSummary(node: "pve1", status: "online", cpu: 0.0412, maxcpu: 16, mem: 27_813_502_976,
                        maxmem: 67_324_211_200, disk: 9_126_805_504, maxdisk: 100_861_726_720, uptime: 1_209_600,
                        level: ""),
            NodeSummary(node: "pve2", status: "online", cpu: 0.0078, maxcpu: 8, mem: 6_442_450_944,
                        maxmem: 33_539_407_872, disk: 5_368_709_120, maxdisk: 100_861_726_720, uptime: 604_800,
                        level: ""),
            NodeSummary(node: "pve3", status: "offline"),
        ])
        // The simulator behind sshd kept its state in the file the session was given.
        #expect(FileManager.default.fileExists(atPath: fixture.server.statePath))
    }

    @Test func listsGuestsWithExactValues() async throws {
        let fixture = try SSHFixture()
        let engine = ProxmoxEngine(runner: SSHRunner(connection: fixture.connection(), timeout: .seconds(20)))
        let all = try await engine.listGuests(transport: .api)
        #expect(all.value.map(\.vmid) == [100, 101, 102, 103, 104, 200, 201, 202, 203, 9000, 9001])
        var first = all.value[0]
        #expect(first.unmodelled["id"] == "qemu/100" && first.unmodelled["netin"] != nil)
        first.unmodelled = UnmodelledFields()
        #expect(first == GuestSummary(
            vmid: 100, name: "web01", node: "pve1", status: "running", type: .qemu, template: false,
            tags: ["prod", "web"], lock: nil, cpu: 0.0213, maxcpu: 2, mem: 1_395_864_371, maxmem: 4_294_967_296,
            disk: 0, maxdisk: 34_359_738_368, uptime: 1_205_000))
        // `qm list` must run on pve2 itself, which this connection (to pve1, no node runners) cannot
        // reach: the read went through pvesh, and the outcome says so.
        let vms = try await engine.listGuests(kind: .qemu, node: try NodeName("pve2"), transport: .cli)
        #expect(vms.value.map(\.vmid) == [102, 103, 9001])
        #expect(vms.family == .api)
        #expect(vms.notes.contains { $0.contains("pve2") && $0.contains("read through pvesh") })
        // On the node it is connected to, `qm list` itself runs.
        let local = try await engine.listGuests(kind: .qemu, node: try NodeName("pve1"), transport: .cli)
        #expect(local.command.argv == ["qm", "list"] && local.family == .cli)
        #expect(local.value.map(\.vmid) == [100, 101, 104, 9000])
        #expect(vms.value[0].name == "win-test")
        #expect(vms.value[0].status == "stopped")
        let containers = try await engine.listGuests(kind: .lxc)
        #expect(containers.value.map(\.vmid) == [200, 201, 202, 203])
        #expect(containers.value.map(\.status) == ["running", "running", "unknown", "stopped"])
    }

    @Test func argvArrivesIntactThroughTheRemoteShell() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(20))
        let arguments = ["plain", "", "two words", "it's", "$(id)", "`id`", "a;b&&c|d", "*", "~", "line\nbreak",
                         "--force", "-rf", "ünïcødé ✓", "\"q\"", "back\\slash", "$HOME", "#x", "{a,b}"]
        let output = try await runner.run(Command(["printf", "%s\\0"] + arguments, isReadOnly: true))
        var received = output.stdoutText.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        #expect(received.removeLast() == "")
        #expect(received == arguments)
    }

    @Test func proxmoxErrorsArriveTyped() async throws {
        let fixture = try SSHFixture()
        let runner = SSHRunner(connection: fixture.connection(), timeout: .seconds(20))
        let noHandler = Command(["pvesh", "get", "/nodes/pve1/nosuch", "--output-format", "json"], isReadOnly: true)
        let output = try await runner.run(noHandler)
        #expect(ErrorClassifier.classify(noHandler, output)
            == .commandFailed(command: "pvesh", exitStatus: 1, message: "No 'get' handler defined for '/nodes/pve1/nosuch'"))
        let missing = Command(["pveversion-not-installed", "-v"], isReadOnly: true)
        #expect(ErrorClassifier.classify(missing, try await runner.run(missing))
            == .commandNotFound(program: "pveversion-not-installed"))
    }

    @Test func transportFailuresBecomeProxmoxErrors() async throws {
        let fixture = try SSHFixture()
        let empty = try fixture.server.writeFile("empty_known_hosts", "")
        let engine = ProxmoxEngine(runner: SSHRunner(connection: fixture.connection(knownHosts: empty), timeout: .seconds(20)))
        do {
            _ = try await engine.listNodes()
            Issue.record("listed nodes from an unknown host")
        } catch let ProxmoxError.notStarted(message) {
            #expect(message.hasPrefix("host key of \(fixture.server.user)@127.0.0.1:\(fixture.server.port) is not known (ssh-ed25519 SHA256:"))
        }
    }
}
