/// A command form a builder produces, generalised from one instance (``OperationSamples``): the
/// program and its fixed words, the API endpoint whose schema checks every value, and what each
/// positional argument of a qm/pct form stands for there.
public struct CommandShape: Sendable, Hashable {
    /// What a positional argument of a qm/pct/vzdump/qmrestore form is, found by its value in the
    /// pvesh form of the same operation.
    public enum Slot: Sendable, Hashable {
        /// A variable of the endpoint's path (`{vmid}`, `{snapname}`).
        case pathVariable(String)
        /// A parameter (`qm migrate 100 pve2`: `target`).
        case parameter(String)
        /// Several arguments that are one list parameter (`vzdump 100 101`: `vmid=100,101`).
        case list(String)
        /// A fixed word that is part of the path (`qm guest cmd 100 get-osinfo`).
        case literal(String)
    }

    public let program: String
    /// Fixed words after the program (`disk resize`, `guest cmd`); for pvesh its verb.
    public let words: [String]
    /// The API endpoint that checks the values; nil for forms without one (`pct exec`).
    public let method: String?
    public let template: String?
    public let slots: [Slot]
    /// Options of the qm/pct form that the endpoint does not declare (`qm guest exec --timeout`),
    /// with whether their value is a whole number.
    public let cliOptions: [String: Bool]
    /// Ends with `-- program args...` (a program run inside a guest).
    public let trailing: Bool
    public let isReadOnly: Bool
}

/// The shapes of every sample operation, and the endpoints their pvesh forms use.
public struct CommandShapes: Sendable {
    public let shapes: [CommandShape]
    /// `METHOD template` of every endpoint a builder's pvesh form uses.
    public let endpoints: Set<String>
    /// Commands allowed exactly as they are (the host schema read, the guest list of pmxcfs).
    public let exact: [[String]]

    static let methods = ["get": "GET", "create": "POST", "set": "PUT", "delete": "DELETE"]

    public init(_ samples: [any ProxmoxOperation] = OperationSamples.all, schema: APISchema = EmbeddedSchemas.pve9) {
        var shapes: [CommandShape] = []
        var endpoints = Set<String>()
        for sample in samples {
            let api = sample.apiCommand
            var endpoint: (method: String, template: String, variables: [String: String], options: [(String, String)])?
            if api.program == "pvesh", let method = Self.methods[api.argv[1]], let found = try? schema.endpoint(method, path: api.argv[2]) {
                endpoint = (method, found.endpoint.path, found.variables, (try? HostGuard.options(Array(api.argv.dropFirst(3)))) ?? [])
                endpoints.insert("\(method) \(found.endpoint.path)")
            }
            guard let cli = sample.cliCommand, cli.program != "pvesh" else { continue }
            var rest = Array(cli.argv.dropFirst())
            var words: [String] = []
            while let first = rest.first, first.first?.isLowercase == true, first.allSatisfy({ $0.isLowercase || $0 == "-" }) {
                words.append(first)
                rest.removeFirst()
            }
            var slots: [CommandShape.Slot] = []
            while let value = rest.first, !value.hasPrefix("--") {
                rest.removeFirst()
                if let name = endpoint?.variables.first(where: { $0.value == value })?.key {
                    slots.append(.pathVariable(name))
                } else if endpoint == nil, value == sample.guest?.vmid.description {
                    slots.append(.pathVariable("vmid"))
                } else if let name = endpoint?.options.first(where: { $0.1 == value })?.0 {
                    slots.append(.parameter(name))
                } else if let name = endpoint?.options.first(where: { $0.1.split(separator: ",").map(String.init).contains(value) })?.0 {
                    if slots.last != .list(name) { slots.append(.list(name)) }
                } else {
                    slots.append(.literal(value))
                }
            }
            var trailing = false
            if let separator = rest.firstIndex(of: "--") {
                trailing = true
                rest = Array(rest[..<separator])
            }
            let known = endpoint.flatMap { try? schema.endpoint($0.method, path: api.argv[2]).endpoint }
            var cliOptions: [String: Bool] = [:]
            for (name, value) in (try? HostGuard.options(rest)) ?? [] where known?.parameter(name) == nil {
                cliOptions[name] = !value.isEmpty && value.allSatisfy(\.isNumber)
            }
            shapes.append(CommandShape(program: cli.program, words: words, method: endpoint?.method, template: endpoint?.template, slots: slots,
                                       cliOptions: cliOptions, trailing: trailing, isReadOnly: cli.isReadOnly))
        }
        // The same form from several samples (qemu and lxc of one verb differ by program) only once.
        var seen = Set<CommandShape>()
        self.shapes = shapes.filter { seen.insert($0).inserted }
        self.endpoints = endpoints
        // Plain file reads the server makes (no Perl): the API schema of pve-docs and pmxcfs's guest list.
        exact = [APISchemaCache.readHostSchema.argv, VMList.read.argv]
    }
}
