import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing

/// One golden row: a tool call and the exact remote command lines it runs with `transport: cli`
/// and with `transport: api` (a dry run for changes; the read itself for reads), against the
/// in-process simulator. Each toolset's test file holds its rows.
struct GoldenRow: Sendable, CustomTestStringConvertible {
    let tool: String
    let arguments: [String: Value]
    let cli: [String]
    let api: [String]

    init(_ tool: String, _ arguments: [String: Value], cli: [String], api: [String]) {
        self.tool = tool
        self.arguments = arguments
        self.cli = cli
        self.api = api
    }

    /// The same line in both transports (operations without a qm/pct form).
    init(_ tool: String, _ arguments: [String: Value], both: [String]) {
        self.init(tool, arguments, cli: both, api: both)
    }

    var testDescription: String { "\(tool) \(arguments)" }
}

enum Golden {
    /// Every toolset's rows; the coverage test checks that every tool of the catalog has one.
    static var rows: [GoldenRow] {
        GuestsTests.rows + SnapshotsTests.rows + ConfigTests.rows + NodesTests.rows + StorageTests.rows + TasksTests.rows + BackupsTests.rows + ToolsetsTests.rows + APITests.rows
            + MigrationTests.rows + DisksTests.rows + CloudInitTests.rows + GuestAgentTests.rows + FleetTests.rows
    }

    /// Steps that toolsets add to the end of the tool sweep (after the guest lifecycle).
    static var sweeps: [(String, [String: Value])] { TasksTests.sweep + BackupsTests.sweep + ToolsetsTests.sweep + APITests.sweep
        + DisksTests.sweep + GuestAgentTests.sweep + CloudInitTests.sweep + MigrationTests.sweep + FleetTests.sweep }

    static func environment(safeMode: Bool = false, store: StateStore = StateStore(), protectedVMIDs: Set<Int> = []) -> ToolEnvironment {
        return ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store)),
                               defaultTransport: .auto, simulated: true, safeMode: safeMode, protectedVMIDs: protectedVMIDs,
                               toolsets: ToolsetSelection(["all"], dynamic: true), allowApiWrites: true,
                               guestExec: ["df", "uptime", "systemctl"])
    }

    static func call(_ tool: String, _ arguments: [String: Value], environment: ToolEnvironment = environment()) async -> CallTool.Result {
        let definition = ToolCatalog.all.first { $0.name == tool }!
        return await ProxmoxMCPServer.call(definition, arguments, environment: environment, logger: .init(label: "test"))
    }

    static func commands(_ result: CallTool.Result) -> [String] {
        result.structuredContent?.objectValue?["commands"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The row's arguments in `transport` (where the tool takes one), a change as a dry run.
    static func arguments(_ row: GoldenRow, _ definition: ToolDefinition, transport: String) -> [String: Value] {
        var arguments = row.arguments
        if definition.properties["transport"] != nil { arguments["transport"] = .string(transport) }
        if !definition.isReadOnly { arguments["dryRun"] = true }
        return arguments
    }

    /// Runs the row in both transports and checks the command lines; changes run as dry runs.
    static func check(_ row: GoldenRow, sourceLocation: SourceLocation = #_sourceLocation) async {
        let definition = ToolCatalog.all.first { $0.name == row.tool }
        guard let definition else {
            Issue.record("no tool \(row.tool)", sourceLocation: sourceLocation)
            return
        }
        for (transport, expected) in [("cli", row.cli), ("api", row.api)] {
            let result = await call(row.tool, arguments(row, definition, transport: transport))
            #expect(result.isError == false, "\(row.tool) \(transport): \(result.content)", sourceLocation: sourceLocation)
            #expect(commands(result) == expected, "\(row.tool) \(transport)", sourceLocation: sourceLocation)
            if !definition.isReadOnly && row.api.contains(where: { !$0.hasPrefix("pvesh get ") }) {
                #expect(result.structuredContent?.objectValue?["dryRun"] == true, sourceLocation: sourceLocation)
            }
        }
    }
}

/// Derived from the catalog: no tool without golden rows, no literal counts.
@Suite struct CatalogCoverageTests {
    @Test func everyToolHasGoldenRows() {
        let covered = Set(Golden.rows.map(\.tool))
        let missing = ToolCatalog.all.map(\.name).filter { !covered.contains($0) }
        #expect(missing == [], "tools without golden rows: \(missing)")
        let unknown = covered.subtracting(ToolCatalog.all.map(\.name))
        #expect(unknown.isEmpty, "rows for tools that do not exist: \(unknown)")
    }

    @Test func everyToolIsInTheSweep() {
        let swept = Set(ToolSweepOverSSHTests.script.map(\.0))
        let missing = ToolCatalog.all.map(\.name).filter { !swept.contains($0) }
        #expect(missing == [], "tools missing from the sweep: \(missing)")
    }

    @Test func everyToolIsInExactlyOneToolset() {
        let names = ToolCatalog.toolsets.flatMap { $0.tools.map(\.name) }
        #expect(names.count == Set(names).count)
        #expect(ToolCatalog.all.allSatisfy { !$0.toolset.isEmpty })
    }

    /// The 29 names of the original design are a contract: they stay.
    @Test func originalToolNamesStay() {
        let original = ["vm_list", "vm_start", "vm_stop", "vm_restart", "vm_shutdown", "vm_create", "vm_delete", "vm_clone",
                        "vm_snapshot_create", "vm_snapshot_list", "vm_snapshot_restore", "vm_snapshot_delete", "vm_config",
                        "ct_list", "ct_start", "ct_stop", "ct_restart", "ct_create", "ct_delete", "ct_clone", "ct_snapshot_create",
                        "ct_snapshot_list", "ct_snapshot_restore", "ct_snapshot_delete", "node_list", "node_status",
                        "cluster_status", "storage_list", "storage_content"].map { "proxmox_" + $0 }
        let names = Set(ToolCatalog.all.map(\.name))
        #expect(original.filter { !names.contains($0) } == [])
        let core = Set(ToolListSize.tools(["core"]).map(\.name))
        #expect(original.filter { !core.contains($0) } == [], "the original tools are all in core")
    }

    /// Every argument and every result field carries its own description.
    @Test func everyArgumentAndResultFieldIsDescribed() {
        for definition in ToolCatalog.all {
            for (name, property) in definition.properties {
                let description = property.objectValue?["description"]?.stringValue ?? ""
                #expect(description.count > 3, "\(definition.name).\(name)")
            }
            #expect(Self.undescribed(definition.outputSchema, at: definition.name) == [])
        }
    }

    static func undescribed(_ schema: Value, at path: String) -> [String] {
        guard let object = schema.objectValue else { return [] }
        var found: [String] = []
        for (name, property) in object["properties"]?.objectValue ?? [:] {
            let here = "\(path).\(name)"
            let fields = property.objectValue ?? [:]
            let hasOwnProperties = fields["properties"] != nil
            let description = fields["description"]?.stringValue ?? ""
            if !hasOwnProperties && description.isEmpty { found.append(here) }
            found += undescribed(property, at: here)
            if let items = fields["items"] { found += undescribed(items, at: here + "[]") }
        }
        return found
    }
}
