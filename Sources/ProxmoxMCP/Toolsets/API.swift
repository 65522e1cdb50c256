import Foundation
import MCP
import ProxmoxCore

/// The whole Proxmox VE API through pvesh, checked against the API schema before anything runs:
/// discovery and reads for every endpoint, writes only when an operator switches them on.
enum API {
    static let toolset = Toolset(
        id: "api", summary: "Any endpoint of the Proxmox VE API, checked against its schema: describe, GET, and (allowApiWrites) POST/PUT/DELETE",
        isDefault: true, tools: [describe, get, call])

    static let path = Argument<String>(
        "path", ["type": "string", "maxLength": 512, "description": "API path, e.g. /cluster/ha/resources"],
        required: true) { arguments, name in try arguments.requiredString(name) }
    static let params = Argument<[String: JSONValue]>(
        "params", ["type": "object", "description": "Parameters by name, as proxmox_api_describe lists them; default none"]
    ) { arguments, name in try arguments.jsonObject(name) }

    /// What every API answer carries besides its own fields.
    static let endpointFields: [Field] = [
        .string("endpoint", "Matched path template", required: true),
        .string("schema", "Schema used: host, embedded 9.1 or 8.4", required: true),
    ]

    /// The schema for this server, found on first use.
    static func schema(_ call: ToolCall) async -> APISchema {
        await call.environment.apiSchemas.schema(call.engine.runner)
    }

    // MARK: Describe

    static let describePath = Argument<String>(
        "path", ["type": "string", "maxLength": 512, "description": "Path or prefix, template or concrete, e.g. /nodes/{node}/qemu; / for all"],
        required: true) { arguments, name in try arguments.requiredString(name) }
    static let method = Argument<String?>.choice("method", "Only this method; default all", ["GET", "POST", "PUT", "DELETE"])
    static let offset = Argument<Int>.integer("offset", "Skip this many (a previous `next`)", unit: "endpoints", range: 0...10_000, default: 0)
    /// Longest answer; more continues at `next`.
    static let pageLimit = 12_000

    static let parameterSchema: JSONValue = ResultSchema.object([
        .string("name", "Name", required: true),
        .string("rule", "Type, format, enum, range, pattern, default; path variable or required", required: true),
        .string("description", "Meaning", required: true),
    ])

    static let describe = ToolDefinition(
        name: "proxmox_api_describe", title: "Describe API",
        description: "Proxmox VE API endpoints at or under a path, from the API schema: methods, parameters, answers, permissions. Read-only.",
        arguments: [describePath.erased, method.erased, offset.erased], annotations: Shared.readOnly,
        output: endpointFields.filter { $0.name == "schema" } + [
            .list("endpoints", "By path, then method", ResultSchema.object([
                .string("path", "Template", required: true),
                .string("method", "Method", required: true),
                .string("description", "What it does", required: true),
                .list("parameters", "Path variables first", parameterSchema, required: true),
                Field("returns", ["description": "JSON Schema of its answer"], required: true),
                .string("permissions", "Who may call it"),
            ]), required: true),
            .integer("total", "Matching endpoints", required: true),
            .integer("next", "Offset of the next page"),
        ] + Shared.provenance
    ) { call in
        let schema = await schema(call)
        let wanted = try call[method]
        let matching = try schema.endpoints(under: try call[describePath]).filter { wanted == nil || $0.method == wanted }
        let start = try call[offset]
        var page: [Value] = []
        var size = 0
        var next: Int?
        for (index, endpoint) in matching.enumerated().dropFirst(start) {
            let entry = describing(endpoint)
            let bytes = (try? JSONEncoder().encode(entry).count) ?? 0
            if !page.isEmpty && size + bytes > pageLimit { next = index; break }
            page.append(entry)
            size += bytes
        }
        var fields: [String: Value] = ["schema": .string(schema.source), "endpoints": .array(page), "total": .int(matching.count)]
        if let next { fields["next"] = .int(next) }
        let lines = page.compactMap { $0.objectValue }.map { entry in
            "\(entry["method"]?.stringValue ?? "") \(entry["path"]?.stringValue ?? ""): \(entry["description"]?.stringValue?.split(separator: "\n").first ?? "")"
        }
        let more = next.map { "\n... \(matching.count - $0) more: call again with offset \($0)" } ?? ""
        let text = matching.isEmpty ? "no endpoint at or under that path (\(schema.source))"
            : "\(matching.count) endpoint(s) (\(schema.source)):\n" + lines.joined(separator: "\n") + more
        return call.answer(fields, commands: CommandJournal.current?.commands ?? [], text: text)
    }

    static func describing(_ endpoint: APIEndpoint) -> Value {
        let parameters: [Value] = endpoint.parameters.map { parameter in
            .object(["name": .string(parameter.name), "rule": .string(parameter.inPath ? parameter.summary + ", path variable" : parameter.summary),
                     "description": .string(parameter.description)])
        }
        var fields: [String: Value] = [
            "path": .string(endpoint.path), "method": .string(endpoint.method), "description": .string(endpoint.description),
            "parameters": .array(parameters), "returns": Structured.mcpValue(shape(endpoint.returns, depth: 0)),
        ]
        if let permissions = endpoint.permissions {
            let text = [permissions["description"]?.stringValue, permissions["check"].map { "check \(compact($0))" },
                        permissions["user"]?.stringValue.map { "user \($0)" }].compactMap { $0 }.joined(separator: "; ")
            if !text.isEmpty { fields["permissions"] = .string(text) }
        }
        return .object(fields)
    }

    /// A returns schema with the descriptions of nested properties dropped and nesting cut below
    /// three levels (there only the type is kept), to keep pages small.
    static func shape(_ schema: JSONValue, depth: Int) -> JSONValue {
        guard case let .object(fields) = schema else { return schema }
        if depth >= 3 { return fields["type"].map { .object(["type": $0]) } ?? .object([:]) }
        var kept: [String: JSONValue] = [:]
        for (key, value) in fields {
            switch key {
            case "description" where depth > 0, "links", "typetext", "verbose_description": continue
            case "properties":
                if case let .object(properties) = value { kept[key] = .object(properties.mapValues { shape($0, depth: depth + 1) }) }
            case "items": kept[key] = shape(value, depth: depth + 1)
            default: kept[key] = value
            }
        }
        return .object(kept)
    }

    static func compact(_ value: JSONValue) -> String {
        switch value {
        case let .array(items): "[" + items.map(compact).joined(separator: ", ") + "]"
        case let .object(fields): "{" + fields.keys.sorted().map { "\($0): \(compact(fields[$0]!))" }.joined(separator: ", ") + "}"
        default: value.stringValue ?? "null"
        }
    }

    // MARK: Get

    static let get = ToolDefinition(
        name: "proxmox_api_get", title: "API GET",
        description: "GET any Proxmox VE API path (pvesh get), path and params checked against the API schema first. Read-only.",
        arguments: [path.erased, params.erased], annotations: Shared.readOnly,
        output: endpointFields + [Field("result", ["description": "Its answer, shaped as `returns`"], required: true)]
            + Shared.provenance
    ) { call in
        let schema = await schema(call)
        let request = try APIRequest(schema: schema, method: "GET", path: try call[path], parameters: try call[params])
        let outcome = try await call.engine.read(APIGet(request), transport: .api)
        let result = Redaction.redact(outcome.value)
        let fields: [String: Value] = ["endpoint": .string(request.endpoint.path), "schema": .string(request.schemaSource),
                                       "result": Structured.mcpValue(result)]
        // The schema lookups of a first call (journaled), then the GET itself.
        let commands = (CommandJournal.current?.commands ?? []).filter { $0 != outcome.command } + [outcome.command]
        return call.answer(fields, commands: commands, text: "GET \(request.path) (\(request.schemaSource)):\n" + rendered(result))
    }

    /// The answer as compact JSON for the text, cut at 16,000 characters.
    static func rendered(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(Structured.mcpValue(value))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.count > 16_000 ? String(text.prefix(16_000)) + " ... (cut; the whole answer is in structuredContent.result)" : text
    }

    // MARK: Call

    static let writeMethod = Argument<String>(
        "method", ["enum": ["POST", "PUT", "DELETE"], "description": "POST, PUT or DELETE"],
        required: true) { arguments, name in
        guard let text = try arguments.choice(name, ["POST", "PUT", "DELETE"]) else {
            throw ProxmoxError.invalidArgument(field: name, reason: "is required (POST, PUT or DELETE)")
        }
        return text
    }

    static let call: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_api_call", title: "API POST/PUT/DELETE",
            description: "POST, PUT or DELETE any Proxmox VE API path (pvesh create/set/delete), checked against the schema; waits for a started task. Needs allowApiWrites.",
            arguments: [writeMethod.erased, path.erased, params.erased, Shared.dryRun.erased, Shared.timeout.erased],
            annotations: Shared.changing(destructive: true),
            output: endpointFields + [
                Field("result", ["description": "Its answer (a UPID: a task)"]),
                .boolean("dryRun", "Nothing ran", required: true),
                Field("task", TaskReport.schema),
            ] + Shared.provenance
        ) { call in try await runCall(call) }
        definition.needsApiWrites = true
        definition.confirmationText = { call in
            let request = try await checkedRequest(call)
            let shown = request.options.isEmpty ? "" : " with " + Redaction.redact(request.options).joined(separator: " ")
            return ConfirmationText(what: "\(request.method) \(request.path)",
                                    question: "Run \(request.method) \(request.path)\(shown) on the Proxmox VE API? (\(request.endpoint.description.prefix(200)))")
        }
        return definition
    }()

    /// The write, checked against the schema and the policy settings; nothing has run yet.
    static func checkedRequest(_ call: ToolCall) async throws -> APIRequest {
        let schema = await schema(call)
        let request = try APIRequest(schema: schema, method: try call[writeMethod], path: try call[path], parameters: try call[params])
        try APIPolicy.check(request, call.environment)
        return request
    }

    static func runCall(_ call: ToolCall) async throws -> ToolOutput {
        let request = try await checkedRequest(call)
        var options = try call.options()
        options.transport = .api
        var execution = try await call.engine.perform(APICall(request, deadline: options.timeout), options: options)
        var fields: [String: Value] = ["endpoint": .string(request.endpoint.path), "schema": .string(request.schemaSource)]
        var text = "\(request.method) \(request.path)"
        if execution.dryRun {
            text = "dry run, nothing ran: would run `\(execution.commands.map(\.description).joined(separator: " ; "))`"
        } else if let output = execution.output {
            let answer = output.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            let result = answer.isEmpty ? JSONValue.null : ((try? JSONValue.parse(Array(answer.utf8))) ?? .string(answer))
            fields["result"] = Structured.mcpValue(Redaction.redact(result))
            if let upidText = result.stringValue, let upid = try? UPID(parsing: upidText) {
                // It started a task: wait for it like every other task, with progress and cancellation.
                let (report, polls): (TaskReport, [Command])
                do {
                    (report, polls) = try await call.engine.waitForTask(upid, timeout: options.timeout, progress: options.progress)
                } catch is CancellationError {
                    throw ProxmoxError.cancelled(upid: upid.description, node: upid.node)
                }
                execution.commands += polls
                execution.task = report
                if report.status == "stopped" && !report.succeeded {
                    throw ProxmoxError.taskFailed(upid: upid.description, exitstatus: report.exitstatus ?? "unknown", log: report.log)
                }
                text += ": task \(upid) \(report.status == "stopped" ? report.exitstatus ?? "OK" : "still running")"
            } else {
                text += ": OK\n" + rendered(Redaction.redact(result))
            }
        }
        let lookups = (CommandJournal.current?.commands ?? []).filter { !execution.commands.contains($0) && $0.isReadOnly }
        execution.commands = lookups + execution.commands
        return ToolOutput(text: text, structured: try Structured.execution(execution, fields: fields, secrets: [], environment: call.environment))
    }
}
