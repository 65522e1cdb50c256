import MCP
import ProxmoxCore
import ProxmoxMCP
import Testing

@Suite struct ToolsetsTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_toolset_list", [:], both: []),
        GoldenRow("proxmox_toolset_enable", ["toolset": "tasks"], both: []),
    ]

    static let sweep: [(String, [String: Value])] = [("proxmox_toolset_list", [:]), ("proxmox_toolset_enable", ["toolset": "tasks"])]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func environment(_ toolsets: [String], dynamic: Bool = false, readOnly: Bool = false) -> ToolEnvironment {
        ToolEnvironment(engine: Golden.environment().engine, defaultTransport: .auto, simulated: true, readOnly: readOnly,
                        toolsets: ToolsetSelection(toolsets, dynamic: dynamic))
    }

    @Test func coreIsTheDefaultAndAllIsEverySet() {
        let core = Self.environment(["core"]).tools.map(\.toolset)
        #expect(Set(core) == Set(ToolCatalog.workSets.filter(\.isDefault).map(\.id)))
        let all = Self.environment(["all"]).tools
        #expect(Set(all.map(\.toolset)) == Set(ToolCatalog.workSets.map(\.id)))
        #expect(!all.contains { $0.toolset == "toolsets" }, "the meta tools come only with dynamicToolsets")
        #expect(Set(Self.environment(["core", "tasks"]).tools.map(\.toolset)) == Set(core).union(["tasks"]))
    }

    @Test func aToolsetThatIsOffIsRefusedWithTheSettingThatTurnsItOn() async throws {
        let environment = Self.environment(["core"])
        let definition = try #require(ToolCatalog.all.first { $0.name == "proxmox_task_status" })
        let result = await ProxmoxMCPServer.call(definition, ["upid": .string(TasksTests.failedBackup)], environment: environment,
                                                 logger: .init(label: "test"))
        #expect(result.isError == true)
        let message = result.errorDetails["message"]?.stringValue ?? ""
        #expect(message.contains("toolset 'tasks', which is off") && message.contains("PROXMOX_TOOLSETS"))
        #expect(Golden.commands(result) == [])
    }

    @Test func enablingATurnsItOnForTheSession() async throws {
        let environment = Self.environment(["core"], dynamic: true)
        #expect(!environment.tools.contains { $0.name == "proxmox_task_status" })
        #expect(environment.tools.contains { $0.name == "proxmox_toolset_enable" })
        let enable = try #require(ToolCatalog.all.first { $0.name == "proxmox_toolset_enable" })
        let first = await ProxmoxMCPServer.call(enable, ["toolset": "tasks"], environment: environment, logger: .init(label: "test"))
        #expect(first.structuredContent?.objectValue?["changed"] == true)
        let tasks = ToolCatalog.toolset("tasks")!.tools.map { Value.string($0.name) }
        #expect(first.structuredContent?.objectValue?["tools"] == .array(tasks))
        #expect(environment.tools.contains { $0.name == "proxmox_task_status" })
        let again = await ProxmoxMCPServer.call(enable, ["toolset": "tasks"], environment: environment, logger: .init(label: "test"))
        #expect(again.structuredContent?.objectValue?["changed"] == false)
        let unknown = await ProxmoxMCPServer.call(enable, ["toolset": "nosuch"], environment: environment, logger: .init(label: "test"))
        #expect(unknown.isError == true)
    }

    @Test func readOnlyStillAppliesToAToolsetSwitchedOn() {
        let environment = Self.environment(["nodes"], dynamic: true, readOnly: true)
        environment.toolsets.enable("guests")
        let guests = environment.tools.filter { $0.toolset == "guests" }.map(\.name)
        #expect(guests == ["proxmox_vm_list", "proxmox_ct_list"])
    }

    @Test func instructionsAndPromptsFollowTheToolsetsThatAreOn() {
        let narrow = Self.environment(["nodes"])
        let text = ProxmoxMCPServer.instructions(narrow)
        #expect(text.contains("Toolsets on: nodes ("))
        #expect(text.contains("Off: guests, snapshots, config, storage, tasks, backup"))
        #expect(ProxmoxMCPServer.promptNames(narrow) == [])
        #expect(ProxmoxMCPServer.promptNames(Self.environment(["core"])) == ["cluster_health_check", "safe_change", "capacity_review", "snapshot_restore_review"])
        #expect(ProxmoxMCPServer.promptNames(Self.environment(["core"], readOnly: true)) == ["cluster_health_check", "capacity_review"])
        // The failed-tasks review needs the tasks toolset, read-only or not.
        #expect(ProxmoxMCPServer.promptNames(Self.environment(["core", "tasks"], readOnly: true)) == ["cluster_health_check", "failed_tasks_review", "capacity_review"])
    }
}
