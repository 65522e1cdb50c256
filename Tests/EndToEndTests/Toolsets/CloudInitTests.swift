import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing

@Suite struct CloudInitTests {
    static let password = "Cl0ud-Init-Secret!"
    static let keyBody = "AAAAC3NzaC1lZDI1NTE5AAAAIHc1bTJ4bGxmZ2VzdGtleWJvZHlmb3JjbG91ZGluaXQ"
    static let key = "ssh-ed25519 \(keyBody) admin@workstation"

    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_cloudinit", ["vmid": 103, "user": "admin", "ipconfig": ["0": "ip=10.0.0.5/24,gw=10.0.0.1"], "nameserver": "10.0.0.1"],
                  cli: ["qm config 103", "qm set 103 --ciuser admin --ipconfig0 'ip=10.0.0.5/24,gw=10.0.0.1' --nameserver 10.0.0.1", "qm cloudinit update 103"],
                  api: ["pvesh get /nodes/pve2/qemu/103/config --output-format json", "pvesh set /nodes/pve2/qemu/103/config --ciuser admin --ipconfig0 'ip=10.0.0.5/24,gw=10.0.0.1' --nameserver 10.0.0.1 --output-format json",
                        "pvesh set /nodes/pve2/qemu/103/cloudinit --output-format json"]),
        // SSH keys only have the pvesh form: qm set --sshkeys reads a file on the host.
        GoldenRow("proxmox_vm_cloudinit", ["vmid": 103, "password": .string(password), "ssh_keys": [.string(key)], "regenerate": false],
                  cli: ["qm config 103", "pvesh set /nodes/pve2/qemu/103/config --cipassword '<redacted>' --sshkeys '<redacted>' --output-format json"],
                  api: ["pvesh get /nodes/pve2/qemu/103/config --output-format json",
                        "pvesh set /nodes/pve2/qemu/103/config --cipassword '<redacted>' --sshkeys '<redacted>' --output-format json"]),
    ]

    static let sweep: [(String, [String: Value])] = [
        ("proxmox_vm_cloudinit", ["vmid": 100, "user": "sweep", "searchdomain": "lab.example"]),
        ("proxmox_vm_cloudinit", ["vmid": 100]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func fields(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    /// The password and key reach the host, and nothing else: not the result, not the text, not the
    /// audit log, not a recording, not a later config read.
    @Test(arguments: ["api", "cli"]) func secretsAppearNowhere(_ transport: String) async throws {
        let store = StateStore()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cloudinit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let auditPath = folder.appendingPathComponent("audit.jsonl").path
        let recordings = folder.appendingPathComponent("recorded")
        let runner = try RecordingRunner(recording: SimulatedRunner(store: store), into: recordings, secrets: [], source: "test")
        let environment = ToolEnvironment(engine: ProxmoxEngine(runner: runner, nodeRunners: SimulatedNodeRunners(store: store)),
                                          defaultTransport: .auto, simulated: true, auditLog: try AuditLog(path: auditPath, logger: .init(label: "audit")),
                                          toolsets: ToolsetSelection(["all"]))
        let result = await Golden.call("proxmox_vm_cloudinit", ["vmid": 103, "user": "admin", "password": .string(Self.password),
                                                                "ssh_keys": [.string(Self.key)], "ipconfig": ["0": "ip=10.0.0.5/24,gw=10.0.0.1"],
                                                                "transport": .string(transport)], environment: environment)
        #expect(result.isError == false, "\(result.content)")
        let fields = Self.fields(result)
        #expect(fields["changed"] == ["ciuser", "cipassword", "ipconfig0", "sshkeys"] && fields["regenerated"] == true)
        let user = try #require(fields["userData"]?.stringValue)
        #expect(user.contains("user: admin\npassword: <redacted>\nssh_authorized_keys:\n  - <redacted>\n"), "\(user)")
        #expect(fields["networkData"]?.stringValue?.contains("        address: '10.0.0.5'\n        netmask: '255.255.255.0'\n        gateway: '10.0.0.1'\n") == true)
        let read = await Golden.call("proxmox_vm_config_get", ["vmid": 103, "transport": .string(transport)], environment: environment)
        #expect(Self.fields(read)["config"]?.objectValue?["sshkeys"] == "<redacted>" && Self.fields(read)["config"]?.objectValue?["cipassword"] == "<redacted>")
        // The host got them: the config holds the hash and the URL-encoded key.
        let config = try #require(try store.read { $0.guests.first { $0.vmid == 103 }?.config })
        #expect(config["cipassword"]?.hasPrefix("$5$") == true && config["sshkeys"] == "ssh-ed25519%20\(Self.keyBody)%20admin%40workstation")
        var everything = "\(result.content)\(result.structuredContent.map { "\($0)" } ?? "")\(read.content)\(read.structuredContent.map { "\($0)" } ?? "")"
        everything += try String(contentsOfFile: auditPath, encoding: .utf8)
        for file in try FileManager.default.contentsOfDirectory(atPath: recordings.path) {
            everything += try String(contentsOf: recordings.appendingPathComponent(file), encoding: .utf8)
        }
        #expect(everything.contains("cipassword") && everything.contains("<redacted>"))
        for secret in [Self.password, Self.keyBody, "ssh-ed25519%20", String(config["cipassword"]!.dropFirst(7))] {
            #expect(!everything.contains(secret), "\(secret) leaked")
        }
    }

    @Test func badSettingsAreRefusedBeforeAnythingRuns() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let config = try store.read { $0.guests.first { $0.vmid == 103 }?.config }
        let cases: [([String: Value], String)] = [
            (["ipconfig": ["0": "ip=10.0.0.5"]], "ipconfig.0"), (["ipconfig": ["0": "ip=dhcp,gw=10.0.0.1"]], "ipconfig.0"),
            (["ipconfig": ["0": "ip=300.0.0.5/24"]], "ipconfig.0"), (["ipconfig": ["0": "ip=10.0.0.5/24;reboot"]], "ipconfig.0"),
            (["ipconfig": ["32": "ip=dhcp"]], "ipconfig"), (["ipconfig": ["0": "dns=1.1.1.1"]], "ipconfig.0"),
            (["ssh_keys": ["not a key"]], "ssh_keys[0]"), (["ssh_keys": ["ssh-ed25519 AAAA\nrm -rf /"]], "ssh_keys[0]"),
            (["password": "abc"], "password"), (["user": "a\nb"], "user"),
        ]
        for (arguments, field) in cases {
            let result = await Golden.call("proxmox_vm_cloudinit", arguments.merging(["vmid": 103]) { $1 }, environment: environment)
            #expect(result.errorDetails["reason"] == "invalid_argument" && result.errorDetails["field"] == .string(field), "\(arguments): \(result.content)")
        }
        #expect(try store.read { $0.guests.first { $0.vmid == 103 }?.config } == config)
        let container = await Golden.call("proxmox_vm_cloudinit", ["vmid": 200, "user": "x"], environment: environment)
        #expect(container.errorDetails["field"] == "vmid")
    }

    @Test func withoutSettingsItShowsWhatTheGuestReads() async throws {
        let result = await Golden.call("proxmox_vm_cloudinit", ["vmid": 103])
        #expect(result.isError == false)
        #expect(Self.fields(result)["userData"]?.stringValue?.hasPrefix("#cloud-config\nhostname: ci-runner\nmanage_etc_hosts: true\nfqdn: ci-runner\nuser: debian\n") == true)
        #expect(Self.fields(result)["networkData"]?.stringValue?.contains("      - type: dhcp4\n") == true)
        #expect(Golden.commands(result) == ["cat /etc/pve/nodes/pve2/qemu-server/103.conf", "qm cloudinit dump 103 user", "qm cloudinit dump 103 network"])
        // No drive: said, and nothing to show.
        let none = await Golden.call("proxmox_vm_cloudinit", ["vmid": 100])
        #expect(Self.fields(none)["notes"] == ["VM 100 has no cloud-init drive, so the guest reads no cloud-init data"])
    }
}
