import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

/// The safety policy, the audit log and secrets, through the built server, a real sshd and the simulator.
@Suite struct PolicyOverSSHTests {
    func start(_ fixture: SSHFixture, extra: [String: String]) async throws -> ServerProcess {
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment.merging(extra) { $1 },
                                       workingDirectory: fixture.server.directory.path)
        _ = try await server.connect()
        return server
    }

    func object(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    @Test func readOnlyListsAndRunsOnlyToolsThatChangeNothing() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture, extra: ["PROXMOX_READ_ONLY": "true"])
        let listed = try await server.client.listTools().tools.map(\.name)
        #expect(listed == ["proxmox_vm_list", "proxmox_ct_list", "proxmox_vm_snapshot_list", "proxmox_ct_snapshot_list",
                           "proxmox_vm_config_get", "proxmox_ct_config_get", "proxmox_node_list", "proxmox_node_status",
                           "proxmox_cluster_status", "proxmox_storage_list", "proxmox_storage_content",
                           "proxmox_api_describe", "proxmox_api_get"])
        for (tool, arguments) in [("proxmox_vm_stop", ["vmid": Value.int(100)]), ("proxmox_vm_config", ["vmid": 100]),
                                  ("proxmox_ct_snapshot_create", ["vmid": 203, "snapshot": "s1", "dryRun": true])] {
            let refused = try await server.call(tool, arguments)
            #expect(refused.isError == true)
            #expect(text(refused) == "\(tool) is not available: the server runs read-only (readOnly), only tools that change nothing are offered; nothing ran")
            #expect(refused.errorDetails["reason"] == "refused")
        }
        #expect(try fixture.server.receivedArgv().isEmpty)
        let read = try await server.call("proxmox_vm_list")
        #expect(read.isError == false)
        _ = await server.finish()
    }

    @Test func protectedGuestsAreNeverStoppedRolledBackReconfiguredOrDeleted() async throws {
        let fixture = try SSHFixture()
        let server = try await start(fixture, extra: ["PROXMOX_PROTECTED_VMIDS": "100,203"])
        let refusals: [(String, [String: Value])] = [
            ("proxmox_vm_stop", ["vmid": 100]), ("proxmox_vm_shutdown", ["vmid": 100]), ("proxmox_vm_restart", ["vmid": 100]),
            ("proxmox_vm_delete", ["vmid": 100, "confirm": true]), ("proxmox_vm_snapshot_restore", ["vmid": 100, "snapshot": "pre-upgrade"]),
            ("proxmox_vm_snapshot_delete", ["vmid": 100, "snapshot": "pre-upgrade"]), ("proxmox_vm_config", ["vmid": 100, "set": ["cores": 8]]),
            ("proxmox_vm_config", ["vmid": 100, "delete": ["tags"]]), ("proxmox_vm_stop", ["vmid": 100, "dryRun": true]),
            ("proxmox_ct_stop", ["vmid": 203]), ("proxmox_ct_restart", ["vmid": 203]), ("proxmox_ct_delete", ["vmid": 203, "confirm": true]),
            ("proxmox_ct_snapshot_restore", ["vmid": 203, "snapshot": "base"]), ("proxmox_ct_snapshot_delete", ["vmid": 203, "snapshot": "base"]),
        ]
        for (tool, arguments) in refusals {
            let refused = try await server.call(tool, arguments)
            let vmid = arguments["vmid"]!.intValue!
            #expect(text(refused) == "\(tool) refused: guest \(vmid) is protected (protectedVmids), it is never stopped, rolled back, reconfigured or deleted; nothing ran")
            #expect(refused.errorDetails["reason"] == "refused")
        }
        #expect(try fixture.server.receivedArgv().isEmpty)
        // Reading, snapshotting and cloning a protected guest stay allowed, as does changing another guest.
        for (tool, arguments) in [("proxmox_vm_config", ["vmid": Value.int(100)]), ("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "keep1"]),
                                  ("proxmox_vm_stop", ["vmid": 101, "confirm": true])] {
            let allowed = try await server.call(tool, arguments)
            #expect(allowed.isError == false, "\(tool): \(text(allowed))")
        }
        _ = await server.finish()
    }

    @Test func auditLogHasOneParsableLinePerChangingCallAndNoSecret() async throws {
        let fixture = try SSHFixture()
        try StateStore(file: fixture.server.statePath).modify { cluster in
            cluster.faults.failingTasks["qmreboot:100"] = "VM 100 qmp command 'system_reset' failed"
        }
        let auditPath = fixture.server.directory.appendingPathComponent("audit.jsonl").path
        let server = try await start(fixture, extra: ["PROXMOX_AUDIT_LOG": auditPath, "PROXMOX_PROTECTED_VMIDS": "9000"])
        let password = "Pl3ase-never-log-me"
        _ = try await server.call("proxmox_vm_list")                                             // a read: not audited
        _ = try await server.call("proxmox_vm_config", ["vmid": 100])                            // a read: not audited
        let created = try await server.call("proxmox_ct_create", [
            "vmid": 300, "hostname": "audited", "ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
            "password": .string(password)])
        #expect(created.isError == false, "\(text(created))")
        _ = try await server.call("proxmox_vm_stop", ["vmid": 101, "dryRun": true])
        _ = try await server.call("proxmox_vm_delete", ["vmid": 9000, "confirm": true])
        _ = try await server.call("proxmox_vm_restart", ["vmid": 100, "transport": "api"])
        _ = try await server.call("proxmox_vm_config", ["vmid": 101, "set": ["cipassword": .string(password), "cores": 2]])
        _ = await server.finish()

        let text = try String(contentsOfFile: auditPath, encoding: .utf8)
        #expect(!text.contains(password))
        let attributes = try FileManager.default.attributesOfItem(atPath: auditPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let lines = try text.split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
        #expect(lines.map { $0["tool"]?.stringValue } == ["proxmox_ct_create", "proxmox_vm_stop", "proxmox_vm_delete",
                                                          "proxmox_vm_restart", "proxmox_vm_config"])
        #expect(lines.map { $0["outcome"]?.stringValue } == ["ok", "dry_run", "refused", "error", "ok"])
        #expect(lines.allSatisfy { $0["time"]?.stringValue?.hasSuffix("Z") == true })
        let create = lines[0]
        #expect(create["arguments"]?["password"] == .string("<redacted>"))
        #expect(create["arguments"]?["hostname"] == "audited")
        #expect(create["transport"] == "cli")
        #expect(create["commands"]?.arrayValue?.first?.stringValue?.hasPrefix("pct create 300 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --hostname audited") == true)
        #expect(create["commands"]?.arrayValue?.first?.stringValue?.contains("--password '<redacted>'") == true)
        #expect(create["taskStatus"] == "stopped" && create["taskExitStatus"] == "OK")
        #expect(lines[1]["commands"] == .array([]))
        #expect(lines[1]["message"]?.stringValue?.hasPrefix("dry run, nothing ran") == true)
        #expect(lines[2]["message"]?.stringValue?.contains("protected") == true)
        let failed = lines[3]
        #expect(failed["commands"] == .array([.string("pvesh create /nodes/pve1/qemu/100/status/reboot --output-format json")]))
        #expect(failed["upid"]?.stringValue?.hasPrefix("UPID:pve1:") == true)
        #expect(failed["message"]?.stringValue?.contains("system_reset") == true)
        #expect(lines[4]["arguments"]?["set"]?["cipassword"] == .string("<redacted>"))
        #expect(lines[4]["commands"] == .array([.string("qm set 101 --cipassword '<redacted>' --cores 2")]))
    }

    @Test func configuredSecretsAppearInNoOutput() async throws {
        let fixture = try SSHFixture()
        let passphrase = "phrase-7Qx-secret"
        let password = "pw-9Kz-secret"
        let tokenSecret = "0c6e2d1a-token-secret"
        let key = try fixture.server.generateKey("locked_ed25519", passphrase: passphrase)
        try fixture.server.authorize(publicKey: key + ".pub")
        let auditPath = fixture.server.directory.appendingPathComponent("audit.jsonl").path
        let environment = [
            "PROXMOX_SSH_KEY_PATH": key, "PROXMOX_SSH_KEY_PASSPHRASE": passphrase, "PROXMOX_SSH_PASSWORD": password,
            "PROXMOX_API_TOKEN_ID": "root@pam!mcp", "PROXMOX_API_TOKEN_SECRET": tokenSecret, "PROXMOX_SSH_AGENT": "false",
            "PROXMOX_AUDIT_LOG": auditPath, "PROXMOX_LOG_LEVEL": "trace",
        ]
        var outputs: [String] = []
        let server = try await start(fixture, extra: environment)
        for (tool, arguments) in [("proxmox_node_list", [String: Value]()), ("proxmox_vm_start", ["vmid": 102]),
                                  ("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "s1"]), ("proxmox_vm_delete", ["vmid": 100])] {
            let result = try await server.call(tool, arguments)
            outputs.append(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        }
        #expect(outputs[1].contains("\"isError\":false"), "the key with its passphrase logged in")
        let finished = await server.finish()
        outputs.append(finished.stderr)
        outputs.append(try String(contentsOfFile: auditPath, encoding: .utf8))
        // A failing login (wrong passphrase, wrong password) says why without repeating either.
        let failing = try await start(fixture, extra: environment.merging(["PROXMOX_SSH_KEY_PASSPHRASE": passphrase + "x"]) { $1 })
        let refused = try await failing.call("proxmox_node_list")
        #expect(refused.isError == true)
        outputs.append(String(decoding: try JSONEncoder().encode(refused), as: UTF8.self))
        outputs.append(await failing.finish().stderr)
        // doctor shows the configuration, masked.
        let doctor = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["doctor"],
                                        environment: fixture.serveEnvironment.merging(environment) { $1 },
                                        workingDirectory: fixture.server.directory.path, check: false)
        outputs += [doctor.stdout, doctor.stderr]
        #expect(doctor.stdout.contains("sshKeyPassphrase  *** (set)"), "\(doctor.stderr)")
        var found = 0
        for output in outputs {
            for secret in [passphrase, password, tokenSecret] {
                #expect(!output.contains(secret), "a secret leaked into: \(output.prefix(300))")
                if output.contains(secret) { found += 1 }
            }
        }
        let test = "configuredSecretsAppearInNoOutput"
        ReliabilityReport.record("Secrets", "secrets configured (key passphrase, SSH password, API token secret); outputs searched",
                                 "3; \(outputs.count) (results, server stderr at trace level, audit log, a failed login, doctor)", test: test)
        ReliabilityReport.record("Secrets", "bytes searched; occurrences found", "\(outputs.map(\.utf8.count).reduce(0, +)); \(found)", test: test)
    }
}
