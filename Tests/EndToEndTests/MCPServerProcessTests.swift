import Foundation
import MCP
import ProxmoxMCP
import Testing
import TestSupport

/// The built `mcp-proxmox-admin serve` binary, driven over stdio by the swift-sdk's MCP client.
/// Sendable so tests can call it from several tasks: calls go through the client, an actor.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let client: Client
    private let toServer = Pipe()
    private let fromServer = Pipe()
    /// stderr goes to a file, not a pipe: a pipe nobody drains fills up (64 KiB) and then blocks
    /// the server at its next log line.
    private let errorsPath = NSTemporaryDirectory() + "server-stderr-\(UUID().uuidString).log"

    /// Runs in `workingDirectory` (default: the temporary folder), so that a developer's own `.env`
    /// or `proxmox-config.json` in the package folder never reaches the tests.
    init(arguments: [String], environment: [String: String], workingDirectory: String = NSTemporaryDirectory(),
         capabilities: Client.Capabilities = .init()) throws {
        client = Client(name: "end-to-end-test", version: "1", capabilities: capabilities)
        process.executableURL = URL(fileURLWithPath: try Paths.binary("mcp-proxmox-admin"))
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        process.standardInput = toServer
        process.standardOutput = fromServer
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorsPath)
        try process.run()
    }

    func connect() async throws -> Initialize.Result {
        let transport = LineTransport(input: fromServer.fileHandleForReading.fileDescriptor,
                                      output: toServer.fileHandleForWriting.fileDescriptor)
        return try await client.connect(transport: transport)
    }

    /// The whole result, including `structuredContent` (the SDK's `callTool` drops it).
    func call(_ name: String, _ arguments: [String: Value] = [:]) async throws -> CallTool.Result {
        try await client.send(CallTool.request(.init(name: name, arguments: arguments))).value
    }

    /// Closes stdin, waits for the exit and returns what the server wrote to stderr.
    func finish() async -> (status: Int32, stderr: String) {
        await client.disconnect()
        try? toServer.fileHandleForWriting.close()
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errorsPath)
        return (process.terminationStatus, stderr)
    }
}

func text(_ result: CallTool.Result) -> String {
    result.content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined()
}

@Suite struct MCPServerProcessTests {
    @Test func realSSHPathFromMCPClientToSimulatorBehindSshd() async throws {
        let fixture = try SSHFixture()
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment)
        let initialized = try await server.connect()
        #expect(initialized.serverInfo.name == "mcp-proxmox-admin")
        #expect(initialized.capabilities.tools != nil)

        let (tools, _) = try await server.client.listTools()
        #expect(tools.map(\.name) == ToolListSize.tools(["core"]).map(\.name))
        let listTool = try #require(tools.first { $0.name == "proxmox_vm_list" })
        #expect(listTool.annotations.readOnlyHint == true && listTool.annotations.destructiveHint == false)
        #expect(tools.first { $0.name == "proxmox_vm_delete" }?.annotations.destructiveHint == true)
        #expect(listTool.inputSchema.objectValue?["properties"]?.objectValue?["transport"]?.objectValue?["enum"]
            == ["cli", "api", "auto", "ssh"])

        let nodes = try await server.call("proxmox_node_list")
        #expect(nodes.isError == false)
        let nodeList = nodes.structuredContent?.objectValue?["nodes"]?.arrayValue ?? []
        #expect(nodeList.compactMap { $0.objectValue?["node"]?.stringValue } == ["pve1", "pve2", "pve3"])
        #expect(nodeList.first?.objectValue?["maxcpu"] == 16)
        #expect(nodes.structuredContent?.objectValue?["commands"] == ["pvesh get /nodes --output-format json"])
        #expect(nodes.structuredContent?.objectValue?["simulated"] == nil)
        #expect(text(nodes).hasPrefix("pve1  online  cpu 4.1% of 16"))

        let vms = try await server.call("proxmox_vm_list", ["node": "pve1", "transport": "api"])
        let vmList = vms.structuredContent?.objectValue?["vms"]?.arrayValue ?? []
        #expect(vmList.compactMap { $0.objectValue?["vmid"]?.intValue } == [100, 101, 104, 9000])
        #expect(vmList.first?.objectValue?["name"] == "web01")
        #expect(vmList.first?.objectValue?["tags"] == ["prod", "web"])
        #expect(vmList.last?.objectValue?["template"] == true)
        #expect(vms.structuredContent?.objectValue?["transport"] == "api")

        let finished = await server.finish()
        #expect(finished.status == 0)
    }

    @Test func badInputIsRefusedBeforeAnythingRuns() async throws {
        let server = try ServerProcess(arguments: ["serve", "--simulator"], environment: ProcessInfo.processInfo.environment)
        _ = try await server.connect()
        let badNode = try await server.call("proxmox_vm_list", ["node": "pve1; reboot"])
        #expect(badNode.isError == true)
        #expect(text(badNode) == "[simulated cluster] invalid node: 'pve1; reboot' is not a node name (letters, digits and inner '-')")
        let badTransport = try await server.call("proxmox_node_list", ["transport": "https"])
        #expect(text(badTransport) == "[simulated cluster] invalid transport: 'https' is not one of cli, api, auto (ssh = cli)")
        let wrongType = try await server.call("proxmox_vm_list", ["node": 5])
        #expect(text(wrongType) == "[simulated cluster] invalid node: expected a string")
        let extra = try await server.call("proxmox_node_list", ["vmid": 100])
        #expect(text(extra) == "[simulated cluster] invalid vmid: unknown argument (accepted: transport)")
        await #expect(throws: MCPError.self) { try await server.call("proxmox_reboot_everything") }
        // Still serving after all that.
        let nodes = try await server.call("proxmox_node_list")
        #expect(nodes.isError == false)
        #expect(nodes.structuredContent?.objectValue?["simulated"] == true)
        #expect(text(nodes).hasPrefix("[simulated cluster] pve1  online"))
        let finished = await server.finish()
        #expect(finished.status == 0)
        #expect(finished.stderr.contains("serving a SIMULATED Proxmox cluster"))
    }

    @Test func missingConfigurationIsReportedOnStderr() async throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") }
        environment["PROXMOX_SSH_PORT"] = "70000"
        let result = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["serve", "--timeout", "soon"],
                                        environment: environment, check: false)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            mcp-proxmox-admin: configuration problems:
              - sshPort = '70000' (environment PROXMOX_SSH_PORT) is not a TCP port (1-65535)
              - timeout = 'soon' (flag --timeout) is not a whole number from 1000 to 86400000
              - host is not set (--host, PROXMOX_HOST or "host" in the config file): the Proxmox node to log in to; or run with --simulator

            """)
    }

    /// The simulator in `serve`/`call` honours its own variables: a state file keeps changes from
    /// one process to the next, and faults make a task fail as on a host.
    @Test func simulatorStateAndFaultsReachServeAndCall() throws {
        let folder = NSTemporaryDirectory() + "sim-state-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") && !$0.key.hasPrefix("PVE_SIM_") }
        environment["PVE_SIM_STATE"] = folder + "/cluster.json"
        let binary = try Paths.binary("mcp-proxmox-admin")
        let started = try Subprocess.run(binary, ["call", "proxmox_vm_start", "--simulator", "--args", #"{"vmid": 102}"#], environment: environment)
        #expect(started.stdout.contains("start VM 102: OK"))
        #expect(started.stderr.contains("serving a SIMULATED Proxmox cluster (no real host; state in \(folder)/cluster.json)"))
        let listed = try Subprocess.run(binary, ["call", "proxmox_vm_list", "--simulator", "--args", #"{"node": "pve2"}"#], environment: environment)
        #expect(listed.stdout.contains("102  win-test  running  on pve2"), "\(listed.stdout)")

        environment["PVE_SIM_FAULTS"] = #"{"failingTasks": {"qmstop:103": "VM 103 qmp command 'quit' failed - got timeout"}}"#
        let failed = try Subprocess.run(binary, ["call", "proxmox_vm_stop", "--simulator", "--args", #"{"vmid": 103, "confirm": true}"#],
                                        environment: environment, check: false)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("task failed: VM 103 qmp command 'quit' failed - got timeout"), "\(failed.stdout)")
        #expect(failed.stderr.contains("faults from PVE_SIM_FAULTS"))
    }

    /// `--version` and `version` need no host and no settings, and agree with serverInfo.version.
    @Test func versionNeedsNothingAndAgreesWithServerInfo() async throws {
        let environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let binary = try Paths.binary("mcp-proxmox-admin")
        let flag = try Subprocess.run(binary, ["--version"], environment: environment)
        let command = try Subprocess.run(binary, ["version"], environment: environment)
        // A test build links the Swift runtime dynamically, and the release script stamps commit and date.
        #expect(flag.stdout == "mcp-proxmox-admin \(BuildInfo.version) (commit development, built development, dynamic Swift standard library)\n")
        #expect(command.stdout == flag.stdout)
        #expect(flag.stderr.isEmpty)
        let server = try ServerProcess(arguments: ["serve", "--simulator"], environment: ProcessInfo.processInfo.environment)
        let initialized = try await server.connect()
        #expect(initialized.serverInfo.version == BuildInfo.version)
        _ = await server.finish()
    }

    /// Command-line mistakes get one line each, exit status 2, and no usage dump.
    @Test(arguments: [
        (["call", "proxmox_vm_list", "--simulator", "--args", "{node:pve2}"],
         #"mcp-proxmox-admin: --args is not valid JSON: Invalid value around character 1, near 'node:pve2}' (example: --args '{"node": "pve2"}')"#),
        (["call", "proxmox_vm_list", "--simulator", "--args", "[100]"],
         #"mcp-proxmox-admin: --args must be a JSON object such as '{"vmid": 100}', not [100]"#),
        (["call", "proxmox_vm_lst", "--simulator"],
         "mcp-proxmox-admin: unknown tool 'proxmox_vm_lst' (did you mean proxmox_vm_list?); `mcp-proxmox-admin tools` lists them"),
        (["serve", "--simulator", "--bogus", "1"],
         "mcp-proxmox-admin: configuration problems:\n  - unknown option '--bogus 1' (see --help and docs/configuration.md)"),
        (["serve", "--simulator", "--ssh-usr", "admin"],
         "mcp-proxmox-admin: configuration problems:\n  - unknown option '--ssh-usr admin' (did you mean --ssh-user?) (see --help and docs/configuration.md)"),
    ])
    func commandLineMistakesAreOneLine(_ arguments: [String], _ expected: String) throws {
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") }
        let result = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), arguments, environment: environment, check: false)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == expected + "\n")
    }

    @Test func answersEverythingAskedBeforeEndOfInput() throws {
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":"two","method":"tools/call","params":{"name":"proxmox_node_list","arguments":{}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"proxmox_vm_list","arguments":{"node":"pve2"}}}"#,
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("requests-\(UUID().uuidString).jsonl")
        try (requests.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let binary = try Paths.binary("mcp-proxmox-admin")
        let result = try Subprocess.run("/bin/sh", ["-c", "exec \"$0\" serve --simulator < \"$1\"", binary, file.path])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let ids = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"].map { "\($0)" }
        }
        #expect(Set(ids) == ["1", "two", "3"])
        #expect(result.stdout.contains("102  win-test  stopped  on pve2"))
    }

    /// Tool calls are answered by the transport itself (DirectRequests), from the line as sent:
    /// exact JSON-RPC errors for a broken call, numbers read as the SDK reads them (`100.0` is an
    /// integer, `1.5` is not), a `data:` string kept as text, and no answer for a cancelled call.
    @Test func toolCallsAreReadFromTheLineAsSent() throws {
        let call = { (id: String, params: String) in #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":\#(params)}"# }
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            call(#""a""#, "{}"),
            call("2", #"{"name":"proxmox_vm_list","arguments":[1]}"#),
            call("3", #"{"name":"proxmox_vm_snapshot_create","arguments":{"vmid":100.0,"snapshot":"s9","description":"data:text/plain;base64,SGk=","dryRun":true}}"#),
            call("4", #"{"name":"proxmox_vm_start","arguments":{"vmid":100.5}}"#),
            call("5", #"{"name":"nope"}"#),
            call("6", #"{"name":"proxmox_vm_start","arguments":{"vmid":102,"transport":"api"}}"#),
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":6,"reason":"changed my mind"}}"#,
            #"{"jsonrpc":"2.0","id":7,"method":"ping"}"#,
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("requests-\(UUID().uuidString).jsonl")
        try (requests.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PROXMOX_") && !$0.key.hasPrefix("PVE_SIM_") }
        environment["PVE_SIM_FAULTS"] = #"{"slowTasks": {"qmstart:102": 60}}"#
        let binary = try Paths.binary("mcp-proxmox-admin")
        let result = try Subprocess.run("/bin/sh", ["-c", "exec \"$0\" serve --simulator < \"$1\"", binary, file.path], environment: environment)
        var answers: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            answers["\(object["id"] ?? "none")"] = object
        }
        #expect(Set(answers.keys) == ["1", "a", "2", "3", "4", "5", "7"], "the cancelled call 6 gets no answer: \(answers.keys)")
        func error(_ id: String) -> [String: Any]? { answers[id]?["error"] as? [String: Any] }
        #expect(error("a")?["code"] as? Int == -32602)
        #expect(error("a")?["message"] as? String == "Invalid params: tools/call needs name, the tool's name as a string")
        #expect(error("2")?["message"] as? String == "Invalid params: tools/call: arguments must be an object")
        #expect(error("5")?["message"] as? String == "Invalid params: unknown tool 'nope'")
        let snapshot = (answers["3"]?["result"] as? [String: Any])?["structuredContent"] as? [String: Any]
        #expect(snapshot?["commands"] as? [String] == ["qm snapshot 100 s9 --description 'data:text/plain;base64,SGk='"])
        #expect(snapshot?["vmid"] as? Int == 100)
        let refused = answers["4"]?["result"] as? [String: Any]
        #expect(refused?["isError"] as? Bool == true)
        let details = (refused?["_meta"] as? [String: Any])?["mcp-proxmox-admin/error"] as? [String: Any]
        #expect(details?["reason"] as? String == "invalid_argument")
        #expect(details?["field"] as? String == "vmid")
    }

    @Test func recordThenReplay() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let requests = FileManager.default.temporaryDirectory.appendingPathComponent("req-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: requests) }
        try ([#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
              #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"proxmox_vm_list","arguments":{"node":"pve2"}}}"#,
              #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"proxmox_node_list","arguments":{}}}"#]
            .joined(separator: "\n") + "\n").write(to: requests, atomically: true, encoding: .utf8)
        let binary = try Paths.binary("mcp-proxmox-admin")
        let script = "exec \"$0\" serve \"$@\" < \"$REQUESTS\""
        var environment = ProcessInfo.processInfo.environment
        environment["REQUESTS"] = requests.path
        try Subprocess.run("/bin/sh", ["-c", script, binary, "--simulator", "--record", directory.path], environment: environment)
        // The node lookup (the cluster's membership), the VM list and the node list: three commands, three files.
        let recorded = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(recorded.count == 3)
        #expect(Set(recorded.map { String($0.dropFirst(5)) }) == ["pvesh-get-cluster-status.json", "pvesh-get-cluster-resources.json", "pvesh-get-nodes.json"])
        // Replay answers the recorded calls without a host, and names what it lacks.
        try ([#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
              #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"proxmox_vm_list","arguments":{"node":"pve2","transport":"api"}}}"#,
              #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"proxmox_vm_list","arguments":{"node":"pve1"}}}"#]
            .joined(separator: "\n") + "\n").write(to: requests, atomically: true, encoding: .utf8)
        let replayed = try Subprocess.run("/bin/sh", ["-c", script, binary, "--replay", directory.path], environment: environment)
        #expect(replayed.stdout.contains("102  win-test  stopped  on pve2"))
        #expect(replayed.stdout.contains("103  ci-runner  running  on pve2"))
        #expect(!replayed.stdout.contains("[simulated cluster]"))
        // The pve1 listing runs the same command as the recorded pve2 one, so it is answered too.
        let lines = replayed.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains(#""id":4"#) && $0.contains("100  web01  running  on pve1") })
    }

    @Test func demoPrintsTheSimulatedCluster() throws {
        let result = try Subprocess.run(try Paths.binary("mcp-proxmox-admin"), ["demo"])
        #expect(result.stdout.contains("SIMULATED Proxmox VE cluster"))
        #expect(result.stdout.contains("Tools (\(ToolListSize.tools(["core"]).count)): proxmox_vm_list, proxmox_vm_start,"))
        #expect(result.stdout.contains("start VM 102: OK"))
        // The demo's slow start reports progress while it waits, naming the task.
        #expect(result.stdout.contains("  progress: running 1 s (UPID:pve2:"), "\(result.stdout)")
        #expect(result.stdout.contains("refused: [simulated cluster] deleting VM 102 on pve2 is irreversible: call again with confirm: true (nothing ran)"))
        #expect(result.stdout.contains("pve2  online  cpu 0.8% of 8"))
        #expect(result.stdout.contains("9000  debian-12-template  stopped  on pve1  (template)"))
        #expect(result.stdout.contains("refused: [simulated cluster] invalid node: 'pve2; rm -rf /'"))
    }
}
