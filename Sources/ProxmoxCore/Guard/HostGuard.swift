/// The decision of the host-side guard: is this command line one the server's tools produce, with
/// values the API schema accepts, within the host's policy? Pure: it reads nothing and runs nothing.
public struct HostGuard: Sendable {
    public let shapes: CommandShapes
    /// Schemas a value may satisfy (the host's own first, when it has one).
    public let schemas: [APISchema]
    /// More schemas, read only when a value fails against those (the 8.4 one on a 9.x guard).
    let fallbacks: [@Sendable () -> APISchema]

    public init(shapes: CommandShapes = CommandShapes(), schemas: [APISchema] = [EmbeddedSchemas.pve9],
                fallbacks: [@Sendable () -> APISchema] = [{ EmbeddedSchemas.pve8 }]) {
        self.shapes = shapes
        self.schemas = schemas
        self.fallbacks = fallbacks
    }

    /// The argv to execute (the line's own, prefix included), or why not.
    public func check(_ line: String, policy: GuardPolicy) throws(GuardRefusal) -> GuardedCommand {
        let argv = try GuardLine.argv(line)
        var command = try classify(argv)
        command.argv = argv
        if let reason = policy.refusal(command) { throw GuardRefusal(reason) }
        return command
    }

    /// What the command is, after its checks; policy aside.
    func classify(_ argv: [String]) throws(GuardRefusal) -> GuardedCommand {
        var rest = argv[...]
        // The runner's prefix: `timeout -k SECONDS SECONDS`, then `sudo -n` for a non-root login.
        if rest.first == "timeout" {
            guard rest.count > 4, rest[rest.startIndex + 1] == "-k", [2, 3].allSatisfy({ rest[rest.startIndex + $0].allSatisfy(\.isNumber) && !rest[rest.startIndex + $0].isEmpty })
            else { throw GuardRefusal("timeout used otherwise than `timeout -k N N command`") }
            rest = rest.dropFirst(4)
        }
        if rest.first == "sudo" {
            guard rest.dropFirst().first == "-n", rest.count > 2 else { throw GuardRefusal("sudo used otherwise than `sudo -n command`") }
            rest = rest.dropFirst(2)
        }
        let command = Array(rest)
        guard let program = command.first else { throw GuardRefusal("no command after the prefix") }
        if shapes.exact.contains(command) { return GuardedCommand(argv: argv, isReadOnly: true, kind: nil, vmids: [], guestProgram: []) }
        // A guest's config file (a read, of that guest: the policy's guest ids apply as to `pvesh get .../config`).
        if program == "cat", command.count == 2, let guest = GuestConfigFile.guest(atPath: command[1]) {
            return GuardedCommand(argv: argv, isReadOnly: true, kind: nil, vmids: [guest.vmid.value], guestProgram: [])
        }
        if program == "pvesh" { return try pvesh(command) }
        let candidates = shapes.shapes.filter { $0.program == program && command.dropFirst().starts(with: $0.words) }
            .sorted { $0.words.count > $1.words.count }
        guard let longest = candidates.first?.words.count else {
            throw GuardRefusal("`\(ShellQuoting.commandLine(Array(command.prefix(2))).prefix(60))` is not a command the server's tools send")
        }
        var problems: [String] = []
        for shape in candidates where shape.words.count == longest {
            do { return try cli(command, shape) } catch { problems.append(error.reason) }
        }
        throw GuardRefusal(problems.first ?? "no form matches")
    }

    func pvesh(_ command: [String]) throws(GuardRefusal) -> GuardedCommand {
        guard command.count >= 5, command.suffix(2) == ["--output-format", "json"] else {
            throw GuardRefusal("pvesh without `--output-format json` at the end, which the server always sends")
        }
        guard let method = CommandShapes.methods[command[1]] else { throw GuardRefusal("pvesh \(command[1].prefix(20)) is not get, create, set or delete") }
        let path = command[2]
        let parameters = try Self.parameters(Array(command[3..<(command.count - 2)]))
        let request = try validate(method, path: path, parameters)
        var kind = Self.kind(method, request.endpoint.path, parameters)
        if method != "GET" && !shapes.endpoints.contains("\(method) \(request.endpoint.path)") { kind = "apiWrites" }
        let program = kind == "exec" ? parameters["command"] ?? [] : []
        return GuardedCommand(argv: command, isReadOnly: method == "GET", kind: kind, vmids: Self.vmids(request.variables, parameters), guestProgram: program,
                              hostScriptOption: Self.hostScriptOptions.first { parameters[$0] != nil })
    }

    func cli(_ command: [String], _ shape: CommandShape) throws(GuardRefusal) -> GuardedCommand {
        var rest = Array(command.dropFirst(1 + shape.words.count))
        var guestProgram: [String] = []
        if shape.trailing {
            guard let separator = rest.firstIndex(of: "--"), separator + 1 < rest.count else { throw GuardRefusal("\(shape.program) \(shape.words.joined(separator: " ")) needs `-- program`") }
            guestProgram = Array(rest[(separator + 1)...])
            rest = Array(rest[..<separator])
        } else if rest.contains("--") {
            throw GuardRefusal("`--` where the server sends none")
        }
        var variables: [String: String] = [:]
        var parameters: [String: [String]] = [:]
        var literals: [String] = []
        for (index, slot) in shape.slots.enumerated() {
            let isLast = index == shape.slots.count - 1
            guard let value = rest.first, !value.hasPrefix("--") else { throw GuardRefusal("too few arguments for \(shape.program) \(shape.words.joined(separator: " "))") }
            switch slot {
            case let .pathVariable(name):
                variables[name] = value
                rest.removeFirst()
            case let .parameter(name):
                parameters[name, default: []].append(value)
                rest.removeFirst()
            case let .list(name):
                var items: [String] = []
                while let item = rest.first, !item.hasPrefix("--"), isLast || items.isEmpty { items.append(item); rest.removeFirst() }
                parameters[name, default: []].append(items.joined(separator: ","))
            case let .literal(word):
                guard value == word else { throw GuardRefusal("'\(value.prefix(40))' where \(shape.program) \(shape.words.joined(separator: " ")) takes '\(word)'") }
                literals.append(word)
                rest.removeFirst()
            }
        }
        if let extra = rest.first, !extra.hasPrefix("--") { throw GuardRefusal("an extra argument '\(extra.prefix(40))'") }
        var options = try Self.parameters(rest)
        for (name, isNumber) in shape.cliOptions {
            guard let values = options.removeValue(forKey: name) else { continue }
            for value in values where value.isEmpty || (isNumber && !value.allSatisfy(\.isNumber)) || (!isNumber && !value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })) {
                throw GuardRefusal("--\(name) '\(value.prefix(40))' is not a value the server sends")
            }
        }
        for (name, values) in options { parameters[name, default: []] += values }
        guard let method = shape.method, let template = shape.template else {
            // No API form (pct exec): nothing but the guest id and the program.
            guard parameters.isEmpty, let vmid = variables["vmid"].flatMap(Int.init), (try? VMID(vmid)) != nil else {
                throw GuardRefusal("\(shape.program) \(shape.words.joined(separator: " ")) takes only a guest id and `-- program`")
            }
            return GuardedCommand(argv: command, isReadOnly: false, kind: "exec", vmids: [vmid], guestProgram: guestProgram)
        }
        if shape.trailing { parameters["command"] = guestProgram }
        // The concrete path: the template with the arguments' values, and the node it runs on.
        var path = template
        for (name, value) in variables { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        path = path.replacingOccurrences(of: "{node}", with: "localhost")
        if path.contains("{") { throw GuardRefusal("\(shape.program) \(shape.words.joined(separator: " ")) misses a part of its path") }
        let request = try validate(method, path: path, parameters)
        let kind = shape.trailing ? "exec" : Self.kind(method, template, parameters)
        return GuardedCommand(argv: command, isReadOnly: shape.isReadOnly, kind: shape.isReadOnly ? nil : kind,
                              vmids: Self.vmids(request.variables, parameters), guestProgram: guestProgram,
                              hostScriptOption: Self.hostScriptOptions.first { parameters[$0] != nil })
    }

    /// The request checked by the first schema that accepts it; else the first schema's reason.
    func validate(_ method: String, path: String, _ parameters: [String: [String]]) throws(GuardRefusal) -> APIRequest {
        // The schema also takes a file path (or `-`, stdin) for an archive; the tools send volume ids only.
        for name in Self.volumeOnlyParameters {
            for value in parameters[name] ?? [] where (try? VolumeID(value, field: name)) == nil || value.hasPrefix("/") {
                throw GuardRefusal("--\(name) '\(value.prefix(60))' is not a storage volume id (storage:path), which is all the tools send")
            }
        }
        let values = parameters.mapValues { $0.count == 1 ? JSONValue.string($0[0]) : .array($0.map { .string($0) }) }
        var first: String?
        for schema in schemas {
            do { return try APIRequest(schema: schema, method: method, path: path, parameters: values) } catch {
                first = first ?? "\(error)"
            }
        }
        for load in fallbacks {
            if let request = try? APIRequest(schema: load(), method: method, path: path, parameters: values) { return request }
        }
        throw GuardRefusal(first ?? "no schema")
    }

    /// `--name value` / `--name=value` options by name; anything else is refused.
    static func parameters(_ argv: [String]) throws(GuardRefusal) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for (name, value) in try options(argv) { parameters[name, default: []].append(value) }
        return parameters
    }

    /// `--name value` / `--name=value` pairs, in order; anything else is refused.
    static func options(_ argv: [String]) throws(GuardRefusal) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var index = 0
        while index < argv.count {
            let token = argv[index]
            guard token.hasPrefix("--"), token.count > 2 else { throw GuardRefusal("'\(token.prefix(40))' where an option (--name value) belongs") }
            let body = token.dropFirst(2)
            let name: String, value: String
            if let equals = body.firstIndex(of: "=") {
                (name, value) = (String(body[..<equals]), String(body[body.index(after: equals)...]))
                index += 1
            } else {
                guard index + 1 < argv.count else { throw GuardRefusal("--\(body.prefix(40)) without a value") }
                (name, value) = (String(body), argv[index + 1])
                index += 2
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), name.first?.isLetter == true else {
                throw GuardRefusal("'--\(name.prefix(40))' is not an option name")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// Parameters the schema lets name a host file, which the tools only ever fill with a volume id.
    static let volumeOnlyParameters = ["archive", "ostemplate"]

    /// Options whose value is a script the host runs (as root): vzdump's hook, a guest's hookscript.
    static let hostScriptOptions = ["script", "hookscript"]

    /// The kind of change, for the host policy's `forbid`.
    static func kind(_ method: String, _ template: String, _ parameters: [String: [String]]) -> String? {
        if method == "GET" { return nil }
        if method == "DELETE" { return "delete" }
        if template.hasSuffix("/migrate") { return "migrate" }
        if template.hasSuffix("/agent/exec") { return "exec" }
        if template.hasSuffix("/rollback") { return "restore" }
        if template == "/nodes/{node}/qemu" || template == "/nodes/{node}/lxc" {
            return parameters["archive"] != nil || parameters["restore"] != nil ? "restore" : "create"
        }
        if template.hasSuffix("/clone") { return "create" }
        if template.hasSuffix("/config") || template.hasSuffix("/resize") || template.hasSuffix("/move_disk") || template.hasSuffix("/move_volume") {
            return "config"
        }
        return nil
    }

    static func vmids(_ variables: [String: String], _ parameters: [String: [String]]) -> [Int] {
        var ids = variables["vmid"].flatMap(Int.init).map { [$0] } ?? []
        for name in ["vmid", "newid"] {
            ids += (parameters[name] ?? []).flatMap { $0.split(separator: ",").compactMap { Int($0) } }
        }
        return ids
    }
}

/// A command the guard let through: what it is, for the policy and the log.
public struct GuardedCommand: Sendable, Equatable {
    /// The argv to execute (the whole line, prefix included).
    public var argv: [String]
    public var isReadOnly: Bool
    /// delete, restore, migrate, exec, apiWrites, create, config; nil for reads and other changes.
    public var kind: String?
    public var vmids: [Int]
    /// The program run inside a guest (exec), its arguments after it.
    public var guestProgram: [String]
    /// An option that makes the host run a script (`script`, `hookscript`), when given.
    public var hostScriptOption: String?

    public init(argv: [String], isReadOnly: Bool, kind: String?, vmids: [Int], guestProgram: [String], hostScriptOption: String? = nil) {
        self.argv = argv
        self.isReadOnly = isReadOnly
        self.kind = kind
        self.vmids = vmids
        self.guestProgram = guestProgram
        self.hostScriptOption = hostScriptOption
    }
}
