import ProxmoxCore

/// `pvesh get|set|create|delete <api_path> [--param value ...] [--output-format json|json-pretty]`.
enum Pvesh {
    static let verbs = ["get": "GET", "set": "PUT", "create": "POST", "delete": "DELETE"]

    static func run(_ arguments: [String], context: SimulationContext) throws -> CommandOutput {
        guard let verb = arguments.first else {
            return usageError("no command specified")
        }
        guard let method = verbs[verb] else {
            return usageError("unknown command 'pvesh \(verb)'")
        }
        guard arguments.count >= 2 else {
            return CLIFailure.http(400, "not enough arguments", usage: "pvesh \(verb) <api_path> [OPTIONS] [FORMAT_OPTIONS]").output
        }
        let path = normalise(arguments[1])
        let parsed: OptionList
        switch OptionList.parse(Array(arguments.dropFirst(2))) {
        case let .success(list): parsed = list
        case let .failure(failure): return failure.output
        }
        var options = parsed
        let format = options.take("output-format") ?? "text"
        guard let route = ApiRoutes.find(method: method, path: path) else {
            // An endpoint of the real API that this simulator does not model says so, rather than
            // pretending the path does not exist.
            if (try? EmbeddedSchemas.pve9.endpoint(method, path: path)) != nil {
                return CommandOutput(stdout: [], stderr: Array("pve-sim: \(method) \(path) is part of the Proxmox VE API but not simulated\n".utf8),
                                     exitStatus: 1)
            }
            return CommandOutput(stdout: [], stderr: Array("No '\(verb)' handler defined for '\(path)'\n".utf8),
                                 exitStatus: 1)
        }
        do {
            switch try route.handle(options, context) {
            case let .data(result):
                guard let result else { return CommandOutput(stdout: [], stderr: [], exitStatus: 0) }
                return CommandOutput(stdout: Array(try render(result, format: format).utf8), stderr: [], exitStatus: 0)
            case let .task(outcome):
                // The CLI runs workers synchronously: their log on stdout, then the UPID as the last
                // line; a failed task's error goes to stderr and pvesh still exits 0.
                let log = outcome.log.map { $0 + "\n" }.joined()
                let upid = try render(.string(outcome.upid.description), format: format)
                return CommandOutput(stdout: Array((log + upid).utf8), stderr: Array(outcome.stderr.utf8), exitStatus: 0)
            }
        } catch var failure as CLIFailure {
            // Parameter errors end with the command's usage, after a blank line.
            if failure.stderr.hasPrefix("400 ") { failure.stderr += "\npvesh \(verb) <api_path> [OPTIONS] [FORMAT_OPTIONS]\n" }
            return failure.output
        }
    }

    static func render(_ result: JSONValue, format: String) throws -> String {
        let text: String
        switch format {
        case "json": text = PerlJSONStyle.compact(result)
        case "json-pretty": text = PerlJSONStyle.pretty(result)
        case "text":
            // Scalars print raw; structured data as text tables is not simulated (not meant for parsing).
            guard case let .string(scalar) = result else {
                throw CLIFailure(stderr: "pve-sim (simulated Proxmox): --output-format text is simulated for scalar results only; use json\n",
                                 exitStatus: 2)
            }
            text = scalar + "\n"
        case "yaml":
            throw CLIFailure(stderr: "pve-sim (simulated Proxmox): --output-format yaml is not simulated; use json\n", exitStatus: 2)
        default:
            throw CLIFailure.http(400, "Parameter verification failed.",
                                  fields: [("output-format", "value '\(format)' does not have a value in the enumeration 'text, json, json-pretty, yaml'")])
        }
        return text
    }

    /// pvesh accepts paths with or without the leading slash and ignores a trailing one.
    static func normalise(_ path: String) -> String {
        var result = path.hasPrefix("/") ? path : "/" + path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }

    static func usageError(_ message: String) -> CommandOutput {
        let usage = """
            ERROR: \(message)
            USAGE: pvesh <COMMAND> [ARGS] [OPTIONS]
                   pvesh create <api_path> [OPTIONS] [FORMAT_OPTIONS]
                   pvesh delete <api_path> [OPTIONS] [FORMAT_OPTIONS]
                   pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]
                   pvesh set <api_path> [OPTIONS] [FORMAT_OPTIONS]

            """
        return CommandOutput(stdout: [], stderr: Array(usage.utf8), exitStatus: 255)
    }
}

/// Options as Proxmox's `JSONSchema::get_options` reads them: `--name value`, `-name value`,
/// `--name=value`; a boolean may stand alone (`--purge` means 1); repeated options accumulate.
struct OptionList {
    private(set) var values: [(name: String, value: String)] = []

    static func parse(_ arguments: [String]) -> Result<OptionList, CLIFailure> {
        var list = OptionList()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-"), argument.count > 1 else {
                return .failure(.http(400, "too many arguments"))
            }
            var name = String(argument.drop(while: { $0 == "-" }))
            if let equals = name.firstIndex(of: "=") {
                list.values.append((String(name[..<equals]), String(name[name.index(after: equals)...])))
                index += 1
                continue
            }
            name = name.isEmpty ? argument : name
            if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                list.values.append((name, arguments[index + 1]))
                index += 2
            } else {
                list.values.append((name, "1"))
                index += 1
            }
        }
        return .success(list)
    }

    /// Removes and returns the last value of `name`.
    mutating func take(_ name: String) -> String? {
        guard let last = values.last(where: { $0.name == name }) else { return nil }
        values.removeAll { $0.name == name }
        return last.value
    }

    /// Names the endpoint does not define, reported like Proxmox's schema check.
    func unknown(allowed: Set<String>) -> [(String, String)] {
        values.filter { !allowed.contains($0.name) }.map {
            ($0.name, "property is not defined in schema and the schema does not allow additional properties")
        }
    }
}
