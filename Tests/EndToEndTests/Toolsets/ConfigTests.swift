import MCP
import ProxmoxCore
import ProxmoxMCP
import Testing

@Suite struct ConfigTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_config_get", ["vmid": 101], cli: ["qm config 101"], api: ["pvesh get /nodes/pve1/qemu/101/config --output-format json"]),
        GoldenRow("proxmox_vm_config", ["vmid": 101], cli: ["qm config 101"], api: ["pvesh get /nodes/pve1/qemu/101/config --output-format json"]),
        GoldenRow("proxmox_vm_config", ["vmid": 100, "set": ["memory": 8192, "onboot": true, "description": "-leading dash"], "delete": ["tags", "ide2"],
                                        "digest": "0123456789abcdef0123456789abcdef01234567"],
                  cli: ["qm set 100 '--description=-leading dash' --memory 8192 --onboot 1 --delete tags,ide2 --digest 0123456789abcdef0123456789abcdef01234567"],
                  api: ["pvesh set /nodes/pve1/qemu/100/config '--description=-leading dash' --memory 8192 --onboot 1 --delete tags,ide2 --digest 0123456789abcdef0123456789abcdef01234567 --output-format json"]),
        GoldenRow("proxmox_ct_config_get", ["vmid": 203], cli: ["pct config 203"], api: ["pvesh get /nodes/pve1/lxc/203/config --output-format json"]),
        GoldenRow("proxmox_ct_config", ["vmid": 203, "set": ["memory": 1024, "cores": 2]],
                  cli: ["pct set 203 --cores 2 --memory 1024"], api: ["pvesh set /nodes/pve1/lxc/203/config --cores 2 --memory 1024 --output-format json"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    /// A read-only server lists a tool that reads a VM's configuration and one that reads a container's.
    @Test func readOnlyServerReadsConfigurations() async throws {
        let golden = Golden.environment()
        let environment = ToolEnvironment(engine: golden.engine, defaultTransport: .auto, simulated: true, readOnly: true)
        let names = environment.tools.map(\.name)
        #expect(names.contains("proxmox_vm_config_get") && names.contains("proxmox_ct_config_get"))
        #expect(!names.contains("proxmox_vm_config") && !names.contains("proxmox_ct_config"))
        let definition = try #require(ToolCatalog.all.first { $0.name == "proxmox_ct_config_get" })
        let result = await ProxmoxMCPServer.call(definition, ["vmid": 203], environment: environment, logger: .init(label: "test"))
        #expect(result.isError == false)
        #expect(result.structuredContent?.objectValue?["config"]?.objectValue?["hostname"]?.stringValue != nil)
    }
}
