import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import SSHClient
import TestSupport

/// The fleet issue's figures: the server's own time to list, filter, page and encode 10,000
/// guests (the remote command's output prepared once, so it is not counted), the RSS of a server
/// doing it, the overview of 10 clusters against one, and the connections several clusters of one
/// host open.
enum FleetScale {
    /// Answers every command with the same prepared output at once: the server's own time alone.
    struct PreparedRunner: CommandRunner {
        let output: CommandOutput
        func run(_ command: Command) async throws -> CommandOutput { output }
    }

    static func quiet() -> Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return logger
    }

    /// One figure: name, samples, target, unit.
    typealias Figure = (name: String, samples: [Double], target: String, unit: String)

    static func measure(sshd server: TestSSHServer) async throws -> [Figure] {
        var figures: [Figure] = []
        func record(_ name: String, _ samples: [Double], _ target: String, _ unit: String) {
            figures.append((name, samples, target, unit))
        }
        let scale = SimulatedCluster.Scale(nodes: 16, guests: 10_000)
        let store = StateStore(memory: .scaled(scale))
        let listing = try await SimulatedRunner(store: store).run(ListGuests().apiCommand)
        let environment = ToolEnvironment(engine: ProxmoxEngine(runner: PreparedRunner(output: listing)), defaultTransport: .auto,
                                          simulated: false)
        let list = ToolCatalog.all.first { $0.name == "proxmox_vm_list" }!
        let encoder = JSONEncoder()
        for (label, arguments) in [("first page of 200", [String: Value]()),
                                   ("filtered (status, tag, name glob)", ["status": "running", "tag": "prod", "name": "web-*"]),
                                   ("last page (cursor)", ["cursor": "after:9900", "limit": 1000])] {
            let samples = try await repeated(30) {
                let result = await ProxmoxMCPServer.call(list, arguments, environment: environment, logger: quiet())
                guard result.isError != true else { throw TestSetupError("the listing failed: \(result.content)") }
                _ = try encoder.encode(result)
            }
            record("10,000 guests (\(listing.stdout.count / 1024) KiB of JSON): proxmox_vm_list \(label), server time",
                   samples, "≤ 50 ms", "ms")
        }

        // Where that time goes: the JSON, the typed rows, the filter and page.
        let records = try JSONValue.parseRecords(listing.stdout) ?? []
        record("  of which: JSON parse of the listing (row by row)", try await repeated(30) { _ = try JSONValue.parseRecords(listing.stdout) }, "", "ms")
        record("  of which: typed rows", try await repeated(30) { _ = try GuestSummary.parseList(records: records) }, "", "ms")
        let rows = try GuestSummary.parseList(records: records)
        record("  of which: filter and page", try await repeated(30) {
            _ = GuestPage(rows, filter: GuestFilter(status: "running", tag: "prod", name: "web-*"), limit: 200, after: nil)
        }, "", "ms")

        // RSS of a server process listing them over SSH (the 10,000 guests live behind sshd, in
        // pve-sim's state file, as on a host), before and after.
        let host = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"), simulatorEnvironment: ["PVE_SIM_SCALE": "16x10000"])
        defer { host.stop() }
        var serving = host.serveEnvironment()
        serving["PROXMOX_LOG_LEVEL"] = "error"
        let peer = try StdioPeer(binary: try Paths.binary("mcp-proxmox-admin"), arguments: ["serve"], environment: serving)
        _ = try peer.initialize()
        _ = try peer.call(2, #"{"name":"proxmox_node_list","arguments":{}}"#)
        let idle = Double(peer.rssKiB()) / 1024
        var peak = idle
        for id in 0..<10 {
            _ = try peer.call(10 + id, #"{"name":"proxmox_vm_list","arguments":{"tag":"prod","limit":500}}"#)
            peak = max(peak, Double(peer.rssKiB()) / 1024)
        }
        record("server RSS listing 10,000 guests over SSH (highest of 10 listings)", [peak], "≤ 60 MB", "MB")
        record("server RSS after those listings minus before", [Double(peer.rssKiB()) / 1024 - idle], "≤ 5 MB", "MB")
        peer.close()

        // The overview: ten simulated clusters at once against each alone, under the host-cost model.
        let hostCost = ["PVE_SIM_STARTUP_MS": "300"]
        let members = (1...10).map { index -> ToolEnvironment in
            let store = StateStore()
            var member = ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: store, environment: hostCost)),
                                         defaultTransport: .auto, simulated: true, toolsets: ToolsetSelection(["core", "fleet"]))
            member.cluster = "cluster\(index)"
            return member
        }
        let overview = ToolCatalog.all.first { $0.name == "proxmox_fleet_overview" }!
        var slowest = 0.0
        for member in members {
            let alone = try await repeated(3) {
                let result = await ProxmoxMCPServer.call(overview, [:], fleet: Fleet([member]), logger: quiet())
                guard result.isError != true else { throw TestSetupError("the overview failed: \(result.content)") }
            }
            slowest = max(slowest, Measurement.median(alone))
        }
        let together = try await repeated(5) {
            let result = await ProxmoxMCPServer.call(overview, [:], fleet: Fleet(members), logger: quiet())
            guard result.structuredContent?.objectValue?["answered"] == 10 else { throw TestSetupError("not every cluster answered") }
        }
        record("fleet overview of 10 clusters (host-cost model 300 ms): slowest single cluster", [slowest], "", "ms")
        record("fleet overview of 10 clusters at once / slowest single", [Measurement.median(together) / slowest], "≤ 1.5×", "×")

        // Three clusters on one host (different policies) share one pool: connections stay bounded.
        let registry = SSHConnectionRegistry()
        var endpoint = SSHEndpoint(host: "127.0.0.1", port: server.port, user: server.user, privateKeyPath: server.clientKeyPath,
                                   knownHostsPath: server.knownHostsPath)
        endpoint.idleClose = .seconds(300)
        let clusters = (0..<3).map { index -> ToolEnvironment in
            let runner = SSHRunner.shared(endpoint, registry: registry, maxConnections: 3, timeout: .seconds(60))
            var member = ToolEnvironment(engine: ProxmoxEngine(runner: runner), defaultTransport: .auto, simulated: false,
                                         readOnly: index == 0)
            member.cluster = "c\(index)"
            return member
        }
        let nodeList = ToolCatalog.all.first { $0.name == "proxmox_node_list" }!
        let fleet = Fleet(clusters, defaultName: "c0")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<48 {
                group.addTask {
                    _ = await ProxmoxMCPServer.call(nodeList, ["cluster": .string("c\(index % 3)")], fleet: fleet, logger: quiet())
                }
            }
        }
        record("SSH connections after 48 concurrent calls over 3 clusters of one host (sshConnections 3)",
               [Double(registry.openConnections)], "≤ 3", "")
        registry.closeAll()
        return figures
    }
}
