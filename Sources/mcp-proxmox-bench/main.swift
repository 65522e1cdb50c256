import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import TestSupport

// The benchmark of the SSH path and the MCP server, on loopback: a real OpenSSH sshd started for
// the run, pve-sim behind it. Prints a table, writes JSON, and optionally docs/performance.md.
// Build with `swift build -c release`; run through scripts/bench.sh.

signal(SIGPIPE, SIG_IGN)
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
if let report = option("--reliability-report"), let output = option("--markdown") {
    // Not a benchmark: render docs/reliability.md from the figures the reliability tests recorded.
    let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map {
        try JSONDecoder().decode(ReliabilityReport.Figure.self, from: Data($0.utf8))
    }
    let date = Date().formatted(.iso8601.year().month().day())
    try ReliabilityReport.markdown(lines: lines, date: date).write(toFile: output, atomically: true, encoding: .utf8)
    exit(0)
}
let jsonPath = option("--json") ?? "bench.json"
let markdownPath = option("--markdown")
if let file = option("--parse-only") {
    // Profiling aid: parse one JSON file a few times (e.g. under valgrind --tool=callgrind).
    let bytes = Array(FileManager.default.contents(atPath: file) ?? Data())
    for _ in 0..<10 { _ = try GuestSummary.parseList(records: try JSONValue.parseRecords(bytes) ?? []) }
    exit(0)
}
if arguments.contains("--fleet-only") {
    // The fleet figures alone (a quicker run while working on them); prints, writes nothing.
    let host = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"))
    let figures = try await FleetScale.measure(sshd: host)
    host.stop()
    for figure in figures {
        print(Measurement(name: figure.name, samples: figure.samples, target: figure.target, unit: figure.unit).row)
    }
    exit(0)
}

let server = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"))
defer { server.stop() }
let endpoint = SSHEndpoint(host: "127.0.0.1", port: server.port, user: server.user, privateKeyPath: server.clientKeyPath,
                           knownHostsPath: server.knownHostsPath)

var results: [Measurement] = []
@MainActor func record(_ name: String, _ samples: [Double], target: String = "", unit: String = "ms") {
    let measurement = Measurement(name: name, samples: samples, target: target, unit: unit)
    results.append(measurement)
    FileHandle.standardError.write(Data("\(measurement.row)\n".utf8))
}

// 1. Cold: TCP connect, handshake, host-key check, ed25519 login, one `true`.
var cold: [Double] = []
for _ in 0..<20 {
    let connection = SSHConnection(endpoint: endpoint)
    cold.append(try await timed { _ = try await connection.execute("true", timeout: .seconds(10)) })
    connection.close()
}
record("connect + handshake + login + first command (cold)", cold)

// 2. Warm session: raw exec of `true`, and of the pve-sim command the node list tool runs.
let connection = SSHConnection(endpoint: endpoint)
_ = try await connection.execute("true", timeout: .seconds(10))
record("raw libssh2 exec `true` (warm session)", try await repeated(200) { _ = try await connection.execute("true", timeout: .seconds(10)) })
let runner = SSHRunner(connection: connection, timeout: .seconds(60))
let nodeCommand = runner.commandLine(ListNodes().apiCommand)
let rawSim = try await repeated(100) { _ = try await connection.execute(nodeCommand, timeout: .seconds(10)) }
record("raw exec `\(nodeCommand)`", rawSim)

// The host guard's own cost: its start plus its checks (a command it checks in full, then refuses
// by a read-only policy, so nothing is executed), as the separate executable and as the subcommand;
// then a raw exec of the node list through a key behind the guard, against the open key above.
let guardPolicy = server.directory.appendingPathComponent("bench-guard.json").path
try #"{"readOnly": true}"#.write(toFile: guardPolicy, atomically: true, encoding: .utf8)
let checkedLine = "timeout -k 5 60 qm migrate 100 pve2 --online 1 --with-local-disks 1"
for (label, binary, prefix) in [("mcp-proxmox-guard", try Paths.binary("mcp-proxmox-guard"), [String]()),
                                ("mcp-proxmox-admin guard", try Paths.binary("mcp-proxmox-admin"), ["guard"])] {
    let samples = try await repeated(30) {
        try Subprocess.run(binary, prefix + ["--policy", guardPolicy], environment: ["SSH_ORIGINAL_COMMAND": checkedLine, "PATH": "/usr/bin:/bin"], check: false)
    }
    record("host guard: \(label) start + checks (one command)", samples, target: "≪ host-cost model")
}
let shellSyntax = try await repeated(30) {
    try Subprocess.run(try Paths.binary("mcp-proxmox-guard"), [], environment: ["SSH_ORIGINAL_COMMAND": "qm start 100; id", "PATH": "/usr/bin:/bin"], check: false)
}
record("host guard: refusal of shell syntax (no schema read)", shellSyntax)
let guardedServer = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"))
defer { guardedServer.stop() }
try guardedServer.forceCommand("\(try Paths.binary("mcp-proxmox-guard")) --name bench --policy /nonexistent/guard.json")
let guarded = SSHConnection(endpoint: SSHEndpoint(host: "127.0.0.1", port: guardedServer.port, user: guardedServer.user,
                                                  privateKeyPath: guardedServer.clientKeyPath, knownHostsPath: guardedServer.knownHostsPath))
_ = try await guarded.execute(nodeCommand, timeout: .seconds(10))
record("raw exec `\(nodeCommand)` through the guard", try await repeated(100) { _ = try await guarded.execute(nodeCommand, timeout: .seconds(10)) })
guarded.close()

// The engine in-process (no MCP, no stdio): builder, runner, parser on the same connection.
let engine = ProxmoxEngine(runner: runner)
record("engine.listNodes in-process (same command)", try await repeated(100) { _ = try await engine.listNodes(transport: .api) })

// 3. The same through the whole MCP server: tools/call proxmox_node_list over stdio.
// The `tools/call` parameters every timed call below sends: the remote command of the raw exec rows.
let nodeListCall = #"{"name":"proxmox_node_list","arguments":{"transport":"api"}}"#
var environment = server.serveEnvironment()
environment["PROXMOX_LOG_LEVEL"] = "error"
let mcp = try StdioPeer(binary: try Paths.binary("mcp-proxmox-admin"), arguments: ["serve"], environment: environment)
_ = try mcp.initialize()
_ = try mcp.call(2, nodeListCall)
var nextID = 10
let toolCalls = try await repeated(100) {
    nextID += 1
    _ = try mcp.call(nextID, nodeListCall)
}
record("tools/call proxmox_node_list through the MCP server", toolCalls)
// Overhead: a raw exec and a tool call back to back, the median of the differences. The remote
// command's own time varies by milliseconds on a busy machine (a pve-sim start), against a
// difference of tenths of one: 1,000 pairs, each order half the time, so drift cancels out.
var overhead: [Double] = []
for pair in 0..<1000 {
    nextID += 1
    let id = nextID
    var raw = 0.0, call = 0.0
    if pair % 2 == 1 { call = try await timed { _ = try mcp.call(id, nodeListCall) } }
    raw = try await timed { _ = try await connection.execute(nodeCommand, timeout: .seconds(10)) }
    if pair % 2 == 0 { call = try await timed { _ = try mcp.call(id, nodeListCall) } }
    overhead.append(call - raw)
}
record("server overhead: tool call minus raw exec, paired", overhead, target: "≤ 0.5 ms")

// 4. Concurrency: N tool calls at once, wall time relative to one.
let single = Measurement.median(toolCalls)
for count in [1, 8, 16, 32] {
    var walls: [Double] = []
    for _ in 0..<5 {
        let ids = (0..<count).map { _ -> Int in nextID += 1; return nextID }
        walls.append(try mcp.concurrent(ids, nodeListCall))
    }
    // No target here: these rows show this machine's 2 cores running pve-sim; the targets are under the host-cost model.
    record("\(count) concurrent tool calls, wall time / one call", [Measurement.median(walls) / single], unit: "×")
}

// 4b. The same under the host-cost model: every pvesh/qm/pct waits PVE_SIM_STARTUP_MS (default
// 300 ms, `--host-cost-ms`) without CPU, as a real host's Perl start is felt, so the figures show the
// server's concurrency rather than this machine's 2 cores.
let hostCost = Int(option("--host-cost-ms") ?? "300") ?? 300
do {
    let modelled = try TestSSHServer(simulatorBinary: try Paths.binary("pve-sim"), simulatorEnvironment: ["PVE_SIM_STARTUP_MS": String(hostCost)])
    defer { modelled.stop() }
    // One connection (8 channels), 3, and the default of up to 4 connections per host (sshConnections):
    // 3 × 8 channels hold 24 calls at once, so 32 take two waves by construction; 4 × 8 hold them.
    let defaultConnections = ConnectionSettings.defaultConnections
    for connections in [1, 3, defaultConnections] {
        var modelEnvironment = modelled.serveEnvironment()
        modelEnvironment["PROXMOX_LOG_LEVEL"] = "error"
        modelEnvironment["PROXMOX_SSH_CONNECTIONS"] = String(connections)
        let peer = try StdioPeer(binary: try Paths.binary("mcp-proxmox-admin"), arguments: ["serve"], environment: modelEnvironment)
        defer { peer.close() }
        _ = try peer.initialize()
        var id = 10
        _ = try peer.call(id, nodeListCall)
        let one = try await repeated(5) { id += 1; _ = try peer.call(id, nodeListCall) }
        let label = "host-cost model, sshConnections \(connections)\(connections == defaultConnections ? " (default)" : "")"
        if connections == 1 { record("host-cost model (\(hostCost) ms per Proxmox tool start): one tool call", one) }
        for count in [1, 8, 16, 32, 64] {
            var walls: [Double] = []
            for _ in 0..<3 {
                let ids = (0..<count).map { _ -> Int in id += 1; return id }
                walls.append(try peer.concurrent(ids, nodeListCall))
            }
            record("\(label): \(count) concurrent tool calls, wall time / one call", [Measurement.median(walls) / Measurement.median(one)],
                   target: connections == defaultConnections && count == 16 ? "≤ 1.5×"
                                : connections == defaultConnections && count == 32 ? "≤ 2×" : "", unit: "×")
        }
    }
}

// 5. RSS idle and after 1,000 calls; tools/list size.
let rssBefore = mcp.rssKiB()
for _ in 0..<1000 {
    nextID += 1
    _ = try mcp.call(nextID, nodeListCall)
}
let rssAfter = mcp.rssKiB()
record("server RSS over SSH after initialize + 100 calls", [Double(rssBefore) / 1024], unit: "MB")
record("server RSS over SSH after 1,000 more calls", [Double(rssAfter) / 1024], unit: "MB")
record("  growth over those 1,000 calls", [Double(rssAfter - rssBefore) / 1024], target: "≤ 1 MB (flat)", unit: "MB")
nextID += 1
let toolsList = try mcp.request(nextID, "tools/list", "{}")
record("tools/list response (JSON-RPC line), toolsets=core", [Double(toolsList.utf8.count)],
       target: "≤ \(ToolListSize.coreBudget) B", unit: "B")
// The lists themselves for core and all, with a token estimate (bytes / 4), against the budget.
for (label, names) in [("core", ["core"]), ("all", ["all"])] {
    let tools = ToolListSize.tools(names)
    let bytes = Double(try ToolListSize.encoded(tools).count)
    record("tools/list \(label) (\(tools.count) tools)", [bytes], target: label == "core" ? "≤ \(ToolListSize.coreBudget) B" : "-", unit: "B")
    record("tools/list \(label): estimated tokens (bytes / 4)", [bytes / 4], target: "-", unit: "tokens")
    record("tools/list \(label): bytes per tool", [bytes / Double(tools.count)], target: "≤ \(ToolListSize.perToolBudget) B", unit: "B")
}
let apiBytes = Double(try ToolListSize.encoded(ToolListSize.apiTools).count)
record("tools/list api tools (describe, get, call)", [apiBytes], target: "≤ \(ToolListSize.apiBudget) B", unit: "B")
mcp.close()

// 6. Spawn → initialize and idle RSS, on the simulator (no SSH in the way) and configured for the
// sshd (as a user runs it, before its first call); with --static-binary, for the dynamic and the
// static build alternately in the same run, so both see the same machine.
let builds = [("", try Paths.binary("mcp-proxmox-admin"))] + (option("--static-binary").map { [(" (static build)", $0)] } ?? [])
let modes = [("", ["serve", "--simulator"]), (", over SSH before its first call", ["serve"])]
var spawns = Array(repeating: [Double](), count: builds.count)
var idleRSS = Array(repeating: Array(repeating: [Double](), count: modes.count), count: builds.count)
for _ in 0..<20 {
    for (index, build) in builds.enumerated() {
        for (modeIndex, mode) in modes.enumerated() {
            let start = ContinuousClock.now
            let peer = try StdioPeer(binary: build.1, arguments: mode.1, environment: environment)
            _ = try peer.initialize()
            if modeIndex == 0 { spawns[index].append((ContinuousClock.now - start).ms) }
            idleRSS[index][modeIndex].append(Double(peer.rssKiB()) / 1024)
            peer.close()
        }
    }
}
for (index, build) in builds.enumerated() {
    record("spawn → initialize response\(build.0)", spawns[index], target: "≤ 20 ms")
    for (modeIndex, mode) in modes.enumerated() {
        record("server RSS idle after initialize\(build.0)\(mode.0)", idleRSS[index][modeIndex], target: "≤ 30 MB", unit: "MB")
    }
}
let pinger = try StdioPeer(binary: try Paths.binary("mcp-proxmox-admin"), arguments: ["serve", "--simulator"], environment: environment)
_ = try pinger.initialize()
var pingID = 100
record("trivial MCP round trip (ping)", try await repeated(500) { pingID += 1; _ = try pinger.request(pingID, "ping", "{}") }, target: "≤ 0.3 ms")
pinger.close()

// 7. OpenSSH for comparison: a new connection per command, and ControlMaster.
let sshBase = ["-p", String(server.port), "-i", server.clientKeyPath, "-o", "UserKnownHostsFile=\(server.knownHostsPath)",
               "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "\(server.user)@127.0.0.1"]
record("OpenSSH `ssh host true` per call", try await repeated(20) { try Subprocess.run("/usr/bin/ssh", sshBase + ["true"]) })
let control = ["-o", "ControlMaster=auto", "-o", "ControlPath=\(server.directory.path)/cm-%C", "-o", "ControlPersist=60"]
try Subprocess.run("/usr/bin/ssh", control + sshBase + ["true"])
record("OpenSSH with ControlMaster per call", try await repeated(50) { try Subprocess.run("/usr/bin/ssh", control + sshBase + ["true"]) })
_ = try? Subprocess.run("/usr/bin/ssh", ["-O", "exit"] + control + sshBase, check: false)

// 8. The fleet: 10,000 guests, ten clusters, connections shared by clusters of one host.
for figure in try await FleetScale.measure(sshd: server) { record(figure.name, figure.samples, target: figure.target, unit: figure.unit) }

// Report.
let table = Measurement.table(results)
print(table)
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
try encoder.encode(results).write(to: URL(fileURLWithPath: jsonPath))
if let markdownPath {
    try Measurement.document(table: table).write(toFile: markdownPath, atomically: true, encoding: .utf8)
}
