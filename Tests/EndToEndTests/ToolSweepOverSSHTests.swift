import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import Testing
import TestSupport

/// Every tool of the catalog, in both transports, through MCP and a real sshd: a script whose
/// steps build on each other, so each must really have worked. Every answer is checked against
/// the tool's output schema made strict (`additionalProperties: false` everywhere), so a field
/// the schema does not declare fails.
@Suite struct ToolSweepOverSSHTests {
    static let script: [(String, [String: Value])] = [
        ("proxmox_node_list", [:]), ("proxmox_node_status", ["node": "pve2"]), ("proxmox_cluster_status", [:]),
        ("proxmox_storage_list", [:]), ("proxmox_storage_list", ["node": "pve1"]),
        ("proxmox_storage_content", ["storage": "local", "content": "iso"]),
        ("proxmox_vm_list", [:]),
        ("proxmox_vm_restart", ["vmid": 100]), ("proxmox_vm_shutdown", ["vmid": 100]),
        ("proxmox_vm_start", ["vmid": 100]), ("proxmox_vm_stop", ["vmid": 100, "confirm": true]),
        ("proxmox_vm_create", ["vmid": 300, "name": "sweep", "iso": "local:iso/debian-12.8.0-amd64-netinst.iso", "disk_size": 4]),
        ("proxmox_vm_create", ["vmid": 301, "name": "sweep-tpl", "template": 9000]),
        ("proxmox_vm_clone", ["vmid": 300, "newid": 302, "name": "sweep-copy", "full": true]),
        ("proxmox_vm_snapshot_create", ["vmid": 300, "snapshot": "s1", "description": "sweep"]),
        ("proxmox_vm_snapshot_list", ["vmid": 300]),
        ("proxmox_vm_snapshot_restore", ["vmid": 300, "snapshot": "s1", "confirm": true]),
        ("proxmox_vm_snapshot_delete", ["vmid": 300, "snapshot": "s1", "confirm": true]),
        ("proxmox_vm_config", ["vmid": 300]), ("proxmox_vm_config", ["vmid": 300, "set": ["cores": 4], "delete": ["ide2"]]),
        ("proxmox_vm_config_get", ["vmid": 300]),
        ("proxmox_vm_delete", ["vmid": 302, "confirm": true]), ("proxmox_vm_delete", ["vmid": 301, "confirm": true]),
        ("proxmox_vm_delete", ["vmid": 300, "confirm": true, "purge": true]),
        ("proxmox_ct_list", [:]), ("proxmox_ct_start", ["vmid": 203]), ("proxmox_ct_restart", ["vmid": 203]), ("proxmox_ct_stop", ["vmid": 203, "confirm": true]),
        ("proxmox_ct_create", ["vmid": 320, "hostname": "sweep-ct", "ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "password": "sweep-pass-1"]),
        ("proxmox_ct_clone", ["vmid": 320, "newid": 321, "name": "sweep-ct2"]),
        ("proxmox_ct_snapshot_create", ["vmid": 320, "snapshot": "c1"]), ("proxmox_ct_snapshot_list", ["vmid": 320]),
        ("proxmox_ct_snapshot_restore", ["vmid": 320, "snapshot": "c1", "confirm": true]), ("proxmox_ct_snapshot_delete", ["vmid": 320, "snapshot": "c1", "confirm": true]),
        ("proxmox_ct_config", ["vmid": 320, "set": ["memory": 1024]]), ("proxmox_ct_config_get", ["vmid": 320]),
        ("proxmox_ct_delete", ["vmid": 321, "confirm": true]), ("proxmox_ct_delete", ["vmid": 320, "confirm": true]),
    ] + Golden.sweeps

    /// Both transports, with an open key and with the key behind the host guard (whose policy lets
    /// the sweep's programs run in guests and allows raw API writes, as the sweep uses both).
    @Test(arguments: [("ssh", false), ("api", false), ("ssh", true), ("api", true)])
    func everyToolWorks(_ transport: String, guarded: Bool) async throws {
        #expect(Set(Self.script.map(\.0)) == Set(ToolCatalog.all.map(\.name)))
        let fixture = try SSHFixture()
        if guarded { try fixture.guardKey(GuardPolicy(exec: ["df", "uptime"], apiWrites: true)) }
        let environment = fixture.serveEnvironment.merging(["PROXMOX_TOOLSETS": "all", "PROXMOX_DYNAMIC_TOOLSETS": "true", "PROXMOX_ALLOW_API_WRITES": "true",
                                                            "PROXMOX_GUEST_EXEC": "df,uptime"]) { $1 }
        let server = try ServerProcess(arguments: ["serve"], environment: environment)
        _ = try await server.connect()
        let schemas = Dictionary(uniqueKeysWithValues: try await server.client.listTools().tools.map { ($0.name, $0.outputSchema) })
        for (tool, arguments) in Self.script {
            let takesTransport = ToolCatalog.all.first { $0.name == tool }?.properties["transport"] != nil
            let result = try await server.call(tool, takesTransport ? arguments.merging(["transport": .string(transport)]) { $1 } : arguments)
            #expect(result.isError == false, "\(tool) \(transport): \(text(result))")
            // Every answer conforms to the tool's declared output schema.
            let schema = try #require(schemas[tool] ?? nil, "\(tool) declares an output schema")
            let structured = try #require(result.structuredContent)
            #expect(SchemaValidation.violations(of: structured, against: SchemaValidation.strict(schema)) == [], "\(tool) \(transport)")
            guard takesTransport else { continue }
            let guestTool = tool.hasPrefix("proxmox_vm_") || tool.hasPrefix("proxmox_ct_") || tool.hasPrefix("proxmox_guest_")
            let hasCLIForm = guestTool && tool != "proxmox_vm_list" && tool != "proxmox_ct_list"
                || ["proxmox_backup_create", "proxmox_backup_restore"].contains(tool)
            let ran = result.structuredContent?.objectValue?["transport"]?.stringValue
            #expect(ran == (transport == "ssh" && hasCLIForm ? "cli" : "api"), "\(tool) \(transport)")
        }
        // Every tool's error result keeps the contract too: no structuredContent for the schema to
        // contradict, the one-line error as text, the typed details in _meta.
        for tool in Set(Self.script.map(\.0)).sorted() {
            let refused = try await server.call(tool, ["vmid": 100, "sweep_bogus": 1])
            #expect(refused.isError == true, "\(tool)")
            #expect(refused.structuredContent == nil, "\(tool)")
            #expect(refused.errorDetails["reason"] == "invalid_argument", "\(tool)")
            #expect(refused.errorDetails["field"] == "sweep_bogus", "\(tool)")
            #expect(text(refused).hasPrefix("invalid sweep_bogus: "), "\(tool): \(text(refused))")
            #expect(!text(refused).contains("\n"), "\(tool)")
        }
        let vms = try await server.call("proxmox_vm_list")
        #expect(vms.structuredContent?.objectValue?["vms"]?.arrayValue?.compactMap { $0.objectValue?["vmid"]?.intValue } == [100, 101, 102, 103, 104, 9000, 9001])
        // The container password never reached a log or a result.
        #expect(!(try String(contentsOfFile: fixture.server.argvLogPath, encoding: .utf8)).isEmpty)
        let finished = await server.finish()
        #expect(!finished.stderr.contains("sweep-pass-1"))
        if guarded {
            // The guard was in the way all along: a command outside the allowlist is refused there.
            let probe = try await fixture.connection().execute("true", timeout: .seconds(10))
            #expect(probe.exitStatus == GuardMain.refusedStatus, "\(String(decoding: probe.stderr, as: UTF8.self))")
        }
    }
}
