/// The whole API through pvesh: a request checked against the API schema, read or run.

/// A request the schema allows: the endpoint it names, and its options as pvesh takes them. Built
/// only through ``init(schema:method:path:parameters:)``, so nothing unchecked reaches a command.
public struct APIRequest: Sendable, Hashable {
    /// GET, POST, PUT or DELETE.
    public let method: String
    /// The concrete path, e.g. `/nodes/pve1/qemu/100/rrddata`.
    public let path: String
    /// The endpoint of the schema it matched.
    public let endpoint: APIEndpoint
    /// `--name value` pairs, in parameter order.
    public let options: [String]
    /// The values of the path's variables (`node`: `pve1`).
    public let variables: [String: String]
    /// The schema that checked it (`embedded 9.1`, `host ...`).
    public let schemaSource: String

    /// Checks the path (its variables by their declared formats) and every parameter (type, format,
    /// enum, range, length); refuses unknown parameters with the list of accepted ones, and missing
    /// required ones. Nothing runs here.
    public init(schema: APISchema, method: String, path: String, parameters: [String: JSONValue]) throws(ProxmoxError) {
        let (endpoint, variables) = try schema.endpoint(method, path: path)
        for name in endpoint.pathVariables {
            guard let parameter = endpoint.parameter(name), let value = variables[name] else { continue }
            // A path variable arrives as text; typed variables (vmid) are read as their type.
            let typed: JSONValue = parameter.type == "integer" ? (Int64(value).map(JSONValue.int) ?? .string(value)) : .string(value)
            _ = try parameter.texts(typed)
        }
        let accepted = endpoint.parameters.filter { !$0.inPath }
        var options: [String] = []
        for name in parameters.keys.sorted() {
            guard let parameter = endpoint.parameter(name), !parameter.inPath else {
                let names = accepted.map(\.name)
                let list = names.isEmpty ? "none" : names.joined(separator: ", ")
                let reason = endpoint.parameter(name)?.inPath == true ? "is part of the path, not a parameter"
                    : "is not a parameter of \(method) \(endpoint.path) (accepted: \(list))"
                throw .invalidArgument(field: String(name.prefix(64)), reason: reason)
            }
            for text in try parameter.texts(parameters[name]!) { options += CommandForm.option(name, text) }
        }
        if let missing = accepted.first(where: { !$0.optional && parameters[$0.name] == nil }) {
            throw .invalidArgument(field: missing.name, reason: "is required by \(method) \(endpoint.path) (\(missing.summary))")
        }
        self.method = method
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.endpoint = endpoint
        self.options = options
        self.variables = variables
        schemaSource = schema.source
    }

    /// pvesh's verb for the method.
    public var verb: String { ["GET": "get", "POST": "create", "PUT": "set", "DELETE": "delete"][method] ?? "get" }

    /// `pvesh <verb> <path> [--name value ...] --output-format json`.
    public var command: Command { CommandForm.pvesh(verb, path, options) }

    /// The guest the path names (`/nodes/{node}/qemu/{vmid}/...`), for protectedVmids.
    public var vmid: VMID? { variables["vmid"].flatMap { Int($0) }.flatMap { try? VMID($0) } }
}

/// A GET of any endpoint: the parsed JSON as it came.
public struct APIGet: ReadOperation {
    public let request: APIRequest
    public init(_ request: APIRequest) { self.request = request }
    public var apiCommand: Command { request.command }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> JSONValue {
        try Self.document(output)
    }
}

/// A POST, PUT or DELETE of any endpoint. It runs as a synchronous change: whether it started a
/// task shows only in its answer (a UPID), which the caller then waits for, since the schema
/// declares task-starting and other text answers alike (`{"type": "string"}`).
public struct APICall: ChangeOperation {
    public let request: APIRequest
    /// How long the command may run: pvesh runs a worker in the foreground before it prints the
    /// UPID, so a task-starting call lasts as long as its task.
    public let deadline: Duration
    public init(_ request: APIRequest, deadline: Duration) {
        self.request = request
        self.deadline = deadline
    }
    public var apiCommand: Command {
        var command = request.command
        command.timeout = deadline
        return command
    }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public var effect: ChangeEffect { .synchronous }
    public var runningTask: ActiveTasks? {
        request.variables["node"].flatMap { try? NodeName($0) }.map { ActiveTasks(node: $0, vmid: request.vmid) }
    }
}
