import ProxmoxCore

/// One API endpoint the simulator answers: method, path template and handler.
struct ApiRoute: Sendable {
    /// `GET`, `PUT`, `POST` or `DELETE`.
    let method: String
    /// Path components; `{name}` matches any one component.
    let template: [String]
    /// Option names the endpoint accepts (from the API schema).
    let parameters: Set<String>
    /// Returns the endpoint's data, or nil for endpoints that return nothing.
    let body: @Sendable (_ options: OptionList, _ pathParameters: [String: String], _ store: StateStore) throws -> JSONValue?

    func matches(method: String, components: [String]) -> [String: String]? {
        guard method == self.method, components.count == template.count else { return nil }
        var bound: [String: String] = [:]
        for (pattern, component) in zip(template, components) {
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

    func handle(_ options: OptionList, _ store: StateStore) throws -> JSONValue? {
        let unknown = options.unknown(allowed: route.parameters)
        guard unknown.isEmpty else {
            throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown)
        }
        return try route.body(options, pathParameters, store)
    }
}

/// The endpoints the simulator answers. Paths and parameters follow the PVE 9.1 API schema.
enum ApiRoutes {
    static let all: [ApiRoute] = [
        ApiRoute(method: "GET", template: ["nodes"], parameters: []) { _, _, store in
            try store.read { cluster in .array(cluster.nodes.map(ApiViews.node)) }
        },
        ApiRoute(method: "GET", template: ["cluster", "resources"], parameters: ["type"]) { options, _, store in
            var options = options
            let type = options.take("type")
            return try store.read { cluster in try ApiViews.resources(cluster, type: type) }
        },
    ]

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
