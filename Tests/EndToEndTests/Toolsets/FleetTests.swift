import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

/// The fleet in-process: routing by cluster, the overview with one cluster failing, filters and
/// pages over a generated 10,000-guest cluster.
@Suite struct FleetTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_fleet_overview", [:], both: [
            "pvesh get /cluster/status --output-format json", "pvesh get /cluster/resources --output-format json",
            "pvesh get /cluster/tasks --output-format json",
        ]),
    ]

    /// This toolset's steps of the tool sweep over a real sshd.
    static let sweep: [(String, [String: Value])] = [("proxmox_fleet_overview", [:])]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    /// A runner for a cluster that cannot be reached.
    struct Unreachable: CommandRunner {
        func run(_ command: Command) async throws -> CommandOutput {
            throw ProxmoxError.notStarted("cannot connect to root@192.0.2.9:22: Connection refused")
        }
    }

    static func member(_ name: String, store: StateStore = StateStore(), readOnly: Bool = false, runner: (any CommandRunner)? = nil) -> ToolEnvironment {
        let engine = ProxmoxEngine(runner: runner ?? SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store))
        var environment = ToolEnvironment(engine: engine, defaultTransport: .auto, simulated: runner == nil, readOnly: readOnly,
                                          toolsets: ToolsetSelection(["all"]))
        environment.cluster = name
        return environment
    }

    static func call(_ tool: String, _ arguments: [String: Value], _ fleet: Fleet) async -> CallTool.Result {
        var quiet = Logger(label: "quiet")
        quiet.logLevel = .critical
        return await ProxmoxMCPServer.call(ToolCatalog.all.first { $0.name == tool }!, arguments, fleet: fleet, logger: quiet)
    }

    @Test func overviewAnswersEveryClusterAndKeepsAFailureToItsOwnEntry() async throws {
        let fleet = Fleet([Self.member("homelab"), Self.member("dark", runner: Unreachable()), Self.member("office", readOnly: true)],
                          defaultName: "homelab")
        let result = await Self.call("proxmox_fleet_overview", [:], fleet)
        #expect(result.isError == false)
        let fields = try #require(result.structuredContent?.objectValue)
        #expect(fields["answered"] == 2 && fields["failed"] == 1)
        let entries = fields["clusters"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(entries.map { $0["cluster"]?.stringValue } == ["homelab", "dark", "office"])
        #expect(entries[1]["reason"] == "transport", "\(entries[1])")
        #expect(entries[1]["error"]?.stringValue?.contains("192.0.2.9") == true)
        let overview = try #require(entries[0]["overview"]?.objectValue)
        // The built-in cluster: pve1 and pve2 online (16 + 8 threads), pve3 offline; 9 guests besides the two templates.
        #expect(overview["nodesTotal"] == 3 && overview["nodesOnline"] == 2 && overview["nodesOffline"] == ["pve3"])
        #expect(overview["cpuCores"] == 24 && overview["guestsTotal"] == 9 && overview["vms"] == 5 && overview["containers"] == 4)
        #expect(overview["guestsRunning"] == 6 && overview["quorate"] == true && overview["name"] == "homelab")
        #expect(overview["memoryTotal"] == .int(67_324_211_200 + 33_539_407_872))
        #expect(entries[2]["readOnly"] == true)
        #expect(Self.textOf(result).contains("dark: ERROR "))
    }

    @Test func callsGoToTheNamedClusterAndChangesMustNameOne() async throws {
        let homelab = StateStore(), lab = StateStore()
        let fleet = Fleet([Self.member("homelab", store: homelab), Self.member("lab", store: lab), Self.member("prod", readOnly: true)],
                          defaultName: "homelab")
        let started = await Self.call("proxmox_vm_start", ["vmid": 102, "cluster": "lab"], fleet)
        #expect(started.isError == false && started.structuredContent?.objectValue?["cluster"] == "lab")
        #expect(try lab.read { $0.guests.first { $0.vmid == 102 }?.status } == "running")
        #expect(try homelab.read { $0.guests.first { $0.vmid == 102 }?.status } == "stopped")

        let unnamed = await Self.call("proxmox_vm_start", ["vmid": 102], fleet)
        #expect(unnamed.isError == true && unnamed.errorDetails["field"] == "cluster")
        let dry = await Self.call("proxmox_vm_config", ["vmid": 100, "set": ["cores": 4], "dryRun": true], fleet)
        #expect(dry.isError == true, "a config change without cluster is refused, dry run or not")
        let unknown = await Self.call("proxmox_vm_list", ["cluster": "labb"], fleet)
        #expect(unknown.isError == true && Self.textOf(unknown).contains("did you mean lab?"), "\(Self.textOf(unknown))")
        let readOnly = await Self.call("proxmox_vm_start", ["vmid": 102, "cluster": "prod"], fleet)
        #expect(readOnly.errorDetails["reason"] == "refused")

        let read = await Self.call("proxmox_vm_config", ["vmid": 100], fleet)
        #expect(read.isError == false && read.structuredContent?.objectValue?["cluster"] == "homelab")
        #expect(Self.textOf(read).contains("answered for cluster 'homelab', the default"))

        let listed = fleet.listed(ToolCatalog.all.first { $0.name == "proxmox_vm_list" }!)
        #expect(listed.inputSchema.objectValue?["properties"]?.objectValue?["cluster"]?.objectValue?["enum"] == ["homelab", "lab", "prod"])
        let single = Fleet([Self.member("only")])
        #expect(single.listed(ToolCatalog.all.first { $0.name == "proxmox_vm_list" }!).inputSchema.objectValue?["properties"]?.objectValue?["cluster"] == nil)
    }

    @Test func filtersAndPagesOverTenThousandGuests() async throws {
        let store = StateStore(memory: .scaled(.init(nodes: 16, guests: 10_000)))
        let engine = ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store))
        let environment = ToolEnvironment(engine: engine, defaultTransport: .auto, simulated: true)
        let guests = try store.read { $0.guests }
        let vms = guests.filter { $0.kind == .qemu }
        let first = await callQuietly("proxmox_vm_list", [:], environment)
        let fields = try #require(first.structuredContent?.objectValue)
        #expect(fields["total"] == .int(vms.count))
        #expect(fields["vms"]?.arrayValue?.count == 200)
        let lastID = fields["vms"]?.arrayValue?.last?.objectValue?["vmid"]?.intValue
        #expect(fields["nextCursor"] == .string("after:\(lastID ?? 0)"))

        let pooled = await callQuietly("proxmox_ct_list", ["pool": "platform", "template": false, "limit": 1000], environment)
        #expect(pooled.structuredContent?.objectValue?["total"] == .int(guests.filter { $0.kind == .lxc && $0.pool == "platform" }.count))

        // Page through every running prod web VM on pve03 and compare with the state, counted by hand
        // (on a smaller generated cluster: each page is a listing of the whole cluster). Proxmox
        // lists a paused VM as running in /cluster/resources (qmpstatus tells them apart).
        let smallStore = StateStore(memory: .scaled(.init(nodes: 4, guests: 2000)))
        let small = ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: smallStore), nodeRunners: SimulatedNodeRunners(store: smallStore)),
                                    defaultTransport: .auto, simulated: true)
        let expected = try smallStore.read { $0.guests }.filter { $0.kind == .qemu && $0.status != "stopped" && $0.node == "pve03"
            && $0.config["tags"]?.split(separator: ";").contains("prod") == true && $0.config["name"]?.hasPrefix("web-") == true }.map(\.vmid).sorted()
        var seen: [Int] = []
        var cursor: Value?
        repeat {
            var arguments: [String: Value] = ["status": "running", "node": "pve03", "tag": "PROD", "name": "web-*", "limit": 7]
            if let cursor { arguments["cursor"] = cursor }
            let page = await callQuietly("proxmox_vm_list", arguments, small)
            let object = try #require(page.structuredContent?.objectValue)
            #expect(object["total"] == .int(expected.count))
            seen += object["vms"]?.arrayValue?.compactMap { $0.objectValue?["vmid"]?.intValue } ?? []
            cursor = object["nextCursor"]
        } while cursor != nil
        #expect(seen == expected && expected.count > 7, "\(expected.count) to page through")
        let bad = await callQuietly("proxmox_vm_list", ["cursor": "page2"], environment)
        #expect(bad.errorDetails["field"] == "cursor")
    }

    @Test func globsMatchLikeAShell() {
        let cases: [(String, String, Bool)] = [("web-*", "web-0001", true), ("web-*", "db-0001", false), ("*-00?1", "db-0021", true),
                                               ("*", "", true), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false)]
        for (pattern, text, matches) in cases {
            #expect(GuestFilter(name: pattern).matches(GuestSummary(vmid: 100, name: text, node: "n", status: "running", type: .qemu)) == matches,
                    "\(pattern) ~ \(text)")
        }
    }

    /// Resources and completions carry the cluster: every fixed resource once per cluster, templates
    /// with {cluster}, which completion offers; the other arguments complete from the cluster named.
    @Test func resourcesAndCompletionsPerCluster() async throws {
        let folder = NSTemporaryDirectory() + "fleet-resources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/fleet.json"
        try #"{"clusters": {"east": {"simulator": true}, "west": {"simulator": true, "readOnly": true}}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") && !$0.key.hasPrefix("PVE_SIM_") }
        let server = try ServerProcess(arguments: ["serve", "--config", config], environment: environment, workingDirectory: folder)
        let initialized = try await server.connect()
        #expect(initialized.instructions?.contains("Clusters: east (default, simulated), west (read-only, simulated)") == true,
                "\(initialized.instructions ?? "")")
        let (resources, _) = try await server.client.listResources()
        #expect(resources.map(\.uri) == ["east", "west"].flatMap { name in
            ["cluster/status", "nodes", "guests"].map { "proxmox://clusters/\(name)/\($0)" }
        })
        let (templates, _) = try await server.client.listResourceTemplates()
        #expect(templates.first?.uriTemplate == "proxmox://clusters/{cluster}/nodes/{node}/status")
        let contents = try await server.client.readResource(uri: "proxmox://clusters/west/nodes/pve2/status")
        #expect(try JSONValue.parse(Array((contents.first?.text ?? "").utf8))["node"] == "pve2")
        await #expect(throws: MCPError.invalidParams("unknown cluster 'north' in proxmox://clusters/north/nodes: one of east, west")) {
            _ = try await server.client.readResource(uri: "proxmox://clusters/north/nodes")
        }
        let names = try await server.client.complete(resourceURI: "proxmox://clusters/{cluster}/nodes/{node}/status", argumentName: "cluster",
                                                     argumentValue: "w")
        #expect(names.values == ["west"])
        let nodes = try await server.client.complete(resourceURI: "proxmox://clusters/{cluster}/nodes/{node}/status", argumentName: "node",
                                                     argumentValue: "", context: ["cluster": "west"])
        #expect(nodes.values == ["pve1", "pve2", "pve3"])
        // The read-only cluster refuses a change; the other one makes it.
        let refused = try await server.call("proxmox_vm_start", ["vmid": 102, "cluster": "west"])
        #expect(refused.isError == true && Self.textOf(refused).contains("cluster 'west' is read-only"))
        let started = try await server.call("proxmox_vm_start", ["vmid": 102, "cluster": "east"])
        #expect(started.isError == false, "\(Self.textOf(started))")
        _ = await server.finish()
    }

    /// doctor shows every cluster's effective settings with the source of each, the strictest
    /// of both levels named as such.
    @Test func doctorShowsEveryClusterWithItsSources() throws {
        let folder = NSTemporaryDirectory() + "fleet-doctor-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/fleet.json"
        try #"{"protectedVmids": [100], "clusters": {"east": {"simulator": true, "protectedVmids": [200]}, "west": {"simulator": true, "readOnly": true}}, "defaultCluster": "west"}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") }
        let output = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["doctor", "--config", config], environment: environment,
                                        workingDirectory: folder).stdout
        #expect(output.contains("Cluster east: effective configuration"), "\(output)")
        #expect(output.contains("Cluster west (default): effective configuration"))
        let east = output.components(separatedBy: "Cluster west")[0]
        #expect(east.contains("protectedVmids") && east.contains("100,200") && east.contains("strictest of \(config): protectedVmids and \(config): clusters.east.protectedVmids"),
                "\(east)")
        let west = output.components(separatedBy: "Cluster west")[1]
        #expect(west.contains("\(config): clusters.west.readOnly"))
        #expect(output.contains("Checks: none (simulated cluster)"))
    }

    static func textOf(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined()
    }
}
