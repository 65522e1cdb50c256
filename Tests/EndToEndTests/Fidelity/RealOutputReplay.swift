import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import Testing
import TestSupport

/// One real output of a Proxmox command (a file under `Fixtures/real/`, provenance in its
/// SOURCES.md) and the tool call that runs that command. The call goes through the server's
/// tool code and the engine, with a ``ReplayRunner`` answering the command from the file, and
/// the typed result is checked field by field against values read by hand from the file.
struct RealOutput: Sendable, CustomTestStringConvertible {
    /// Path under `Fixtures/real/`.
    let fixture: String
    let tool: String
    let arguments: [String: Value]
    /// The command the tool runs, answered with the file (as stdout, or stderr when `failing`).
    let argv: [String]
    /// The cluster the tool's lookups see (where the guest is): scaffolding, not checked.
    let cluster: ReplayCluster
    /// Key path (`vms.0.name`, `task.exitstatus`) → the value in the raw output.
    let expect: [String: Value]
    /// The command fails with this exit status and the file on stderr: the tool must answer an error of this kind.
    var failing: (status: Int32, kind: String)? = nil
    /// Other commands of the same call answered by other real files of the same capture.
    var also: [([String], String)] = []
    /// Other commands of the same call answered with made-up text (a part the capture lacks).
    var scaffold: [([String], String)] = []

    var testDescription: String { "\(fixture) via \(tool)" }
}

/// The answers a tool's lookups get: `/cluster/resources`, `/cluster/status` and `/nodes` of a
/// cluster that has `guests` on `node` (and `others` beside it). Made up, and only there so the
/// call reaches the command under test; a case whose own file is one of these commands wins.
struct ReplayCluster: Sendable {
    var node: String
    var guests: [(Int, GuestKind)] = []
    var others: [String] = []

    static func on(_ node: String, _ guests: (Int, GuestKind)...) -> ReplayCluster { ReplayCluster(node: node, guests: guests) }

    var recordings: [Recording] {
        let resources: [JSONValue] = guests.map { vmid, kind in
            ["type": .string(kind.rawValue), "vmid": .int(Int64(vmid)), "node": .string(node), "status": "running", "name": .string("guest\(vmid)")]
        }
        let members: [JSONValue] = ([node] + others).enumerated().map { index, name in
            ["type": "node", "name": .string(name), "nodeid": .int(Int64(index + 1)), "local": .int(index == 0 ? 1 : 0), "online": 1,
             "ip": .string("192.0.2.\(index + 1)")]
        }
        let nodes: [JSONValue] = ([node] + others).map { ["node": .string($0), "status": "online"] }
        let nodeResources: [JSONValue] = ([node] + others).map { ["type": "node", "node": .string($0), "id": .string("node/\($0)"), "status": "online"] }
        return [
            Self.recording(["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"], .array(resources)),
            Self.recording(["pvesh", "get", "/cluster/resources", "--output-format", "json"], .array(resources + nodeResources)),
            Self.recording(["pvesh", "get", "/cluster/status", "--output-format", "json"], .array(members)),
            Self.recording(["pvesh", "get", "/nodes", "--output-format", "json"], .array(nodes)),
        ]
    }

    static func recording(_ argv: [String], _ json: JSONValue) -> Recording {
        let text = String(decoding: try! JSONEncoder().encode(json), as: UTF8.self) + "\n"
        return Recording(argv: argv, output: CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0), source: "scaffolding", secrets: [])
    }
}

enum RealOutputReplay {
    /// Calls the tool with the file as the command's answer (after `damage`, for a case that
    /// breaks part of a real output on purpose); returns the result.
    static func call(_ case_: RealOutput, damage: ([UInt8]) throws -> [UInt8] = { $0 }) async throws -> CallTool.Result {
        let bytes = try damage(Paths.fixtureBytes("real/" + case_.fixture))
        let output = if let failing = case_.failing {
            CommandOutput(stdout: [], stderr: bytes, exitStatus: failing.status)
        } else {
            CommandOutput(stdout: bytes, stderr: [], exitStatus: 0)
        }
        var recordings = [Recording(argv: case_.argv, output: output, source: case_.fixture, secrets: [])]
        for (argv, fixture) in case_.also {
            let bytes = try Paths.fixtureBytes("real/" + fixture)
            recordings.append(Recording(argv: argv, output: CommandOutput(stdout: bytes, stderr: [], exitStatus: 0), source: fixture, secrets: []))
        }
        for (argv, text) in case_.scaffold {
            recordings.append(Recording(argv: argv, output: CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0), source: "scaffolding", secrets: []))
        }
        let answered = Set(recordings.map(\.argv))
        recordings += case_.cluster.recordings.filter { !answered.contains($0.argv) }
        let runner = ReplayRunner(recordings, origin: "Fixtures/real/\(case_.fixture)")
        let engine = ProxmoxEngine(runner: runner, nodeRunners: SameRunner(runner: runner), fallback: false, pollInterval: .milliseconds(1))
        let environment = ToolEnvironment(engine: engine, defaultTransport: .auto, simulated: false,
                                          toolsets: ToolsetSelection(["all"], dynamic: true), guestExec: ["df", "docker", "hostname", "ip", "curl", "fstrim"])
        let definition = try #require(ToolCatalog.all.first { $0.name == case_.tool })
        return await ProxmoxMCPServer.call(definition, case_.arguments, environment: environment, logger: .init(label: "real-output"))
    }

    /// Runs the case and checks the command ran, the answer conforms to the tool's output
    /// schema, and every expected field.
    static func check(_ case_: RealOutput, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await call(case_)
        if let failing = case_.failing {
            #expect(result.isError == true, "\(case_.fixture): expected an error", sourceLocation: sourceLocation)
            let text = result.content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined()
            #expect(text.hasPrefix(failing.kind), "\(case_.fixture): \(text)", sourceLocation: sourceLocation)
            for (path, expected) in case_.expect {
                if case let .string(fragment) = expected {
                    #expect(text.contains(fragment), "\(case_.fixture): '\(fragment)' not in: \(text)", sourceLocation: sourceLocation)
                } else {
                    Issue.record("\(path): a failing case expects text fragments", sourceLocation: sourceLocation)
                }
            }
            return
        }
        #expect(result.isError != true, "\(case_.fixture): \(result.content)", sourceLocation: sourceLocation)
        let structured = try #require(result.structuredContent, sourceLocation: sourceLocation)
        let commands = structured.objectValue?["commands"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let line = ShellQuoting.commandLine(case_.argv)
        #expect(commands.contains(line), "\(case_.fixture): `\(line)` did not run; ran \(commands)", sourceLocation: sourceLocation)
        let definition = try #require(ToolCatalog.all.first { $0.name == case_.tool })
        let violations = SchemaValidation.violations(of: structured, against: SchemaValidation.strict(definition.outputSchema))
        #expect(violations == [], "\(case_.fixture)", sourceLocation: sourceLocation)
        for (path, expected) in case_.expect.sorted(by: { $0.key < $1.key }) {
            let found = value(at: path, in: structured)
            #expect(found == expected, "\(case_.fixture): \(path) is \(found.map { "\($0)" } ?? "absent"), expected \(expected)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The value at a dotted path; a number segment indexes an array, `#` is an array's count.
    /// A key that itself holds dots (`lxc.mount.entry`) is matched whole: the longest run of
    /// segments that names a key of the object wins.
    static func value(at path: String, in root: Value) -> Value? {
        var segments = path.split(separator: ".").map(String.init)[...]
        var current: Value? = root
        while let segment = segments.first {
            switch current {
            case let .array(items)? where segment == "#":
                current = .int(items.count)
                segments = segments.dropFirst()
            case let .array(items)?:
                current = Int(segment).flatMap { items.indices.contains($0) ? items[$0] : nil }
                segments = segments.dropFirst()
            case let .object(fields)?:
                guard let length = (1...segments.count).reversed().first(where: { fields[segments.prefix($0).joined(separator: ".")] != nil }) else {
                    return nil
                }
                current = fields[segments.prefix(length).joined(separator: ".")]
                segments = segments.dropFirst(length)
            default:
                return nil
            }
        }
        return current
    }
}

/// Every node's qm/pct answered by the same replay (the files say which node they came from).
struct SameRunner: NodeRunnerProvider {
    let runner: ReplayRunner
    func runner(for node: NodeName, address: String?) async -> (any CommandRunner)? { runner }
}
