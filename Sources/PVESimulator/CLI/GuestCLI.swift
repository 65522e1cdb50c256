import ProxmoxCore

/// `qm` and `pct`: the verbs an administrator types. They act on the local node only, run workers
/// synchronously (log on stdout, no UPID), and exit 255 when the task failed (`$upid_exit`).
enum GuestCLI {
    /// One verb: its positional parameters (after the verb), options it takes (nil: config keys,
    /// checked by the operation), and what it does.
    struct Verb: Sendable {
        let positional: [String]
        let options: Set<String>?
        let run: @Sendable (_ call: Call) throws -> Result
    }

    struct Call {
        let kind: GuestKind
        let tool: String
        let positional: [String: String]
        let options: OptionList
        let context: SimulationContext
        let node: String
        /// The program and arguments after `--` (`qm guest exec 100 -- df -h`).
        var trailing: [String] = []

        func vmid(_ name: String = "vmid") throws(CLIFailure) -> Int { try Values.vmid(positional[name] ?? "", field: name) }
    }

    enum Result {
        case text(String)
        case task(WorkerOutcome)
        /// A program's own output and exit status (`pct exec`).
        case output(CommandOutput)
    }

    /// Every feature's verbs for one kind.
    static func verbs(_ kind: GuestKind) -> [String: Verb] {
        SimulatedFeatures.all.reduce(into: [:]) { table, feature in table.merge(feature.verbs(kind)) { first, _ in first } }
    }

    static let tables: [GuestKind: [String: Verb]] = [.qemu: verbs(.qemu), .lxc: verbs(.lxc)]

    static func usage(_ tool: String, _ verb: String, _ positional: [String]) -> String {
        ([tool, verb] + positional.map { "<\($0)>" } + ["[OPTIONS]"]).joined(separator: " ")
    }

    static func run(tool: String, _ arguments: [String], context: SimulationContext) throws -> CommandOutput {
        let kind: GuestKind = tool == "qm" ? .qemu : .lxc
        guard let verbName = arguments.first else {
            return usageError(tool, "no command specified")
        }
        // Two-word verbs (`qm disk resize`, `qm guest cmd`, `qm cloudinit dump`) before one-word ones.
        let twoWords = arguments.count > 1 ? "\(verbName) \(arguments[1])" : ""
        let name = tables[kind]?[twoWords] != nil ? twoWords : verbName
        guard let verb = tables[kind]?[name] else {
            return usageError(tool, "unknown command '\(tool) \(verbName)'")
        }
        let usage = usage(tool, name, verb.positional)
        var rest = Array(arguments.dropFirst(name == twoWords ? 2 : 1))
        var trailing: [String] = []
        if let separator = rest.firstIndex(of: "--") {
            trailing = Array(rest[(separator + 1)...])
            rest = Array(rest[..<separator])
        }
        var positional: [String: String] = [:]
        for name in verb.positional {
            guard let first = rest.first, !first.hasPrefix("-") else {
                return CLIFailure(stderr: "400 not enough arguments\n\(usage)\n", exitStatus: 255).output
            }
            positional[name] = first
            rest.removeFirst()
        }
        let options: OptionList
        switch OptionList.parse(rest) {
        case let .success(list): options = list
        case let .failure(failure): return CLIFailure(stderr: failure.stderr + usage + "\n", exitStatus: 255).output
        }
        do {
            if let allowed = verb.options {
                let unknown = options.unknown(allowed: allowed)
                if !unknown.isEmpty { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
            }
            let node = try context.store.read { context.localNode($0) }
            let call = Call(kind: kind, tool: tool, positional: positional, options: options, context: context, node: node, trailing: trailing)
            switch try verb.run(call) {
            case let .text(text):
                return CommandOutput(stdout: Array(text.utf8), stderr: [], exitStatus: 0)
            case let .task(outcome):
                return outcome.foregroundOutput
            case let .output(output):
                return output
            }
        } catch var failure as CLIFailure {
            // Parameter errors end with the command's usage line, after a blank line.
            if failure.stderr.hasPrefix("400 ") { failure.stderr += "\n\(usage)\n" }
            return failure.output
        }
    }

    static func usageError(_ tool: String, _ message: String) -> CommandOutput {
        let kind: GuestKind = tool == "qm" ? .qemu : .lxc
        let lines = tables[kind, default: [:]].keys.sorted().map { name in
            "       " + usage(tool, name, tables[kind]![name]!.positional)
        }
        let text = "ERROR: \(message)\nUSAGE: \(tool) <COMMAND> [ARGS] [OPTIONS]\n" + lines.joined(separator: "\n") + "\n"
        return CommandOutput(stdout: [], stderr: Array(text.utf8), exitStatus: 255)
    }
}
