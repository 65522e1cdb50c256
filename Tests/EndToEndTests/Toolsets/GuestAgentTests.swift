import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing

@Suite struct GuestAgentTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_agent_info", ["vmid": 100],
                  cli: ["network-get-interfaces", "get-osinfo", "get-host-name", "get-fsinfo"].map { "qm guest cmd 100 \($0)" },
                  api: ["network-get-interfaces", "get-osinfo", "get-host-name", "get-fsinfo"].map { "pvesh get /nodes/pve1/qemu/100/agent/\($0) --output-format json" }),
        GoldenRow("proxmox_ct_interfaces", ["vmid": 200], both: ["pvesh get /nodes/pve1/lxc/200/interfaces --output-format json"]),
        GoldenRow("proxmox_vm_agent_exec", ["vmid": 100, "command": ["df", "-h"]],
                  cli: ["qm guest exec 100 --timeout 30 -- df -h"],
                  api: ["pvesh create /nodes/pve1/qemu/100/agent/exec --command df '--command=-h' --output-format json"]),
        GoldenRow("proxmox_ct_exec", ["vmid": 200, "command": ["systemctl", "is-active", "ssh"]], both: ["pct exec 200 -- systemctl is-active ssh"]),
    ]

    static let sweep: [(String, [String: Value])] = [
        ("proxmox_vm_start", ["vmid": 100]),
        ("proxmox_vm_agent_info", ["vmid": 100]),
        ("proxmox_ct_interfaces", ["vmid": 200]),
        ("proxmox_vm_agent_exec", ["vmid": 100, "command": ["uptime"], "confirm": true]),
        ("proxmox_ct_exec", ["vmid": 200, "command": ["df", "-h"], "confirm": true]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func fields(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    @Test(arguments: ["api", "cli"]) func theAgentTellsTheAddresses(_ transport: String) async throws {
        let result = await Golden.call("proxmox_vm_agent_info", ["vmid": 100, "transport": .string(transport)])
        #expect(result.isError == false, "\(result.content)")
        let fields = Self.fields(result)
        #expect(fields["hostname"] == "web01")
        #expect(fields["os"]?.objectValue?["prettyName"] == "Debian GNU/Linux 12 (bookworm)")
        let interfaces = fields["interfaces"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(interfaces.map { $0["name"] } == ["lo", "ens18"])
        #expect(interfaces.last?["mac"] == "bc:24:11:00:00:64")
        #expect(interfaces.last?["addresses"] == [["address": "192.0.2.110", "family": "ipv4", "prefix": 24],
                                                   ["address": "fe80::be24:11ff:fe00:0064", "family": "ipv6", "prefix": 64]])
        #expect(fields["filesystems"]?.arrayValue?.first?.objectValue?["mountpoint"] == "/")
        #expect(result.content.first.map { "\($0)" }?.contains("VM 100 (web01): ens18 192.0.2.110/24") == true)
    }

    /// Not configured and not answering are two different errors, each with what to do.
    @Test func anAgentThatIsOffOrSilentIsToldApart() async throws {
        let silent = await Golden.call("proxmox_vm_agent_info", ["vmid": 101])
        #expect(silent.errorDetails["reason"] == "agent_not_running")
        #expect(silent.errorDetails["message"]?.stringValue?.contains("the agent is enabled for VM 101 but does not answer") == true)
        let off = await Golden.call("proxmox_vm_agent_info", ["vmid": 103, "transport": "api"])
        #expect(off.isError == false, "103 has the agent and it answers")
        let unconfigured = await Golden.call("proxmox_vm_agent_info", ["vmid": 104])
        #expect(unconfigured.errorDetails["reason"] == "agent_not_configured")
        #expect(unconfigured.errorDetails["message"]?.stringValue?.hasPrefix("pvesh failed (exit 255): No QEMU guest agent configured: enable it with proxmox_vm_config") == true,
                "\(unconfigured.errorDetails)")
        let stopped = await Golden.call("proxmox_vm_agent_info", ["vmid": 102])
        #expect(stopped.errorDetails["reason"] == "not_running")
    }

    @Test func containerAddressesComeFromTheHost() async throws {
        let result = await Golden.call("proxmox_ct_interfaces", ["vmid": 201])
        let eth0 = Self.fields(result)["interfaces"]?.arrayValue?.compactMap(\.objectValue).first { $0["name"] == "eth0" }
        #expect(eth0?["addresses"]?.arrayValue?.first == ["address": "192.0.2.11", "family": "ipv4", "prefix": 24], "\(result.content)")
        let stopped = await Golden.call("proxmox_ct_interfaces", ["vmid": 203])
        #expect(stopped.errorDetails["reason"] == "not_running")
    }

    @Test(arguments: ["api", "cli"]) func allowedProgramsRunAndReturnTheirOutput(_ transport: String) async throws {
        let result = await Golden.call("proxmox_vm_agent_exec", ["vmid": 100, "command": ["uptime"], "confirm": true, "transport": .string(transport)])
        #expect(result.isError == false, "\(result.content)")
        #expect(Self.fields(result)["exitCode"] == 0 && Self.fields(result)["exited"] == true)
        #expect(Self.fields(result)["stdout"] == " 10:00:00 up 13 days,  2 users,  load average: 0.08, 0.03, 0.01\n")
        let inactive = await Golden.call("proxmox_ct_exec", ["vmid": 200, "command": ["systemctl", "is-active", "nginx"], "confirm": true])
        #expect(inactive.isError == false, "a non-zero exit is the program's answer, not a failure")
        #expect(Self.fields(inactive)["exitCode"] == 3 && Self.fields(inactive)["stdout"] == "inactive\n")
    }

    @Test func programsOutsideTheListOrAsAShellLineRunNothing() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let before = try store.read { $0.tasks.count }
        let outside = await Golden.call("proxmox_ct_exec", ["vmid": 200, "command": ["rm", "-rf", "/"], "confirm": true], environment: environment)
        #expect(outside.errorDetails["reason"] == "refused")
        #expect(outside.errorDetails["message"] == "rm is not an allowed program; guestExec allows: df, uptime, systemctl; nothing ran")
        #expect(Golden.commands(outside).isEmpty)
        let shell = await Golden.call("proxmox_vm_agent_exec", ["vmid": 100, "command": ["df -h; id"], "confirm": true], environment: environment)
        #expect(shell.errorDetails["reason"] == "invalid_argument" && shell.errorDetails["field"] == "command")
        let launcher = await Golden.call("proxmox_ct_exec", ["vmid": 200, "command": ["/bin/bash", "-c", "id"], "confirm": true], environment: environment)
        #expect(launcher.errorDetails["message"] == "bash runs other programs or a shell, which guestExec never allows; nothing ran")
        let unconfirmed = await Golden.call("proxmox_ct_exec", ["vmid": 200, "command": ["df"]], environment: environment)
        #expect(unconfirmed.errorDetails["reason"] == "refused")
        #expect(try store.read { $0.tasks.count } == before)
        // Without guestExec the exec tools are neither listed nor callable.
        let off = ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: store)), defaultTransport: .auto, simulated: true,
                                  toolsets: ToolsetSelection(["all"]))
        #expect(!off.tools.map(\.name).contains("proxmox_ct_exec") && !off.tools.map(\.name).contains("proxmox_vm_agent_exec"))
        #expect(off.tools.map(\.name).contains("proxmox_vm_agent_info"))
        let refused = await Golden.call("proxmox_ct_exec", ["vmid": 200, "command": ["df"], "confirm": true], environment: off)
        #expect(refused.errorDetails["message"]?.stringValue?.hasPrefix("proxmox_ct_exec is off: an operator must list the programs it may run in guestExec") == true)
    }

    @Test func aLauncherCannotBeConfigured() {
        func problems(_ value: String) -> [String] {
            Configuration.load(ConfigurationInputs(arguments: ["--guest-exec", value], environment: [:], workingDirectory: "/nonexistent",
                                                   home: "/nonexistent")).problems
        }
        #expect(problems("df,bash") == ["guestExec = 'df,bash' (flag --guest-exec) has bash, which run other programs or a shell and are never allowed"])
        #expect(problems("df,uptime,/usr/bin/systemctl") == [])
        #expect(problems("df;id").count == 1 && problems("bin/df").count == 1)
    }
}
