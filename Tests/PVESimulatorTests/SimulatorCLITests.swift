import Foundation
import ProxmoxCore
import PVESimulator
import Testing
import TestSupport

@Suite struct SimulatorCLITests {
    func run(_ program: String, _ arguments: [String], store: StateStore = StateStore(),
             environment: [String: String] = [:]) -> CommandOutput {
        SimulatorCLI.run(program: program, arguments: arguments, environment: environment, store: store)
    }

    /// The host-cost model: a Proxmox tool waits PVE_SIM_STARTUP_MS before answering (in-process and
    /// as the pve-sim binary), other programs and an unset variable do not.
    @Test func hostCostModelDelaysEveryProxmoxToolStart() async throws {
        #expect(SimulatorCLI.startupDelay(program: "pvesh", environment: ["PVE_SIM_STARTUP_MS": "300"]) == .milliseconds(300))
        #expect(SimulatorCLI.startupDelay(program: "qm", environment: ["PVE_SIM_STARTUP_MS": "300"]) == .milliseconds(300))
        #expect(SimulatorCLI.startupDelay(program: "cat", environment: ["PVE_SIM_STARTUP_MS": "300"]) == nil)
        #expect(SimulatorCLI.startupDelay(program: "pvesh", environment: [:]) == nil)
        #expect(SimulatorCLI.startupDelay(program: "pvesh", environment: ["PVE_SIM_STARTUP_MS": "soon"]) == nil)
        let runner = SimulatedRunner(environment: ["PVE_SIM_STARTUP_MS": "250"])
        let started = ContinuousClock.now
        let output = try await runner.run(CommandForm.pvesh("get", "/version"))
        #expect(output.exitStatus == 0)
        #expect(ContinuousClock.now - started >= .milliseconds(250))
        let binary = ContinuousClock.now
        let result = try Subprocess.run(try Paths.binary("pve-sim"), ["pvesh", "get", "/version", "--output-format", "json"],
                                        environment: ["PVE_SIM_STARTUP_MS": "250", "PATH": "/usr/bin:/bin"])
        #expect(result.stdout.contains(#""release":"9.1""#))
        #expect(ContinuousClock.now - binary >= .milliseconds(250))
    }

    @Test func nodesAnswerInPveshsExactFormat() throws {
        let output = run("pvesh", ["get", "/nodes", "--output-format", "json"])
        #expect(output.exitStatus == 0)
        #expect(output.stderr.isEmpty)
        let text = output.stdoutText
        #expect(text.hasSuffix("}]\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        #expect(text.hasPrefix(#"[{"cpu":0.0412,"disk":9126805504,"id":"node/pve1","level":"","maxcpu":16,"#))
        #expect(text.contains(#"{"id":"node/pve3","node":"pve3","ssl_fingerprint":"#))
        // What the engine's parser reads back from it.
        let nodes = try NodeSummary.parseList(JSONValue.parse(output.stdout))
        #expect(nodes.map(\.node) == ["pve1", "pve2", "pve3"])
        #expect(nodes.map(\.status) == ["online", "online", "offline"])
        #expect(nodes[2].cpu == nil)
        // Re-rendering what was printed gives the same bytes: keys sorted, compact, one newline.
        #expect(PerlJSONStyle.compact(try JSONValue.parse(output.stdout)) == text)
    }

    @Test func clusterResourcesOfTypeVM() throws {
        let output = run("pvesh", ["get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
        let guests = try GuestSummary.parseList(JSONValue.parse(output.stdout))
        #expect(guests.map(\.vmid) == [100, 101, 102, 103, 104, 200, 201, 202, 203, 9000, 9001])
        #expect(guests.filter { $0.type == .lxc }.map(\.vmid) == [200, 201, 202, 203])
        #expect(guests.first { $0.vmid == 104 }?.status == "running")  // paused: its QEMU process runs
        #expect(guests.first { $0.vmid == 202 }?.status == "unknown")  // its node is offline
        #expect(guests.first { $0.vmid == 9000 }?.template == true)
        #expect(guests.first { $0.vmid == 100 }?.tags == ["prod", "web"])
        #expect(output.stdoutText.contains(#""tags":"prod;web""#))
    }

    @Test func optionSpellingsAreEquivalent() {
        let reference = run("pvesh", ["get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
        for spelling in [["--type=vm", "--output-format=json"], ["-type", "vm", "-output-format", "json"]] {
            #expect(run("pvesh", ["get", "cluster/resources/"] + spelling) == reference)
        }
    }

    @Test func errorsLookLikeProxmox() {
        let noHandler = run("pvesh", ["get", "/nodes/pve1/nosuch", "--output-format", "json"])
        #expect(noHandler == CommandOutput(stdout: [], stderr: Array("No 'get' handler defined for '/nodes/pve1/nosuch'\n".utf8), exitStatus: 1))
        let badType = run("pvesh", ["get", "/cluster/resources", "--type", "disk"])
        #expect(badType.exitStatus == 255)
        #expect(badType.stderrText == "400 Parameter verification failed.\ntype: value 'disk' does not have a value in the enumeration 'vm, storage, node, sdn'\n\npvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n")
        let extra = run("pvesh", ["get", "/nodes", "--bogus", "1"])
        #expect(extra.stderrText == "400 Parameter verification failed.\nbogus: property is not defined in schema and the schema does not allow additional properties\n\npvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n")
        let verb = run("pvesh", ["fetch", "/nodes"])
        #expect(verb.exitStatus == 255)
        #expect(verb.stderrText.hasPrefix("ERROR: unknown command 'pvesh fetch'\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n"))
        let missing = run("ls", [])
        #expect(missing.exitStatus == 127)
    }

    @Test func qmListShowsTheLocalNodeOnly() {
        let pve1 = run("qm", ["list"])
        #expect(pve1.stdoutText == """
                  VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       
                   100 web01                running    4096              32.00 1100      
                   101 db01                 running    8192             100.00 1101      
                   104 staging-app          running    2048              32.00 1104      
                  9000 debian-12-template   stopped    2048              10.00 0         

            """)
        let pve2 = run("pct", ["list"], environment: ["PVE_SIM_NODE": "pve2"])
        #expect(pve2.stdoutText == """
            VMID       Status     Lock         Name                
            201        running                 proxy               

            """)
    }

    @Test func stateFileIsCreatedAndShared() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pve-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        #expect(!FileManager.default.fileExists(atPath: path))
        let first = StateStore(file: path)
        let before = run("pvesh", ["get", "/nodes", "--output-format", "json"], store: first)
        #expect(FileManager.default.fileExists(atPath: path))
        // A change made through one store is seen by another process's store on the same file.
        try first.modify { cluster in cluster.nodes[1].online = false }
        let second = StateStore(file: path)
        let after = try NodeSummary.parseList(JSONValue.parse(
            run("pvesh", ["get", "/nodes", "--output-format", "json"], store: second).stdout))
        #expect(after.map(\.status) == ["online", "offline", "offline"])
        #expect(before != run("pvesh", ["get", "/nodes", "--output-format", "json"], store: second))
        // A corrupt file is reported plainly, as the simulator's problem.
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = run("pvesh", ["get", "/nodes"], store: StateStore(file: path))
        #expect(broken.exitStatus == 2)
        #expect(broken.stderrText.hasPrefix("pve-sim (simulated Proxmox): state file \(path) is not a simulator state"))
    }

    @Test func inProcessRunnerMatchesTheCLI() async throws {
        let runner = SimulatedRunner()
        let output = try await runner.run(Command(["pvesh", "get", "/nodes", "--output-format", "json"], isReadOnly: true))
        #expect(output.stdout == run("pvesh", ["get", "/nodes", "--output-format", "json"]).stdout)
        let engine = ProxmoxEngine(runner: runner)
        let vms = try await engine.listGuests(kind: .qemu, node: try NodeName("pve1"))
        #expect(vms.value.map(\.vmid) == [100, 101, 104, 9000])
        #expect(vms.command.argv == ["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
    }

    /// Parsing and rendering back must reproduce pvesh's bytes exactly: the simulator relies on it.
    @Test(arguments: ["samples/pvesh-get-nodes.json", "samples/pvesh-get-cluster-resources.json",
                      "samples/pvesh-get-cluster-status.json", "samples/pvesh-get-qemu-VMID-status-current.json"])
    func compactJSONRoundTripsByteForByte(_ name: String) throws {
        let original = try Paths.fixtureBytes(name)
        let rendered = PerlJSONStyle.compact(try JSONValue.parse(original))
        #expect(Array(rendered.utf8) == original)
    }

    @Test func prettyJSONRoundTripsByteForByte() throws {
        let original = try Paths.fixtureBytes("samples/pvesh-get-lxc-VMID-config.pve7.json-pretty.txt")
        let rendered = PerlJSONStyle.pretty(try JSONValue.parse(original))
        #expect(String(decoding: original, as: UTF8.self) == rendered)
    }
}
