import ProxmoxCore

/// One request to the simulated API, after its path matched a route.
struct ApiCall {
    let options: OptionList
    let path: [String: String]
    let context: SimulationContext

    var node: String { path["node"] ?? "" }
    func vmid() throws(CLIFailure) -> Int { try Values.vmid(path["vmid"] ?? "") }
    var store: StateStore { context.store }
}

/// What an endpoint returns: data (nil for endpoints that print nothing), or a finished worker.
enum ApiResult {
    case data(JSONValue?)
    case task(WorkerOutcome)
}

/// One API endpoint the simulator answers: method, path template and handler.
struct ApiRoute: Sendable {
    let method: String
    /// Path components; `{name}` matches any one component.
    let template: [String]
    /// Option names the endpoint accepts; nil when the handler checks them (config keys).
    let parameters: Set<String>?
    let handler: @Sendable (ApiCall) throws -> ApiResult

    init(_ method: String, _ path: String, _ parameters: Set<String>?,
         _ handler: @escaping @Sendable (ApiCall) throws -> ApiResult) {
        self.method = method
        template = path.split(separator: "/").map(String.init)
        self.parameters = parameters
        self.handler = handler
    }

    func matches(method: String, components: [String]) -> [String: String]? {
        guard method == self.method else { return nil }
        var bound: [String: String] = [:]
        var components = components
        if let last = template.last, last.hasSuffix("...}") {
            // `{name...}` takes the rest of the path, slashes included (a volume id).
            guard components.count >= template.count else { return nil }
            bound[String(last.dropFirst().dropLast(4))] = components[(template.count - 1)...].joined(separator: "/")
            components = Array(components.prefix(template.count - 1)) + [""]
        }
        guard components.count == template.count else { return nil }
        for (pattern, component) in zip(template, components) {
            if pattern.hasSuffix("...}") { continue }
            if pattern.hasPrefix("{") {
                bound[String(pattern.dropFirst().dropLast())] = component
            } else if pattern != component {
                return nil
            }
        }
        return bound
    }
}

/// A route bound to a concrete path.
struct BoundRoute {
    let route: ApiRoute
    let pathParameters: [String: String]

    func handle(_ options: OptionList, _ context: SimulationContext) throws -> ApiResult {
        if let allowed = route.parameters {
            let unknown = options.unknown(allowed: allowed)
            guard unknown.isEmpty else { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
        }
        if let node = pathParameters["node"] {
            _ = try Values.node(node)
            try context.store.read { cluster in
                guard let known = cluster.node(named: node) else {
                    throw CLIFailure.die("hostname lookup '\(node)' failed - failed to get address info for: \(node): Name or service not known")
                }
                // pvesh reaches other nodes through SSH; an offline node does not answer.
                guard known.online else { throw CLIFailure.die("ssh: connect to host \(known.ip) port 22: No route to host") }
            }
        }
        if pathParameters["vmid"] != nil { _ = try Values.vmid(pathParameters["vmid"]!) }
        return try route.handler(ApiCall(options: options, path: pathParameters, context: context))
    }
}

/// The endpoints the simulator answers: every feature's routes. Paths and parameters follow the
/// PVE 9.1 API schema; guest endpoints exist once per guest kind.
enum ApiRoutes {
    static let all: [ApiRoute] = SimulatedFeatures.all.flatMap { $0.routes }

    static func find(method: String, path: String) -> BoundRoute? {
        let components = path.split(separator: "/").map(String.init)
        for route in all {
            if let bound = route.matches(method: method, components: components) {
                return BoundRoute(route: route, pathParameters: bound)
            }
        }
        return nil
    }
}
