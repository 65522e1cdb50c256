import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing

/// The one confirmation rule, for every destructive tool of every toolset (derived from the
/// catalog, so a new destructive tool is covered the day it is added).
@Suite struct ConfirmationTests {
    static var destructive: [ToolDefinition] { ToolCatalog.all.filter { $0.annotations.destructiveHint == true } }

    /// Each destructive tool's first golden row, without `confirm`; restore with `force` (the only
    /// case where it is destructive).
    static func call(_ definition: ToolDefinition) -> [String: Value] {
        var arguments = Golden.rows.first { $0.tool == definition.name && ($0.tool != "proxmox_backup_restore" || $0.arguments["force"] == true) }!.arguments
        arguments["confirm"] = nil
        return arguments
    }

    static func environment(_ store: StateStore, confirm: ConfirmationPolicy = .destructive) -> ToolEnvironment {
        ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store)),
                        defaultTransport: .auto, simulated: true, toolsets: ToolsetSelection(["all"]), confirm: confirm,
                        allowApiWrites: true, guestExec: ["df", "uptime", "systemctl"])
    }

    @Test func everyDestructiveToolTakesConfirm() {
        #expect(Self.destructive.count >= 11)
        for definition in Self.destructive {
            #expect(definition.properties["confirm"] != nil, "\(definition.name)")
        }
    }

    @Test func withoutConfirmNothingRunsWithConfirmItRuns() async throws {
        for definition in Self.destructive {
            let store = StateStore()
            let before = try store.read { $0 }
            let refused = await Golden.call(definition.name, Self.call(definition), environment: Self.environment(store))
            #expect(refused.isError == true, "\(definition.name)")
            let message = refused.errorDetails["message"]?.stringValue ?? ""
            #expect(message.hasSuffix("is irreversible: call again with confirm: true (nothing ran)"), "\(definition.name): \(message)")
            #expect(try store.read { $0 } == before, "\(definition.name) changed the cluster unconfirmed")
            // A dry run needs no confirmation.
            let dry = await Golden.call(definition.name, Self.call(definition).merging(["dryRun": true]) { $1 }, environment: Self.environment(store))
            #expect(dry.isError == false, "\(definition.name) dry run: \(dry.content)")
            let confirmed = await Golden.call(definition.name, Self.call(definition).merging(["confirm": true]) { $1 }, environment: Self.environment(store))
            let after = confirmed.errorDetails["message"]?.stringValue ?? ""
            #expect(!after.contains("confirm: true"), "\(definition.name): \(after)")
        }
    }

    @Test func theSettingRelaxesTheRule() async throws {
        let stop: [String: Value] = ["vmid": 100]
        let deletes = await Golden.call("proxmox_vm_stop", stop, environment: Self.environment(StateStore(), confirm: .deletes))
        #expect(deletes.isError == false, "\(deletes.content)")
        let delete = await Golden.call("proxmox_vm_delete", ["vmid": 102], environment: Self.environment(StateStore(), confirm: .deletes))
        #expect(delete.isError == true)
        let never = await Golden.call("proxmox_vm_delete", ["vmid": 102], environment: Self.environment(StateStore(), confirm: .never))
        #expect(never.isError == false, "\(never.content)")
        // A restore to a new id is not destructive: no confirmation.
        let restore = await Golden.call("proxmox_backup_restore", ["volume": .string(BackupsTests.nasArchive)], environment: Self.environment(StateStore()))
        #expect(restore.isError == false, "\(restore.content)")
    }
}
