import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing
import TestSupport

@Suite struct APITests {
    /// The first call of a server looks the schema up: the host's pve-docs file, else its version.
    static let lookups = ["cat /usr/share/pve-docs/api-viewer/apidoc.js", "pvesh get /version --output-format json"]

    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_api_describe", ["path": "/cluster/ha"], both: lookups),
        GoldenRow("proxmox_api_get", ["path": "/cluster/ha/resources", "params": ["type": "vm"]],
                  both: lookups + ["pvesh get /cluster/ha/resources --type vm --output-format json"]),
        GoldenRow("proxmox_api_get", ["path": "/nodes/pve1/qemu/100/rrddata", "params": ["timeframe": "hour", "cf": "AVERAGE"]],
                  both: lookups + ["pvesh get /nodes/pve1/qemu/100/rrddata --cf AVERAGE --timeframe hour --output-format json"]),
        GoldenRow("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start", "params": ["timeout": 60]],
                  both: lookups + ["pvesh create /nodes/pve2/qemu/102/status/start --timeout 60 --output-format json"]),
        GoldenRow("proxmox_api_call", ["method": "PUT", "path": "/nodes/pve1/qemu/100/config", "params": ["description": "-from the API"]],
                  both: lookups + ["pvesh set /nodes/pve1/qemu/100/config '--description=-from the API' --output-format json"]),
    ]

    /// Steps of the tool sweep over sshd: the Done-when questions, then writes (allowApiWrites is on there).
    static let sweep: [(String, [String: Value])] = [
        ("proxmox_api_describe", ["path": "/cluster/ha/status"]),
        ("proxmox_api_get", ["path": "/cluster/ha/status/current"]),
        ("proxmox_api_get", ["path": "/nodes/pve1/qemu/100/rrddata", "params": ["timeframe": "hour"]]),
        ("proxmox_api_get", ["path": "/nodes/pve1/apt/update"]),
        ("proxmox_api_call", ["method": "PUT", "path": "/nodes/pve1/qemu/100/config", "params": ["description": "set through the API"], "confirm": true]),
        ("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start", "confirm": true]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func call(_ tool: String, _ arguments: [String: Value], _ environment: ToolEnvironment = Golden.environment()) async -> CallTool.Result {
        await Golden.call(tool, arguments, environment: environment)
    }

    static func result(_ answer: CallTool.Result) -> Value? { answer.structuredContent?.objectValue?["result"] }

    // MARK: Every GET endpoint of both schemas

    /// A value each parameter accepts, from a fixed list tried in order (ids and names real
    /// clusters use), or nil when none fits.
    static let candidates: [JSONValue] = ["pve1", 100, "local", "vm:100", "100-0", "root@pam", "vmbr0", "abc1", "zone1",
                                          "local:iso/debian.iso", "10.0.0.1", "10.0.0.0/24", "aa:bb:cc:dd:ee:ff", "example.org",
                                          "zone1-10.0.0.0-24", "/dev/sda", "https://example.org/debian.iso", "a", true, 1]

    static func sample(_ parameter: APIParameter) -> JSONValue? {
        if let choice = parameter.choices?.first { return .string(choice) }
        switch parameter.type {
        case "boolean": return true
        case "integer", "number":
            let low = parameter.minimum ?? 1, high = parameter.maximum ?? Double(Int32.max)
            if parameter.format == "pve-vmid" { return 100 }
            return .int(Int64(max(low, min(high, max(low, 1)))))
        default: break
        }
        return candidates.first { (try? parameter.texts($0)) != nil }
    }

    /// The argv pvesh takes for a value, written out here independently of the request builder.
    static func expectedText(_ parameter: APIParameter, _ value: JSONValue) -> String {
        switch value {
        case let .bool(flag): flag ? "1" : "0"
        case let .int(number): String(number)
        default: value.stringValue ?? ""
        }
    }

    @Test(arguments: ["embedded 9.1", "embedded 8.4"])
    func everyGetEndpointTakesAValidCallAndRefusesInvalidOnes(_ which: String) throws {
        let schema = which == "embedded 9.1" ? EmbeddedSchemas.pve9 : EmbeddedSchemas.pve8
        let gets = schema.endpoints.filter { $0.method == "GET" }
        #expect(gets.count == (which == "embedded 9.1" ? 327 : 304))
        var unbuilt: [String] = []
        for endpoint in gets {
            var path = endpoint.path
            var options: [(String, String)] = []
            var parameters: [String: JSONValue] = [:]
            var buildable = true
            var firstVariable: String?
            for parameter in endpoint.parameters where parameter.inPath || !parameter.optional {
                guard let value = Self.sample(parameter) else { buildable = false; continue }
                if parameter.inPath {
                    if firstVariable == nil { firstVariable = Self.expectedText(parameter, value) }
                    path = path.replacingOccurrences(of: "{\(parameter.name)}", with: Self.expectedText(parameter, value))
                } else {
                    parameters[parameter.name] = value
                    options.append((parameter.name, Self.expectedText(parameter, value)))
                }
            }
            guard buildable else { unbuilt.append(endpoint.path); continue }
            let request = try APIRequest(schema: schema, method: "GET", path: path, parameters: parameters)
            #expect(request.endpoint.path == endpoint.path, "\(path)")
            let argv = ["pvesh", "get", path] + options.sorted { $0.0 < $1.0 }.flatMap { name, text in
                text.hasPrefix("-") ? ["--\(name)=\(text)"] : ["--\(name)", text]
            } + ["--output-format", "json"]
            #expect(request.command.argv == argv, "\(endpoint.path)")

            // Refused before anything runs: an unknown parameter, with the accepted ones listed.
            #expect(throws: ProxmoxError.self) { try APIRequest(schema: schema, method: "GET", path: path, parameters: parameters.merging(["zz_unknown": 1]) { $1 }) }
            // A path variable with shell metacharacters.
            if let value = firstVariable, let range = path.range(of: "/\(value)") {
                let hostile = path.replacingCharacters(in: range, with: "/\(value);id")
                #expect(throws: ProxmoxError.self, "\(endpoint.path)") { try APIRequest(schema: schema, method: "GET", path: hostile, parameters: parameters) }
            }
            // A value of the wrong type, and a bad format.
            if let typed = endpoint.parameters.first(where: { !$0.inPath && ["integer", "boolean", "number"].contains($0.type) }) {
                #expect(throws: ProxmoxError.self, "\(endpoint.path) \(typed.name)") {
                    try APIRequest(schema: schema, method: "GET", path: path, parameters: parameters.merging([typed.name: "not a value"]) { $1 })
                }
            }
            if let formatted = endpoint.parameters.first(where: { !$0.inPath && $0.format == "pve-node" }) {
                #expect(throws: ProxmoxError.self, "\(endpoint.path) \(formatted.name)") {
                    try APIRequest(schema: schema, method: "GET", path: path, parameters: parameters.merging([formatted.name: "-bad node"]) { $1 })
                }
            }
        }
        #expect(unbuilt == [], "endpoints no sample value fits: \(unbuilt)")
    }

    @Test func requestsAreCheckedFieldByField() throws {
        let schema = EmbeddedSchemas.pve9
        func refusal(_ path: String, _ parameters: [String: JSONValue] = [:], method: String = "GET") -> String {
            do {
                _ = try APIRequest(schema: schema, method: method, path: path, parameters: parameters)
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(refusal("/nodes/pve1/qemu/100/rrddata", ["timeframe": "hours"])
                == "invalid timeframe: is one of hour, day, week, month, year, not 'hours'")
        #expect(refusal("/nodes/pve1/qemu/100/rrddata") == "invalid timeframe: is required by GET /nodes/{node}/qemu/{vmid}/rrddata (string, one of hour|day|week|month|year, required)")
        #expect(refusal("/nodes/pve1/qemu/100/rrddata", ["timeframe": "hour", "color": "red"])
                == "invalid color: is not a parameter of GET /nodes/{node}/qemu/{vmid}/rrddata (accepted: cf, timeframe)")
        #expect(refusal("/nodes/pve1/qemu/99/status/current") == "invalid vmid: is at least 100")
        #expect(refusal("/nodes/pve1/qemu/../../access/users").hasPrefix("invalid path: may not contain '.' or '..' segments"))
        #expect(refusal("/nodes/pve1/qemu/100/status/current\nid").hasPrefix("invalid path: segment"))
        #expect(refusal("/cluster/nosuch") == "invalid path: /cluster/nosuch is not a path of the Proxmox VE API (embedded 9.1); proxmox_api_describe lists them")
        #expect(refusal("/cluster/resources", method: "DELETE") == "invalid path: /cluster/resources has no DELETE endpoint (it has GET)")
        #expect(refusal("/cluster/tasks", ["vmid": "1e3"]).hasPrefix("invalid vmid: is not a parameter"))
        #expect(refusal("/nodes/pve1/tasks", ["limit": .double(10.5)]) == "invalid limit: is a whole number, not 10.5")
        #expect(refusal("/nodes/pve1/tasks", ["limit": -1]) == "invalid limit: is at least 0")
        #expect(refusal("/nodes/pve1/tasks", ["userfilter": "a\u{0}b"]) == "invalid userfilter: may not contain control characters (newlines, tabs, NUL)")
        #expect(refusal("/nodes/pve1/tasks", ["errors": "maybe"]) == "invalid errors: is a boolean (true/false or 1/0), not 'maybe'")
        // Option smuggling stays one argv element: `--output-format json;id` is a value, never a shell word.
        let smuggled = try APIRequest(schema: schema, method: "GET", path: "/nodes/pve1/tasks", parameters: ["userfilter": "--output-format json;id"])
        #expect(smuggled.command.argv == ["pvesh", "get", "/nodes/pve1/tasks", "--userfilter=--output-format json;id", "--output-format", "json"])
    }

    /// pve-docs' apidoc.js: the schema array followed by the viewer's code (with brackets in strings).
    @Test func theHostsApiViewerScriptIsRead() throws {
        let tree = EmbeddedSchemas.pve8.endpoints.count
        let script = "// generated\nconst apiSchema = " + Self.treeJSON() + ";\n\nlet viewer = { text: \"] not the end [\", items: [1, 2] };\n"
        let schema = try APISchema(apiDoc: script, source: "host test")
        #expect(schema.endpoints.count == tree)
        #expect(schema.source == "host test")
        #expect(throws: ParseFailure.self) { try APISchema(apiDoc: "const apiSchema = [{\"path\": \"/x\"", source: "broken") }
    }

    /// The 8.4 schema as a JSON text, rebuilt from the endpoints (paths and methods only).
    static func treeJSON() -> String {
        var nodes: [String: [String]] = [:]
        for endpoint in EmbeddedSchemas.pve8.endpoints { nodes[endpoint.path, default: []].append(endpoint.method) }
        let items = nodes.keys.sorted().map { path in
            "{\"path\": \"\(path)\", \"text\": \"x [y]\", \"info\": {" + nodes[path]!.map { "\"\($0)\": {\"description\": \"d\"}" }.joined(separator: ", ") + "}}"
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    @Test func theEmbeddedSchemaFollowsTheHostsRelease() {
        #expect(EmbeddedSchemas.forRelease("8.4.1").source == "embedded 8.4")
        #expect(EmbeddedSchemas.forRelease("pve-manager/7.4-3/9002ab8a").source == "embedded 8.4")
        #expect(EmbeddedSchemas.forRelease("9.1.2").source == "embedded 9.1")
        #expect(EmbeddedSchemas.forRelease(nil).source == "embedded 9.1")
        #expect(EmbeddedSchemas.pve9.endpoints.count == 649)
        #expect(EmbeddedSchemas.pve8.endpoints.count == 605)
    }

    // MARK: The tools

    @Test func describeAnswersFromTheSchemaInPages() async throws {
        let first = await Self.call("proxmox_api_describe", ["path": "/nodes/{node}/qemu"])
        #expect(first.isError == false, "\(first.content)")
        let fields = try #require(first.structuredContent?.objectValue)
        #expect(fields["schema"] == "embedded 9.1")
        let total = try #require(fields["total"]?.intValue)
        #expect(total == EmbeddedSchemas.pve9.endpoints.filter { $0.path.hasPrefix("/nodes/{node}/qemu") }.count)
        let next = try #require(fields["next"]?.intValue, "qemu has more endpoints than one page")
        let page = try #require(fields["endpoints"]?.arrayValue)
        #expect(page.count == next)
        let rrd = await Self.call("proxmox_api_describe", ["path": "/nodes/pve1/qemu/100/rrddata", "method": "GET"])
        let endpoint = try #require(rrd.structuredContent?.objectValue?["endpoints"]?.arrayValue?.first?.objectValue)
        #expect(endpoint["path"] == "/nodes/{node}/qemu/{vmid}/rrddata")
        let parameters = endpoint["parameters"]?.arrayValue?.compactMap { $0.objectValue } ?? []
        #expect(parameters.map { $0["name"]?.stringValue } == ["node", "vmid", "cf", "timeframe"])
        #expect(parameters[3]["rule"] == "string, one of hour|day|week|month|year, required")
        #expect(parameters[1]["rule"] == "integer, pve-vmid, 100-999999999, path variable")
        #expect(endpoint["permissions"]?.stringValue?.contains("VM.Audit") == true)
        let rest = await Self.call("proxmox_api_describe", ["path": "/nodes/{node}/qemu", "offset": .int(next)])
        #expect(rest.structuredContent?.objectValue?["endpoints"]?.arrayValue?.first != page.first)
    }

    @Test func getAnswersTheModelledEndpointsAndSaysWhichAreNot() async throws {
        let status = await Self.call("proxmox_api_get", ["path": "/cluster/ha/status/current"])
        let entries = try #require(Self.result(status)?.arrayValue?.compactMap { $0.objectValue })
        // "Which HA resources are in error?"
        #expect(entries.filter { $0["type"] == "service" && $0["state"] == "error" }.map { $0["sid"] } == ["ct:201"])
        #expect(entries.first?["id"] == "quorum" && entries.first?["quorate"] == 1)
        // "Which packages need updates on pve1?"
        let updates = await Self.call("proxmox_api_get", ["path": "/nodes/pve1/apt/update"])
        #expect(Self.result(updates)?.arrayValue?.compactMap { $0.objectValue?["Package"]?.stringValue } == ["pve-manager", "proxmox-kernel-6.17", "openssl"])
        // "Show VM 100's RRD for the last hour": 70 points, a minute apart.
        let rrd = await Self.call("proxmox_api_get", ["path": "/nodes/pve1/qemu/100/rrddata", "params": ["timeframe": "hour"]])
        let points = try #require(Self.result(rrd)?.arrayValue?.compactMap { $0.objectValue })
        #expect(points.count == 70)
        #expect(points[1]["time"]!.intValue! - points[0]["time"]!.intValue! == 60)
        #expect(points.allSatisfy { $0["maxmem"] == .int(4_294_967_296) })
        // An endpoint of the API the simulator does not model says so, in one line.
        let replication = await Self.call("proxmox_api_get", ["path": "/cluster/replication"])
        #expect(replication.isError == true)
        #expect(text(replication) == "[simulated cluster] pvesh failed (exit 1): pve-sim: GET /cluster/replication is part of the Proxmox VE API but not simulated")
    }

    @Test func callIsAbsentUntilSwitchedOnThenGuarded() async throws {
        let off = ToolEnvironment(engine: Golden.environment().engine, defaultTransport: .auto, simulated: true,
                                  toolsets: ToolsetSelection(["all"]))
        #expect(!off.tools.contains { $0.name == "proxmox_api_call" })
        let refused = await Self.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start", "confirm": true], off)
        #expect(refused.errorDetails["reason"] == "refused")
        #expect(text(refused).contains("allowApiWrites"))
        #expect(Golden.commands(refused) == [])

        let store = StateStore()
        let on = Golden.environment(store: store)
        #expect(on.tools.contains { $0.name == "proxmox_api_call" })
        let definition = try #require(on.tools.first { $0.name == "proxmox_api_call" })
        #expect(definition.annotations.destructiveHint == true)
        let unconfirmed = await Self.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start"], on)
        #expect(text(unconfirmed) == "[simulated cluster] POST /nodes/pve2/qemu/102/status/start is irreversible: call again with confirm: true (nothing ran)")
        #expect(try store.read { $0.guests.first { $0.vmid == 102 }?.status } == "stopped")
        let started = await Self.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start", "confirm": true], on)
        #expect(started.isError == false, "\(started.content)")
        let fields = try #require(started.structuredContent?.objectValue)
        #expect(fields["task"]?.objectValue?["exitstatus"] == "OK")
        #expect(fields["result"]?.stringValue?.contains(":qmstart:102:") == true)
        #expect(try store.read { $0.guests.first { $0.vmid == 102 }?.status } == "running")
        let set = await Self.call("proxmox_api_call", ["method": "PUT", "path": "/nodes/pve1/qemu/100/config",
                                                       "params": ["description": "from the API"], "confirm": true], on)
        #expect(set.isError == false, "\(set.content)")
        #expect(set.structuredContent?.objectValue?["task"] == nil)
        #expect(try store.read { $0.guests.first { $0.vmid == 100 }?.config["description"] } == "from the API")
    }

    @Test func callHonoursSafeModeAndProtectedGuests() async throws {
        let safe = Golden.environment(safeMode: true)
        let delete = await Self.call("proxmox_api_call", ["method": "DELETE", "path": "/nodes/pve1/qemu/104", "confirm": true, "dryRun": true], safe)
        #expect(text(delete) == "[simulated cluster] DELETE /nodes/{node}/qemu/{vmid} is refused: the server runs in safe mode (no create, clone or delete); nothing ran")
        let create = await Self.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve1/qemu", "params": ["vmid": 500], "confirm": true], safe)
        #expect(create.errorDetails["reason"] == "refused")
        let protected = Golden.environment(protectedVMIDs: [100])
        let stop = await Self.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve1/qemu/100/status/stop", "confirm": true], protected)
        #expect(text(stop) == "[simulated cluster] POST /nodes/pve1/qemu/100/status/stop refused: guest 100 is protected (protectedVmids); nothing ran")
        let backup = await Self.call("proxmox_api_call", ["method": "POST", "path": "/cluster/ha/resources", "params": ["sid": "vm:100"], "confirm": true], protected)
        #expect(backup.errorDetails["reason"] == "refused")
        #expect(Golden.commands(stop) == [])
    }

    /// The Done-when questions through the built server, a real sshd and pve-sim: the schema comes
    /// from the host's version (pve-sim has no pve-docs file), every argument is checked before pvesh runs.
    @Test func theLongTailOverSSH() async throws {
        let fixture = try SSHFixture()
        let server = try ServerProcess(arguments: ["serve"], environment: fixture.serveEnvironment, workingDirectory: fixture.server.directory.path)
        _ = try await server.connect()
        let listed = try await server.client.listTools().tools.map(\.name)
        #expect(listed.contains("proxmox_api_get") && !listed.contains("proxmox_api_call"))
        let described = try await server.call("proxmox_api_describe", ["path": "/cluster/ha/status"])
        #expect(described.structuredContent?.objectValue?["schema"] == "embedded 9.1")
        let status = try await server.call("proxmox_api_get", ["path": "/cluster/ha/status/current"])
        let services = Self.result(status)?.arrayValue?.compactMap { $0.objectValue }.filter { $0["type"] == "service" } ?? []
        #expect(services.filter { $0["state"] == "error" }.map { $0["status"] } == ["ct:201 (pve2, error)"])
        let rrd = try await server.call("proxmox_api_get", ["path": "/nodes/pve1/qemu/100/rrddata", "params": ["timeframe": "hour"]])
        #expect(Self.result(rrd)?.arrayValue?.count == 70)
        let updates = try await server.call("proxmox_api_get", ["path": "/nodes/pve1/apt/update"])
        #expect(Self.result(updates)?.arrayValue?.first?.objectValue?["Package"] == "pve-manager")
        let before = try fixture.server.receivedArgv().count
        let hostile = try await server.call("proxmox_api_get", ["path": "/nodes/pve1/qemu/100/rrddata", "params": ["timeframe": "hour;id"]])
        #expect(hostile.isError == true)
        #expect(try fixture.server.receivedArgv().count == before, "refused before anything ran")
        let write = try await server.call("proxmox_api_call", ["method": "POST", "path": "/nodes/pve2/qemu/102/status/start", "confirm": true])
        #expect(text(write).contains("allowApiWrites"))
        #expect(try fixture.server.receivedArgv().count == before)
        _ = await server.finish()
    }

    @Test func secretsInAnswersAreRedacted() {
        let answer: JSONValue = ["full-tokenid": "root@pam!mcp", "value": "5f2c0a4e-9e1b-4b3e-8a39-1c1f7f1c9d21",
                                 "info": ["ticket": "PVE:root@pam:65F1...", "cipassword": "s3cret", "name": "kept"]]
        let redacted = Redaction.redact(answer)
        #expect(redacted == ["full-tokenid": "root@pam!mcp", "value": "<redacted>", "info": ["ticket": "<redacted>", "cipassword": "<redacted>", "name": "kept"]])
    }
}
